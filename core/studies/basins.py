"""Basins of attraction, measured: run a method from a dense grid of starts (and many seeds for
stochastic methods), label the basin each run ends in, and summarise the success rates.

Labels are the basin labels of ``core.minima.basins`` (the same as the results table's "Basin"
column): they index ``BasinMap.minima``; ``NONE`` marks a run whose end flows to no minimum and
``DIVERGED`` one that diverged.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.experiment.spec import Experiment, MethodSpec
from core.forked import call_in_child
from core.landscape import Landscape, Minimum
from core.methods import get_method
from core.minima.basins import DIVERGED as DIVERGED  # the labels besides minimum indices, for callers
from core.minima.basins import GLOBAL_ELSEWHERE as GLOBAL_ELSEWHERE
from core.minima.basins import LOCAL_ELSEWHERE as LOCAL_ELSEWHERE
from core.minima.basins import NONE as NONE
from core.minima.basins import labeller_for
from core.progress import Progress, check_cancel, checked_progress
from core.runs.engine import DIVERGED as DIVERGED_STATUS
from core.runs.engine import Engine

MAX_GRID_1D, MAX_GRID_2D, MAX_SEEDS = 5000, 256, 100
CHUNK_STEPS = 50


@dataclass(frozen=True)
class BasinMap:
    """Where one method ends from every grid start, for every seed."""

    landscape: Landscape
    spec: MethodSpec
    shape: tuple[int, ...]  # grid shape: (G,) or (G, G) with axis 0 = x
    starts: np.ndarray  # (S, dim), S = prod(shape)
    labels: np.ndarray  # (S, R) minimum index, NONE or DIVERGED
    steps: np.ndarray  # (S, R) steps taken
    statuses: np.ndarray  # (S, R) status strings
    final_loss: np.ndarray  # (S, R)
    minima: tuple[Minimum, ...]

    @property
    def seeds(self) -> int:
        return self.labels.shape[1]

    def global_mask(self) -> np.ndarray:
        """(S, R): which runs ended in a global minimum."""
        # Negative labels index from the end: NONE -1, DIVERGED -2, GLOBAL_ELSEWHERE -3, LOCAL_ELSEWHERE -4.
        is_global = np.array([m.kind == "global" for m in self.minima] + [False, True, False, False])
        return is_global[self.labels]

    def global_fraction(self) -> np.ndarray:
        """(S,): the share of seeds that reached a global minimum from each start."""
        return self.global_mask().mean(axis=1)

    def majority_label(self) -> np.ndarray:
        """(S,): the most frequent label of each start over the seeds (ties: the lowest index); read-only."""
        # Kept after the first call: drawing, the colour key and every hover over a map ask for it.
        cached = self.__dict__.get("_majority")
        if cached is None:
            cached = self._count_majority()
            cached.setflags(write=False)
            object.__setattr__(self, "_majority", cached)  # a cache, not a field: the map stays frozen
        return cached

    def _count_majority(self) -> np.ndarray:
        if self.seeds == 1:
            return self.labels[:, 0].copy()
        shifted = self.labels + 4  # LOCAL_ELSEWHERE → 0, …, NONE → 3, minima from 4
        counts = np.apply_along_axis(np.bincount, 1, shifted, minlength=len(self.minima) + 4)
        return counts.argmax(axis=1) - 4


def grid_starts(land: Landscape, size: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Evenly spaced starts over the domain: ``size`` points in 1-D, ``size × size`` in 2-D."""
    limit = MAX_GRID_1D if land.dim == 1 else MAX_GRID_2D
    if not 2 <= size <= limit:
        raise ValueError(
            f"grid size {size} is out of range: expected 2..{limit} for a {land.dim}-D landscape"
        )
    axes = [np.linspace(lo, hi, size) for lo, hi in land.domain]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([m.ravel() for m in mesh]), tuple(len(a) for a in axes)


