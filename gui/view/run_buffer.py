"""Accumulates the engine's streamed chunks into per-run arrays for drawing (storage only, no maths).

Up to ``max_rows`` steps every step is kept; past that the stored history is thinned to every
2nd, 4th, … step (the view draws at most a few thousand points per run anyway), so a long run
keeps bounded memory and constant cost. The latest row is always kept exactly. ``max_rows`` is
``MAX_ROWS``, or fewer when there are so many runs that the history would pass ``values`` numbers
(``MAX_LIVE_VALUES`` in the window). The arrays are reserved at that size at once but never filled
ahead: memory is only taken as rows arrive (the system maps pages when first written), and no row is
ever copied to grow them.
"""

from __future__ import annotations

import numpy as np

from core.limits import MAX_LIVE_VALUES
from core.runs.engine import Chunk, Engine
from gui.style import thin_matrix

MAX_ROWS = 20_000
MIN_ROWS = 64  # rows kept per run however many runs there are (the history is thinned to fit)
# Rows reserved past ``max_rows``: appends go on there while the thinning waits for its own turn.
HEADROOM = 0.25


class RunBuffer:
    """Stored rows (steps 0, s, 2s, … for stride s) of every run, plus the latest row.

    ``steps[r]`` is how many steps run r really took; a finished run's later rows repeat its end.
    """

    def __init__(self, engine: Engine, max_rows: int = MAX_ROWS, values: int = MAX_LIVE_VALUES):
        n_runs, dim = engine.n_runs, engine.land.dim
        per_row = n_runs * (dim + 2 + len(engine._extra_names))
        self.max_rows = max(MIN_ROWS, min(max_rows, values // max(per_row, 1)))
        self.stride = 1
        rows = self.max_rows + int(self.max_rows * HEADROOM)
        self.positions = np.empty((rows, n_runs, dim))
        self.losses = np.empty((rows, n_runs))
        self.learning_rates = np.empty((rows, n_runs))
        self.learning_rates[0] = np.nan
        self.extras: dict[str, np.ndarray] = {}
        self.positions[0] = engine.start_positions
        self.losses[0] = engine.start_losses
        self.stored = 1  # rows in use
        self.step = 0  # the latest step received
        self.last = {
            "positions": self.positions[0].copy(),
            "losses": self.losses[0].copy(),
            "learning_rates": np.full(n_runs, np.nan),
        }
        self.batches: dict[int, np.ndarray] = {}  # run -> its latest minibatch (data landscapes)
        self.ends: dict[str, dict[int, np.ndarray]] = {}  # series -> run -> its value at its last step
        self.steps = np.zeros(n_runs, dtype=np.int64)
        self.status: tuple[str, ...] = ("running",) * n_runs
        self.finished = np.zeros(n_runs, dtype=bool)  # whose status is not "running"
        self.diverged = np.zeros(n_runs, dtype=bool)

    @property
    def rows(self) -> int:
        """Steps received so far, the start included (the number of rows of an unthinned history)."""
        return self.step + 1

    def append(self, chunk: Chunk) -> None:
        steps = np.arange(chunk.first_step, chunk.first_step + chunk.n)
        keep = np.flatnonzero(steps % self.stride == 0)
        while self.stored + keep.size > len(self.losses):  # (no room even in the headroom: thin now)
            self._thin()
            keep = np.flatnonzero(steps % self.stride == 0)
        rows = slice(self.stored, self.stored + keep.size)
        self.positions[rows] = chunk.positions[keep]
        self.losses[rows] = chunk.losses[keep]
        self.learning_rates[rows] = chunk.learning_rates[keep]
        for name, values in chunk.extras.items():
            if name not in self.extras:
                self.extras[name] = np.empty(self.losses.shape)
                self.extras[name][: self.stored] = np.nan  # (the rows before it appeared)
                self.last[name] = np.full(self.losses.shape[1], np.nan)
            self.extras[name][rows] = values[keep]
        self.stored += keep.size
        series = {
            "positions": chunk.positions,
            "losses": chunk.losses,
            "learning_rates": chunk.learning_rates,
            **chunk.extras,
        }
        self.last = {name: values[-1].copy() for name, values in series.items()}
        # A run that ended inside this chunk: keep its end row (later rows carry no rate/extras).
        finished = self.finished if chunk.status == self.status else np.array(chunk.status) != "running"
        ended = np.flatnonzero(finished & ~self.finished)  # (only a run that ended in this chunk)
        at = chunk.steps[ended].astype(int) - chunk.first_step
        inside = (at >= 0) & (at < chunk.n)
        ended, at = ended[inside], at[inside]
        for name, values in series.items():  # (thousands of runs may end in one chunk)
            self.ends.setdefault(name, {}).update(zip(ended.tolist(), values[at, ended], strict=True))
        if chunk.status != self.status:
            self.diverged = np.array(chunk.status) == "diverged"
        self.step, self.steps, self.status = int(steps[-1]), chunk.steps.copy(), chunk.status
        self.finished = finished
        self.batches = chunk.batches

    def snapshot(self) -> RunBuffer:
        """A copy of the rows so far that later appends leave alone (for a worker to read)."""
        copy = object.__new__(RunBuffer)
        copy.__dict__.update(self.__dict__)
        rows = slice(0, self.stored)
        copy.positions, copy.losses = self.positions[rows].copy(), self.losses[rows].copy()
        copy.learning_rates = self.learning_rates[rows].copy()
        copy.extras = {name: values[rows].copy() for name, values in self.extras.items()}
        copy.ends = {name: dict(ends) for name, ends in self.ends.items()}
        return copy

    def until(self, step: int) -> RunBuffer:
        """The rows up to ``step`` (a stored one: a multiple of ``stride``, or the latest) as a buffer
        of their own, sharing these arrays: the runs as they were at ``step``. A run that ended later
        is "running" there."""
        step = min(max(int(step), 0), self.step)
        if step == self.step:
            return self
        past = object.__new__(RunBuffer)
        past.__dict__.update(self.__dict__)
        row = min(step // self.stride, self.stored - 1)
        past.stored, past.step = row + 1, step
        series = {"positions": self.positions, "losses": self.losses, "learning_rates": self.learning_rates}
        past.last = {name: data[row].copy() for name, data in {**series, **self.extras}.items()}
        past.finished = self.finished & (self.steps <= step)
        past.steps = np.minimum(self.steps, step)
        past.status = tuple(
            s if done else "running" for s, done in zip(self.status, past.finished, strict=True)
        )
        past.diverged = self.diverged & past.finished
        past.batches = {}
        return past

    def latest(self, name: str) -> np.ndarray:
        """Every run's value of series ``name`` at its last step (its end if it has finished)."""
        return self._end_values(name, np.arange(len(self.status)))

    @property
    def thin_due(self) -> bool:
        """Whether the stored rows reach into the headroom (``thin`` them soon)."""
        return self.stored > self.max_rows

    def thin(self) -> None:
        """Thin the stored rows until they fit ``max_rows`` (a separate step: with thousands of runs
        a thinning copies tens of megabytes)."""
        while self.stored > self.max_rows:
            self._thin()

    def _thin(self) -> None:
        """Keep every other stored row and double the stride."""
        half = (self.stored + 1) // 2
        for array in (self.positions, self.losses, self.learning_rates, *self.extras.values()):
            array[:half] = array[: self.stored : 2]
        self.stored, self.stride = half, self.stride * 2

    def _row_counts(self, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each of ``runs``: its last step, the stored rows up to it, and whether that last step
        needs the latest row (it is not a stored one)."""
        end = np.where(self.finished[runs], self.steps[runs], self.step)
        count = np.minimum(end // self.stride + 1, self.stored)
        return end, count, (count - 1) * self.stride != end

    def _row_count(self, run: int) -> tuple[int, bool]:
        _, count, extra = self._row_counts(np.array([run]))
        return int(count[0]), bool(extra[0])

    def row_steps(self, run: int) -> np.ndarray:
        """The step number of each row that ``trajectory``/``series`` return for ``run``."""
        end, count, extra = self._row_counts(np.array([run]))
        steps = np.arange(count[0]) * self.stride
        return np.append(steps, end[0]) if extra[0] else steps

    def trajectory(self, run: int) -> np.ndarray:
        """Positions of run ``run`` so far, shape (rows, dim), its latest (or final) position last."""
        return self._rows(self.positions, "positions", run)

    def series(self, name: str, run: int) -> np.ndarray:
        """A per-row series of one run: ``losses``, ``learning_rates`` or an extra (NaN at row 0)."""
        data = self._series_data(name)
        return np.empty(0) if data is None else self._rows(data, name, run)

    def padded(
        self, name: str, runs: np.ndarray, limit: int | None = None, after: int = -1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What ``series`` (or ``trajectory`` for "positions") and ``row_steps`` give for each of
        ``runs``, at once: values (len(runs), rows[, dim]) and steps (len(runs), rows), NaN / -1 past
        each run's rows, and each run's row count. With ``limit``, only every k-th row of each run (and
        its last) is gathered, at most ~``limit`` per run (for drawing: thousands of runs stay cheap).
        With ``after``, only the rows of later steps."""
        runs = np.asarray(runs, dtype=int)
        end, count, extra = self._row_counts(runs)
        first = np.minimum(after // self.stride + 1, count) if after >= 0 else np.zeros_like(count)
        extra &= end > after
        total = count - first + extra
        widest = int(total.max(initial=1))
        if limit is None or widest <= limit:
            index = np.broadcast_to(np.arange(max(widest, 1)), (len(runs), max(widest, 1)))
            used = index < total[:, None]
        else:
            index, used = thin_matrix(total, limit)
        index = index + first[:, None]
        data = self.positions if name == "positions" else self._series_data(name)
        if data is None:
            values = np.full(index.shape, np.nan)
        else:
            values = data[np.minimum(index, self.stored - 1), runs[:, None]]
        at_end = used & extra[:, None] & (index == count[:, None])
        if at_end.any():
            values[at_end] = self._end_values(name, runs[at_end.any(axis=1)])
        values[~used] = np.nan
        steps = np.where(used, np.where(at_end, end[:, None], index * self.stride), -1)
        return values, steps, used.sum(axis=1)

    def _end_values(self, name: str, runs: np.ndarray) -> np.ndarray:
        """Each of ``runs``' value at its last step: its end row if it has finished, else the latest."""
        last = self.last.get(name)
        shape = (len(runs), *self.positions.shape[2:]) if name == "positions" else (len(runs),)
        out = np.full(shape, np.nan) if last is None else np.array(last[runs], dtype=float)
        ends = self.ends.get(name, {})
        for k, run in enumerate(runs.tolist()):
            if run in ends and self.status[run] != "running":
                out[k] = ends[run]
        return out

    def _series_data(self, name: str) -> np.ndarray | None:
        return {"losses": self.losses, "learning_rates": self.learning_rates}.get(name, self.extras.get(name))

    def _rows(self, data: np.ndarray, name: str, run: int) -> np.ndarray:
        count, extra = self._row_count(run)
        stored = data[:count, run]
        if not extra:
            return stored
        return np.concatenate([stored, self._end_values(name, np.array([run]))])
