"""The run control bar: play/pause, step, reset, clear, speed, max steps and seed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget

from core.limits import MAX_SEED
from gui.model import MAX_STEPS_RANGE, AppModel

# Steps per second for each slider position; 0 is "as fast as possible".
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 0)
DEFAULT_SPEED_INDEX = SPEEDS.index(100)


def speed_text(steps_per_second: int) -> str:
    return "max" if steps_per_second == 0 else f"{steps_per_second}/s"


class RunControls(QWidget):
    """Buttons emit the requests; the seed and max-steps fields write to the model."""

    playPauseRequested = Signal()
    stepRequested = Signal()
    resetRequested = Signal()
    clearRequested = Signal()
    speedChanged = Signal(int)

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.play = QPushButton("▶ Play")
        self.play.setToolTip("Play / pause the runs (Space)")
        self.step = QPushButton("Step ›")
        self.step.setToolTip("Advance one step (→); Shift+→ advances 50")
        self.reset = QPushButton("Reset")
        self.reset.setToolTip("Back to step 0 with the same settings (R)")
        self.clear = QPushButton("Clear starts")
        self.clear.setToolTip("Remove every start point (click the view to place new ones)")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(DEFAULT_SPEED_INDEX)
        self.speed.setToolTip("Steps per second, from one step at a time to as fast as possible")
        self.speed.setMinimumWidth(100)
        self.speed_label = QLabel(speed_text(SPEEDS[DEFAULT_SPEED_INDEX]))
        self.speed_label.setMinimumWidth(50)
        self.max_steps = QSpinBox()
        self.max_steps.setRange(*MAX_STEPS_RANGE)
        self.max_steps.setToolTip("Maximum steps per run")
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        self.seed.setToolTip("Random seed: the same seed gives the same runs")
        # Two rows, so the window fits a 1280-pixel-wide screen: transport and speed, then run settings.
        rows = (
            (self.play, self.step, self.reset, self.clear, QLabel("Speed"), self.speed, self.speed_label),
            (QLabel("Max steps"), self.max_steps, QLabel("Seed"), self.seed),
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widgets in rows:
            row = QHBoxLayout()
            for widget in widgets:
                row.addWidget(widget)
            if len(widgets) < len(rows[0]):
                row.addStretch(1)
            layout.addLayout(row)
        self.play.clicked.connect(self.playPauseRequested)
        self.step.clicked.connect(self.stepRequested)
        self.reset.clicked.connect(self.resetRequested)
        self.clear.clicked.connect(self.clearRequested)
        self.speed.valueChanged.connect(self._on_speed)
        self.max_steps.editingFinished.connect(lambda: model.set_max_steps(self.max_steps.value()))
        self.seed.editingFinished.connect(lambda: model.set_seed(self.seed.value()))
        model.runSettingsChanged.connect(self._sync)
        self._sync()

    @property
    def steps_per_second(self) -> int:
        return SPEEDS[self.speed.value()]

    def set_speed(self, steps_per_second: int) -> None:
        self.speed.setValue(
            SPEEDS.index(steps_per_second) if steps_per_second in SPEEDS else DEFAULT_SPEED_INDEX
        )

    def _on_speed(self, index: int) -> None:
        self.speed_label.setText(speed_text(SPEEDS[index]))
        self.speedChanged.emit(SPEEDS[index])

    def show_state(self, state: str) -> None:
        self.play.setText("❚❚ Pause" if state == "running" else "▶ Play")
        self.play.setEnabled(state != "finished")
        self.step.setEnabled(state in ("idle", "paused"))

    def _sync(self) -> None:
        self.max_steps.setValue(self.model.max_steps)
        self.seed.setValue(self.model.seed)
