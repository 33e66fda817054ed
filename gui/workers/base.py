"""The one worker base: every long computation (the engine's runs, basin maps, network slices, the
high-dimensional study) runs through a ``TaskRunner`` in a worker thread.

A task is a plain Qt-free function taking a ``core.progress.TaskState``: it reports progress with
``state.progress(f)`` (which raises ``Cancelled`` once Cancel was asked) and returns its result; or it
is a generator function, where every ``yield`` is a partial result and a cancellation point, and its
``return`` value is the result. The runner owns at most one current task: starting another cancels the
first without waiting for it (it winds down in the background, so the GUI thread never blocks on it),
and every signal carries its task's token, so results of a replaced or stopped task never arrive.
``stop_workers(root)`` stops and joins every runner under a widget (what a window does on close).

Worker threads share the interpreter lock with the window's thread; a frame drawn while one computes
takes several times longer (each hand-over of the lock costs the window up to the switch interval).
So a task waits at each progress report while ``GUI_GATE`` says the window is drawing (at most
``MAX_GUI_WAIT``). The engine runs in its own process and needs none of this.
"""

from __future__ import annotations

import inspect
import threading
import time
import traceback
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot

from core.files import failure_text
from core.progress import Cancelled, TaskState

Task = Callable[[TaskState], Any]  # returns the result, or is a generator of partial results
PROGRESS_INTERVAL = 0.05  # seconds between two progress reports
MAX_GUI_WAIT = 0.05  # a task waits at most this long for the window to finish drawing


class GuiGate:
    """Whether the window is drawing a frame (see the module docstring)."""

    def __init__(self):
        self._idle = threading.Event()
        self._idle.set()

    def drawing(self) -> None:
        self._idle.clear()

    def drawn(self) -> None:
        self._idle.set()

    def wait(self) -> None:
        """In a worker: wait while the window draws (at most ``MAX_GUI_WAIT``)."""
        self._idle.wait(MAX_GUI_WAIT)


GUI_GATE = GuiGate()


class Throttle:
    """Lets an event through at most once per ``interval`` seconds (the first one at once)."""

    def __init__(self, interval: float):
        self.interval = interval
        self._last = -float("inf")

    def due(self, now: float | None = None) -> bool:
        """True (and the clock restarts) if ``interval`` has passed since the last time it was."""
        now = time.perf_counter() if now is None else now
        if now - self._last < self.interval:
            return False
        self._last = now
        return True


class Worker(QObject):
    """Runs one task in its thread; reports throttled progress, partial results, and one outcome."""

    progressed = Signal(int, float, float)  # token, fraction done, seconds left (-1 while unknown)
    partial = Signal(int, object)
    succeeded = Signal(int, object)
    cancelled = Signal(int)
    failed = Signal(int, str)
    finished = Signal(int)

    def __init__(self, task: Task, token: int):
        super().__init__()
        self.task, self.token = task, token
        self.state = TaskState(self._progress, lambda result: self.partial.emit(self.token, result))
        self._throttle = Throttle(PROGRESS_INTERVAL)
        self._started = 0.0

    @Slot()
    def run(self) -> None:
        self._started = time.perf_counter()
        try:
            result = self.task(self.state)
            if inspect.isgenerator(result):
                result = self._drain(result)
            self.succeeded.emit(self.token, result)
        except Cancelled:
            self.cancelled.emit(self.token)
        except (ValueError, OSError) as exc:  # a refusal or a failed write, said in words for the user
            self.failed.emit(self.token, failure_text(exc))
        except Exception as exc:  # shown to the user (its last line: type and message), never raised here
            self.failed.emit(self.token, traceback.format_exception_only(exc)[-1].strip())
        finally:
            self.finished.emit(self.token)

    def _drain(self, generator: Generator) -> Any:
        """Pass on every partial result (each was computed, so it is delivered); after Cancel the
        generator is not resumed."""
        while True:
            try:
                item = next(generator)
            except StopIteration as stop:
                return stop.value
            self.partial.emit(self.token, item)
            if self.state.interrupted:
                generator.close()
                raise Cancelled()

    def _progress(self, fraction: float) -> None:
        GUI_GATE.wait()
        if not self._throttle.due() and fraction < 1.0:
            return
        elapsed = time.perf_counter() - self._started
        left = elapsed * (1 - fraction) / fraction if fraction > 0.02 else -1.0
        self.progressed.emit(self.token, fraction, left)


