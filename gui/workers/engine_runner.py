"""Running the engine: in its own process (``core.runs.remote``), driven from the window's thread.

``RunController`` owns the current experiment's engine. Play starts the child process (once per
engine) and tells it to stream; its updates arrive through the pipe, read when a socket notifier says
the pipe is readable, and go on as ``updated`` — immutable ``Update``s, never a shared array. Pause
returns at once (state ``paused``): the child's last updates, the final one exact and not streamed
(so it is drawn in full), arrive as any others. Synchronous steps go to the same child (after what it
sent before), so runs go on where they were.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from core.experiment.spec import Experiment
from core.runs.engine import Engine
from core.runs.remote import EngineProcess
from core.runs.streaming import Update, merge_updates

# The other workers (basin maps, escape events, previews) still share this process's interpreter lock:
# the window's thread waits for it at most this long each time a worker holds it (5 ms by default).
GIL_SWITCH_INTERVAL = 0.001
READ_SECONDS = 0.01  # the pipe is read this long at most in one go: the window draws in between

__all__ = ["GIL_SWITCH_INTERVAL", "RunController", "Update"]


class RunController(QObject):
    """Owns the engine of the current experiment and the process that advances it.

    States: ``idle`` (nothing run yet), ``running``, ``paused``, ``finished``. ``step`` is the engine's
    step as of the latest update received; ``done`` whether every run has ended."""

    updated = Signal(object)  # Update
    failed = Signal(str)
    stateChanged = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.engine: Engine | None = None  # at step 0: the runs' description (the child advances them)
        self.state = "idle"
        self.step_count, self.done = 0, False
        self._speed = 0.0
        self._process: EngineProcess | None = None
        self._notifier: QSocketNotifier | None = None
        self._running = False
        self._pausing = False  # asked to pause, its "paused" not received yet
        self._statuses: tuple = ()

    @property
    def steps_per_second(self) -> float:
        return self._speed

    @property
    def is_running(self) -> bool:
        return self._running

    def load(self, experiment: Experiment | None) -> None:
        """Stop whatever runs and prepare a fresh engine for ``experiment`` (None: nothing to run)."""
        self.stop()
        # The window keeps its own (thinned) copy of the rows, so the engine need not keep them all.
        self.engine = None if experiment is None else Engine(experiment, record="full", keep_chunks=False)
        self.step_count = 0
        self.done = self.engine is not None and self.engine.done
        self._set_state("idle")

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; 0 means as fast as possible. Applies to a running engine at once."""
        self._speed = steps_per_second
        if self._process is not None:
            self._process.send("speed", steps_per_second)

    def play(self) -> None:
        if self.engine is None or self.done or self._running:
            return
        process = self._child()
        process.send("speed", self._speed)
        process.send("play")
        self._running = True
        self._set_state("running")

    def pause(self) -> None:
        """Stop playing; returns at once (see the module docstring)."""
        if self._running:
            self._process.send("pause")
            self._running, self._pausing = False, True
            self._set_state("finished" if self.done else "paused")

    def step(self, n: int = 1) -> None:
        """Advance ``n`` steps at once (when not running); the update arrives before this returns."""
        if self.engine is None or self.done or self._running:
            return
        process = self._child()
        self.settle()
        if self.done:
            return
        result = process.step(n)
        if isinstance(result, str):
            self._fail(result)
            return
        self._take(result)
        self._set_state("finished" if self.done else "paused")

    def stop(self) -> None:
        """End the run and the engine's process (what it computed but did not send yet is dropped:
        the runs are being replaced, or the window closes)."""
        self._running = self._pausing = False
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._process is not None:
            self._process.close()
            self._process = None

    # ---- the pipe -----------------------------------------------------------------------------------
    def _child(self) -> EngineProcess:
        if self._process is None:
            self._process = EngineProcess(self.engine)
            conn = self._process.connection()
            self._notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._read_waiting)
        return self._process

    def _read_waiting(self) -> None:
        """Handle the messages the child has sent, for at most ``READ_SECONDS`` (the notifier calls
        again for the rest); consecutive updates go on as one."""
        began, updates = time.perf_counter(), []
        while self._process is not None and self._process.ready():
            kind, payload = self._process.receive()
            if kind == "update":
                updates.append(payload)
            else:
                self._take_all(updates)
                updates = []
                self._handle(kind, payload)
            if time.perf_counter() - began > READ_SECONDS:
                break
        self._take_all(updates)

    def _take_all(self, updates: list[Update]) -> None:
        if updates:
            self._take(merge_updates(updates))

    def settle(self) -> None:
        """Handle every message the child sent or still owes after a pause (blocks until its "paused")."""
        self._read_waiting()
        while self._pausing and self._process is not None:
            self._handle(*self._process.receive())

    def _handle(self, kind: str, payload: object) -> None:
        if kind == "update":
            self._take(payload)
        elif kind == "finished":
            self._running = False
            self._set_state("finished")
        elif kind == "paused":
            self._pausing = False
        elif kind == "failed":
            self._fail(str(payload))

    def _take(self, update: Update) -> None:
        if update.statuses is None:
            update = replace(update, statuses=self._statuses)
        self._statuses = update.statuses
        self.step_count, self.done = update.step, update.done
        self.updated.emit(update)
        if self.done and self.state == "paused":  # (the last runs ended in the batch before a pause)
            self._set_state("finished")

    def _fail(self, text: str) -> None:
        self._running = self._pausing = False
        process, self._process = self._process, None  # it has gone or is broken: start afresh next time
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        if process is not None:
            process.close()
        self.failed.emit(text)
        self._set_state("paused")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
