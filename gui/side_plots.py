"""Side plots on a shared step axis: loss, learning rate, and temperature / noise scale per run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from core.grid import loss_gap
from gui.landscape_view import downsample
from gui.run_buffer import RunBuffer

NOISE_SERIES = ("temperatures", "noise_scales")


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
        self._floor = 0.0

    @staticmethod
    def _plot(title: str, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(title=title)
        plot.setLabel("left", left)
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.setMinimumHeight(120)
        return plot

    def prepare_runs(self, colors: list[str], floor: float | None) -> None:
        """One curve per run in each plot; ``floor`` is the landscape's global minimum value, if known."""
        for plot in (self.loss_plot, self.lr_plot, self.noise_plot):
            plot.clear()
        self._floor = floor if floor is not None else 0.0
        self.curves = {"loss": [], "lr": [], "noise": []}
        for color in colors:
            for key, plot in (("loss", self.loss_plot), ("lr", self.lr_plot), ("noise", self.noise_plot)):
                curve = pg.PlotDataItem(pen=pg.mkPen(color, width=1.5))
                plot.addItem(curve)
                self.curves[key].append(curve)
        self._buffer = None

    def refresh(self, buffer: RunBuffer) -> None:
        self._buffer = buffer
        log = self.log_loss.isChecked()
        for run, curve in enumerate(self.curves["loss"]):
            losses = buffer.series("losses", run)
            steps = np.arange(len(losses))
            y = loss_gap(losses, min(self._floor, np.nanmin(losses)) - 1e-12) if log else losses
            self._set(curve, steps, y)
        for run, curve in enumerate(self.curves["lr"]):
            lrs = buffer.series("learning_rates", run)
            self._set(curve, np.arange(len(lrs)), lrs)
        for run, curve in enumerate(self.curves["noise"]):
            series = next((buffer.series(n, run) for n in NOISE_SERIES if n in buffer.extras), np.empty(0))
            if series.size and np.isnan(series[1:]).all():
                series = np.empty(0)
            self._set(curve, np.arange(len(series)), series)

    @staticmethod
    def _set(curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
        finite = np.isfinite(y)
        xy = downsample(np.column_stack([x[finite], y[finite]]))
        curve.setData(xy[:, 0], xy[:, 1])

    def _on_log_toggled(self, log: bool) -> None:
        self.loss_plot.setLogMode(y=log)
        self.loss_plot.setLabel("left", "f − f*" if log else "f")
        if self._buffer is not None:
            self.refresh(self._buffer)
