"""The trails' picture on screen, kept between frames: a frame paints only the new segments into it.

Trails only grow while runs stream, so repainting every run's whole path on every frame (wide strokes
with an outline: ~13 ms for 35 runs, ~40 ms for 210 on this machine) is wasted work. The canvas keeps
the trails painted in an image the size of the view, in the view's pixels; ``extend`` paints the new
segments into it (a few points per run), and a repaint of the view only copies the image. When the
view's transform or size changes (a resize, zoom or pan), or the runs are replaced, the picture is
painted again from the trail items' own (thinned) points. Segments are painted over what is there,
so the newest lie on top; a whole picture has each method's trails in turn.

The trail items still hold every run's drawn points: exports paint them as vectors (the canvas paints
nothing there), and the picture is rebuilt from them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsItem

from gui.view.trail_item import TrailItem, stroke


class TrailCanvas(QGraphicsItem):
    """Paints ``items()`` (in their order) on screen, after ``sync()`` brings their points up to date;
    see the module docstring. Add it to the same plot as the trail items, at their z-value;
    ``set_bounds`` with the view's range whenever it changes."""

    def __init__(self, items: Callable[[], Sequence[TrailItem]], sync: Callable[[], None]):
        super().__init__()
        self._items, self._sync = items, sync
        self._image: QImage | None = None
        self._key: tuple | None = None  # the transform and size the image was painted for
        self._transform = QTransform()
        self._bounds = QRectF()
        self.full_paints = 0  # pictures painted whole (for tests and benchmarks)

    def set_bounds(self, rect: QRectF) -> None:
        """Where the canvas paints, in data coordinates: the view's range."""
        self.prepareGeometryChange()
        self._bounds = QRectF(rect)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._bounds

    def invalidate(self) -> None:
        """Paint the whole picture again at the next repaint (the trails changed other than by growing)."""
        self._image = None
        self.update()

    def extend(self, parts: Sequence[tuple[TrailItem, np.ndarray, np.ndarray, np.ndarray]]) -> None:
        """Paint new segments over the picture: for each (item, x, y, connect), in the item's style."""
        if self._image is None:
            return  # the next repaint paints the items whole (they hold these points too)
        paths = [(item, pg.arrayToQPath(x, y, connect=c)) for item, x, y, c in parts if len(x)]
        painter = QPainter(self._image)
        painter.setTransform(self._transform)
        _paint_in_layers(painter, [(item, path) for item, path in paths if item.isVisible()])
        painter.end()
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if widget is None:
            return  # not the screen (an export): the trail items paint themselves as vectors
        key = self._key_of(painter)
        if self._image is None or key != self._key:
            self._paint_whole(painter, key)
        painter.save()
        painter.resetTransform()
        painter.drawImage(0, 0, self._image)
        painter.restore()

    @staticmethod
    def _key_of(painter: QPainter) -> tuple:
        t, device = painter.worldTransform(), painter.device()
        matrix = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())
        return (*matrix, device.width(), device.height(), device.devicePixelRatioF())

    def _paint_whole(self, painter: QPainter, key: tuple) -> None:
        device, ratio = painter.device(), painter.device().devicePixelRatioF()
        image = QImage(
            round(device.width() * ratio),
            round(device.height() * ratio),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        self._transform = QTransform(painter.worldTransform())
        self._sync()
        own = QPainter(image)
        own.setTransform(self._transform)
        shown = [item for item in self._items() if item.isVisible()]
        _paint_in_layers(own, [(item, item.path()) for item in shown])
        own.end()
        self._image, self._key = image, key
        self.full_paints += 1


def _paint_in_layers(painter: QPainter, paths: Sequence[tuple[TrailItem, QPainterPath]]) -> None:
    """Each trail item's path in its style, over what the picture holds: the light outlines go under
    everything painted before (they never cut through another trail), the lines on top (in the items'
    order), so the newest segments lie on top."""
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOver)
    for item, path in paths:
        if item.halo is not None:
            stroke(painter, path, item.halo, None)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    for item, path in paths:
        stroke(painter, path, item.pen(), None)
