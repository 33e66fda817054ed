"""Escape events: a run moving from one basin of attraction to another.

Each landscape gets a basin labelling: in 1-D the intervals between consecutive local maxima
(exact, from the maxima found numerically), in 2-D the gradient-flow basin of each cell of a grid
(a backtracking descent from the cell's centre). Along a trajectory, a change of label is an escape
event. Labels index the landscape's known minima in the domain; -1 is "no known minimum".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.landscape import Landscape
from core.minima.grid import evaluate_grid
from core.minima.match import descend
from core.minima.search import GRID_2D as SEARCH_GRID_2D
from core.minima.search import find_minima

GRID_2D = 96


def grid_flow_ends(z: np.ndarray) -> np.ndarray:
    """For each cell of the 2-D grid ``z`` (flat index), the cell where steepest descent on the grid
    ends: each cell steps to its lowest of 8 neighbours while that is lower, until a grid minimum.
    A discrete gradient flow, for landscapes too slow to descend from every cell."""
    v = np.where(np.isfinite(z), z, np.inf)
    n0, n1 = v.shape
    padded = np.pad(v, 1, constant_values=np.inf)
    rows, cols = np.indices(v.shape)
    best, target = v.copy(), (rows * n1 + cols)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            neighbour = padded[1 + di : 1 + di + n0, 1 + dj : 1 + dj + n1]
            lower = neighbour < best
            best = np.where(lower, neighbour, best)
            target = np.where(lower, (rows + di) * n1 + (cols + dj), target)
    ends = target.ravel()
    while True:  # pointer jumping: log2(path length) rounds
        nxt = ends[ends]
        if np.array_equal(nxt, ends):
            return ends
        ends = nxt


class BasinLabeller:
    """Maps points to the basin (index into ``minima``) they lie in."""

    def __init__(self, land: Landscape):
        self.land = land
        self.minima = land.minima_in_domain()
        self._locations = (
            np.array([m.location for m in self.minima]) if self.minima else np.empty((0, land.dim))
        )
        if land.dim == 1:
            self._build_1d()
        else:
            self._build_2d()

    def _nearest_minimum(self, points: np.ndarray) -> np.ndarray:
        if not len(self._locations):
            return np.full(len(points), -1)
        dist = np.linalg.norm(points[:, None, :] - self._locations[None, :, :], axis=2)
        nearest = np.argmin(dist, axis=1)
        return np.where(dist[np.arange(len(points)), nearest] <= 0.02 * self.land.scale, nearest, -1)

    def _build_1d(self) -> None:
        negated = replace(
            self.land,
            value_fn=lambda p: -self.land.value_fn(p),
            grad_fn=lambda p: -self.land.grad_fn(p),
            minima=(),
        )
        self.maxima = np.sort([m.location[0] for m in find_minima(negated)])
        edges = np.concatenate([[self.land.lower[0]], self.maxima, [self.land.upper[0]]])
        centres = ((edges[:-1] + edges[1:]) / 2)[:, None]
        self._interval_labels = self._nearest_minimum(descend(self.land, centres))

    def _build_2d(self) -> None:
        if self.land.expensive:  # a descent from every cell would take minutes: follow the grid
            xs, ys, z = evaluate_grid(self.land, SEARCH_GRID_2D)
            self._axes = (xs, ys)
            gx, gy = np.meshgrid(xs, ys, indexing="ij")
            ends = np.column_stack([gx.ravel(), gy.ravel()])[grid_flow_ends(z)]
            self._grid_labels = self._nearest_minimum(ends).reshape(z.shape)
            return
        (x0, x1), (y0, y1) = self.land.domain
        self._axes = (np.linspace(x0, x1, GRID_2D), np.linspace(y0, y1, GRID_2D))
        gx, gy = np.meshgrid(*self._axes, indexing="ij")
        ends = descend(self.land, np.column_stack([gx.ravel(), gy.ravel()]))
        self._grid_labels = self._nearest_minimum(ends).reshape(GRID_2D, GRID_2D)

    def label(self, points: np.ndarray) -> np.ndarray:
        """The basin label of each row of ``points`` (outside the domain: the nearest edge's)."""
        points = np.asarray(points, dtype=float).reshape(-1, self.land.dim)
        if self.land.dim == 1:
            return self._interval_labels[np.searchsorted(self.maxima, points[:, 0])]
        with np.errstate(invalid="ignore"):  # far-away (diverged) points clip to the edge
            cells = [
                np.nan_to_num(np.rint((points[:, k] - a[0]) / (a[1] - a[0])), nan=0.0)
                for k, a in enumerate(self._axes)
            ]
        idx = [np.clip(c, 0, len(a) - 1).astype(int) for c, a in zip(cells, self._axes, strict=True)]
        return self._grid_labels[idx[0], idx[1]]

    def is_global(self, labels: np.ndarray) -> np.ndarray:
        kinds = np.array([m.kind == "global" for m in self.minima] + [False])
        return kinds[labels]


@dataclass(frozen=True)
class EscapeSummary:
    """Escape events along one trajectory."""

    steps: tuple[int, ...]  # steps at which the run entered a new basin
    first_global_step: int | None  # first step in a global minimum's basin
    highest_barrier: float  # the largest loss climbed above the basin floor before an escape


def escape_events(
    labeller: BasinLabeller, positions: np.ndarray, losses: np.ndarray, row_steps: np.ndarray | None = None
) -> EscapeSummary:
    """Events along a trajectory (rows of ``positions`` and ``losses`` at ``row_steps``).

    The barrier of an escape is the highest loss on the way out (the rows up to and including the
    one in the new basin) minus the lowest loss seen in the basin being left.
    """
    if len(positions) == 0:
        return EscapeSummary((), None, 0.0)
    steps = np.arange(len(positions)) if row_steps is None else np.asarray(row_steps)
    labels = labeller.label(positions)
    changes = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    glob = np.flatnonzero(labeller.is_global(labels))
    barrier = 0.0
    if changes.size:  # segment i runs from the previous change up to (not including) change i
        bounds = np.concatenate([[0], changes])
        seg_min = np.fmin.reduceat(losses, bounds)[:-1]
        seg_max = np.fmax.reduceat(losses, bounds)[:-1]
        climbs = np.fmax(seg_max, losses[changes]) - seg_min
        barrier = float(np.nanmax(climbs)) if np.isfinite(climbs).any() else 0.0
    return EscapeSummary(tuple(steps[changes].tolist()), int(steps[glob[0]]) if glob.size else None, barrier)
