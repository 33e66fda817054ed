"""The Methods panel: every method, checkable, with its colour, and the selected one's parameters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.methods import METHODS
from gui.model import AppModel
from gui.panels.param_editor import ParamEditor
from gui.style import method_color


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class MethodsPanel(QWidget):
    """Every method, checkable, with its colour; the selected one's parameters below."""

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.list = QListWidget()
        self.items: dict[str, QListWidgetItem] = {}
        for mid, cls in METHODS.items():
            item = QListWidgetItem(_swatch(method_color(mid)), cls.name)
            item.setData(Qt.ItemDataRole.UserRole, mid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(cls.description)
            self.list.addItem(item)
            self.items[mid] = item
        self.editor = ParamEditor(model)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.editor)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentItemChanged.connect(self._on_current)
        model.methodsChanged.connect(self._sync)
        self._sync()
        self.list.setCurrentRow(0)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        mid = item.data(Qt.ItemDataRole.UserRole)
        self.model.set_method_enabled(mid, item.checkState() == Qt.CheckState.Checked)

    def _on_current(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.editor.show_method(item.data(Qt.ItemDataRole.UserRole))

    def _sync(self) -> None:
        self.list.blockSignals(True)
        for mid, item in self.items.items():
            checked = self.model.methods[mid].enabled
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
