"""The timeline bar under the view: a slider over the recorded steps with the escape events as ticks
(a click near one jumps there), the step shown, and Replay."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

TICK_COLOUR = "#D55E00"  # escape events (as their markers in the view)
SNAP_PX = 6  # a click this near a tick jumps to its step


class TickSlider(QSlider):
    """A horizontal slider with ticks above its groove; a click away from the handle jumps to the step
    under it (to a tick's step when one is within ``SNAP_PX``) and emits ``jumped``."""

    jumped = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ticks: list[int] = []
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (← and → belong to the window)
        self.setMinimumHeight(26)

    def set_ticks(self, steps: list[int]) -> None:
        self.ticks = list(steps)
        self.update()

    def tick_x(self, step: int) -> float:
        """Where ``step`` lies along the groove, in this widget's pixels."""
        groove, handle = self._rects()
        span = max(groove.width() - handle.width(), 1)
        share = (step - self.minimum()) / max(self.maximum() - self.minimum(), 1)
        return groove.x() + handle.width() / 2 + share * span

    def step_at(self, x: float) -> int:
        """The step under pixel ``x`` (a tick's, if one is near)."""
        near = [t for t in self.ticks if abs(self.tick_x(t) - x) <= SNAP_PX]
        if near:
            return min(near, key=lambda t: abs(self.tick_x(t) - x))
        groove, handle = self._rects()
        span = max(groove.width() - handle.width(), 1)
        offset = round(x - groove.x() - handle.width() / 2)
        return QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), offset, span)

    def _rects(self) -> tuple[QRect, QRect]:
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        style, control = self.style(), QStyle.ComplexControl.CC_Slider
        groove = style.subControlRect(control, option, QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(control, option, QStyle.SubControl.SC_SliderHandle, self)
        return groove, handle

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self.ticks or self.maximum() <= self.minimum():
            return
        painter = QPainter(self)
        painter.setPen(QPen(QColor(TICK_COLOUR), 2))
        for step in self.ticks:
            x = round(self.tick_x(step))
            painter.drawLine(x, 1, x, 6)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        _, handle = self._rects()
        if event.button() != Qt.MouseButton.LeftButton or handle.contains(event.position().toPoint()):
            super().mousePressEvent(event)  # (the handle: dragged as usual)
            return
        step = self.step_at(event.position().x())
        self.setValue(step)
        self.jumped.emit(step)
        event.accept()


class TimelineBar(QWidget):
    """``seek(step)`` when the slider is dragged or clicked; ``replay()`` from the Replay button."""

    seek = Signal(int)
    replay = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.slider = TickSlider()
        self.slider.setToolTip(
            "The recorded steps: drag to show any of them (the runs pause), click to jump; "
            "ticks are escape events (a click near one jumps there). ← and → step back and forth."
        )
        self.slider.sliderMoved.connect(self.seek)
        self.slider.jumped.connect(self.seek)
        self.label = QLabel("step 0")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("step 000000 / 000000"))
        self.replay_button = QPushButton("⟲ Replay")
        self.replay_button.setCheckable(True)
        self.replay_button.setToolTip(
            "Play the recorded steps again at the speed chosen, from the step shown (from the first "
            "if the latest is shown), without computing them again (P)"
        )
        self.replay_button.clicked.connect(lambda _=False: self.replay.emit())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Timeline"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        row.addWidget(self.replay_button)

    def show_step(self, shown: int, latest: int, stride: int, replaying: bool) -> None:
        """The slider at ``shown`` of 0..``latest`` (moving by ``stride``), without emitting ``seek``."""
        self.slider.blockSignals(True)
        self.slider.setRange(0, latest)
        self.slider.setSingleStep(stride)
        self.slider.setPageStep(max(stride, latest // 10))
        self.slider.setValue(shown)
        self.slider.blockSignals(False)
        self.label.setText(f"step {shown} / {latest}" if shown != latest else f"step {latest}")
        self.replay_button.setChecked(replaying)
        self.replay_button.setText("■ Stop replay" if replaying else "⟲ Replay")
