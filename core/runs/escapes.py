"""Escape events: a run moving from one basin of attraction to another (``core.minima.basins`` labels
the basins). Along a trajectory, a change of label is an escape event."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.minima.basins import BasinLabeller


@dataclass(frozen=True)
class EscapeSummary:
    """Escape events along one trajectory."""

    steps: tuple[int, ...]  # steps at which the run entered a new basin
    first_global_step: int | None  # first step in a global minimum's basin
    highest_barrier: float  # the largest loss climbed above the basin floor before an escape

    def until(self, step: int) -> EscapeSummary:
        """The events at or before ``step`` (the highest barrier before it is not kept: NaN)."""
        first = (
            self.first_global_step
            if self.first_global_step is not None and self.first_global_step <= step
            else None
        )
        return EscapeSummary(tuple(s for s in self.steps if s <= step), first, float("nan"))

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


UNSEEN = -10  # no row of the run fed yet (never a basin label)


class EscapeTracker:
    """Escape events of many runs found a few rows at a time: feeding each run's rows in pieces, in
    order, gives what ``escape_events`` gives for all of them at once (tested). Carried per run: the
    label of its last row, the lowest and highest loss since it entered that basin, the steps of its
    events, its first step in a global basin and its highest barrier; and where its latest ``marks``
    events happened (for the view)."""

    def __init__(self, n_runs: int, dim: int, marks: int = 20):
        self.n_runs, self.dim, self.marks = n_runs, dim, marks
        self.last_label = np.full(n_runs, UNSEEN)
        self.low = np.full(n_runs, np.nan)  # the loss range since the run entered its basin
        self.high = np.full(n_runs, np.nan)
        self.barrier = np.zeros(n_runs)
        self.steps: list[list[int]] = [[] for _ in range(n_runs)]
        self.first_global: list[int | None] = [None] * n_runs
        self.where: list[list[np.ndarray]] = [[] for _ in range(n_runs)]  # (position, loss) at events

    def feed(
        self,
        labeller: BasinLabeller,
        runs: Sequence[int],
        rows: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
    ) -> None:
        """The next rows of each of ``runs``: (positions, losses, steps), later than any fed before.
        Every run's points are labelled together (one vectorized flow near basin boundaries)."""
        sizes = [len(positions) for positions, _, _ in rows]
        if not sum(sizes):
            return
        labels = labeller.label(np.concatenate([positions for positions, _, _ in rows if len(positions)]))
        start = 0
        for run, (positions, losses, steps), size in zip(runs, rows, sizes, strict=True):
            if size:
                self._feed_run(labeller, run, labels[start : start + size], positions, losses, steps)
                start += size

    def _feed_run(self, labeller, run: int, labels, positions, losses, steps) -> None:
        if self.first_global[run] is None:
            glob = np.flatnonzero(labeller.is_global(labels))
            self.first_global[run] = int(steps[glob[0]]) if glob.size else None
        carried = 2 if self.last_label[run] != UNSEEN else 0  # the basin's loss range as two rows
        labels = np.concatenate([[self.last_label[run]] * carried, labels])
        losses = np.concatenate([[self.low[run], self.high[run]][:carried], losses])
        changes = np.flatnonzero(labels[1:] != labels[:-1]) + 1
        if changes.size:
            bounds = np.concatenate([[0], changes])
            climbs = np.fmax(np.fmax.reduceat(losses, bounds)[:-1], losses[changes])
            climbs -= np.fmin.reduceat(losses, bounds)[:-1]
            if np.isfinite(climbs).any():
                self.barrier[run] = max(self.barrier[run], float(np.nanmax(climbs)))
            self.steps[run].extend(steps[changes - carried].tolist())
            at = changes[-self.marks :] - carried
            self.where[run] = [*self.where[run], *np.column_stack([positions[at], losses[at + carried]])]
            self.where[run] = self.where[run][-self.marks :]
        since = changes[-1] if changes.size else 0
        with np.errstate(invalid="ignore"):
            self.low[run], self.high[run] = np.fmin.reduce(losses[since:]), np.fmax.reduce(losses[since:])
        self.last_label[run] = labels[-1]

    def summary(self, run: int) -> EscapeSummary:
        """Run ``run``'s events so far."""
        return EscapeSummary(tuple(self.steps[run]), self.first_global[run], float(self.barrier[run]))

    def event_points(self, runs: Sequence[int]) -> np.ndarray:
        """Where the latest events of ``runs`` happened: rows (position..., loss), run after run."""
        rows = [row for run in runs for row in self.where[run]]
        return np.array(rows, dtype=float).reshape(-1, self.dim + 1)

    def event_steps(self, runs: Sequence[int]) -> np.ndarray:
        """The step of each row ``event_points`` gives for ``runs``."""
        steps = [s for run in runs for s in self.steps[run][len(self.steps[run]) - len(self.where[run]) :]]
        return np.array(steps, dtype=np.int64)


def feed_padded(
    tracker: EscapeTracker,
    labeller: BasinLabeller,
    runs: np.ndarray,
    positions: np.ndarray,
    losses: np.ndarray,
    counts: np.ndarray,
    steps: np.ndarray,
    progress: Callable[[float], None] | None = None,
    chunk: int = 100,
) -> EscapeTracker:
    """``tracker`` fed the next rows of ``runs`` given padded, as ``RunBuffer.padded`` gives them:
    positions (runs, rows, dim), losses and steps (runs, rows) and each run's count of rows. ``chunk``
    runs are labelled together between two reports to ``progress`` (which may cancel)."""
    for first in range(0, len(runs), chunk):
        part = range(first, min(first + chunk, len(runs)))
        rows = [(positions[k, : counts[k]], losses[k, : counts[k]], steps[k, : counts[k]]) for k in part]
        tracker.feed(labeller, runs[first : first + chunk], rows)
        if progress is not None:
            progress(min(1.0, (first + chunk) / len(runs)))
    return tracker
