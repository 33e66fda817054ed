"""Finding the minima of a landscape on its domain: a dense grid, refinement, verification, the edge.

Grid cells lower than their neighbours are refined by a backtracking descent and a damped Newton
method, and kept only when they are verified minima (``core.minima.critical``) inside the domain;
nearby ones merge. Known exact minima (a built-in's table) replace the points found near them. Then
the **edge** is checked honestly: when f somewhere on the domain's boundary is lower than every
interior minimum, that boundary point is the box's lowest point (kind ``edge``; not a critical point,
so not among the minima) and no interior minimum is called global.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.landscape import Landscape, Minimum
from core.minima.critical import Scales, descend, polish, scales_of, verified
from core.minima.grid import SLOW_GRID, evaluate_grid

GRID_1D = 4001
GRID_2D = SLOW_GRID  # a slow landscape caches this grid, for the view and its basins too
EDGE_POINTS = 2001  # per side of a 2-D box, for the lowest boundary point
MAX_CANDIDATES = 1000  # grid minima refined at most (the lowest), so a wild formula stays cheap
TIE = 1e-9  # values this close (relative to the spread of f) count as equally low


def grid_values(land: Landscape, progress: Callable[[float], None] | None = None):
    """The search grid's axes, its points (N, dim) and f on them (NaN where not finite)."""
    n = GRID_1D if land.dim == 1 else GRID_2D
    axes = [np.linspace(lo, hi, n) for lo, hi in land.domain]
    mesh = np.meshgrid(*axes, indexing="ij")
    points = np.column_stack([m.ravel() for m in mesh])
    if land.dim == 2:  # through the grid cache of expensive landscapes
        return axes, points, evaluate_grid(land, GRID_2D, progress)[2]
    with np.errstate(all="ignore"):
        values = land.value_fn(points)
    return axes, points, np.where(np.isfinite(values), values, np.nan)


def grid_local_minima(values: np.ndarray) -> np.ndarray:
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
    land: Landscape,
    max_minima: int = 200,
    progress: Callable[[float], None] | None = None,
    exact: Sequence[Minimum] = (),
) -> tuple[tuple[Minimum, ...], Minimum | None]:
    """The verified minima of ``land`` inside its domain, lowest first, kinds set, and the lowest edge
    point when it is lower than all of them (see the module docstring). ``exact`` minima (any kind
    given is ignored) are trusted where they lie in the domain. ``progress`` (fractions 0..1) hears
    the grid's evaluation, for slow landscapes."""
    grid_progress = None if progress is None else (lambda f: progress(0.8 * f))
    axes, points, values = grid_values(land, grid_progress)
    scales = scales_of(land, values)
    cells = grid_local_minima(values.reshape([len(a) for a in axes]))
    cells = cells[np.argsort(values.ravel()[cells])][:MAX_CANDIDATES]  # the lowest: bounded cost
    candidates = points[cells]
    found = _refined(land, candidates, scales)
    spacing = (land.upper - land.lower) / (np.array([len(a) for a in axes]) - 1)
    interior = _merged(land, found, [m for m in exact if _inside(land, np.array(m.location))], spacing)
    interior = interior[:max_minima]
    shape = [len(a) for a in axes]
    return classify(interior, lowest_on_edge(land, defined_frontier(points, values.reshape(shape))), scales)


def _refined(land: Landscape, candidates: np.ndarray, scales: Scales) -> list[tuple[np.ndarray, float]]:
    """Descend and polish each candidate; keep the verified minima inside the domain."""
    if not len(candidates):
        return []
    ends = polish(land, descend(land, candidates, iterations=100), scales)
    keep = verified(land, ends, scales) & np.array([_inside(land, p) for p in ends], dtype=bool)
    with np.errstate(all="ignore"):
        f = land.value_fn(ends[keep])
    return [(p, float(v)) for p, v in zip(ends[keep], f, strict=True)]


def _inside(land: Landscape, point: np.ndarray) -> bool:
    slack = 1e-9 * land.scale
    return bool(np.all(point >= land.lower - slack) and np.all(point <= land.upper + slack))


def _merged(
    land: Landscape, found: list[tuple[np.ndarray, float]], exact: list[Minimum], spacing: np.ndarray
) -> list[tuple[tuple[float, ...], float]]:
    """Exact minima first, then found points not within a grid spacing of one already kept; lowest first."""
    kept: list[tuple[np.ndarray, float]] = [(np.array(m.location, dtype=float), m.value) for m in exact]
    locations = np.array([p for p, _ in kept]).reshape(-1, land.dim)
    for point, value in sorted(found, key=lambda pv: pv[1]):
        if not np.any(np.all(np.abs(locations - point) <= spacing, axis=1)):  # no kept point this close
            kept.append((point, value))
            locations = np.vstack([locations, point])
    kept.sort(key=lambda pv: pv[1])
    return [(tuple(float(v) for v in p), float(value)) for p, value in kept]


def defined_frontier(points: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The grid points where f is finite next to a point where it is not: the edge of where f is
    defined (``log(x)`` at x → 0⁺), which counts as part of the domain's edge."""
    finite = np.isfinite(values)
    frontier = np.zeros_like(finite)
    for axis in range(values.ndim):
        for shift in (1, -1):
            neighbour = np.roll(finite, shift, axis=axis)
            edge = [slice(None)] * values.ndim
            edge[axis] = 0 if shift == 1 else -1
            neighbour[tuple(edge)] = True  # np.roll wraps around: the box's own edge is not a frontier
            frontier |= finite & ~neighbour
    return points[frontier.ravel()]


def lowest_on_edge(
    land: Landscape, extra: np.ndarray | None = None
) -> tuple[tuple[float, ...], float] | None:
    """The lowest point of f on the domain's boundary (the endpoints in 1-D, the four sides in 2-D),
    or among the ``extra`` points (the edge of where f is defined)."""
    if land.dim == 1:
        points = land.domain[0]
        candidates = np.array([[points[0]], [points[1]]])
    else:
        (x0, x1), (y0, y1) = land.domain
        t = np.linspace(
            0.0, 1.0, GRID_2D if land.expensive else EDGE_POINTS
        )  # slow: the grid's edge (cached)
        xs, ys = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        candidates = np.concatenate(
            [np.column_stack([xs, np.full_like(xs, c)]) for c in (y0, y1)]
            + [np.column_stack([np.full_like(ys, c), ys]) for c in (x0, x1)]
        )
    if extra is not None and len(extra):
        candidates = np.concatenate([candidates, extra])
    with np.errstate(all="ignore"):
        values = land.value_fn(candidates)
    if not np.isfinite(values).any():
        return None
    i = int(np.nanargmin(np.where(np.isfinite(values), values, np.nan)))
    return tuple(float(v) for v in candidates[i]), float(values[i])


def classify(
    interior: list[tuple[tuple[float, ...], float]],
    edge: tuple[tuple[float, ...], float] | None,
    scales: Scales,
) -> tuple[tuple[Minimum, ...], Minimum | None]:
    """Kinds: the lowest interior minima (``interior`` lowest first) are global unless the edge is
    lower; then every interior minimum is local, and the edge point (kind ``edge``) is returned."""
    tie = TIE * scales.spread
    best = interior[0][1] if interior else np.inf
    edge_lower = edge is not None and edge[1] < best - tie
    minima = tuple(
        Minimum(loc, value, "global" if not edge_lower and value - best <= tie else "local")
        for loc, value in interior
    )
    return minima, Minimum(edge[0], edge[1], "edge") if edge_lower else None
