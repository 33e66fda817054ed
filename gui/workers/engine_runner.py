"""Running the engine off the GUI thread, on the worker base (``gui.workers.base``).

The engine task is a generator: it batches steps, paces them to the requested steps per second, and
yields an immutable ``Update`` at most ~60 times a second (a partial result, and a point where Pause
stops it). It never touches widgets. ``RunController`` adds the run's states and synchronous stepping.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.experiment.spec import Experiment
from core.progress import TaskState
from core.runs.engine import Chunk, Engine
from core.runs.results import RunStatus, StatusTracker
from gui.workers.base import TaskRunner, Throttle

EMIT_INTERVAL = 1 / 60
MAX_BATCH = 20  # steps per engine call: short calls let the stop flag and the GUI thread in often
BATCH_SECONDS = 0.015  # …and fewer steps per call when there are thousands of runs (Pause waits for one)
# After each update the worker sleeps this long: Python's GIL would otherwise let the GUI thread run
# only at the 5 ms switch interval, and the window would stutter at "as fast as possible".
GUI_SHARE = 0.008
# The GUI thread waits for the GIL up to the switch interval (5 ms by default) whenever the worker
# holds it; a shorter interval keeps the window responsive while the worker computes.
GIL_SWITCH_INTERVAL = 0.001
MAX_GUI_WAIT = 0.05
# Every run's status is rebuilt at most this often while streaming, and then with the worker spending
# at most a quarter of its time on it (6,000 runs cost ~0.1 s of Python; the table shows it ~4 times a
# second); always at the end.
STATUS_INTERVAL = 0.1
STATUS_SHARE = 0.25


@dataclass(frozen=True)
class Update:
    """New rows since the last update (concatenated chunks) and every run's status."""

    chunk: Chunk | None
    statuses: tuple[RunStatus, ...]
    step: int
    done: bool
    streamed: bool = False  # from the worker (drawn by the frame timer) rather than a synchronous step


def merge_chunks(chunks: list[Chunk]) -> Chunk | None:
    """One chunk holding the rows of consecutive ``chunks``."""
    if not chunks:
        return None
    if len(chunks) == 1:
        return chunks[0]
    last = chunks[-1]
    return Chunk(
        chunks[0].first_step,
        np.concatenate([c.positions for c in chunks]),
        np.concatenate([c.losses for c in chunks]),
        np.concatenate([c.learning_rates for c in chunks]),
        {k: np.concatenate([c.extras[k] for c in chunks]) for k in last.extras},
        last.status,
        last.steps,
        last.batches,
    )


@dataclass
class Pacing:
    """How fast the engine task runs: steps per second (0 = as fast as possible), read every batch."""

    steps_per_second: float = 0.0


