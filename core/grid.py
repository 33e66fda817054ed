"""Sampling a landscape for display: curves, grids, colour scaling and contour levels."""

from __future__ import annotations

import numpy as np

from core.landscape import Landscape


def sample_curve(land: Landscape, n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """``n`` evenly spaced x over a 1-D landscape's domain and f(x) (NaN where not finite)."""
    ((lo, hi),) = land.domain
    xs = np.linspace(lo, hi, n)
    with np.errstate(all="ignore"):
        ys = land.value_fn(xs[:, None])
    return xs, np.where(np.isfinite(ys), ys, np.nan)


def evaluate_grid(land: Landscape, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """xs (n,), ys (n,) and Z (n, n) with ``Z[i, j] = f(xs[i], ys[j])`` over a 2-D domain."""
    (x0, x1), (y0, y1) = land.domain
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    with np.errstate(all="ignore"):
        z = land.value_fn(np.column_stack([gx.ravel(), gy.ravel()])).reshape(n, n)
    return xs, ys, np.where(np.isfinite(z), z, np.nan)


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
    if not log:
        return z
    return np.log10(1.0 + z - np.nanmin(z))


def contour_levels(z: np.ndarray, count: int = 12) -> np.ndarray:
    """Contour levels at evenly spaced quantiles of the finite values (dense where the surface is)."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.array([])
    return np.unique(np.quantile(finite, np.linspace(0.02, 0.98, count)))


def loss_gap(losses: np.ndarray, floor: float) -> np.ndarray:
    """f − floor, clipped to a tiny positive value, for log-scale loss plots of signed losses."""
    return np.maximum(losses - floor, 1e-16)
