"""A lightweight trail: one QPainterPath item, cheaper per frame than pyqtgraph's PlotDataItem.

PlotDataItem recomputes bounds in Python on every change (several times per frame for each item);
a QGraphicsPathItem keeps its bounds in C++, which keeps streaming redraws fast.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsPathItem


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
