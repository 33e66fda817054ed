"""Running the engine off the GUI thread: a QObject worker moved to a QThread.

The worker batches steps, paces them to the requested steps per second, and emits an immutable
``Update`` at most ~60 times a second. It never touches widgets; it stops when its
``threading.Event`` is set (checked every batch), and reports exceptions as a signal.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot

from core.experiment.spec import Experiment
from core.runs.engine import Chunk, Engine
from core.runs.results import RunStatus, StatusTracker

EMIT_INTERVAL = 1 / 60
MAX_BATCH = 20  # steps per engine call: short calls let the stop flag and the GUI thread in often
# After each emit the worker sleeps this long: Python's GIL would otherwise let the GUI thread run
# only at the 5 ms switch interval, and the window would stutter at "as fast as possible".
GUI_SHARE = 0.008
# The GUI thread waits for the GIL up to the switch interval (5 ms by default) whenever the worker
# holds it; a shorter interval keeps the window responsive while the worker computes.
GIL_SWITCH_INTERVAL = 0.001
MAX_GUI_WAIT = 0.05


@dataclass(frozen=True)
class Update:
    """New rows since the last update (concatenated chunks) and every run's status."""

    chunk: Chunk | None
    statuses: tuple[RunStatus, ...]
    step: int
    done: bool
    generation: int  # which loaded engine produced it: updates of a replaced engine are dropped
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


class EngineWorker(QObject):
    """Advances an engine until done or stopped; see the module docstring."""

    updated = Signal(object)  # Update
    failed = Signal(str)
    finished = Signal()

    def __init__(
        self,
        engine: Engine,
        tracker: StatusTracker,
        steps_per_second: float,
        generation: int,
        gui_idle: threading.Event | None = None,
    ):
        super().__init__()
        self.engine, self.tracker, self.generation = engine, tracker, generation
        self.steps_per_second = steps_per_second  # read each batch; may be changed while running
        self.stop_event = threading.Event()
        # Cleared by the window while it draws a frame: the worker waits (at most MAX_GUI_WAIT) so the
        # GUI thread has the GIL to itself and the frame finishes quickly.
        self.gui_idle = gui_idle or threading.Event()
        if gui_idle is None:
            self.gui_idle.set()

    @Slot()
    def run(self) -> None:
        try:
            self._loop()
        except Exception:  # reported to the GUI, never raised in the thread
            self.failed.emit(traceback.format_exc(limit=5))
        finally:
            self.finished.emit()

    def _loop(self) -> None:
        pending: list[Chunk] = []
        started, steps_done = time.perf_counter(), 0
        last_emit = 0.0
        while not self.stop_event.is_set() and not self.engine.done:
            self.gui_idle.wait(MAX_GUI_WAIT)
            rate = self.steps_per_second
            if rate <= 0:  # as fast as possible
                batch = MAX_BATCH
            else:
                due = int((time.perf_counter() - started) * rate) - steps_done
                if due <= 0:
                    time.sleep(min(0.005, 1 / rate))
                    continue
                batch = min(due, MAX_BATCH)
            chunk = self.engine.advance(batch)
            steps_done += batch
            if chunk is not None:
                pending.append(chunk)
            now = time.perf_counter()
            if now - last_emit >= EMIT_INTERVAL or self.engine.done:
                self._emit(pending)
                pending, last_emit = [], now
                self.stop_event.wait(GUI_SHARE)
        if pending:
            self._emit(pending)

    def _emit(self, chunks: list[Chunk]) -> None:
        e = self.engine
        update = Update(merge_chunks(chunks), self.tracker.snapshot(), e.t, e.done, self.generation, True)
        self.updated.emit(update)


class RunController(QObject):
    """Owns the engine of the current experiment and the thread that runs it.

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
        self.steps_per_second = 0.0
        self._generation = 0
        self._thread: QThread | None = None
        self._worker: EngineWorker | None = None
        self.gui_idle = threading.Event()  # the window clears it while drawing a frame
        self.gui_idle.set()

    def load(self, experiment: Experiment | None) -> None:
        """Stop whatever runs and prepare a fresh engine for ``experiment`` (None: nothing to run)."""
        self.stop()
        self._generation += 1
        # The window keeps its own (thinned) copy of the rows, so the engine need not keep them all.
        self.engine = None if experiment is None else Engine(experiment, record="full", keep_chunks=False)
        self.tracker = StatusTracker(self.engine) if self.engine is not None else None
        self._set_state("idle")

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; 0 means as fast as possible. Applies to a running worker at once."""
        self.steps_per_second = steps_per_second
        if self._worker is not None:
            self._worker.steps_per_second = steps_per_second

    def play(self) -> None:
        if self.engine is None or self.engine.done or self.is_running:
            return
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)
        self._worker = EngineWorker(
            self.engine, self.tracker, self.steps_per_second, self._generation, self.gui_idle
        )
        self._thread = QThread()
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.updated.connect(self._on_update)
        self._worker.failed.connect(self.failed)
        self._worker.finished.connect(self._on_worker_finished)
        self._thread.start()
        self._set_state("running")

    def pause(self) -> None:
        if self.is_running:
            self.stop()
            self._set_state("paused")

    def step(self, n: int = 1) -> None:
        """Advance ``n`` steps synchronously (when not running)."""
        if self.engine is None or self.engine.done or self.is_running:
            return
        e = self.engine
        chunk = e.advance(n)
        self._on_update(Update(chunk, self.tracker.snapshot(), e.t, e.done, self._generation))
        self._set_state("finished" if self.engine.done else "paused")

    @property
    def is_running(self) -> bool:
        return self._thread is not None

    def stop(self) -> None:
        """Stop the worker and wait for its thread to end (never terminate())."""
        if self._thread is None:
            return
        self._worker.stop_event.set()
        self._thread.quit()
        self._thread.wait()
        self._thread, self._worker = None, None
        # Deliver the worker's queued updates now, so later synchronous steps arrive after them.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)

    def _on_update(self, update: Update) -> None:
        if update.generation == self._generation:
            self.updated.emit(update)

    def _on_worker_finished(self) -> None:
        if self._worker is not None and self.sender() is self._worker:
            self.stop()
            self._set_state("finished" if self.engine is not None and self.engine.done else "paused")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
