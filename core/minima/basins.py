"""Basins of attraction: which minimum the gradient flow from a point leads to.

``BasinLabeller`` gives every point a label, the same in the window, the command line and basin maps:

* **1-D:** the intervals between consecutive local maxima of f (sign changes of f' from + to −,
  refined by bisection; also where f stops being defined). Exact; no descent needed.
* **2-D:** a grid map of gradient-flow ends (a backtracking descent, then damped Newton steps with a
  trust region, from each cell's centre). A point whose cell lies on a basin boundary of the map
  (its 3 × 3 neighbourhood is mixed), or that lies outside the domain, gets its own flow computed.
  Landscapes that are slow to evaluate (network slices) take the steepest-descent path on their cached
  search grid for the map.

Labels: the index of a minimum in ``labeller.minima`` (the landscape's minima in its domain, then any
verified minimum in the domain that a flow found and the landscape does not list, e.g. Ackley's far
lattice points); ``GLOBAL_ELSEWHERE`` / ``LOCAL_ELSEWHERE`` for a verified minimum outside the domain
(as low as the global one, or not); ``NONE`` when the flow reaches no minimum (a saddle, or f falling
without bound). ``DIVERGED`` is for callers.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from core.forked import call_in_child
from core.landscape import Landscape, Minimum
from core.minima.critical import descend, landscape_scales, polish, verified
from core.minima.grid import SLOW_GRID, evaluate_grid
from core.progress import Progress

NONE, DIVERGED, GLOBAL_ELSEWHERE, LOCAL_ELSEWHERE = -1, -2, -3, -4
GRID_2D = 96  # cells per axis of the 2-D basin map

GRID_1D = 20001  # points on which f' is scanned for sign changes
FLOW_STEPS = 400
MAX_MEMO = 200_000  # flow labels remembered per labeller (points near basin boundaries)
FLOW_CHUNK = 1024  # map cells descended together (between two progress reports)
NEAREST_BLOCK = 4096  # flow ends matched to the minima at once
MATCH_TOL = 1e-3  # a flow end this close (fraction of the domain size) to a minimum is in its basin
_CACHE_SIZE = 8
_CACHE: OrderedDict[int, tuple[Landscape, BasinLabeller]] = OrderedDict()
_BUILDING: dict[int, threading.Lock] = {}  # one lock per landscape being labelled
_GUARD = threading.Lock()


def _fresh_locks_in_child() -> None:
    """In a forked child (the engine's process) a lock another thread held at the fork would never be
    released: it gets new ones. What the caches hold stays (only complete entries are stored)."""
    global _GUARD
    _GUARD = threading.Lock()
    _BUILDING.clear()
    for _, labeller in _CACHE.values():
        labeller._lock = threading.RLock()


os.register_at_fork(after_in_child=_fresh_locks_in_child)


def cached_labeller(land: Landscape) -> BasinLabeller | None:
    """The labeller of ``land`` if one was built already (never builds: safe on a GUI thread)."""
    hit = _CACHE.get(id(land))
    return hit[1] if hit is not None and hit[0] is land else None


def labeller_for(land: Landscape, progress: Callable[[float], None] | None = None) -> BasinLabeller:
    """The (cached) labeller of ``land``: building one costs a grid of descents in 2-D. Threads that
    ask for the same landscape at once build it once (the others wait); ``progress`` hears how far the
    build is (and may raise to cancel it)."""
    hit = cached_labeller(land)
    if hit is not None:
        return hit
    with _GUARD:
        lock = _BUILDING.setdefault(id(land), threading.Lock())
    with lock:
        hit = cached_labeller(land)
        if hit is None:
            hit = BasinLabeller(land, progress)
            _remember(land, hit)
    with _GUARD:
        _BUILDING.pop(id(land), None)
    return hit


def labeller_built_apart(
    land: Landscape, progress: Progress | None = None, cancel: threading.Event | None = None
) -> BasinLabeller:
    """``labeller_for(land)``, a 2-D one built in a forked child process (``core.forked``): the caller's
    process keeps its interpreter lock for its window. The labeller comes back without its memo."""
    hit = cached_labeller(land)
    if hit is not None:
        return hit
    if land.dim == 1 and getattr(land, "dataset", None) is None:  # a scan of one line: quicker than a fork
        return labeller_for(land, progress)
    labeller = call_in_child(_built, land, progress=progress, cancel=cancel)
    labeller.land = land
    hit = cached_labeller(land)  # (built here meanwhile: keep that one)
    if hit is not None:
        return hit
    _remember(land, labeller)
    return labeller


def _built(land: Landscape, progress: Progress) -> BasinLabeller:
    return BasinLabeller(land, progress)


def _remember(land: Landscape, labeller: BasinLabeller) -> None:
    with _GUARD:
        _CACHE[id(land)] = (land, labeller)  # the landscape is kept, so its id is not reused meanwhile
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


class BasinLabeller:
    """Maps points to the basin they lie in (see the module docstring)."""

    def __init__(self, land: Landscape, progress: Callable[[float], None] | None = None):
        self.land = land
        self._report = progress
        self.minima: list[Minimum] = list(land.minima_in_domain())
        self._locations = np.array([m.location for m in self.minima]).reshape(-1, land.dim)
        self._memo: dict[bytes, int] = {}
        self._lock = threading.RLock()  # the window's escape worker and the engine's share a labeller
        self.scales = landscape_scales(land)
        if land.dim == 1:
            self._build_1d()
        else:
            self._build_2d()

    def __getstate__(self) -> dict:
        """For a labeller built in another process: the landscape is the receiver's own (it sets
        ``land``); the memo, the lock and the progress sink are left behind."""
        state = dict(self.__dict__)
        for name in ("land", "_report", "_lock"):
            state.pop(name, None)
        state["_memo"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.land, self._report, self._lock = None, None, threading.RLock()

    # ---- flows -----------------------------------------------------------------------------------------
    def flow_labels(self, points: np.ndarray) -> np.ndarray:
        """The label of the flow from each point, computed (memoised per point)."""
        points = np.asarray(points, dtype=float).reshape(-1, self.land.dim)
        keys = [p.tobytes() for p in points]
        with self._lock:
            known = {k: self._memo[k] for k in keys if k in self._memo}
            todo = {k: i for i, k in enumerate(keys) if k not in known}
            if todo:
                labels = self._end_labels(self._flow(points[list(todo.values())]))
                new = dict(zip(todo, labels.tolist(), strict=True))
                if len(self._memo) + len(new) > MAX_MEMO:  # long streams: memory stays bounded
                    self._memo.clear()
                self._memo.update(new)
                known.update(new)
            return np.array([known[k] for k in keys], dtype=int)

    def _flow(self, points: np.ndarray) -> np.ndarray:
        ends = points.copy()
        finite = np.isfinite(points).all(axis=1)
        if finite.any():
            # Small descent steps follow the flow into the basin's bottom (a valley floor, say);
            # damped Newton steps, downhill only, then reach its minimum.
            ends[finite] = descend(self.land, points[finite], FLOW_STEPS, max_step=0.01)
            ends[finite] = polish(self.land, ends[finite], self.scales)
        return ends

    def _chunked_flow(self, points: np.ndarray) -> np.ndarray:
        """``_flow`` in chunks of ``FLOW_CHUNK`` points, reporting progress after each."""
        parts = []
        for start in range(0, len(points), FLOW_CHUNK):
            parts.append(self._flow(points[start : start + FLOW_CHUNK]))
            if self._report is not None:
                self._report(min(start + FLOW_CHUNK, len(points)) / len(points))
        return np.concatenate(parts)

    def _end_labels(self, ends: np.ndarray) -> np.ndarray:
        """The known minimum near each flow end; else a verified minimum (added to ``minima`` when it
        lies in the domain, ELSEWHERE when not); else NONE."""
        labels = self._nearest(ends)
        rest = np.flatnonzero(labels == NONE)
        if rest.size:
            blocks = range(0, rest.size, NEAREST_BLOCK // 4)  # (in blocks, for the lock: see _nearest)
            ok = np.concatenate(
                [verified(self.land, ends[rest[i : i + NEAREST_BLOCK // 4]], self.scales) for i in blocks]
            )
            for i in rest[ok]:
                labels[i] = self._discovered(ends[i])
        return labels

    def _nearest(self, ends: np.ndarray) -> np.ndarray:
        if not len(self._locations):
            return np.full(len(ends), NONE)
        # In blocks: one pass over a whole map × hundreds of minima holds the interpreter lock for
        # ~0.1 s, and the window's thread would wait for it that long.
        return np.concatenate(
            [self._nearest_block(ends[i : i + NEAREST_BLOCK]) for i in range(0, len(ends), NEAREST_BLOCK)]
        )

    def _nearest_block(self, ends: np.ndarray) -> np.ndarray:
        dist = np.linalg.norm(ends[:, None, :] - self._locations[None, :, :], axis=2)
        nearest = np.argmin(dist, axis=1)
        close = dist[np.arange(len(ends)), nearest] <= MATCH_TOL * self.land.scale
        return np.where(close, nearest, NONE)

    def _discovered(self, end: np.ndarray) -> int:
        """The label of a verified minimum no listed one is near (added to ``minima`` if in the domain)."""
        again = int(self._nearest(end[None, :])[0])
        if again != NONE:
            return again
        value = float(self.land.value(end)[0])
        best = self.land.global_value
        kind = "global" if best is not None and value <= best + 1e-6 * self.scales.spread else "local"
        if not np.all((end >= self.land.lower) & (end <= self.land.upper)):
            return GLOBAL_ELSEWHERE if kind == "global" else LOCAL_ELSEWHERE
        self.minima.append(Minimum(tuple(float(v) for v in end), value, kind))
        self._locations = np.vstack([self._locations, end[None, :]])
        return len(self.minima) - 1

    # ---- 1-D: intervals between maxima ----------------------------------------------------------------
    def _build_1d(self) -> None:
        self.maxima = local_maxima_1d(self.land)
        edges = np.concatenate([[-np.inf], self.maxima, [np.inf]])
        lo, hi = self.land.domain[0]
        self._interval_labels = np.full(len(edges) - 1, NONE)
        xs = self._locations[:, 0]
        for k in range(len(edges) - 1):
            inside = np.flatnonzero((xs > edges[k]) & (xs < edges[k + 1]))
            if inside.size:
                values = [self.minima[i].value for i in inside]
                self._interval_labels[k] = inside[int(np.argmin(values))]
            else:  # its minimum lies outside the box: follow the flow from inside the interval
                a, b = max(edges[k], lo), min(edges[k + 1], hi)
                self._interval_labels[k] = self.flow_labels(np.array([[(a + b) / 2]]))[0]

    # ---- 2-D: a grid map, refined near its boundaries --------------------------------------------------
    def _build_2d(self) -> None:
        if self.land.expensive:  # a descent from every cell would take minutes: follow the grid
            xs, ys, z = evaluate_grid(self.land, SLOW_GRID, self._report)
            self._axes = (xs, ys)
            gx, gy = np.meshgrid(xs, ys, indexing="ij")
            cells, inverse = np.unique(grid_flow_ends(z), return_inverse=True)  # a few grid minima
            ends = polish(self.land, np.column_stack([gx.ravel(), gy.ravel()])[cells], self.scales)
            self._grid_labels = self._end_labels(ends)[inverse].reshape(z.shape)
        else:
            (x0, x1), (y0, y1) = self.land.domain
            self._axes = (np.linspace(x0, x1, GRID_2D), np.linspace(y0, y1, GRID_2D))
            gx, gy = np.meshgrid(*self._axes, indexing="ij")
            centres = np.column_stack([gx.ravel(), gy.ravel()])
            self._grid_labels = self._end_labels(self._chunked_flow(centres)).reshape(GRID_2D, GRID_2D)
        padded = np.pad(self._grid_labels, 1, mode="edge")
        mixed = np.zeros(self._grid_labels.shape, dtype=bool)
        n0, n1 = self._grid_labels.shape
        for di in range(3):
            for dj in range(3):
                mixed |= padded[di : di + n0, dj : dj + n1] != self._grid_labels
        self._mixed = mixed

    def label(self, points: np.ndarray) -> np.ndarray:
        """The basin label of each row of ``points``."""
        points = np.asarray(points, dtype=float).reshape(-1, self.land.dim)
        if self.land.dim == 1:
            with np.errstate(invalid="ignore"):
                return self._interval_labels[np.searchsorted(self.maxima, points[:, 0])]
        cells = [self._cell(points[:, k], axis) for k, axis in enumerate(self._axes)]
        labels = self._grid_labels[cells[0], cells[1]].copy()
        inside = np.all((points >= self.land.lower) & (points <= self.land.upper), axis=1)
        exact = np.flatnonzero(self._mixed[cells[0], cells[1]] | ~inside)
        if exact.size:
            labels[exact] = self.flow_labels(points[exact])
        return labels

    @staticmethod
    def _cell(values: np.ndarray, axis: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            index = np.rint((values - axis[0]) / (axis[1] - axis[0]))
        return np.clip(np.nan_to_num(index, nan=0.0), 0, len(axis) - 1).astype(int)

    def is_global(self, labels: np.ndarray) -> np.ndarray:
        """Whether each label is a global minimum's basin (in the domain or an equally low one elsewhere)."""
        labels = np.asarray(labels)
        kinds = np.array([m.kind == "global" for m in self.minima], dtype=bool)
        inside = labels >= 0
        out = labels == GLOBAL_ELSEWHERE
        out[inside] = kinds[labels[inside]]
        return out


def local_maxima_1d(land: Landscape) -> np.ndarray:
    """Where f' changes sign from + to − on the domain (refined by bisection), and where f stops being
    defined (the flow cannot cross a gap), sorted."""
    ((lo, hi),) = land.domain
    xs = np.linspace(lo, hi, GRID_1D)
    with np.errstate(all="ignore"):
        g = land.grad_fn(xs[:, None])[:, 0]
        f = land.value_fn(xs[:, None])
    crossing = np.flatnonzero((g[:-1] > 0) & (g[1:] <= 0))
    a, b = xs[crossing], xs[crossing + 1]
    for _ in range(60):
        mid = (a + b) / 2
        with np.errstate(all="ignore"):
            gm = land.grad_fn(mid[:, None])[:, 0]
        a, b = np.where(gm > 0, mid, a), np.where(gm > 0, b, mid)
    finite = np.isfinite(f) & np.isfinite(g)
    gaps = xs[np.flatnonzero(finite[:-1] != finite[1:])]
    return np.sort(np.concatenate([(a + b) / 2, gaps]))


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
