"""The results table: one row per (method, start) with where it settled and how.

A view over a table model that keeps the texts in plain lists: thousands of runs cost no widget per
cell, and an update repaints only the rows on screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from core.runs.results import RunStatus
from gui.style import method_color

COLUMNS = (
    "Method",
    "Start",
    "Final position",
    "Final loss",
    "Best loss",
    "Steps",
    "Status",
    "Reached",
    "Basin",
    "Escapes",
    "First global",
    "Max barrier",
)
TOOLTIPS = {
    "Reached": "The known minimum the run settled at (within 1% of the domain): global, local or none",
    "Basin": "The minimum whose basin of attraction holds the final point",
    "Status": "running / converged (settled) / diverged (NaN or unbounded) / max-steps",
    "Best loss": "The lowest loss seen along the run",
    "Escapes": "How many times the run moved into another basin of attraction (red ◆ on its path)",
    "First global": "The first step at which the run was in a global minimum's basin",
    "Max barrier": "The largest rise in loss the run climbed to leave a basin",
}
STATUS_COLORS = {"diverged": "#B00020", "converged": "#117733", "max-steps": "#8A6D00"}
WIDTHS = {"Final position": 150, "Final loss": 100, "Best loss": 100, "Status": 90, "Reached": 70}
STATUS_COL, METHOD_COL = COLUMNS.index("Status"), COLUMNS.index("Method")


def _fmt_point(p: tuple[float, ...]) -> str:
    return ", ".join(f"{v:.6g}" for v in p)


class ResultsModel(QAbstractTableModel):
    """The cells' texts (``rows[r][c]``), the method colours and the spec tooltips."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[list[str]] = []
        self.colors: list[QBrush] = []
        self.tooltips: list[str] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[row][col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == METHOD_COL:
                return self.colors[row]
            if col == STATUS_COL:
                return QBrush(QColor(STATUS_COLORS.get(self.rows[row][col], "#000000")))
        if role == Qt.ItemDataRole.ToolTipRole and col == METHOD_COL:
            return self.tooltips[row]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(COLUMNS[section])
        return None

    def reset_rows(self, rows: list[list[str]], colors: list[QBrush], tooltips: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.colors, self.tooltips = rows, colors, tooltips
        self.endResetModel()

    def set_columns(self, first: int, last: int, values: list[list[str]]) -> None:
        """Rewrite columns ``first..last`` of every row from ``values`` (one list per row); only rows
        that changed are signalled."""
        changed = [
            r for r, new in enumerate(values[: len(self.rows)]) if self.rows[r][first : last + 1] != new
        ]
        for r in changed:
            self.rows[r][first : last + 1] = values[r]
        if changed:
            self.dataChanged.emit(self.index(min(changed), first), self.index(max(changed), last))


class ResultsTable(QTableView):
    """Rows are created by ``prepare_runs``; ``update_statuses`` and ``update_escapes`` rewrite cells."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.results = ResultsModel(self)
        self.setModel(self.results)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setResizeContentsPrecision(200)  # sizing reads 200 rows, not every one
        for name, width in WIDTHS.items():
            self.setColumnWidth(COLUMNS.index(name), width)

    def prepare_runs(
        self, labels: list[str], specs: list[str], method_ids: list[str], starts: list[tuple[float, ...]]
    ) -> None:
        """One row per run: ``labels`` shown, ``specs`` (the CLI spec text) as tooltips."""
        rows = [
            [label, _fmt_point(start), *[""] * (len(COLUMNS) - 2)]
            for label, start in zip(labels, starts, strict=True)
        ]
        for row in rows:
            row[STATUS_COL] = "ready"
        colors = [QBrush(QColor(method_color(mid))) for mid in method_ids]
        self.results.reset_rows(rows, colors, list(specs))
        self.resizeColumnToContents(METHOD_COL)

    def update_statuses(self, statuses: tuple[RunStatus, ...]) -> None:
        values = [
            [
                _fmt_point(s.final),
                f"{s.final_loss:.8g}",
                f"{s.best_loss:.8g}",
                str(s.steps),
                s.status,
                s.minimum or "—",
                s.basin or "—",
            ]
            for s in statuses
        ]
        self.results.set_columns(2, 8, values)

    def update_escapes(self, escapes: list) -> None:
        """Escape counts, first step in a global basin and the highest barrier, per run (None: "—")."""
        values = [
            ["—", "—", "—"]
            if esc is None
            else [
                str(len(esc.steps)),
                "—" if esc.first_global_step is None else str(esc.first_global_step),
                f"{esc.highest_barrier:.4g}",
            ]
            for esc in escapes
        ]
        self.results.set_columns(9, 11, values)

    def rowCount(self) -> int:  # noqa: N802 (as QTableWidget's)
        return self.results.rowCount()

    def column_texts(self, name: str) -> list[str]:
        """The texts of one column, top to bottom (for tests and export)."""
        col = COLUMNS.index(name)
        return [row[col] for row in self.results.rows]