class TaskRunner(QObject):
    """Owns at most one running task and its thread; ``cancel`` and ``stop`` never terminate().

    Starting a task cancels the previous one and lets it finish in the background; ``stop`` cancels
    and waits for every thread the runner started. Only the current task's signals are passed on.
    """

    progressed = Signal(float, float)
    partial = Signal(object)
    succeeded = Signal(object)
    cancelled = Signal()
    failed = Signal(str)
    finished = Signal()  # after any outcome (or a stop), once the thread has ended

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: Worker | None = None
        self._retiring: list[tuple[QThread, Worker]] = []  # cancelled, still winding down
        self._token = 0

    @property
    def busy(self) -> bool:
        return self._thread is not None

    @property
    def token(self) -> int:
        """The current task's number (it changes when a task starts or is stopped)."""
        return self._token

    def start(self, task: Task) -> None:
        self._retire()
        self._token += 1
        self._worker = Worker(task, self._token)
        self._thread = QThread()
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progressed)
        self._worker.partial.connect(self._on_partial)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.failed.connect(self._on_failed)
        self._worker.finished.connect(self._on_finished)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the task to stop at its next check; its ``cancelled`` outcome follows."""
        if self._worker is not None:
            self._worker.state.cancel.set()

    def stop(self, deliver_partials: bool = False) -> None:
        """Cancel and wait for the thread to end (and for any replaced task still winding down); the
        task's late signals are then ignored.

        ``deliver_partials``: partial results it emitted before stopping are delivered now, first."""
        for thread, worker in self._retiring:
            worker.state.cancel.set()
            thread.quit()
            thread.wait()
        self._retiring.clear()
        if self._thread is None:
            return
        self._worker.state.cancel.set()
        self._join()
        if deliver_partials:
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        self._token += 1
        self.finished.emit()

    def drop(self) -> None:
        """Cancel the current task without waiting: its thread ends by itself, its results never arrive."""
        self._retire()

    def _retire(self) -> None:
        """Cancel the current task without waiting: its thread ends by itself, its signals are stale."""
        if self._thread is None:
            return
        thread, worker = self._thread, self._worker
        worker.state.cancel.set()
        thread.quit()  # the event loop ends once the task returns
        self._retiring.append((thread, worker))
        thread.finished.connect(self._on_retired)  # a slot of this object: runs in its (the GUI) thread
        self._thread, self._worker = None, None
        self._token += 1
        self.finished.emit()

    @Slot()
    def _on_retired(self) -> None:
        """A replaced task's thread has ended: let it go (joined first, so nothing still runs)."""
        done = [(t, w) for t, w in self._retiring if t.isFinished()]
        for thread, _ in done:
            thread.wait()
        self._retiring = [(t, w) for t, w in self._retiring if not t.isFinished()]

    def _join(self) -> None:
        self._thread.quit()
        self._thread.wait()
        self._thread, self._worker = None, None

    def _current(self, token: int) -> bool:
        return token == self._token

    @Slot(int, float, float)
    def _on_progressed(self, token: int, fraction: float, left: float) -> None:
        if self._current(token) and self.busy:
            self.progressed.emit(fraction, left)

    @Slot(int, object)
    def _on_partial(self, token: int, result: object) -> None:
        if self._current(token):
            self.partial.emit(result)

    @Slot(int, object)
    def _on_succeeded(self, token: int, result: object) -> None:
        if self._end(token):
            self.succeeded.emit(result)

    @Slot(int)
    def _on_cancelled(self, token: int) -> None:
        if self._end(token):
            self.cancelled.emit()

    @Slot(int, str)
    def _on_failed(self, token: int, text: str) -> None:
        if self._end(token):
            self.failed.emit(text)

    @Slot(int)
    def _on_finished(self, token: int) -> None:
        if self._current(token) and self.busy:
            self._join()
            self.finished.emit()

    def _end(self, token: int) -> bool:
        """Wind up the current task's thread (so ``busy`` is False for the listeners); False if stale."""
        if not (self._current(token) and self.busy):
            return False
        self._join()  # the task has returned: only its last emissions remain
        self._token += 1
        self.finished.emit()
        return True


def stop_workers(root: QObject) -> None:
    """Stop and join every task runner owned (directly or not) by ``root``."""
    for runner in root.findChildren(TaskRunner):
        runner.stop()
