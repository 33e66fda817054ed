"""What a minibatch sees, drawn over the landscape: its loss curve (1-D) or contours (2-D), and arrows
for the full-data and the minibatch gradient at each run's head."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.landscapes.data import DataLandscape
from core.methods.batching import batch_values, gradient_pair
from core.minima.grid import contour_levels
from gui.view.trail_item import TrailItem

MAX_BATCH_CURVES = 4
ARROW_FRACTION = 0.08  # arrow length, as a fraction of the domain's size
GRID = 60


class BatchOverlay:
    """Owns the overlay items of a LandscapeView's plot; ``update`` redraws them for new batches."""

    def __init__(self, plot_item: pg.PlotItem):
        self.plot_item = plot_item
        self.curves = [
            pg.PlotDataItem(pen=pg.mkPen("#CC3311", width=1, style=Qt.PenStyle.DashLine))
            for _ in range(MAX_BATCH_CURVES)
        ]
        self.full_arrows = TrailItem(pg.mkPen("#000000", width=2))
        self.batch_arrows = TrailItem(pg.mkPen("#CC3311", width=2))
        self.contours: list[pg.IsocurveItem] = []
        self.show_contours = False
        for item in (*self.curves, self.full_arrows, self.batch_arrows):
            item.setZValue(45)
            plot_item.addItem(item)

    def clear(self) -> None:
        for curve in self.curves:
            curve.setData([], [])
        empty = np.empty(0)
        self.full_arrows.set_data(empty, empty, np.empty(0, dtype=bool))
        self.batch_arrows.set_data(empty, empty, np.empty(0, dtype=bool))
        self._clear_contours()

    def _clear_contours(self) -> None:
        for iso in self.contours:
            self.plot_item.removeItem(iso)
        self.contours = []

    def update(self, land, batches: dict[int, np.ndarray], heads: dict[int, np.ndarray]) -> None:
        """Redraw for each run's latest minibatch; ``heads`` are the runs' current positions."""
        if not isinstance(land, DataLandscape) or not batches:
            self.clear()
            return
        runs = [r for r in sorted(batches) if r in heads]
        if land.dim == 1:
            self._curves(land, batches, runs)
        elif self.show_contours and runs:
            self._contours(land, batches[runs[0]])
        else:
            self._clear_contours()
        self._arrows(land, batches, heads, runs)

    def _curves(self, land, batches, runs) -> None:
        ((lo, hi),) = land.domain
        xs = np.linspace(lo, hi, 400)
        for k, curve in enumerate(self.curves):
            if k < len(runs):
                curve.setData(xs, batch_values(land, batches[runs[k]], xs[:, None]))
            else:
                curve.setData([], [])

    def _contours(self, land, idx) -> None:
        (x0, x1), (y0, y1) = land.domain
        gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID), indexing="ij")
        z = batch_values(land, idx, np.column_stack([gx.ravel(), gy.ravel()])).reshape(GRID, GRID)
        self._clear_contours()
        transform = pg.QtGui.QTransform()
        transform.translate(x0, y0)
        transform.scale((x1 - x0) / (GRID - 1), (y1 - y0) / (GRID - 1))
        for level in contour_levels(z, 8):
            iso = pg.IsocurveItem(data=z, level=float(level), pen=pg.mkPen("#CC3311", width=1))
            iso.setTransform(transform)
            iso.setZValue(44)
            self.plot_item.addItem(iso)
            self.contours.append(iso)

    def _arrows(self, land, batches, heads, runs) -> None:
        """Segments from each head along −∇f (full: black) and −∇f_batch (batch: red)."""
        length = ARROW_FRACTION * land.scale
        full_pts, batch_pts = [], []
        for r in runs:
            head = np.asarray(heads[r], dtype=float)
            g_full, g_batch = gradient_pair(land, head[: land.dim], batches[r])
            for g, out in ((g_full, full_pts), (g_batch, batch_pts)):
                norm = np.linalg.norm(g)
                if norm > 0 and np.isfinite(norm):
                    start = head if land.dim == 2 else np.array([head[0], head[1]])
                    step = -g / norm * length
                    end = start + (step if land.dim == 2 else np.array([step[0], 0.0]))
                    out.extend([start, end])
        for item, pts in ((self.full_arrows, full_pts), (self.batch_arrows, batch_pts)):
            xy = np.array(pts).reshape(-1, 2)
            connect = np.zeros(len(xy), dtype=bool)
            connect[0::2] = True
            item.set_data(xy[:, 0], xy[:, 1], connect)
