"""Long computations (basin maps, network slices, studies) in a worker thread, with progress, an
estimate of time left and Cancel."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from core.progress import Cancelled

Task = Callable[[Callable[[float], None], threading.Event], object]  # (progress, cancel) -> result


class TaskWorker(QObject):
    """Runs one task; reports progress (throttled), the result, a cancellation or an error.

    Every signal carries the task's ``token``, so results of a task that was replaced are ignored.
    """

    progressed = Signal(int, float, float)  # token, fraction done, seconds left (or -1 while unknown)
    succeeded = Signal(int, object)
    cancelled = Signal(int)
    failed = Signal(int, str)
    finished = Signal(int)

    def __init__(self, task: Task, token: int):
        super().__init__()
        self.task = task
        self.token = token
        self.cancel_event = threading.Event()
        self._started = 0.0
        self._last = 0.0

    @Slot()
    def run(self) -> None:
        self._started = time.perf_counter()
        try:
            result = self.task(self._progress, self.cancel_event)
            self.succeeded.emit(self.token, result)
        except Cancelled:
            self.cancelled.emit(self.token)
        except Exception:  # shown to the user, never raised in the thread
            self.failed.emit(self.token, traceback.format_exc(limit=4))
        finally:
            self.finished.emit(self.token)

    def _progress(self, fraction: float) -> None:
        now = time.perf_counter()
        if now - self._last < 0.05 and fraction < 1.0:
            return
        self._last = now
        elapsed = now - self._started
        left = elapsed * (1 - fraction) / fraction if fraction > 0.02 else -1.0
        self.progressed.emit(self.token, fraction, left)


class TaskRunner(QObject):
    """Owns at most one running task and its thread; ``cancel`` and ``stop`` never terminate().

    Starting a task stops the previous one first; only the current task's signals are passed on.
    """

    progressed = Signal(float, float)
    succeeded = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: TaskWorker | None = None
        self._token = 0

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, task: Task) -> None:
        self.stop()
        self._token += 1
        self._worker = TaskWorker(task, self._token)
        self._thread = QThread()
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progressed)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.failed.connect(self._on_failed)
        self._worker.finished.connect(self._on_finished)
        self._thread.start()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel_event.set()

    def stop(self) -> None:
        """Cancel and wait for the thread to end (its late signals are then ignored)."""
        if self._thread is None:
            return
        self._worker.cancel_event.set()
        self._thread.quit()
        self._thread.wait()
        self._thread, self._worker = None, None
        self._token += 1

    def _current(self, token: int) -> bool:
        return token == self._token and self._thread is not None

    @Slot(int, float, float)
    def _on_progressed(self, token: int, fraction: float, left: float) -> None:
        if self._current(token):
            self.progressed.emit(fraction, left)

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
        self._end(token)

    def _end(self, token: int) -> bool:
        """Wind up the current task's thread (so ``busy`` is False for the listeners); False if stale."""
        if not self._current(token):
            return False
        self._thread.quit()
        self._thread.wait()  # the task has returned: only its last emissions remain
        self._thread, self._worker = None, None
        return True


class TaskProgress(QWidget):
    """A progress bar, a status line (percent and time left) and a Cancel button, bound to a runner.

    ``start(task, text)`` runs the task on the runner; the bar and Cancel show only while it runs.
    The owner connects to the runner's ``succeeded``/``failed``/``cancelled`` for the outcome.
    """

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop this computation (Esc); what is shown stays as it was")
        self.cancel.setShortcut("Esc")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel)
        self._busy_text = ""
        self.cancel.clicked.connect(runner.cancel)
        runner.progressed.connect(self._on_progress)
        for signal in (runner.succeeded, runner.failed, runner.cancelled):
            signal.connect(self._idle)
        self._idle()

    def start(self, task: Task, text: str = "Working…") -> None:
        self._busy_text = text
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.cancel.setVisible(True)
        self.cancel.setEnabled(True)
        self.label.setText(text)
        self.runner.start(task)

    def _on_progress(self, fraction: float, left: float) -> None:
        self.bar.setValue(int(fraction * 1000))
        eta = f", about {left:.0f} s left" if left >= 0 else ""
        self.label.setText(f"{self._busy_text} {fraction:.0%}{eta}")

    def _idle(self, *_args) -> None:
        self.bar.setVisible(False)
        self.cancel.setVisible(False)
