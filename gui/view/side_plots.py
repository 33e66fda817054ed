"""Side plots over the steps (each moves its step axis when it is refreshed; a zoom moves all three):
loss, learning rate, and temperature / noise scale per run."""

from __future__ import annotations

from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from core.landscapes.data import DataLandscape
from core.minima.grid import loss_gap, plotted_losses
from core.minima.surface import connect_within
from gui.qt_helpers import plain_axes
from gui.view.fit_plot import FitPlot
from gui.view.run_buffer import RunBuffer

NOISE_SERIES = ("temperatures", "noise_scales")
SIDE_POINTS = 400  # about the plots' width in pixels
MAX_PLOT_POINTS = 30_000  # per plot: with hundreds of runs, fewer points each
# At most this many runs are plotted (each method's evenly spaced among its runs): thousands of curves
# read as a smear, and each plot's items cost the window milliseconds per thousand points to lay out.
MAX_PLOTTED_RUNS = 120
PLOTS = ("loss", "lr", "noise")
FIRST_STEPS = 10  # the step axis before the first step (one point would make it −0.5…0.5)
NO_RUNS = "no runs yet: place a start and tick a method"
EMPTY_NOTES = {  # once the runs have taken a step
    "loss": "no finite loss to plot",
    "lr": "no learning rate for these methods",
    "noise": "no temperature or noise for these methods",
}


STEP_AXIS_ENDS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)  # × a power of ten


def step_axis_end(step: int) -> float:
    """Where the step axis ends while the runs have taken ``step`` steps: a round number a little
    beyond, so the axis moves now and then (and all three plots repaint) rather than every refresh."""
    scale = 10.0 ** np.floor(np.log10(max(step, 1) * 1.02))
    return float(scale * next(end for end in (*STEP_AXIS_ENDS, 10.0) if end * scale >= step * 1.02))


