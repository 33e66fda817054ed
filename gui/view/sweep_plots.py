"""A parameter sweep's plots: the share of runs that reached a global minimum with its 95 % interval,
and the median final loss with its interquartile range, against the swept values, one curve per
method; hovering a point tells its numbers (``hovered``)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from core.studies.sweeps import Sweep, SweepCell
from gui.qt_helpers import plain_axes
from gui.style import display_label, method_color

MAX_VALUE_TICKS = 10  # swept values labelled on a log axis (more: powers of ten)
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
SYMBOLS = ("o", "s", "t", "d")


class SweepPlots(pg.GraphicsLayoutWidget):
    """See the module docstring; ``show_sweep`` draws a sweep (the items are made anew per sweep)."""

    hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setBackground("w")
        self.sweep: Sweep | None = None
        self.legend = pg.LegendItem(colCount=3)  # above the plots: inside, it would hide some points
        self.addItem(self.legend, row=0, col=0)
        self.success_plot = self.addPlot(row=1, col=0, title="Reached a global minimum")
        self.loss_plot = self.addPlot(row=2, col=0, title="Median final loss")
        self.success_plot.setLabel("left", "share of runs")
        self.loss_plot.setXLink(self.success_plot)
        for plot in (self.success_plot, self.loss_plot):
            plain_axes(plot)
            plot.showGrid(x=True, y=True, alpha=0.2)

    def show_sweep(self, sweep: Sweep, log_axis: bool = False) -> None:
        """Plot ``sweep``: per method, success with its interval band and median loss with its IQR."""
        self.sweep = sweep
        ticks = value_ticks(sweep.values) if log_axis else None
        self.legend.clear()
        for plot in (self.success_plot, self.loss_plot):
            plot.clear()
            plot.setLogMode(x=log_axis, y=False)
            plot.setLabel("bottom", sweep.param + (" (log scale)" if log_axis else ""))
            plot.getAxis("bottom").setTicks(ticks)
        methods = list(dict.fromkeys(cell.method for cell in sweep.cells))
        groups = [[cell for cell in sweep.cells if cell.method == method] for method in methods]
        names = [display_label(cells[0].spec) for cells in groups]
        if len(set(names)) < len(names):  # (one method with other settings: say which)
            names = methods
        seen: dict[str, int] = {}
        for cells, name in zip(groups, names, strict=True):
            kind = cells[0].spec.method
            seen[kind] = seen.get(kind, -1) + 1  # the same method again: another dash and symbol
            self._plot_method(cells, name, log_axis, seen[kind])
        self.success_plot.setYRange(0, 1.02)
        self.loss_plot.enableAutoRange()

    def _plot_method(self, cells: list[SweepCell], name: str, log_axis: bool, again: int) -> None:
        color = method_color(cells[0].spec.method)
        dash, symbol = DASHES[again % len(DASHES)], SYMBOLS[again % len(SYMBOLS)]
        x = np.array([cell.value for cell in cells])
        shown_x = np.log10(x) if log_axis else x  # (the band and the points know nothing of log mode)
        success = np.array([cell.success for cell in cells])
        low, high = np.array([cell.success_interval for cell in cells]).T
        quartiles = np.array([cell.loss_quartiles() for cell in cells])
        tips = [self._tip(cell) for cell in cells]
        fill = pg.mkColor(color)
        fill.setAlpha(50)
        for plot, mid, band in (
            (self.success_plot, success, (low, high)),
            (self.loss_plot, quartiles[:, 1], (quartiles[:, 0], quartiles[:, 2])),
        ):
            edges = [pg.PlotCurveItem(shown_x, edge) for edge in band]
            plot.addItem(pg.FillBetweenItem(*edges, brush=pg.mkBrush(fill)))
            curve = pg.PlotDataItem(x, mid, pen=pg.mkPen(color, width=2, style=dash))
            plot.addItem(curve)
            points = pg.ScatterPlotItem(
                x=shown_x, y=mid, data=tips, size=9, brush=color, pen="w", symbol=symbol, hoverable=True
            )
            points.sigHovered.connect(self._on_hover)
            plot.addItem(points)
        sample = pg.PlotDataItem([0, 1], [0, 0], pen=curve.opts["pen"], symbol=symbol, symbolBrush=color)
        self.legend.addItem(sample, name)

    def _tip(self, cell: SweepCell) -> str:
        low, high = cell.success_interval
        q1, median, q3 = cell.loss_quartiles()
        basins = ", ".join(f"{name} {share:.0%}" for name, share in list(self.sweep.shares(cell).items())[:3])
        escapes = "" if cell.escapes is None else f", {cell.mean_escapes:.2f} escapes a run"
        return (
            f"{cell.method}, {self.sweep.param} = {cell.value:.4g}: {cell.runs} runs, global minimum "
            f"{cell.success:.1%} [{low:.1%}, {high:.1%}], diverged {cell.diverged_share:.1%}, median loss "
            f"{median:.4g} [{q1:.4g}, {q3:.4g}]{escapes}; {basins}"
        )

    def _on_hover(self, _item, points, _event) -> None:
        if len(points):
            self.hovered.emit(points[0].data())


def value_ticks(values: tuple[float, ...]) -> list[list[tuple[float, str]]]:
    """Ticks of a log axis: the swept values themselves when there are few, else ``log_ticks``."""
    if len(values) <= MAX_VALUE_TICKS:
        return [[(float(np.log10(v)), f"{v:.3g}") for v in values], []]
    return log_ticks(min(values), max(values))


def log_ticks(low: float, high: float) -> list[list[tuple[float, str]]]:
    """Ticks of a log axis from ``low`` to ``high`` (positions in log10): each power of ten with its
    text, and 2…9 times it without (their texts would run into each other); within one decade, every
    one of them with its text."""
    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    major = [(float(k), f"{10.0**k:g}") for k in range(first, last + 1)]
    minor = [
        (float(np.log10(m * 10.0**k)), f"{m * 10.0**k:g}") for k in range(first, last) for m in range(2, 10)
    ]
    if last - first > 1:
        return [major, [(position, "") for position, _ in minor]]
    return [major, minor]
