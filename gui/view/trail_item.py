"""A lightweight trail: one QPainterPath item, cheaper per frame than pyqtgraph's PlotDataItem.

PlotDataItem recomputes bounds in Python on every change (several times per frame for each item);
a QGraphicsPathItem keeps its bounds in C++, which keeps streaming redraws fast.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from gui.style import TRAIL_HALO_RGBA

# Points drawn per run: painting cost grows with them (measured in docs/benchmarks.md).
MAX_PATH_POINTS = 400
MAX_DOTS = 250
MAX_DRAWN_POINTS = 60_000  # of all trails: with thousands of runs, each run gets fewer points
MIN_RUN_POINTS = 16
OUTLINED_RUNS = 300  # up to this many runs, trails are 2 px wide with a light outline (cost: 2 paths)


def points_per_run(runs: int, limit: int) -> int:
    """Points drawn per run of ``runs`` in all: ``limit``, or fewer so that all trails together draw at
    most ``MAX_DRAWN_POINTS`` (what a frame costs grows with them)."""
    return max(MIN_RUN_POINTS, min(limit, MAX_DRAWN_POINTS // max(runs, 1)))


def trail_pen(color: str, dots: bool, outlined: bool = False) -> QPen:
    """A method's trail pen: on a curve, dots (tiny round-capped segments: one cheap path), half
    transparent; on a surface an opaque path, 2 px when ``outlined`` (few runs), else 1 px (wider
    paths cost a lot with thousands of runs)."""
    faded = pg.mkColor(color)
    if dots:
        faded.setAlpha(150)
        return pg.mkPen(faded, width=5, cap=Qt.PenCapStyle.RoundCap)
    return pg.mkPen(faded, width=2 if outlined else 1)


def halo_pen(pen: QPen) -> QPen:
    """The light outline drawn under a trail of ``pen`` (so a trail reads on any colour under it)."""
    halo = pg.mkPen(pg.mkColor(*TRAIL_HALO_RGBA), width=pen.widthF() + 2.5, cap=Qt.PenCapStyle.RoundCap)
    halo.setCosmetic(True)
    return halo


class TrailItem(QGraphicsPathItem):
    """Points joined where ``connect`` is true; drawn without antialiasing (cheap, crisp)."""

    def __init__(self, pen: QPen):
        super().__init__()
        pen.setCosmetic(True)  # width in pixels at any zoom
        self.setPen(pen)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._bounds = QRectF()
        self.halo: QPen | None = None  # drawn first, under the path

    def set_style(self, pen: QPen, outlined: bool) -> None:
        """The trail's pen, and whether a light outline runs under it."""
        pen.setCosmetic(True)
        self.setPen(pen)
        self.halo = halo_pen(pen) if outlined else None

    def set_data(self, x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> None:
        self._x, self._y = x, y
        path = pg.arrayToQPath(x, y, connect=connect)
        self.prepareGeometryChange()
        self._bounds = path.controlPointRect()
        self.setPath(path)

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (pyqtgraph's name, for tests)
        return self._x, self._y

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        # The points' own rectangle: Qt's default strokes the whole path with the pen to find it (tens
        # of milliseconds per frame with thousands of runs). A cosmetic pen's few pixels past the
        # points need no room here: the view repaints whole frames.
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if self.halo is not None:
            painter.setPen(self.halo)
            painter.drawPath(self.path())
        super().paint(painter, option, widget)
