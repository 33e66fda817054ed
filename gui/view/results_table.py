"""The results table: one row per (method, start) with where it settled and how.

A view over a table model that keeps the texts in plain lists: thousands of runs cost no widget per
cell, and an update repaints only the rows on screen.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from core.files import write_problem
from core.runs.status import RunStatus, RunStatuses
from gui.file_dialogs import save_path
from gui.qt_helpers import make_action
from gui.style import method_color
from gui.view.table_export import MESSAGE_MS, selected_rows, shown_rows, table_lines, tsv_text, write_csv

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
CELL_PADDING_PX = 18
FIT_ROWS = 50
STATUS_COL, METHOD_COL = COLUMNS.index("Status"), COLUMNS.index("Method")


def _fmt_point(p: tuple[float, ...]) -> str:
    return ", ".join(f"{v:.6g}" for v in p)


def _exact(v: float) -> str:
    """The shortest text that reads back as the same float."""
    return repr(float(v))


def _exact_point(p: tuple[float, ...]) -> str:
    return ", ".join(map(_exact, p))


def _fmt_loss(v: float) -> str:
    return f"{v:.8g}"


def _status_texts(s: RunStatus, exact: bool = False) -> list[str]:
    point, loss = (_exact_point, _exact) if exact else (_fmt_point, _fmt_loss)
    return [
        point(s.final),
        loss(s.final_loss),
        loss(s.best_loss),
        str(s.steps),
        s.status,
        s.minimum or "—",
        s.basin or "—",
    ]


def _escape_texts(esc, exact: bool = False) -> list[str]:
    if esc is None:
        return ["—", "—", "—"]
    first = "—" if esc.first_global_step is None else str(esc.first_global_step)
    barrier = _exact(esc.highest_barrier) if exact else f"{esc.highest_barrier:.4g}"
    return [str(len(esc.steps)), first, "—" if math.isnan(esc.highest_barrier) else barrier]


BLANK_STATUS = ["", "", "", "", "ready", "", ""]
BLANK_ESCAPES = ["", "", ""]
STATUS_FIRST, ESCAPES_FIRST = COLUMNS.index("Final position"), COLUMNS.index("Escapes")


class ResultsModel(QAbstractTableModel):
    """Each run's label, start, status and escapes; a cell's text is formatted when the view asks for
    it (only rows on screen), so thousands of runs cost nothing per update."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.labels: list[str] = []
        self.starts: list[str] = []
        self.points: list[tuple[float, ...]] = []  # the starts themselves, for exact texts
        self.colors: list[QBrush] = []
        self.tooltips: list[str] = []
        self.statuses: RunStatuses | tuple = ()
        self.escapes: list = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.labels)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def text(self, row: int, col: int, exact: bool = False) -> str:
        """The text of one cell as shown, or with ``exact`` its numbers at full precision (the shortest
        text that reads back as the same float) instead of shortened."""
        if col == METHOD_COL:
            return self.labels[row]
        if col < STATUS_FIRST:
            return _exact_point(self.points[row]) if exact else self.starts[row]
        if col < ESCAPES_FIRST:
            statuses = self.statuses
            texts = _status_texts(statuses[row], exact) if row < len(statuses) else BLANK_STATUS
            return texts[col - STATUS_FIRST]
        escapes = self.escapes
        texts = _escape_texts(escapes[row], exact) if row < len(escapes) else BLANK_ESCAPES
        return texts[col - ESCAPES_FIRST]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == METHOD_COL:
                return self.colors[row]
            if col == STATUS_COL:
                return QBrush(QColor(STATUS_COLORS.get(self.text(row, col), "#000000")))
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

    def reset_rows(
        self,
        labels: list[str],
        starts: list[str],
        colors: list[QBrush],
        tooltips: list[str],
        points: list[tuple[float, ...]],
    ) -> None:
        self.beginResetModel()
        self.labels, self.starts, self.colors, self.tooltips = labels, starts, colors, tooltips
        self.points = points
        self.statuses, self.escapes = (), []
        self.endResetModel()

    def set_statuses(self, statuses: RunStatuses) -> None:
        self.statuses = statuses
        self._changed(STATUS_FIRST, ESCAPES_FIRST - 1)

    def set_escapes(self, escapes: list) -> None:
        self.escapes = escapes
        self._changed(ESCAPES_FIRST, len(COLUMNS) - 1)

    def _changed(self, first: int, last: int) -> None:
        if self.labels:
            self.dataChanged.emit(self.index(0, first), self.index(len(self.labels) - 1, last))


