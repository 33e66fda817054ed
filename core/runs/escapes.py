"""Escape events: a run moving from one basin of attraction to another (``core.minima.basins`` labels
the basins). Along a trajectory, a change of label is an escape event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.minima.basins import BasinLabeller


@dataclass(frozen=True)
class EscapeSummary:
    """Escape events along one trajectory."""

    steps: tuple[int, ...]  # steps at which the run entered a new basin
    first_global_step: int | None  # first step in a global minimum's basin
    highest_barrier: float  # the largest loss climbed above the basin floor before an escape

    def to_dict(self) -> dict:
        return {
            "escapes": len(self.steps),
            "escape_steps": list(self.steps),
            "first_global_step": self.first_global_step,
            "max_barrier": self.highest_barrier,
        }


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
    return _summary(labeller, labeller.label(positions), losses, steps)


def escape_events_many(
    labeller: BasinLabeller, runs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]
) -> list[EscapeSummary]:
    """``escape_events`` of many runs, each given as (positions, losses, row_steps): the points of all
    runs are labelled together (one vectorized flow for those near a basin boundary), so the result is
    the same as run by run, at a fraction of the cost."""
    sizes = [len(positions) for positions, _, _ in runs]
    if not sum(sizes):
        return [EscapeSummary((), None, 0.0) for _ in runs]
    labels = labeller.label(np.concatenate([positions for positions, _, _ in runs if len(positions)]))
    out, start = [], 0
    for (_, losses, steps), size in zip(runs, sizes, strict=True):
        if size == 0:
            out.append(EscapeSummary((), None, 0.0))
            continue
        out.append(_summary(labeller, labels[start : start + size], losses, np.asarray(steps)))
        start += size
    return out


def _summary(
    labeller: BasinLabeller, labels: np.ndarray, losses: np.ndarray, steps: np.ndarray
) -> EscapeSummary:
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
