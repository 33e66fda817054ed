"""Sampling a landscape for display: curves, grids, colour scaling and contour levels."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.landscape import Landscape

GRID_PARTS = 20  # with a progress callback, a grid is evaluated in about this many parts
SLOW_GRID = 161  # the grid a slow landscape (a network slice) caches: the minima search's
DISPLAY_GRID = 200  # points per axis of the 2-D view's colour map


def sample_curve(land: Landscape, n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """``n`` evenly spaced x over a 1-D landscape's domain and f(x) (NaN where not finite)."""
    ((lo, hi),) = land.domain
    xs = np.linspace(lo, hi, n)
    with np.errstate(all="ignore"):
        ys = land.value_fn(xs[:, None])
    return xs, np.where(np.isfinite(ys), ys, np.nan)


def evaluate_grid(
    land: Landscape, n: int = 200, progress: Callable[[float], None] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """xs (n,), ys (n,) and Z (n, n) with ``Z[i, j] = f(xs[i], ys[j])`` over a 2-D domain (NaN
    where not finite). ``progress`` hears fractions 0..1 as rows are done. Landscapes with a
    ``grid_cache`` dict keep the result there (read-only arrays), keyed by ``n`` and the domain."""
    cache = getattr(land, "grid_cache", None)
    key = (n, land.domain)
    if cache is not None and key in cache:
        return cache[key]
    (x0, x1), (y0, y1) = land.domain
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    z = np.empty((n, n))
    rows = n if progress is None else max(1, n // GRID_PARTS)
    for start in range(0, n, rows):
        gx, gy = np.meshgrid(xs[start : start + rows], ys, indexing="ij")
        with np.errstate(all="ignore"):
            z[start : start + rows] = land.value_fn(np.column_stack([gx.ravel(), gy.ravel()])).reshape(
                gx.shape
            )
        if progress is not None:
            progress(min(start + rows, n) / n)
    result = (xs, ys, np.where(np.isfinite(z), z, np.nan))
    if cache is not None:
        for arr in result:
            arr.setflags(write=False)
        cache[key] = result
    return result


def display_grid(land: Landscape) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The grid the 2-D view colours (cached by landscapes that have a ``grid_cache``, so a worker that
    prepares a landscape computes it once, off the GUI thread)."""
    return evaluate_grid(land, SLOW_GRID if land.expensive else DISPLAY_GRID)


def needs_log_colours(z: np.ndarray) -> bool:
    """True when values span so many decades that a linear colour scale shows one colour."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return False
    spread = finite.max() - finite.min()
    typical = np.percentile(finite, 50) - finite.min()
    return bool(spread > 0 and typical < spread / 50)


def display_values(z: np.ndarray, log: bool) -> np.ndarray:
    """Values to colour: f itself, or log10(1 + f − min f) to compress a huge range."""
    finite = z[np.isfinite(z)]
    if not log or not finite.size:
        return z
    return np.log10(1.0 + z - finite.min())


def contour_levels(z: np.ndarray, count: int = 12) -> np.ndarray:
    """Contour levels at evenly spaced quantiles of the finite values (dense where the surface is)."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.array([])
    return np.unique(np.quantile(finite, np.linspace(0.02, 0.98, count)))


def loss_gap(losses: np.ndarray, floor: float) -> np.ndarray:
    """f − floor, clipped to a tiny positive value, for log-scale loss plots of signed losses."""
    return np.maximum(losses - floor, 1e-16)


def plotted_losses(losses: np.ndarray, limit: float) -> np.ndarray:
    """Losses to plot: non-finite ones and those above ``limit`` (a diverging run on its way out)
    become NaN, so that they leave a gap instead of stretching the axis to 10²⁷³."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(losses) & (losses <= limit), losses, np.nan)


def sampled_values(land: Landscape, n: int = 41) -> np.ndarray:
    """f on an n-per-axis grid over the domain (a slow landscape's cached display grid instead)."""
    if land.expensive and land.dim == 2:
        return evaluate_grid(land, SLOW_GRID)[2].ravel()
    axes = [np.linspace(lo, hi, n) for lo, hi in land.domain]
    points = np.column_stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")])
    with np.errstate(all="ignore"):
        return land.value_fn(points)


def loss_limit(land: Landscape) -> float:
    """The highest loss worth plotting: the box's highest value plus ten times its range."""
    values = display_grid(land)[2] if land.dim == 2 else sample_curve(land)[1]
    finite = values[np.isfinite(values)]
    if not finite.size:
        return np.inf
    return float(finite.max() + 10.0 * (finite.max() - finite.min() + 1.0))
