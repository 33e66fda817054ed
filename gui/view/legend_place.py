"""Where the landscape view's legend sits: right of the plot (outside the data, the default), in a
corner of the data, or hidden — the View ▸ Legend choices."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

LEGEND_COLUMN = 6  # of the plot's layout: after the right axis (2) and a colour bar (5)
CORNERS = {  # the legend's anchor point, the data area's, and the offset in pixels
    "top-right": ((1, 0), (1, 0), (-10, 10)),
    "top-left": ((0, 0), (0, 0), (10, 10)),
    "bottom-left": ((0, 1), (0, 1), (10, -10)),
    "bottom-right": ((1, 1), (1, 1), (-10, -10)),
}


def place_legend(plot_item: pg.PlotItem, legend: pg.LegendItem, where: str) -> None:
    """Put ``legend`` ``where`` (``"right"``, a corner of ``CORNERS``, or ``"hidden"``)."""
    layout = plot_item.layout
    in_layout = any(layout.itemAt(i) is legend for i in range(layout.count()))
    legend.setVisible(where != "hidden")
    if where == "right":
        if not in_layout:
            legend.setParentItem(plot_item)
            # Its own size, at the top: stretched to the plot's height, its rows would spread out.
            legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            layout.addItem(legend, 2, LEGEND_COLUMN)
            layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop)
        return
    if where in CORNERS:
        if in_layout:
            layout.removeItem(legend)
        legend.setParentItem(plot_item.vb)
        item_pos, parent_pos, offset = CORNERS[where]
        legend.anchor(item_pos, parent_pos, offset)


def drag_inside_only(legend: pg.LegendItem, inside: Callable[[], bool]) -> None:
    """Let the user drag ``legend`` while it sits inside the data (``inside()``); right of the plot its
    place is the layout's."""

    def drag(event) -> None:
        if inside():
            pg.LegendItem.mouseDragEvent(legend, event)
        else:
            event.ignore()

    legend.mouseDragEvent = drag