class ResultsTable(QTableView):
    """Rows are created by ``prepare_runs``; ``update_statuses`` and ``update_escapes`` rewrite cells.
    ``runSelected(run)`` tells which run's row is current (-1: none); row r is run r."""

    runSelected = Signal(int)
    methodsShown = Signal(object)  # the method labels to show (a set): right-click Hide / Show alone / all
    message = Signal(str, int)  # what a copy or an export did, for the status bar (and for how long, ms)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.results = ResultsModel(self)
        self.hidden: set[str] = set()  # method labels whose rows (and trails) are hidden
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._method_menu)
        self.setToolTip("Click a row to draw its run on top; right-click to hide a method or show it alone")
        self.setModel(self.results)
        self.selectionModel().currentRowChanged.connect(lambda index, _: self.runSelected.emit(index.row()))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._fitted = False  # columns sized to the current runs' texts
        self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its header and its widest text of the first ``FIT_ROWS`` rows
        (measured here: Qt's own sizing asks every cell for its size hint, 50 ms for 6,000 runs)."""
        metrics, rows = self.fontMetrics(), range(min(FIT_ROWS, self.results.rowCount()))
        for col, name in enumerate(COLUMNS):
            texts = [name, *(self.results.text(row, col) for row in rows)]
            if col == STATUS_COL:  # (fitted as the runs start: "running" may turn "converged" later)
                texts += list(STATUS_COLORS)
            self.setColumnWidth(col, max(map(metrics.horizontalAdvance, texts)) + CELL_PADDING_PX)

    def select_run(self, run: int) -> None:
        """Make run ``run``'s row current and show it."""
        if 0 <= run < self.results.rowCount():
            self.selectRow(run)
            self.scrollTo(self.results.index(run, 0))

    def prepare_runs(
        self, labels: list[str], specs: list[str], method_ids: list[str], starts: list[tuple[float, ...]]
    ) -> None:
        """One row per run: ``labels`` shown, ``specs`` (the CLI spec text) as tooltips."""
        brushes = {mid: QBrush(QColor(method_color(mid))) for mid in set(method_ids)}
        texts = {start: _fmt_point(start) for start in set(starts)}
        widen = set(labels) != set(self.results.labels)
        self.results.reset_rows(
            list(labels),
            [texts[s] for s in starts],
            [brushes[m] for m in method_ids],
            list(specs),
            list(starts),
        )
        self._fitted = False
        if widen:  # new method names
            self.fit_columns()

    def update_statuses(self, statuses: RunStatuses) -> None:
        self.results.set_statuses(statuses)
        if not self._fitted and statuses:  # once per set of runs: sizing reads 50 rows of texts
            self._fitted = True
            self.fit_columns()

    def update_escapes(self, escapes: list) -> None:
        """Escape counts, first step in a global basin and the highest barrier, per run (None: "—")."""
        self.results.set_escapes(escapes)

    def show_methods(self, shown: set[str]) -> None:
        """Show only the rows of methods labelled in ``shown``."""
        labels = self.results.labels
        self.hidden = set(labels) - set(shown)
        for row, label in enumerate(labels):
            self.setRowHidden(row, label in self.hidden)

    def _method_menu(self, pos) -> None:
        row = self.indexAt(pos).row()
        labels = list(dict.fromkeys(self.results.labels))
        if not labels:
            return
        label = self.results.labels[row] if row >= 0 else None
        menu = QMenu(self)
        if label is not None:
            menu.addAction(
                f"Hide {label}", lambda: self.methodsShown.emit(set(labels) - self.hidden - {label})
            )
            menu.addAction(f"Show {label} alone", lambda: self.methodsShown.emit({label}))
        menu.addAction("Show every method", lambda: self.methodsShown.emit(set(labels)))
        menu.addSeparator()
        menu.addAction(make_action(menu, "Copy rows", self.copy_rows, QKeySequence.StandardKey.Copy))
        menu.addAction(make_action(menu, "Export table as CSV…", self.export_dialog))
        menu.aboutToHide.connect(lambda: QTimer.singleShot(0, menu.deleteLater))  # (after its action ran)
        menu.popup(self.viewport().mapToGlobal(pos))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Ctrl+C copies rows (``copy_rows``): Qt's own copy takes the current cell alone."""
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_rows()
            event.accept()
            return
        super().keyPressEvent(event)

    def copy_rows(self) -> str:
        """Put the selected rows, or every row shown when none is, on the clipboard as tab-separated text
        under the column titles, numbers at full precision; the text copied."""
        rows = selected_rows(self) or shown_rows(self)
        text = tsv_text(table_lines(self, rows, partial(self.results.text, exact=True)))
        QGuiApplication.clipboard().setText(text)
        self.message.emit(f"Copied {len(rows)} row(s) of the results table", 5000)
        return text

    def export_csv(self, path: str) -> bool:
        """Write every row shown to ``path`` as CSV (UTF-8, header line, full precision), atomically; the
        status bar says what was written or why not. Whether it was written."""
        rows = shown_rows(self)
        try:
            write_csv(path, table_lines(self, rows, partial(self.results.text, exact=True)))
        except OSError as exc:
            self.message.emit(
                f"Could not export the results table to {path}: {write_problem(exc)}", MESSAGE_MS
            )
            return False
        self.message.emit(f"Exported {len(rows)} row(s) of the results table to {path}", MESSAGE_MS)
        return True

    def export_dialog(self) -> None:
        """Ask where to export the table as CSV, then ``export_csv``."""
        path = save_path(self, "Export the results table", "results.csv", "CSV (*.csv)")
        if path:
            self.export_csv(path)

    def rowCount(self) -> int:  # noqa: N802 (as QTableWidget's)
        return self.results.rowCount()

    def column_texts(self, name: str) -> list[str]:
        """The texts of one column, top to bottom (for tests and export)."""
        col = COLUMNS.index(name)
        return [self.results.text(row, col) for row in range(self.results.rowCount())]
