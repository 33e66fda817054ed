"""Where the landscape view's legend sits: right of the plot (outside the data, the default), in a
corner of the data, or hidden — the View ▸ Legend choices.

The legend stays a child item the whole time (pyqtgraph's design), never a layout item itself: right
of the plot it hangs in an empty slot of the plot's layout whose column is as wide as the legend.
(Added to the layout directly, it was moved by both the layout and its anchor, and the window
crashed when the scene was torn down.)"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

LEGEND_COLUMN = 6  # of the plot's layout: after the right axis (2) and a colour bar (5)
GAP_PX = 6
CORNERS = {  # the legend's anchor point, the data area's, and the offset in pixels
    "top-right": ((1, 0), (1, 0), (-10, 10)),
    "top-left": ((0, 0), (0, 0), (10, 10)),
    "bottom-left": ((0, 1), (0, 1), (10, -10)),
    "bottom-right": ((1, 1), (1, 1), (-10, -10)),
}


class LegendPlace:
    """Puts ``legend`` where ``place`` says and keeps the slot right of the plot as wide as it."""

    def __init__(self, plot_item: pg.PlotItem, legend: pg.LegendItem):
        self.plot_item, self.legend = plot_item, legend
        self.slot = pg.GraphicsWidget()
        plot_item.layout.addItem(self.slot, 2, LEGEND_COLUMN)
        self.where = "top-right"
        self.least_width = 0.0

    def place(self, where: str) -> None:
        """``"right"``, a corner of ``CORNERS``, or ``"hidden"``."""
        self.where = where
        self.legend.setVisible(where != "hidden")
        if where == "right":
            self.legend.setParentItem(self.slot)
            self.legend.anchor((0, 0), (0, 0), (GAP_PX, 0))
        elif where in CORNERS:
            self.legend.setParentItem(self.plot_item.vb)
            self.legend.anchor(*CORNERS[where])
        self.fit()

    def fit(self) -> None:
        """Size the slot to the legend (call after its entries change): at least ``least_width``
        wide, so the plot keeps its size while a run adds entries to the legend's symbol key."""
        shown = self.where == "right" and len(self.legend.items) > 0
        width = max(self.legend.boundingRect().width(), self.least_width) + GAP_PX if shown else 0
        self.plot_item.layout.setColumnFixedWidth(LEGEND_COLUMN, width)
        self.slot.setVisible(shown)
        cached(self.legend)


def cached(item: QGraphicsItem) -> None:
    """Paint ``item`` and everything in it from a picture kept between repaints (the view repaints
    whole 60 times a second while runs stream; a legend's texts took a tenth of each frame)."""
    for part in (item, *item.childItems()):
        part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        for inner in part.childItems():
            cached(inner)


def drag_inside_only(legend: pg.LegendItem, inside: Callable[[], bool]) -> None:
    """Let the user drag ``legend`` while it sits inside the data (``inside()``); right of the plot its
    place is the layout's."""

    def drag(event) -> None:
        if inside():
            pg.LegendItem.mouseDragEvent(legend, event)
        else:
            event.ignore()

    legend.mouseDragEvent = drag
