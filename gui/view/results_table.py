"""The results table: one row per (method, start) with where it settled and how."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

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


def _fmt_point(p: tuple[float, ...]) -> str:
    return ", ".join(f"{v:.6g}" for v in p)


class ResultsTable(QTableWidget):
    """Rows are created by ``prepare_runs``; ``update_statuses`` rewrites only changed cells."""

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        for col, name in enumerate(COLUMNS):
            if name in TOOLTIPS:
                self.horizontalHeaderItem(col).setToolTip(TOOLTIPS[name])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        # Fixed widths while streaming: ResizeToContents re-measures every cell on every change.
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)

    def prepare_runs(
        self, labels: list[str], specs: list[str], method_ids: list[str], starts: list[tuple[float, ...]]
    ) -> None:
        """One row per run: ``labels`` shown, ``specs`` (the CLI spec text) as tooltips."""
        self.setRowCount(len(labels))
        for row, (label, spec, mid, start) in enumerate(zip(labels, specs, method_ids, starts, strict=True)):
            name = QTableWidgetItem(label)
            name.setForeground(QBrush(QColor(method_color(mid))))
            name.setToolTip(spec)
            self.setItem(row, 0, name)
            self.setItem(row, 1, QTableWidgetItem(_fmt_point(start)))
            for col in range(2, len(COLUMNS)):
                self.setItem(row, col, QTableWidgetItem(""))
            self._set(row, 6, "ready")
        self.resizeColumnsToContents()
        for col, width in ((2, 150), (3, 100), (4, 100), (6, 90), (7, 70)):
            self.setColumnWidth(col, max(self.columnWidth(col), width))

    def update_statuses(self, statuses: tuple[RunStatus, ...]) -> None:
        for row, s in enumerate(statuses[: self.rowCount()]):
            self._set(row, 2, _fmt_point(s.final))
            self._set(row, 3, f"{s.final_loss:.8g}")
            self._set(row, 4, f"{s.best_loss:.8g}")
            self._set(row, 5, str(s.steps))
            self._set(row, 6, s.status)
            self._set(row, 7, s.minimum or "—")
            self._set(row, 8, s.basin or "—")
            item = self.item(row, 6)
            item.setForeground(QBrush(QColor(STATUS_COLORS.get(s.status, "#000000"))))

    def update_escapes(self, escapes: list) -> None:
        """Escape counts, first step in a global basin and the highest barrier, per run."""
        for row, esc in enumerate(escapes[: self.rowCount()]):
            if esc is None:  # a diverged run: nothing to say about basins
                for col in (9, 10, 11):
                    self._set(row, col, "—")
                continue
            self._set(row, 9, str(len(esc.steps)))
            self._set(row, 10, "—" if esc.first_global_step is None else str(esc.first_global_step))
            self._set(row, 11, f"{esc.highest_barrier:.4g}")

    def _set(self, row: int, col: int, text: str) -> None:
        item = self.item(row, col)
        if item.text() != text:
            item.setText(text)

    def column_texts(self, name: str) -> list[str]:
        """The texts of one column, top to bottom (for tests and export)."""
        col = COLUMNS.index(name)
        return [self.item(row, col).text() for row in range(self.rowCount())]
