"""Finding the minima of a landscape numerically: a dense grid, then local refinement.

Used for landscapes whose minima are not known in closed form (user formulas, data landscapes).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.landscape import Landscape, Minimum
from core.minima.grid import evaluate_grid
from core.minima.match import descend

GRID_1D = 4001
GRID_2D = 161


def _grid(domain: tuple[tuple[float, float], ...]) -> tuple[list[np.ndarray], np.ndarray]:
    n = GRID_1D if len(domain) == 1 else GRID_2D
    axes = [np.linspace(lo, hi, n) for lo, hi in domain]
    mesh = np.meshgrid(*axes, indexing="ij")
    return axes, np.column_stack([m.ravel() for m in mesh])


def _grid_local_minima(values: np.ndarray) -> np.ndarray:
    """Flat indices of grid cells no higher than any neighbour and strictly below at least one."""
    v = np.where(np.isfinite(values), values, np.inf)
    padded = np.pad(v, 1, constant_values=np.inf)
    centre = padded[(slice(1, -1),) * v.ndim]
    is_min = np.isfinite(centre)
    strictly = np.zeros_like(is_min)
    for offset in np.ndindex(*(3,) * v.ndim):
        if all(o == 1 for o in offset):
            continue
        neighbour = padded[tuple(slice(o, o + s) for o, s in zip(offset, v.shape, strict=True))]
        is_min &= centre <= neighbour
        strictly |= centre < neighbour
    return np.flatnonzero((is_min & strictly).ravel())


def find_minima(
    land: Landscape, max_minima: int = 200, progress: Callable[[float], None] | None = None
) -> tuple[Minimum, ...]:
    """The local minima of ``land`` inside its domain, global ones marked, lowest first.

    Grid local minima are refined by a backtracking descent; refined points that leave the domain
    or coincide are dropped. At most ``max_minima`` are kept (the lowest). ``progress`` (fractions
    0..1) is told after each part of the grid, for landscapes that are slow to evaluate.
    """
    axes, points = _grid(land.domain)
    if land.dim == 2:  # through the grid cache of expensive landscapes; the refinement is the last 20 %
        grid_progress = None if progress is None else (lambda f: progress(0.8 * f))
        values = evaluate_grid(land, GRID_2D, grid_progress)[2]
    else:
        with np.errstate(all="ignore"):
            values = land.value_fn(points).reshape([len(a) for a in axes])
    candidates = points[_grid_local_minima(values)]
    if len(candidates) == 0:
        return ()
    refined = descend(land, candidates)
    with np.errstate(all="ignore"):
        f = land.value_fn(refined)
    lo, hi = land.lower, land.upper
    spacing = (hi - lo) / (np.array([len(a) for a in axes]) - 1)
    keep = np.isfinite(f) & np.all((refined >= lo - 1e-9) & (refined <= hi + 1e-9), axis=1)
    refined, f = refined[keep], f[keep]
    order = np.argsort(f)
    chosen: list[int] = []
    for i in order:
        if all(np.any(np.abs(refined[i] - refined[j]) > spacing) for j in chosen):
            chosen.append(int(i))
        if len(chosen) >= max_minima:
            break
    if not chosen:
        return ()
    best = f[chosen[0]]
    tol = 1e-9 * (1 + abs(best))
    return tuple(
        Minimum(tuple(float(v) for v in refined[i]), float(f[i]), "global" if f[i] - best <= tol else "local")
        for i in chosen
    )
