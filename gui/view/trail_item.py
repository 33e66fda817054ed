"""A lightweight trail: one QPainterPath item, cheaper per frame than pyqtgraph's PlotDataItem.

PlotDataItem recomputes bounds in Python on every change (several times per frame for each item);
a QGraphicsPathItem keeps its bounds in C++, which keeps streaming redraws fast.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsPathItem

# Points drawn per run: painting cost grows with them (measured in docs/benchmarks.md).
MAX_PATH_POINTS = 400
MAX_DOTS = 250
MAX_DRAWN_POINTS = 150_000  # of all trails: with thousands of runs, each run gets fewer points
MIN_RUN_POINTS = 16


def points_per_run(runs: int, limit: int) -> int:
    """Points drawn per run of ``runs`` in all: ``limit``, or fewer so that all trails together draw at
    most ``MAX_DRAWN_POINTS`` (what a frame costs grows with them)."""
    return max(MIN_RUN_POINTS, min(limit, MAX_DRAWN_POINTS // max(runs, 1)))


def trail_pen(color: str, dots: bool) -> QPen:
    """A method's trail pen: on a curve, dots (tiny round-capped segments: one cheap path), half
    transparent; on a surface a 1-pixel opaque path (it stands out; wider paths cost a lot)."""
    faded = pg.mkColor(color)
    if dots:
        faded.setAlpha(150)
        return pg.mkPen(faded, width=5, cap=Qt.PenCapStyle.RoundCap)
    return pg.mkPen(faded, width=1)


class TrailItem(QGraphicsPathItem):
    """Points joined where ``connect`` is true; drawn without antialiasing (cheap, crisp)."""

    def __init__(self, pen: QPen):
        super().__init__()
        pen.setCosmetic(True)  # width in pixels at any zoom
        self.setPen(pen)
        self._x = np.empty(0)
        self._y = np.empty(0)

    def set_data(self, x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> None:
        self._x, self._y = x, y
        self.setPath(pg.arrayToQPath(x, y, connect=connect))

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (pyqtgraph's name, for tests)
        return self._x, self._y

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        super().paint(painter, option, widget)
