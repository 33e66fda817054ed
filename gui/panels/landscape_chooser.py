"""The landscape chooser: one line (a combo box) whose list is grouped under headings, so the Landscape
panel keeps its room for the description, the domain and the options at 1280×720."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox

ID_ROLE = Qt.ItemDataRole.UserRole
INDENT = "    "  # entries sit under their heading


class LandscapeChooser(QComboBox):
    """Headings (not selectable) and entries (an id each); ``chosen(id)`` when the user picks one."""

    chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self.setMaxVisibleItems(32)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self._rows: dict[str, int] = {}
        self._groups: dict[str, str] = {}
        self._heading = ""
        self.currentIndexChanged.connect(self._on_index)

    def add_heading(self, title: str) -> None:
        heading = QStandardItem(title)
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # shown, never chosen
        font = QFont()
        font.setBold(True)
        heading.setFont(font)
        self._model.appendRow(heading)
        self._heading = title

    def add_entry(self, landscape_id: str, text: str, tooltip: str) -> None:
        item = QStandardItem(INDENT + text)
        item.setData(landscape_id, ID_ROLE)
        item.setToolTip(tooltip)
        self._rows[landscape_id] = self._model.rowCount()
        self._groups[landscape_id] = self._heading
        self._model.appendRow(item)

    def choose(self, landscape_id: str) -> None:
        """Pick ``landscape_id`` as the user would (``chosen`` follows if it changes the choice)."""
        self.setCurrentIndex(self._rows[landscape_id])

    def show_choice(self, landscape_id: str) -> None:
        """Show ``landscape_id`` as chosen without announcing it (the model already shows it)."""
        self.blockSignals(True)
        self.setCurrentIndex(self._rows[landscape_id])
        self.blockSignals(False)

    def current_id(self) -> str | None:
        return self.currentData(ID_ROLE)

    def entry_text(self, landscape_id: str) -> str:
        return self._model.item(self._rows[landscape_id]).text().strip()

    def group_of(self, landscape_id: str) -> str:
        """The heading ``landscape_id`` sits under."""
        return self._groups[landscape_id]

    def ids(self) -> list[str]:
        return list(self._rows)

    def _on_index(self, _row: int) -> None:
        landscape_id = self.current_id()
        if landscape_id is not None:
            self.chosen.emit(landscape_id)
