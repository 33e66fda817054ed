"""The Methods panel: every method, a check box in its colour, and one method's parameters below."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.methods import METHODS
from core.methods.stability import rate_advice
from gui.model import AppModel
from gui.panels.param_editor import ParamEditor
from gui.style import method_color

ROWS = 8  # the check boxes fill two columns top to bottom, each as wide as its longest name


class MethodsPanel(QWidget):
    """Every method's check box, in two columns (all in view in a 300-pixel dock); "Parameters of"
    chooses whose parameters the editor shows (ticking a method shows its own)."""

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for k, (mid, cls) in enumerate(METHODS.items()):
            box = QCheckBox(cls.name)
            palette = box.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(method_color(mid)))
            box.setPalette(palette)
            box.setToolTip(cls.description)
            box.toggled.connect(lambda checked, m=mid: self._on_toggled(m, checked))
            grid.addWidget(box, k % ROWS, k // ROWS)
            self.boxes[mid] = box
        self.chooser = QComboBox()
        for mid, cls in METHODS.items():
            self.chooser.addItem(cls.name, mid)
        self.chooser.setToolTip("The method whose parameters are shown below")
        self.chooser.currentIndexChanged.connect(
            lambda _: self.editor.show_method(self.chooser.currentData())
        )
        self.editor = ParamEditor(model)
        chooser_row = QHBoxLayout()
        chooser_row.addWidget(QLabel("Parameters of"))
        chooser_row.addWidget(self.chooser, 1)
        chooser_row.addWidget(self.editor.reset_button)  # (on this row: the dock fits 1280×720)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)  # (compact: the left column fits 1280×720)
        layout.setSpacing(4)
        layout.addLayout(grid)
        layout.addLayout(chooser_row)
        layout.addWidget(self.editor)
        layout.addStretch(1)
        model.methodsChanged.connect(self._sync)
        model.landscapeChanged.connect(self._flag_unstable)
        self._sync()
        self.editor.show_method(self.chooser.currentData())

    def show_parameters(self, method_id: str) -> None:
        """Show ``method_id``'s parameters in the editor."""
        self.chooser.setCurrentIndex(self.chooser.findData(method_id))

    def _on_chosen(self, _index: int) -> None:
        self.editor.show_method(self.chooser.currentData())

    def _on_toggled(self, method_id: str, checked: bool) -> None:
        self.model.set_method_enabled(method_id, checked)
        if checked:
            self.show_parameters(method_id)

    def _sync(self) -> None:
        for mid, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(self.model.methods[mid].enabled)
            box.blockSignals(False)
        self._flag_unstable()

    def _flag_unstable(self) -> None:
        """A ticked method whose lr is above its stability limit here gets a ⚠ after its name (the
        parameter editor says why and offers a stable rate)."""
        land = self.model.landscape
        for mid, box in self.boxes.items():
            choice = self.model.methods[mid]
            advice = None if land.expensive or not choice.enabled else rate_advice(land, mid, choice.params)
            flagged = advice is not None and advice.unstable
            box.setText(f"{METHODS[mid].name} ⚠" if flagged else METHODS[mid].name)
            tip = METHODS[mid].description
            if flagged:
                tip += (
                    f"\n\n⚠ lr = {advice.lr:.3g} is above {advice.formula} = {advice.limit:.3g} on "
                    "this landscape: it may diverge. Choose it under “Parameters of” for a stable rate."
                )
            box.setToolTip(tip)