def side_limit(runs: int) -> int:
    """Points per run in a plot of ``runs`` runs: ``SIDE_POINTS``, fewer with thousands of runs."""
    return max(16, min(SIDE_POINTS, MAX_PLOT_POINTS // max(runs, 1)))


def plotted_runs(groups: list[list[int]], most: int) -> list[np.ndarray]:
    """Each group's runs, or evenly spaced ones among them so that all groups hold at most ``most``."""
    share = max(1, most // max(len(groups), 1))
    return [
        np.asarray(runs, dtype=int)[np.linspace(0, len(runs) - 1, min(share, len(runs))).round().astype(int)]
        for runs in groups
    ]


class SidePlots(QWidget):
    """Three plots over the steps; ``prepare_runs`` creates the curves once, ``refresh`` calls setData."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.log_loss = QCheckBox("Log scale (f − f*)")
        self.log_loss.setToolTip("Plot the gap to the global minimum value f* on a log scale")
        self.fit: FitPlot | None = None  # made for the first data landscape (start-up time)
        self.loss_plot = self._plot("Loss", "f")
        self.lr_plot = self._plot("Learning rate", "η")
        self.noise_plot = self._plot("Temperature / noise scale", "T, σ")
        self.noise_plot.setLabel("bottom", "step")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.log_loss)
        for plot in (self.loss_plot, self.lr_plot, self.noise_plot):
            layout.addWidget(plot)
        self.log_loss.toggled.connect(self._on_log_toggled)
        self._plots = {"loss": self.loss_plot, "lr": self.lr_plot, "noise": self.noise_plot}
        for plot in self._plots.values():
            plot.getPlotItem().vb.sigResized.connect(self._centre_notes)
            plot.getPlotItem().vb.sigRangeChangedManually.connect(partial(self._follow_steps, plot))
        self.curves: dict[str, list[pg.PlotDataItem]] = {"loss": [], "lr": [], "noise": []}
        self._buffer: RunBuffer | None = None
        self._groups: list[np.ndarray] = []
        self._colors: list[str] = []  # of the curves, one per method
        self._per_run = SIDE_POINTS  # points per run
        self._floor, self._limit = 0.0, np.inf
        self._step_end = float(FIRST_STEPS)  # where the step axis ends
        self._value_name = "f"  # what the loss is called (L for a model's loss)

    @staticmethod
    def _plot(title: str, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(title=title)
        plot.setLabel("left", left)
        plain_axes(plot.getPlotItem())
        plot.setMinimumHeight(120)
        plot.setAntialiasing(False)  # many curves redraw ten times a second
        # The value axis only widens: a narrower tick label would re-lay out the plot and its step axis.
        plot.getAxis("left").setStyle(autoReduceTextSpace=False)
        empty = pg.TextItem(color="#666666", anchor=(0.5, 0.5))
        empty.setParentItem(plot.getPlotItem().vb)  # in the plot's pixels, not its data
        plot.empty_label = empty
        return plot

    def _centre_notes(self) -> None:
        for plot in self._plots.values():
            plot.empty_label.setPos(plot.getPlotItem().vb.boundingRect().center())

    def _show_empty_states(self, plots: tuple[str, ...]) -> None:
        """A short note in each plot of ``plots`` that has nothing to show (after the first step)."""
        stepped = self._buffer is not None and self._buffer.step > 0
        for key in plots:
            plot = self._plots[key]
            has_data = any(curve.xData is not None and len(curve.xData) for curve in self.curves[key])
            note = NO_RUNS if not self._groups else EMPTY_NOTES[key] if stepped and not has_data else ""
            if note != plot.empty_label.textItem.toPlainText():  # (setting it repaints the plot)
                plot.empty_label.setText(note)
                self._centre_notes()

    def show_fit_data(self, land) -> None:
        """The samples of a data landscape above the plots (see ``FitPlot``); none for other landscapes."""
        if self.fit is None and isinstance(land, DataLandscape):
            self.fit = FitPlot()
            self.layout().insertWidget(1, self.fit)  # under the log-scale box, above the loss
        if self.fit is not None:
            self.fit.show_data(land)

    @property
    def fit_shown(self) -> bool:
        return self.fit is not None and self.fit.isVisible()

    def prepare_runs(
        self, colors: list[str], floor: float | None, limit: float = np.inf, value_name: str = "f"
    ) -> None:
        """One curve per method (runs of the same colour) in each plot; ``floor`` is f* if known;
        losses above ``limit`` (a diverging run) are not plotted; the loss is called ``value_name``."""
        self._limit = limit
        self._value_name = value_name
        if not self.log_loss.isChecked():
            self.loss_plot.setLabel("left", value_name)
        self._floor = floor if floor is not None else 0.0
        by_color: dict[str, list[int]] = {}
        for run, color in enumerate(colors):
            by_color.setdefault(color, []).append(run)
        self._groups = plotted_runs(list(by_color.values()), MAX_PLOTTED_RUNS)
        plotted = sum(len(runs) for runs in self._groups)
        self._per_run = side_limit(plotted)
        shown = f" ({plotted:,} of {len(colors):,} runs)" if plotted < len(colors) else ""
        self.loss_plot.setTitle(f"Loss{shown}")
        self._buffer = None
        for plot in self._plots.values():  # a new run's ranges, not the last run's
            plot.setRange(xRange=(0, FIRST_STEPS), yRange=(0, 1), padding=0)
            plot.enableAutoRange(y=True, x=False)  # x follows once the runs have stepped
        self._step_end = float(FIRST_STEPS)
        if list(by_color) != self._colors:
            self._new_curves(list(by_color))
        for curve in (c for curves in self.curves.values() for c in curves):
            curve.setData([], [])
        self._show_empty_states(PLOTS)

    def show_colours(self, shown: set[str]) -> None:
        """Draw only the curves of methods whose colour is in ``shown``."""
        for color, *curves in zip(self._colors, *self.curves.values(), strict=True):
            for curve in curves:
                curve.setVisible(color in shown)

    def _new_curves(self, colors: list[str]) -> None:
        """One curve per colour in each plot; those already made are kept and recoloured."""
        self._colors = colors
        for key, plot in self._plots.items():
            curves = self.curves[key]
            while len(curves) > len(colors):
                plot.removeItem(curves.pop())
            while len(curves) < len(colors):
                curves.append(pg.PlotDataItem(antialias=False))
                plot.addItem(curves[-1])
            for curve, color in zip(curves, colors, strict=True):
                curve.setPen(pg.mkPen(color, width=1))

    def refresh(self, buffer: RunBuffer, plots: tuple[str, ...] = PLOTS) -> None:
        """Redraw ``plots`` (some of "loss", "lr", "noise"; all by default) from ``buffer``: all runs of
        a method at once (no loop over runs)."""
        self._buffer = buffer
        limit = self._per_run
        for g, runs in enumerate(self._groups):
            if "loss" in plots:
                losses, steps, counts = buffer.padded("losses", runs, limit)
                losses = plotted_losses(losses, self._limit)
                if self.log_loss.isChecked():
                    finite = losses[np.isfinite(losses)]
                    floor = min(self._floor, float(finite.min()) if finite.size else self._floor) - 1e-12
                    losses = loss_gap(losses, floor)
                self._set(self.curves["loss"][g], steps, losses, counts)
            if "lr" in plots:
                rates, steps, counts = buffer.padded("learning_rates", runs, limit)
                self._set(self.curves["lr"][g], steps, rates, counts)
            if "noise" in plots:
                values, steps, counts = self._noise_series(buffer, runs, limit)
                self._set(self.curves["noise"][g], steps, values, counts)
        self._show_empty_states(plots)
        if buffer.step > 0:
            self._step_end = step_axis_end(buffer.step)
            self._show_steps(plots)

    def _show_steps(self, plots: tuple[str, ...]) -> None:
        """Each plot of ``plots`` shows steps 0 … the step axis's end. The plots are not linked: each
        moves its step axis when it is refreshed, so one plot's refresh never repaints the others."""
        for key in plots:
            plot = self._plots[key]
            if plot.getPlotItem().vb.viewRange()[0][1] != self._step_end:
                plot.setXRange(0, self._step_end, padding=0)

    def _follow_steps(self, source: pg.PlotWidget, _axes=None) -> None:
        """A person zoomed or dragged one plot: the others show the same steps."""
        low, high = source.getPlotItem().vb.viewRange()[0]
        for plot in self._plots.values():
            if plot is not source:
                plot.setXRange(low, high, padding=0)

    @staticmethod
    def _noise_series(
        buffer: RunBuffer, runs: np.ndarray, limit: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each run's temperature or noise scale, whichever its method records (else nothing)."""
        values, steps, counts = buffer.padded(NOISE_SERIES[0], runs, limit)
        chosen = np.isfinite(values[:, 1:]).any(axis=1)
        for name in NOISE_SERIES[1:]:
            other, _, _ = buffer.padded(name, runs, limit)
            use = ~chosen & np.isfinite(other[:, 1:]).any(axis=1)
            values[use] = other[use]
            chosen |= use
        return values, steps, np.where(chosen, counts, 0)

    def _set(self, curve: pg.PlotDataItem, steps: np.ndarray, values: np.ndarray, counts: np.ndarray) -> None:
        """Plot several runs' series (rows of ``values`` against ``steps``, ``counts`` rows each, as
        ``RunBuffer.padded`` thinned them) in one item, never joining two runs."""
        used = np.arange(steps.shape[1])[None, :] < counts[:, None]
        x, y = steps.astype(float), values
        keep = used & np.isfinite(y)
        if not keep.any():
            curve.setData([], [])
            return
        curve.setData(x[keep], y[keep], connect=connect_within(keep.sum(axis=1)))

    def _on_log_toggled(self, log: bool) -> None:
        # The axis reads its current range in the new mode: a linear range up to 1e5 would be 10^100000.
        self.loss_plot.setYRange(0, 1, padding=0)
        self.loss_plot.setLogMode(y=log)
        self.loss_plot.enableAutoRange(axis="y")
        name = self._value_name
        self.loss_plot.setLabel("left", f"{name} − {name}*" if log else name)
        if self._buffer is not None:
            self.refresh(self._buffer)
