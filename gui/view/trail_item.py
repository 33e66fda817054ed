"""A lightweight trail: points joined where ``connect`` is true, cheaper per frame than pyqtgraph's
PlotDataItem (which recomputes bounds in Python on every change, several times per frame).

On screen the trails of the runs are painted by a ``TrailCanvas`` that keeps its picture between frames
(``canvas`` set); the item paints itself only elsewhere (an export, as vectors). Its path is built when
first painted after a change, not on every frame.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from gui.style import TRAIL_HALO_RGBA

# Points drawn per run: painting cost grows with them (measured in docs/benchmarks.md).
MAX_PATH_POINTS = 400
MAX_DOTS = 250
MAX_DRAWN_POINTS = 60_000  # of all trails: with thousands of runs, each run gets fewer points
MIN_RUN_POINTS = 16
OUTLINED_RUNS = 120  # up to this many runs, trails are 2 px wide with a light outline (cost: 2 wide paths)


def points_per_run(runs: int, limit: int) -> int:
    """Points drawn per run of ``runs`` in all: ``limit``, or fewer so that all trails together draw at
    most ``MAX_DRAWN_POINTS`` (what a frame costs grows with them)."""
    return max(MIN_RUN_POINTS, min(limit, MAX_DRAWN_POINTS // max(runs, 1)))


def trail_pen(color: str, dots: bool, outlined: bool = False, scale: float = 1.0) -> QPen:
    """A method's trail pen: on a curve, dots (tiny round-capped segments: one cheap path), half
    transparent; on a surface an opaque path, 2 px when ``outlined`` (few runs), else 1 px (wider
    paths cost a lot with thousands of runs); ``scale`` times as wide (presenter mode)."""
    faded = pg.mkColor(color)
    if dots:
        faded.setAlpha(150)
        return pg.mkPen(faded, width=5 * scale, cap=Qt.PenCapStyle.RoundCap)
    return pg.mkPen(faded, width=(2 if outlined else 1) * scale)


def halo_pen(pen: QPen) -> QPen:
    """The light outline drawn under a trail of ``pen`` (so a trail reads on any colour under it)."""
    halo = pg.mkPen(pg.mkColor(*TRAIL_HALO_RGBA), width=pen.widthF() + 2.5, cap=Qt.PenCapStyle.RoundCap)
    halo.setCosmetic(True)
    return halo


def points_rect(x: np.ndarray, y: np.ndarray) -> QRectF:
    """The rectangle of the finite points (x[k], y[k]); empty if there are none."""
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return QRectF()
    x, y = x[finite], y[finite]
    x0, y0 = float(x.min()), float(y.min())
    return QRectF(x0, y0, float(x.max()) - x0, float(y.max()) - y0)


def stroke(painter: QPainter, path: QPainterPath, pen: QPen, halo: QPen | None) -> None:
    """``path`` with ``pen`` over its light outline ``halo`` (if any), without antialiasing."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if halo is not None:
        painter.setPen(halo)
        painter.drawPath(path)
    painter.setPen(pen)
    painter.drawPath(path)


class TrailItem(QGraphicsItem):
    """See the module docstring; ``halo`` is the light outline drawn under the path (None: none)."""

    def __init__(self, pen: QPen):
        super().__init__()
        self.canvas = None  # the TrailCanvas that paints this item on screen, if any
        self.before_read: Callable[[], None] | None = None  # brings the points up to date, if set
        self.halo: QPen | None = None
        self._pen = pen
        pen.setCosmetic(True)  # width in pixels at any zoom
        self._x, self._y = np.empty(0), np.empty(0)
        self._connect = np.empty(0, dtype=bool)
        self._path: QPainterPath | None = QPainterPath()
        self._bounds = QRectF()

    def pen(self) -> QPen:
        return self._pen

    def set_style(self, pen: QPen, outlined: bool) -> None:
        """The trail's pen, and whether a light outline runs under it."""
        pen.setCosmetic(True)
        self._pen = pen
        self.halo = halo_pen(pen) if outlined else None
        self._repaint()

    def set_data(self, x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> None:
        self._x, self._y, self._connect = x, y, connect
        self._path = None
        self.prepareGeometryChange()
        # The points' own rectangle: a cosmetic pen's few pixels past them need no room here (the view
        # repaints whole frames), and stroking the path to find its bounds costs tens of milliseconds.
        self._bounds = points_rect(x, y)
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (pyqtgraph's name, for tests)
        if self.before_read is not None:
            self.before_read()
        return self._x, self._y

    def path(self) -> QPainterPath:
        if self._path is None:
            self._path = pg.arrayToQPath(self._x, self._y, connect=self._connect)
        return self._path

    def draw(self, painter: QPainter) -> None:
        """Paint the trail with ``painter`` (in this item's coordinates)."""
        if len(self._x):
            stroke(painter, self.path(), self._pen, self.halo)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if widget is not None and self.canvas is not None:
            return  # on screen the canvas paints this trail
        if self.before_read is not None:
            self.before_read()
        self.draw(painter)

    def itemChange(self, change, value):  # noqa: N802 (Qt's name)
        if change == QGraphicsItem.GraphicsItemChange.ItemVisibleHasChanged:
            self._repaint()
        return super().itemChange(change, value)

    def _repaint(self) -> None:
        if self.canvas is not None:
            self.canvas.invalidate()
        self.update()