class EngineTask:
    """The generator task that advances ``engine`` (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        tracker: StatusTracker,
        pacing: Pacing,
        gui_idle: threading.Event,
    ):
        self.engine, self.tracker, self.pacing, self.gui_idle = engine, tracker, pacing, gui_idle
        self.batch = 1  # steps per engine call, adapted so that one call takes about BATCH_SECONDS
        self._statuses: tuple[RunStatus, ...] | None = None
        self._statuses_due = 0.0  # when the statuses are rebuilt next

    def __call__(self, state: TaskState) -> Iterator[Update]:
        pending: list[Chunk] = []
        started, steps_done = time.perf_counter(), 0
        throttle = Throttle(EMIT_INTERVAL)
        while not state.interrupted and not self.engine.done:
            # Cleared by the window while it draws a frame: wait (at most MAX_GUI_WAIT) so the GUI
            # thread has the GIL to itself and the frame finishes quickly.
            self.gui_idle.wait(MAX_GUI_WAIT)
            batch = self._due(started, steps_done)
            if batch <= 0:
                time.sleep(min(0.005, 1 / self.pacing.steps_per_second))
                continue
            chunk = self._advance(batch)
            steps_done += batch
            if chunk is not None:
                pending.append(chunk)
            if throttle.due() or self.engine.done:
                yield self.update(pending)
                pending = []
                state.cancel.wait(GUI_SHARE)
        if pending or not self.engine.done:  # (at the end the last update was exact already)
            yield self.update(pending, fresh=True)  # what Pause shows is exact

    def _due(self, started: float, steps_done: int) -> int:
        rate = self.pacing.steps_per_second
        if rate <= 0:
            return self.batch
        return min(int((time.perf_counter() - started) * rate) - steps_done, self.batch)

    def _advance(self, steps: int) -> Chunk | None:
        began = time.perf_counter()
        chunk = self.engine.advance(steps)
        took = time.perf_counter() - began
        if took < BATCH_SECONDS / 2 and steps == self.batch:
            self.batch = min(MAX_BATCH, 2 * self.batch)
        elif took > BATCH_SECONDS:
            self.batch = max(1, self.batch // 2)
        return chunk

    def update(self, chunks: list[Chunk], streamed: bool = True, fresh: bool = False) -> Update:
        e = self.engine
        return Update(
            merge_chunks(chunks), self._status(fresh or not streamed or e.done), e.t, e.done, streamed
        )

    def _status(self, fresh: bool) -> tuple[RunStatus, ...]:
        began = time.perf_counter()
        if fresh or self._statuses is None or began >= self._statuses_due:
            self._statuses = self.tracker.snapshot()
            took = time.perf_counter() - began
            self._statuses_due = began + max(STATUS_INTERVAL, took / STATUS_SHARE)
        return self._statuses


class RunController(QObject):
    """Owns the engine of the current experiment and the task runner that advances it.

    States: ``idle`` (nothing run yet), ``running``, ``paused``, ``finished``.
    """

    updated = Signal(object)  # Update
    failed = Signal(str)
    stateChanged = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.engine: Engine | None = None
        self.tracker: StatusTracker | None = None
        self.state = "idle"
        self.pacing = Pacing()
        self.runner = TaskRunner(self)
        self.runner.partial.connect(self.updated)  # a replaced engine's task is stopped: none stale
        self.runner.failed.connect(self.failed)
        self.runner.finished.connect(self._on_worker_finished)
        self.gui_idle = threading.Event()  # the window clears it while drawing a frame
        self.gui_idle.set()

    @property
    def steps_per_second(self) -> float:
        return self.pacing.steps_per_second

    def load(self, experiment: Experiment | None) -> None:
        """Stop whatever runs and prepare a fresh engine for ``experiment`` (None: nothing to run)."""
        self.stop()
        # The window keeps its own (thinned) copy of the rows, so the engine need not keep them all.
        self.engine = None if experiment is None else Engine(experiment, record="full", keep_chunks=False)
        self.tracker = StatusTracker(self.engine) if self.engine is not None else None
        self._set_state("idle")

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; 0 means as fast as possible. Applies to a running task at once."""
        self.pacing.steps_per_second = steps_per_second

    def play(self) -> None:
        if self.engine is None or self.engine.done or self.is_running:
            return
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)
        self.runner.start(EngineTask(self.engine, self.tracker, self.pacing, self.gui_idle))
        self._set_state("running")

    def pause(self) -> None:
        if self.is_running:
            self.stop()
            self._set_state("paused")

    def step(self, n: int = 1) -> None:
        """Advance ``n`` steps synchronously (when not running)."""
        if self.engine is None or self.engine.done or self.is_running:
            return
        task = EngineTask(self.engine, self.tracker, self.pacing, self.gui_idle)
        chunk = self.engine.advance(n)
        self.updated.emit(task.update([chunk] if chunk is not None else [], streamed=False))
        self._set_state("finished" if self.engine.done else "paused")

    @property
    def is_running(self) -> bool:
        return self.runner.busy

    def stop(self) -> None:
        """Stop the task and wait for its thread; updates it already computed are delivered first, so
        later synchronous steps arrive after them."""
        self.runner.stop(deliver_partials=True)

    def _on_worker_finished(self) -> None:
        if self.state == "running":
            self._set_state("finished" if self.engine is not None and self.engine.done else "paused")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
