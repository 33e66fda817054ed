"""A progress bar, a status line (percent and time left) and a Cancel button, bound to a task runner."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from gui.workers.base import Task, TaskRunner


class TaskProgress(QWidget):
    """``start(task, text)`` runs the task on the runner; the bar and Cancel show only while it runs.

    The owner connects to the runner's ``succeeded``/``failed``/``cancelled`` for the outcome; ``label``
    is the status line (the owner places it)."""

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
        runner.finished.connect(self._idle)
        self._idle()

    def start(self, task: Task, text: str = "Working…") -> None:
        self._busy_text = text
        self.bar.setValue(0)
        self.label.setText(text)
        self.runner.start(task)
        self.bar.setVisible(True)
        self.cancel.setVisible(True)
        self.cancel.setEnabled(True)

    def _on_progress(self, fraction: float, left: float) -> None:
        self.bar.setValue(int(fraction * 1000))
        eta = f", about {left:.0f} s left" if left >= 0 else ""
        self.label.setText(f"{self._busy_text} {fraction:.0%}{eta}")

    def _idle(self) -> None:
        if not self.runner.busy:
            self.bar.setVisible(False)
            self.cancel.setVisible(False)
