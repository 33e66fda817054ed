"""The trails' picture on screen, kept between frames: a frame paints only the new segments into it.

Trails only grow while runs stream, so repainting every run's whole path on every frame (wide strokes
with an outline: ~13 ms for 35 runs, ~40 ms for 210 on this machine) is wasted work. The canvas keeps
the trails painted in an image the size of the view, in the view's pixels; ``extend`` paints the new
segments into it (a few points per run), and a repaint of the view only copies the image. When the
view's transform or size changes (a resize, zoom or pan), or the runs are replaced, the picture is
painted again from the trail items' own (thinned) points. Segments are painted over what is there,
so the newest lie on top; a whole picture has each method's trails in turn.

The picture has two layers: the trails' light outlines, shown under every line, and the lines. (One
layer with each new outline composed under what is there costs ~6× more: composition modes other than
"source over" leave Qt's fast fill paths.)

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
        self._layers: tuple[QImage, QImage] | None = None  # the outlines, the lines
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
        self._layers = None
        self.update()

    def extend(self, parts: Sequence[tuple[TrailItem, np.ndarray, np.ndarray, np.ndarray]]) -> None:
        """Paint new segments over the picture: for each (item, x, y, connect), in the item's style."""
        if self._layers is None:
            return  # the next repaint paints the items whole (they hold these points too)
        paths = [(item, pg.arrayToQPath(x, y, connect=c)) for item, x, y, c in parts if len(x)]
        self._paint_layers([(item, path) for item, path in paths if item.isVisible()])
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if widget is None:
            return  # not the screen (an export): the trail items paint themselves as vectors
        key = self._key_of(painter)
        if self._layers is None or key != self._key:
            self._paint_whole(painter, key)
        painter.save()
        painter.resetTransform()
        for layer in self._layers:
            painter.drawImage(0, 0, layer)
        painter.restore()

    @staticmethod
    def _key_of(painter: QPainter) -> tuple:
        t, device = painter.worldTransform(), painter.device()
        matrix = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())
        return (*matrix, device.width(), device.height(), device.devicePixelRatioF())

    def _paint_whole(self, painter: QPainter, key: tuple) -> None:
        device = painter.device()
        self._layers = (_blank_like(device), _blank_like(device))
        self._transform = QTransform(painter.worldTransform())
        self._sync()
        self._paint_layers([(item, item.path()) for item in self._items() if item.isVisible()])
        self._key = key
        self.full_paints += 1

    def _paint_layers(self, paths: Sequence[tuple[TrailItem, QPainterPath]]) -> None:
        """Each trail item's path in its style: its outline (if any) into the outlines' layer, its line
        over the lines (in the items' order, so the newest segments lie on top)."""
        outlines, lines = (QPainter(layer) for layer in self._layers)
        for painter in (outlines, lines):
            painter.setTransform(self._transform)
        for item, path in paths:
            if item.halo is not None:
                stroke(outlines, path, item.halo, None)
            stroke(lines, path, item.pen(), None)
        outlines.end()
        lines.end()


def _blank_like(device) -> QImage:
    """A transparent image of ``device``'s size in device pixels."""
    ratio = device.devicePixelRatioF()
    image = QImage(
        round(device.width() * ratio),
        round(device.height() * ratio),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    return image
