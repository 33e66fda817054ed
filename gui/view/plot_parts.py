"""Parts of the landscape view's plot: the markers of the known minima, a title that never widens the
layout, and thin lines (contours) that are cheap to lay out."""

from __future__ import annotations

import html
from collections import OrderedDict

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from core.landscape import Landscape
from gui.style import GLOBAL_MIN_COLOR, LOCAL_MIN_COLOR

MINIMUM_BRUSHES = {True: pg.mkBrush(GLOBAL_MIN_COLOR), False: pg.mkBrush(LOCAL_MIN_COLOR)}
CLEAR_BRUSH = pg.mkBrush(255, 255, 255, 0)
BLACK_PEN = pg.mkPen("k")
EDGE_PEN = pg.mkPen(GLOBAL_MIN_COLOR, width=2.5)


def minima_spots(land: Landscape) -> dict:
    """``ScatterPlotItem.setData`` arguments: stars at global minima, triangles at local ones (smaller
    on a lattice like Rastrigin's) and a hollow star where the box's lowest point is on its edge."""
    minima = land.minima_in_domain()
    is_global = np.array([m.kind == "global" for m in minima], dtype=bool)
    xy = np.array([_minimum_xy(land, m) for m in minima], dtype=float).reshape(-1, 2)
    local_size = 7 if len(minima) > 30 else 12  # e.g. Rastrigin's lattice: keep the surface visible
    symbols = np.where(is_global, "star", "t1").tolist()
    sizes = np.where(is_global, 18, local_size).tolist()
    brushes = [MINIMUM_BRUSHES[bool(g)] for g in is_global]
    pens = [BLACK_PEN] * len(minima)
    if land.lowest_edge is not None:
        xy = np.vstack([xy, _minimum_xy(land, land.lowest_edge)])
        symbols, sizes = [*symbols, "star"], [*sizes, 18]
        brushes, pens = [*brushes, CLEAR_BRUSH], [*pens, EDGE_PEN]
    return {"x": xy[:, 0], "y": xy[:, 1], "symbol": symbols, "size": sizes, "brush": brushes, "pen": pens}


def _minimum_xy(land: Landscape, minimum) -> tuple[float, float]:
    x = minimum.location[0]
    return (x, minimum.value) if land.dim == 1 else (x, minimum.location[1])


def elided_title(label: pg.LabelItem, name: str, landscape_id: str, room: int) -> str:
    """The title's HTML: ``name`` and a grey ``(landscape_id)``, elided to ``room`` pixels."""
    metrics = QFontMetrics(title_font(label))
    name = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(room * 0.65))
    shown_id = metrics.elidedText(
        f"({landscape_id})", Qt.TextElideMode.ElideMiddle, room - metrics.horizontalAdvance(name)
    )
    return f"{html.escape(name)}   <span style='color:#666'>{html.escape(shown_id)}</span>"


def title_font(label: pg.LabelItem) -> QFont:
    """The font a pyqtgraph title is drawn in (its HTML sets the size, e.g. 11pt or 18px, not the item's
    font)."""
    font = QFont(label.item.font())
    size = str(label.opts.get("size", ""))
    if size.endswith("px") and size[:-2].isdigit():
        font.setPixelSize(int(size[:-2]))
    elif size.removesuffix("pt").replace(".", "", 1).isdigit():
        font.setPointSizeF(float(size.removesuffix("pt")))
    return font


def free_width(label: pg.LabelItem) -> None:
    """Let the layout size ``label`` (pyqtgraph widens a title's column to fit its text, which pushes
    the colour bar and the legend out of the view); the text is elided to fit instead."""

    def update_min() -> None:
        bounds = label.itemRect()
        label.setMinimumWidth(0)
        label.setMinimumHeight(bounds.height())
        label._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, bounds.height()),
            Qt.SizeHint.PreferredSize: (0, bounds.height()),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        label.updateGeometry()

    label.updateMin = update_min


class LinesItem(QGraphicsPathItem):
    """A path of thin lines (a cosmetic pen) whose bounds are its points' rectangle: Qt's own item
    strokes the whole path to find its bounds (tens of milliseconds for contour lines of 40,000
    points, each time the landscape changes)."""

    def __init__(self, path: QPainterPath, pen: QPen):
        pen.setCosmetic(True)
        super().__init__(path)
        self.setPen(pen)
        self._bounds = path.controlPointRect()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._bounds

    def shape(self) -> QPainterPath:
        shape = QPainterPath()
        shape.addRect(self._bounds)
        return shape


_PATHS: OrderedDict[int, tuple[tuple, QPainterPath]] = OrderedDict()  # id(lines) -> (lines, path)
_PATHS_KEPT = 16


def contour_path(lines: tuple) -> QPainterPath:
    """Every contour line of a surface (``core.minima.surface.Surface.contours``) as one path, built once
    per surface (building one of 40,000 points costs milliseconds at each landscape change)."""
    hit = _PATHS.get(id(lines))
    if hit is not None and hit[0] is lines:
        return hit[1]
    x, y, connect = (np.concatenate(parts) for parts in zip(*lines, strict=True))
    path = pg.arrayToQPath(x, y, connect=connect)
    _PATHS[id(lines)] = (lines, path)  # the lines are kept, so their id is not reused meanwhile
    while len(_PATHS) > _PATHS_KEPT:
        _PATHS.popitem(last=False)
    return path
