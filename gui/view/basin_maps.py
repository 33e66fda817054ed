"""Basin-of-attraction maps drawn as images: one band (1-D) or heat map (2-D) per method, coloured by
the minimum each start leads to, with a legend of those minima."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.studies.basin_report import label_name
from core.studies.basins import BasinMap
from gui.style import basin_colour

MAPS_PER_ROW = 3  # 2-D maps side by side


def basin_rgb(bmap: BasinMap) -> np.ndarray:
    """The map's majority labels as RGB, shape ``bmap.shape + (3,)``."""
    labels = bmap.majority_label().reshape(bmap.shape)
    rgb = np.zeros((*labels.shape, 3), dtype=np.uint8)
    for value in np.unique(labels):
        rgb[labels == value] = basin_colour(int(value))
    return rgb


class BasinMapsView(pg.GraphicsLayoutWidget):
    """``show_maps(maps)`` draws them; ``items`` pairs each map with its view box (for hover)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.items: list[tuple[pg.ViewBox, BasinMap]] = []

    def show_maps(self, maps: list[BasinMap], legend: bool = False) -> None:
        self.clear()
        self.items = []
        for k, bmap in enumerate(maps):
            one_d = bmap.landscape.dim == 1
            plot = self.addPlot(row=k if one_d else k // MAPS_PER_ROW, col=0 if one_d else k % MAPS_PER_ROW)
            plot.setTitle(bmap.spec.to_text(), size="9pt")
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            if one_d:
                plot.hideAxis("left")
            image = pg.ImageItem(basin_rgb(bmap)[:, None, :] if one_d else basin_rgb(bmap))
            (x0, x1) = bmap.landscape.domain[0]
            (y0, y1) = bmap.landscape.domain[1] if not one_d else (0.0, 1.0)
            image.setRect(x0, y0, x1 - x0, y1 - y0)
            plot.addItem(image)
            self.items.append((plot.getViewBox(), bmap))
        if legend and maps:
            self._add_legend(maps, rows=len(maps) if maps[0].landscape.dim == 1 else -(-len(maps) // 3))

    def _add_legend(self, maps: list[BasinMap], rows: int) -> None:
        """Which colour is which minimum (the labels that occur in any map)."""
        legend = pg.LegendItem(offset=None, labelTextSize="9pt", colCount=4)
        seen = sorted({int(v) for bmap in maps for v in np.unique(bmap.majority_label())})
        for label in seen:
            sample = pg.ScatterPlotItem(symbol="s", size=12, brush=pg.mkBrush(*basin_colour(label)), pen="k")
            legend.addItem(sample, label_name(maps[0], label))
        self.addItem(legend, row=rows, col=0, colspan=MAPS_PER_ROW)
