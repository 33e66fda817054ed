"""Preparing what the window will show, off the GUI thread: a landscape (a formula's minima search, a
data landscape over new data, a wider domain) or a whole experiment state (a file being opened).

``prepare(text, task, on_ready)`` runs ``task`` on the worker base with progress and Cancel in the
status bar; the latest request wins (a new one cancels the one before, which then never arrives), and
so does a change made meanwhile by other means (``cancel``). ``on_ready`` gets the result in the GUI
thread; a refusal (a ValueError in the task) goes to ``on_failed`` or the ``message`` signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from core.landscape import Landscape
from core.methods.stability import largest_curvature
from core.minima.surface import surface_of
from gui.panels.task_progress import TaskProgress
from gui.workers.base import Task, TaskRunner

SHOW_AFTER_MS = 250  # quick preparations show no progress bar at all


class Preparer(QObject):
    """See the module docstring. ``progress`` is the widget to place (the status bar)."""

    message = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self.progress = TaskProgress(self.runner)
        self.progress.setMaximumWidth(320)
        # In the status bar, a change of text or visibility must not change its height: that would lay
        # out and repaint the whole window (a tenth of a second with a big landscape view).
        self.progress.label.setWordWrap(False)
        for widget in (self.progress, self.progress.bar, self.progress.cancel):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self._on_ready: Callable[[Any], None] | None = None
        self._on_failed: Callable[[str], None] | None = None
        self._text = ""
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show)
        self.runner.succeeded.connect(self._ready)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(lambda: self.message.emit(f"{self._text.rstrip('…')}: cancelled"))
        self.runner.finished.connect(self._hide)
        self._hide()

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def prepare(
        self,
        text: str,
        task: Task,
        on_ready: Callable[[Any], None],
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        """Run ``task`` in the worker (see the module docstring)."""
        self._on_ready, self._on_failed, self._text = on_ready, on_failed, text
        self.progress.start(lambda state: warmed(task(state)), text)
        self.progress.setVisible(False)
        self._show_timer.start(SHOW_AFTER_MS)

    def cancel(self) -> None:
        """Drop the preparation under way (its result will not arrive)."""
        self._on_ready = None
        self.runner.drop()

    def _show(self) -> None:
        if self.runner.busy:
            self.progress.setVisible(True)
        else:
            self.progress.label.clear()

    def _hide(self) -> None:
        if not self.runner.busy:
            self._show_timer.stop()
            self.progress.setVisible(False)
            self.progress.label.clear()

    def _ready(self, result: Any) -> None:
        callback, self._on_ready = self._on_ready, None
        if callback is not None and result is not None:
            try:
                callback(result)
            except ValueError as exc:  # the model refused it after all
                self._failed(str(exc))

    def _failed(self, problem: str) -> None:
        if self._on_failed is not None:  # the caller reports it
            self._on_failed(problem)
        else:
            self.message.emit(f"{self._text.rstrip('…')}: {problem}")


def warmed(result: Any) -> Any:
    """``result`` (a landscape, or a state holding one) with its surface (display grid, colours and
    contour lines) and its largest curvature (the stable-rate checks') computed, so that showing it
    costs the GUI thread nothing (a long formula's curvature takes tens of milliseconds)."""
    land = getattr(result, "landscape", result)
    if getattr(land, "dim", 0) == 2:
        surface_of(land)
    if isinstance(land, Landscape) and not land.expensive:
        largest_curvature(land)  # (cached per landscape)
    return result
