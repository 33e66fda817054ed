"""What a data landscape's runs are training: the dataset's samples and the model's curve at one run's
latest parameters (the run chosen in the results table, else the first). Shown for data landscapes only."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.landscapes.data import DataLandscape
from gui.qt_helpers import plain_axes

CURVE_POINTS = 300


class FitPlot(pg.PlotWidget):
    """``show_data(land)`` for new runs; ``show_fit(theta, color, label)`` as they move."""

    def __init__(self, parent=None):
        super().__init__(parent, title="Data and the fit")
        self.setLabel("left", "y")
        self.setLabel("bottom", "x")
        plain_axes(self.getPlotItem())
        self.setMinimumHeight(120)
        self.samples = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(90, 90, 90, 140))
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#000000", width=2))
        self.addItem(self.samples)
        self.addItem(self.curve)
        self._land: DataLandscape | None = None
        self._xs = np.empty(0)
        self.setVisible(False)

    def show_data(self, land) -> None:
        """The samples of ``land`` (hidden unless it is a data landscape); no fit until ``show_fit``."""
        self._land = land if isinstance(land, DataLandscape) else None
        self.setVisible(self._land is not None)
        self.curve.setData([], [])
        if self._land is None:
            return
        x, y = self._land.dataset.x, self._land.dataset.y
        self.samples.setData(x, y)
        self._xs = np.linspace(float(x.min()), float(x.max()), CURVE_POINTS)
        self.setTitle("Data and the fit")

    def show_fit(self, theta: np.ndarray, color: str, label: str) -> None:
        """The model's curve at parameters ``theta``, in ``color``, named ``label`` in the title."""
        if self._land is None:
            return
        if not np.isfinite(theta).all():
            self.curve.setData([], [])
            return
        self.curve.setData(self._xs, self._land.predict(theta, self._xs), pen=pg.mkPen(color, width=2))
        where = ", ".join(f"{n} = {v:.3g}" for n, v in zip(self._land.axis_names, theta, strict=True))
        self.setTitle(f"{label}'s fit: {where}")
