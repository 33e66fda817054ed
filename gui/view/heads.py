"""The runs' heads (their latest points), all drawn by one item: each (colour, symbol) is rendered once
into a cell of one pixmap (an atlas), and every head is stamped from its cell by a single
``drawPixmapFragments`` call, as pyqtgraph's ScatterPlotItem does for one kind. One item rather than
one ScatterPlotItem per kind: each of those costs about a millisecond of Python per frame (bounds and
paint), and a view of 7 methods × 9 start symbols had 63 of them. Vector output (SVG) draws each
symbol as a path."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol, renderSymbol
from pyqtgraph.Qt import internals
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QImage, QPaintEngine, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem

HEAD_PEN = pg.mkPen("k", width=1)
HEAD_SIZE = 12
LIMIT = 2.0**30  # device coordinates beyond this crash Qt's painting
Kind = tuple[str, str]  # a head's colour and symbol


class HeadMarkers(QGraphicsItem):
    """Add it to a plot once (``ignoreBounds``: the heads never set the view's range); ``show`` draws
    the heads, ``symbols`` lists what is drawn (for tests).

    A plain QGraphicsItem: its bounds are numbers it keeps (no call into the view each time Qt asks).
    The symbols' margin around the points, in data units, is the one seen at the last paint (grown,
    and the bounds updated, when zoomed out)."""

    def __init__(self, size: float = HEAD_SIZE, pen: QPen = HEAD_PEN):
        super().__init__()
        self.size, self.pen = size, pen
        self._kinds: dict[tuple[str, str], np.ndarray] = {}  # (colour, symbol) -> (n, 2) points
        self._heads = (np.empty((0, 2)), np.empty(0, dtype=int))  # every finite head, its kind's place
        self._atlas: tuple[tuple[Kind, ...], float, QPixmap] | None = None  # (kinds, dpr, their cells)
        self._bounds = QRectF()
        self._pad = (0.0, 0.0)  # the symbols' size in data units (x, y), as of the last paint
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)
        self._drawn: tuple[np.ndarray, np.ndarray, list[Kind]] = (np.empty(0, dtype=int), np.empty(0), [])

    def show(self, runs: np.ndarray, points: np.ndarray, kinds: np.ndarray, table: Sequence[Kind]) -> None:
        """Head k of run ``runs[k]`` at ``points[k]``, drawn as ``table[kinds[k]]`` (a colour and a
        symbol): runs are grouped by kind number, not by their texts (thousands of runs each frame)."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        kinds = np.asarray(kinds, dtype=int)
        finite = np.isfinite(points).all(axis=1)
        order = np.argsort(kinds, kind="stable")
        self._kinds = {}
        for part in np.split(order, np.flatnonzero(np.diff(kinds[order])) + 1):
            if len(part):
                self._kinds[table[kinds[part[0]]]] = points[part[finite[part]]]
        sizes = [len(p) for p in self._kinds.values()]
        self._heads = (self.points(), np.repeat(np.arange(len(sizes)), sizes))
        self._set_bounds(points[finite])
        self._drawn = (np.asarray(runs), kinds, list(table))

    def set_size(self, size: float) -> None:
        """Draw the symbols ``size`` pixels wide from now on (presenter mode)."""
        self.size = size
        self._atlas = None
        self.update()

    def clear(self) -> None:
        self._kinds = {}
        self._heads = (np.empty((0, 2)), np.empty(0, dtype=int))
        self._pad = (0.0, 0.0)  # measured again at the next paint (a new landscape, a new scale)
        self._set_bounds(np.empty((0, 2)))
        self._drawn = (np.empty(0, dtype=int), np.empty(0), [])

    @property
    def symbols(self) -> list[str]:
        """The symbol of every drawn head, in run order."""
        runs, kinds, table = self._drawn
        return [table[kinds[k]][1] for k in np.argsort(runs, kind="stable")]

    def points(self) -> np.ndarray:
        """Every drawn head's (x, y) (for tests)."""
        return np.concatenate([*self._kinds.values(), np.empty((0, 2))])

    # ---- QGraphicsItem ------------------------------------------------------------------------------
    def _set_bounds(self, points: np.ndarray) -> None:
        self.prepareGeometryChange()
        if len(points):
            (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
            self._bounds = QRectF(x0, y0, x1 - x0, y1 - y0)
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        if not self._kinds:
            return QRectF()
        pad_x, pad_y = self._pad
        return self._bounds.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def _grow_pad(self, transform) -> None:
        """Widen the margin if the last paint's scale needs more (applied after the paint)."""
        sx, sy = abs(transform.m11()) + abs(transform.m21()), abs(transform.m12()) + abs(transform.m22())
        if sx <= 0 or sy <= 0:
            return
        needed = (self.size / sx, self.size / sy)
        if needed[0] > self._pad[0] or needed[1] > self._pad[1]:
            self._pad = (max(needed[0], self._pad[0]), max(needed[1], self._pad[1]))
            QTimer.singleShot(0, self._refit)

    def _refit(self) -> None:
        try:
            self.prepareGeometryChange()
            self.update()
        except RuntimeError:  # the item was deleted before this ran
            pass

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self._kinds:
            return
        transform = painter.transform()
        self._grow_pad(transform)
        vector = painter.paintEngine().type() == QPaintEngine.Type.SVG
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        painter.resetTransform()
        if vector:
            for (color, symbol), points in self._kinds.items():
                _draw_paths(
                    painter, _mapped(transform, points), symbol, pg.mkBrush(color), self.size, self.pen
                )
        else:
            points, places = self._heads
            self._stamp(painter, _mapped(transform, points), places, dpr)

    def _stamp(self, painter: QPainter, device: np.ndarray, places: np.ndarray, dpr: float) -> None:
        atlas = self._atlas_for(tuple(self._kinds), dpr)
        side = atlas.height()
        self._fragments.resize(len(device))
        fragments = self._fragments.ndarray()
        fragments[:, 0:2] = device
        fragments[:, 2] = places * side  # the kind's cell
        fragments[:, 3:6] = [0, side, side]
        fragments[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]  # scale x, scale y, rotation, opacity
        painter.drawPixmapFragments(*self._fragments.drawargs(), atlas)

    def _atlas_for(self, kinds: tuple[Kind, ...], dpr: float) -> QPixmap:
        """One pixmap holding each kind's symbol in a square cell, in order (made again when the
        kinds drawn change: a new landscape or new runs, not a frame)."""
        if self._atlas is None or self._atlas[:2] != (kinds, dpr):
            images = [renderSymbol(s, self.size, self.pen, pg.mkBrush(c), dpr=dpr) for c, s in kinds]
            side = max((max(i.width(), i.height()) for i in images), default=1)
            atlas = QImage(side * max(len(images), 1), side, QImage.Format.Format_ARGB32_Premultiplied)
            atlas.fill(0)
            painter = QPainter(atlas)
            for k, image in enumerate(images):
                painter.drawImage(k * side + (side - image.width()) // 2, (side - image.height()) // 2, image)
            painter.end()
            self._atlas = (kinds, dpr, QPixmap.fromImage(atlas))
        return self._atlas[2]


def _mapped(transform, points: np.ndarray) -> np.ndarray:
    """``points`` (n, 2) mapped by a QTransform's affine part to device coordinates."""
    x, y = points[:, 0], points[:, 1]
    device = np.column_stack(
        [
            transform.m11() * x + transform.m21() * y + transform.dx(),
            transform.m12() * x + transform.m22() * y + transform.dy(),
        ]
    )
    return np.clip(device, -LIMIT, LIMIT)


def _draw_paths(painter: QPainter, device: np.ndarray, symbol: str, brush, size: float, pen: QPen) -> None:
    for px, py in device.tolist():
        painter.resetTransform()
        painter.translate(px, py)
        drawSymbol(painter, symbol, size, pen, brush)