def compute_basin_map(
    land: Landscape,
    spec: MethodSpec,
    size: int,
    seeds: int = 1,
    seed: int = 0,
    max_steps: int = 1000,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> BasinMap:
    """Run ``spec`` from every grid start (``seeds`` times if it is stochastic) and label the ends.

    Checks ``cancel`` between chunks of steps (raises ``Cancelled``) and reports ``progress``.
    """
    if not 1 <= seeds <= MAX_SEEDS:
        raise ValueError(f"seeds must be 1..{MAX_SEEDS}")
    seeds = runs_per_start(spec, seeds)
    starts, shape = grid_starts(land, size)
    labeller = labeller_for(land)
    shape2 = (len(starts), seeds)
    labels, steps = np.empty(shape2, dtype=int), np.empty(shape2, dtype=int)
    statuses, final_loss = np.empty(shape2, dtype=object), np.empty(shape2)
    for r in range(seeds):
        engine = Engine(Experiment(land, (spec,), starts, max_steps, seed + r), record="final")
        while not engine.done:
            check_cancel(cancel)
            engine.advance(CHUNK_STEPS)
            if progress is not None:
                progress((r + engine.t / max_steps) / seeds)
        diverged = engine.status == DIVERGED_STATUS
        labels[:, r] = DIVERGED
        labels[~diverged, r] = labeller.label(engine.final_x[~diverged])
        steps[:, r], statuses[:, r], final_loss[:, r] = engine.steps, engine.status, engine.final_f
    if progress is not None:
        progress(1.0)
    minima = tuple(labeller.minima)  # the landscape's, then any its flows found
    return BasinMap(land, spec, shape, starts, labels, steps, statuses, final_loss, minima)


def runs_per_start(spec: MethodSpec, seeds: int) -> int:
    """How many runs a map makes from each start: ``seeds`` for a stochastic method, else one (every
    seed gives a deterministic method the same run)."""
    return seeds if get_method(spec.method).stochastic else 1


def compute_basin_maps(
    land: Landscape,
    specs: Sequence[MethodSpec],
    size: int,
    seeds: int = 1,
    seed: int = 0,
    max_steps: int = 1000,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[BasinMap]:
    """``compute_basin_map`` for each spec, with one ``progress`` over all of them.

    Each map's share of the progress is its share of the runs, so the time left estimated from the
    fraction done does not jump when a one-run deterministic map is followed by a many-seed one."""
    runs = np.array([runs_per_start(spec, seeds) for spec in specs], dtype=float)
    bounds = np.concatenate([[0.0], np.cumsum(runs) / max(runs.sum(), 1.0)])
    maps = []
    for k, spec in enumerate(specs):
        part = checked_progress(progress, cancel, float(bounds[k]), float(bounds[k + 1]))
        maps.append(compute_basin_map(land, spec, size, seeds, seed, max_steps, part, cancel))
    return maps


def compute_basin_maps_apart(land: Landscape, *args, progress=None, cancel=None) -> list[BasinMap]:
    """``compute_basin_maps(land, *args)`` in a forked child: the same maps, and ``cancel`` ends the
    child at once (a chunk of steps or a labelling under way need not finish first; the window closes
    without waiting for it)."""
    maps = call_in_child(_maps_without_landscape, land, *args, progress=progress, cancel=cancel)
    return [replace(bmap, landscape=land) for bmap in maps]


def _maps_without_landscape(*args, progress: Progress) -> list[BasinMap]:
    """The maps, each sent back without its landscape (the caller has it; a formula's may not pickle)."""
    return [replace(bmap, landscape=None) for bmap in compute_basin_maps(*args, progress=progress)]


@dataclass(frozen=True)
class SuccessRow:
    """One method's summary over all starts × seeds."""

    method: str
    global_share: float
    median_steps: float  # over runs that converged (NaN if none did)
    median_final_loss: float
    diverged_share: float
    runs: int


def success_row(bmap: BasinMap) -> SuccessRow:
    """The map's summary; ``median_steps`` is NaN when no run converged (tables show "—")."""
    converged = bmap.statuses == "converged"
    steps = bmap.steps[converged]
    finite = bmap.final_loss[np.isfinite(bmap.final_loss)]
    return SuccessRow(
        bmap.spec.to_text(),
        float(bmap.global_mask().mean()),
        float(np.median(steps)) if steps.size else float("nan"),
        float(np.median(finite)) if finite.size else float("nan"),
        float((bmap.labels == DIVERGED).mean()),
        int(bmap.labels.size),
    )
