"""The Basins panel's summaries of its maps: the success table and the bar chart of global shares, both
sized for a narrow dock (the table's columns fit their contents; the chart's names sit on its left)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.studies.basin_report import NO_LOSS_WHY, NO_STEPS_WHY, loss_text, steps_text
from core.studies.basins import BasinMap, success_row
from gui.style import method_color
from gui.view.basin_maps import elide, map_titles

COLUMNS = ("Method", "Global %", "Median steps", "Median loss", "Diverged %", "Runs")
COLUMN_TIPS = (
    "The method (its full settings are the cell's tooltip)",
    "Share of all runs (starts × seeds) that ended in a global minimum",
    "Median number of steps of the runs that converged",
    "Median final loss over the runs that ended with a finite loss",
    "Share of runs that diverged",
    "Runs: starts × seeds (one seed for a deterministic method)",
)
BAR_HEIGHT, BAR_AXIS_HEIGHT = 22, 34  # per method; the x axis and margins
NAMES_SHARE = 0.45  # at most this much of the chart's width for the method names


class _NumberItem(QTableWidgetItem):
    """Sorts by its number, not its text; a missing number (NaN, shown "—") sorts after every number."""

    def __init__(self, value: float, text: str, why_missing: str = ""):
        super().__init__(text)
        self.value = value
        if math.isnan(value) and why_missing:
            self.setToolTip(why_missing)
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def sort_key(self) -> tuple[bool, float]:
        return (math.isnan(self.value), 0.0 if math.isnan(self.value) else self.value)

    def __lt__(self, other) -> bool:
        other_key = other.sort_key() if isinstance(other, _NumberItem) else (False, 0.0)
        return self.sort_key() < other_key


def _row_items(bmap: BasinMap, title: str) -> list[QTableWidgetItem]:
    s = success_row(bmap)
    name = QTableWidgetItem(title)
    name.setToolTip(s.method)
    name.setData(Qt.ItemDataRole.UserRole, s.method)
    name.setForeground(QColor(method_color(bmap.spec.method)))
    return [
        name,
        _NumberItem(s.global_share, f"{s.global_share:.1%}"),
        _NumberItem(s.median_steps, steps_text(s.median_steps), NO_STEPS_WHY),
        _NumberItem(s.median_final_loss, loss_text(s.median_final_loss), NO_LOSS_WHY),
        _NumberItem(s.diverged_share, f"{s.diverged_share:.1%}"),
        _NumberItem(s.runs, str(s.runs)),
    ]


class SuccessTable(QTableWidget):
    """One row per map; columns as wide as their contents, as tall as its rows (a horizontal scroll
    bar only when the columns are wider than the table)."""

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels([name.replace(" ", "\n") for name in COLUMNS])  # narrower columns
        for col, tip in enumerate(COLUMN_TIPS):
            self.horizontalHeaderItem(col).setToolTip(tip)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the maps' order first
        self.setSortingEnabled(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._fit_height()

    def show_maps(self, maps: list[BasinMap]) -> None:
        """One row of ``success_row`` per map."""
        self.setSortingEnabled(False)
        self.setRowCount(len(maps))
        for row, (bmap, title) in enumerate(zip(maps, map_titles(maps), strict=True)):
            for col, cell in enumerate(_row_items(bmap, title)):
                self.setItem(row, col, cell)
        self.setSortingEnabled(True)
        self._fit_height()

    def _fit_height(self) -> None:
        header = self.horizontalHeader()
        height = header.sizeHint().height() + self.verticalHeader().length() + 2 * self.frameWidth()
        if header.length() > self.width() - 2 * self.frameWidth():
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_height()


class SuccessBars(pg.PlotWidget):
    """Horizontal bars: each method's share of runs reaching a global minimum, its name on the left
    axis (elided to the room there; ``labels`` keeps the full names)."""

    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        self.labels: list[str] = []
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.getViewBox().invertY(True)  # the first map's bar on top, as in the table
        bottom = self.getAxis("bottom")
        bottom.setTicks([[(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]])
        bottom.setStyle(hideOverlappingLabels=False)  # "0%" and "100%" sit at the plot's edges
        self.setXRange(0, 1.07, padding=0)  # room for the "100%" under the end of a full bar
        self.show_bars([], [], [])

    def show_bars(self, labels: list[str], shares: list[float], colours: list[str]) -> None:
        """One bar per method (its display label, its global share 0..1, its colour)."""
        self.clear()
        self.labels = list(labels)
        n = len(labels)
        if n:
            bars = pg.BarGraphItem(
                x0=np.zeros(n), y=np.arange(n), width=shares, height=0.65, brushes=colours, pens=colours
            )
            self.addItem(bars)
        for k, share in enumerate(shares):
            inside = share > 0.8  # the percentage inside a long bar, after a short one
            text = pg.TextItem(
                f"{share:.0%}", color="w" if inside else "#333333", anchor=(1 if inside else 0, 0.5)
            )
            text.setPos(share - 0.01 if inside else share + 0.02, k)
            self.addItem(text)
        self.setYRange(-0.5, max(n, 1) - 0.5, padding=0.05)
        self.setToolTip(
            "\n".join(f"{label}: {share:.1%}" for label, share in zip(labels, shares, strict=True))
        )
        self.setFixedHeight(max(n, 1) * BAR_HEIGHT + BAR_AXIS_HEIGHT)
        self._set_names()

    def tick_texts(self) -> list[str]:
        """The names the left axis shows, top to bottom."""
        levels = self.getAxis("left")._tickLevels or [[]]  # pyqtgraph keeps the ticks set here
        return [text for _, text in sorted(levels[0])]

    def _set_names(self) -> None:
        axis = self.getAxis("left")
        metrics = self.fontMetrics()
        room = int(self.width() * NAMES_SHARE)
        widest = max((metrics.horizontalAdvance(label) for label in self.labels), default=20)
        width = min(widest, room) + 12
        axis.setWidth(width)
        axis.setTicks([[(k, elide(label, width - 12, self.font())) for k, label in enumerate(self.labels)]])

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event is not None and hasattr(self, "labels"):  # pyqtgraph calls it once while building
            self._set_names()
