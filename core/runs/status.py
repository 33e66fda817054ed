"""Every run's live status for the results table, built often while runs stream.

``StatusTracker.snapshot`` gives ``RunStatuses``: one array per column (status, steps, latest point,
losses, the minimum and basin reached) rather than an object per run, so that building, sending and
reading it costs microseconds per thousand runs; ``statuses[r]`` is run r's ``RunStatus``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.minima.basins import labeller_for
from core.minima.match import match_minima
from core.runs.engine import DIVERGED, RUNNING, Engine
from core.runs.results import basin_matches


@dataclass(frozen=True)
class RunStatus:
    """A live snapshot of one run for the results table."""

    status: str
    steps: int
    final: tuple[float, ...]
    final_loss: float
    best_loss: float
    minimum: str  # "global" / "local" / "none", or "" while running
    basin: str


@dataclass(frozen=True, eq=False)
class RunStatuses(Sequence):
    """Every run's ``RunStatus``, one array per field (see the module docstring)."""

    status: np.ndarray  # (runs,) str
    steps: np.ndarray  # (runs,) int
    final: np.ndarray  # (runs, dim): the final point, or the latest while running
    final_loss: np.ndarray
    best_loss: np.ndarray
    minimum: np.ndarray  # (runs,) str
    basin: np.ndarray

    def __len__(self) -> int:
        return len(self.status)

    def __getitem__(self, run: int) -> RunStatus:
        if not -len(self) <= run < len(self):
            raise IndexError(run)
        return RunStatus(
            str(self.status[run]),
            int(self.steps[run]),
            tuple(map(float, self.final[run])),
            float(self.final_loss[run]),
            float(self.best_loss[run]),
            str(self.minimum[run]),
            str(self.basin[run]),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunStatuses):
            return NotImplemented
        return all(
            np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f")
            for mine, theirs in zip(self._columns(), other._columns(), strict=True)
        )

    __hash__ = None  # (arrays: not hashable)

    def _columns(self) -> tuple[np.ndarray, ...]:
        return (
            self.status,
            self.steps,
            self.final,
            self.final_loss,
            self.best_loss,
            self.minimum,
            self.basin,
        )

    def count(self, status: str) -> int:
        """How many runs have ``status``."""
        return int(np.count_nonzero(self.status == status))


class StatusTracker:
    """Builds ``RunStatuses`` of an engine; minimum matching is done once per finished run."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._matched = np.zeros(engine.n_runs, dtype=bool)
        self._minimum = np.full(engine.n_runs, "", dtype="<U16")
        self._basin = np.full(engine.n_runs, "", dtype="<U16")

    def snapshot(self) -> RunStatuses:
        e = self.engine
        status = np.asarray(e.status).astype(str)
        self._match(np.flatnonzero((status != RUNNING) & ~self._matched))
        done = self._matched
        final_loss = np.where(done, e.final_f, e.current_f)
        return RunStatuses(
            status,
            np.where(done, e.steps, e.t),
            np.where(done[:, None], e.final_x, e.current_x),
            final_loss,
            np.fmin(e.best_f, final_loss),
            self._minimum.copy(),
            self._basin.copy(),
        )

    def _match(self, runs: np.ndarray) -> None:
        """Which minimum, and whose basin, each of the newly finished ``runs`` reached."""
        if not runs.size:
            return
        e = self.engine
        land, points = e.exp.landscape, e.final_x[runs]
        minima, basins = match_minima(land, points), basin_matches(labeller_for(land), points)
        diverged = np.asarray(e.status)[runs] == DIVERGED
        self._minimum[runs] = np.where(diverged, "", [m.kind for m in minima])
        self._basin[runs] = np.where(diverged, "", [b.kind for b in basins])
        self._matched[runs] = True
