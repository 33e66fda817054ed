"""A warning shown above a method's parameters when its learning rate is unstable on the current
landscape (``core.methods.stability``), with a button that asks for the suggested rate.

Nothing changes unless the button is pressed. Network slices are not checked: each of their gradients
is a pass through a network, so estimating the curvature would freeze the window for seconds (0.13 s
for just 100 points).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from core.methods import get_method
from core.methods.stability import RateAdvice, rate_advice
from gui.model import AppModel

WARNING_STYLE = "color: #8A4B00;"  # dark amber: a caution, not an error (6:1 on white)


class StableRateBar(QWidget):
    """Hidden unless the shown method's lr is above its stability limit; ``rateChosen`` carries the
    suggested rate when "Use a stable rate" is pressed (the parameter editor sets it on the model)."""

    rateChosen = Signal(float)

    def __init__(self, model: AppModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.advice: RateAdvice | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet(WARNING_STYLE)
        self.button = QPushButton("Use a stable rate")
        self.button.clicked.connect(self._choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()

    def refresh(self, method_id: str | None) -> None:
        """Show or hide the warning for ``method_id`` on the model's landscape, with its current lr."""
        self.advice = self._advice(method_id)
        if self.advice is None or not self.advice.unstable:
            self.hide()
            return
        a = self.advice
        self.label.setText(f"⚠ lr unstable here: lr > {a.formula} = {a.limit:.3g}")
        tip = _explanation(get_method(method_id).name, a)
        self.label.setToolTip(tip)
        self.button.setToolTip(f"Set lr to {a.suggestion:.3g}, half the limit {a.formula}\n\n{tip}")
        self.show()

    def _advice(self, method_id: str | None) -> RateAdvice | None:
        land = self.model.landscape
        if method_id is None or land.expensive:
            return None
        return rate_advice(land, method_id, self.model.methods[method_id].params)

    def _choose(self) -> None:
        if self.advice is not None:
            self.rateChosen.emit(self.advice.suggestion)


def _explanation(method_name: str, a: RateAdvice) -> str:
    return (
        f"L = {a.curvature:.4g}: the largest curvature (Hessian eigenvalue) found over the landscape's "
        f"domain.\nOn a bowl of curvature L, {method_name} settles only for lr < {a.formula} = "
        f"{a.limit:.4g}; above it each step overshoots by more than the last where the curvature is that "
        "high, so the run oscillates or blows up.\nL is taken over the whole domain: a run that never "
        "reaches the steepest part may still settle.\n"
        f"The suggested rate is half the limit, {a.suggestion:.4g}."
    )
