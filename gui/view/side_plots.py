"""Side plots on a shared step axis: loss, learning rate, and temperature / noise scale per run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from core.minima.grid import loss_gap, plotted_losses
from gui.style import thin_indices
from gui.view.run_buffer import RunBuffer

NOISE_SERIES = ("temperatures", "noise_scales")
SIDE_POINTS = 600  # about the plots' width in pixels
PLOTS = ("loss", "lr", "noise")


class SidePlots(QWidget):
    """Three linked plots; ``prepare_runs`` creates the curves once, ``refresh`` calls setData."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.log_loss = QCheckBox("Log scale (f − f*)")
        self.log_loss.setToolTip("Plot the gap to the global minimum value f* on a log scale")
        self.loss_plot = self._plot("Loss", "f")
        self.lr_plot = self._plot("Learning rate", "η")
        self.noise_plot = self._plot("Temperature / noise scale", "T, σ")
        for plot in (self.lr_plot, self.noise_plot):
            plot.setXLink(self.loss_plot)
        self.noise_plot.setLabel("bottom", "step")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.log_loss)
        for plot in (self.loss_plot, self.lr_plot, self.noise_plot):
            layout.addWidget(plot)
        self.log_loss.toggled.connect(self._on_log_toggled)
        self.curves: dict[str, list[pg.PlotDataItem]] = {"loss": [], "lr": [], "noise": []}
        self._buffer: RunBuffer | None = None
        self._groups: list[list[int]] = []
        self._floor, self._limit = 0.0, np.inf

    @staticmethod
    def _plot(title: str, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(title=title)
        plot.setLabel("left", left)
        plot.setMinimumHeight(120)
        plot.setAntialiasing(False)  # many curves redraw ten times a second
        return plot

    def prepare_runs(self, colors: list[str], floor: float | None, limit: float = np.inf) -> None:
        """One curve per method (runs of the same colour) in each plot; ``floor`` is f* if known;
        losses above ``limit`` (a diverging run) are not plotted."""
        self._limit = limit
        for plot in (self.loss_plot, self.lr_plot, self.noise_plot):
            plot.clear()
        self._floor = floor if floor is not None else 0.0
        by_color: dict[str, list[int]] = {}
        for run, color in enumerate(colors):
            by_color.setdefault(color, []).append(run)
        self._groups = list(by_color.values())
        self.curves = {"loss": [], "lr": [], "noise": []}
        for color in by_color:
            for key, plot in (("loss", self.loss_plot), ("lr", self.lr_plot), ("noise", self.noise_plot)):
                curve = pg.PlotDataItem(pen=pg.mkPen(color, width=1), antialias=False)
                plot.addItem(curve)
                self.curves[key].append(curve)
        self._buffer = None

    def refresh(self, buffer: RunBuffer, plots: tuple[str, ...] = PLOTS) -> None:
        """Redraw ``plots`` (some of "loss", "lr", "noise"; all by default) from ``buffer``."""
        self._buffer = buffer
        log = self.log_loss.isChecked()
        for g, runs in enumerate(self._groups):
            steps = [buffer.row_steps(r) for r in runs]
            if "loss" in plots:
                losses = [plotted_losses(buffer.series("losses", r), self._limit) for r in runs]
                if log:
                    lows = [np.nanmin(v) for v in losses if np.isfinite(v).any()]
                    floor = min([self._floor, *lows]) - 1e-12
                    losses = [loss_gap(v, floor) for v in losses]
                self._set(self.curves["loss"][g], steps, losses)
            if "lr" in plots:
                self._set(self.curves["lr"][g], steps, [buffer.series("learning_rates", r) for r in runs])
            if "noise" in plots:
                self._set(self.curves["noise"][g], steps, [self._noise_series(buffer, r) for r in runs])

    @staticmethod
    def _noise_series(buffer: RunBuffer, run: int) -> np.ndarray:
        """The run's temperature or noise scale, whichever its method records (else empty)."""
        for name in NOISE_SERIES:
            series = buffer.series(name, run)
            if series.size > 1 and np.isfinite(series[1:]).any():
                return series
        return np.empty(0)

    @staticmethod
    def _set(curve: pg.PlotDataItem, steps: list[np.ndarray], series: list[np.ndarray]) -> None:
        """Plot several runs' series against their steps in one item, never joining two runs."""
        parts = []
        for x, y in zip(steps, series, strict=False):
            idx = thin_indices(len(y), SIDE_POINTS)
            idx = idx[np.isfinite(y[idx])]
            if idx.size:
                parts.append(np.column_stack([x[idx].astype(float), y[idx]]))
        if not parts:
            curve.setData([], [])
            return
        xy = np.concatenate(parts)
        connect = np.ones(len(xy), dtype=bool)
        connect[np.cumsum([len(p) for p in parts]) - 1] = False
        curve.setData(xy[:, 0], xy[:, 1], connect=connect)

    def _on_log_toggled(self, log: bool) -> None:
        # The axis reads its current range in the new mode: a linear range up to 1e5 would be 10^100000.
        self.loss_plot.setYRange(0, 1, padding=0)
        self.loss_plot.setLogMode(y=log)
        self.loss_plot.enableAutoRange(axis="y")
        self.loss_plot.setLabel("left", "f − f*" if log else "f")
        if self._buffer is not None:
            self.refresh(self._buffer)
