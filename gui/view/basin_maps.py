"""Basin-of-attraction maps drawn as images: one band (1-D) or heat map (2-D) per method, coloured by
the minimum each start leads to, and the key of those colours.

Colours go by kind: global minima get dark, saturated colours (each at least 3:1 against white, the
maps' background), local minima light tints, a run that ends nowhere grey and a diverged one black."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from core.studies.basin_report import is_global_label, key_name
from core.studies.basins import DIVERGED, GLOBAL_ELSEWHERE, LOCAL_ELSEWHERE, NONE, BasinMap
from gui.style import display_label

MAPS_PER_ROW = 3  # 2-D maps side by side in a picture of fixed columns
GLOBAL_COLOURS = ("#CC3311", "#0077BB", "#009988", "#997700", "#AA3377", "#228833", "#EE3377")
LOCAL_COLOURS = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#BBCC33")
NONE_COLOUR, DIVERGED_COLOUR = "#8C8C8C", "#000000"
TITLE_POINTS = 9
TITLE_HEIGHT = 18  # a title row fitted to a narrow width (pyqtgraph's own is 30 pixels)
STRIP_HEIGHT, AXIS_HEIGHT = 42, 30  # a 1-D map: its title and band; the shared x axis under the last
MIN_CELL, MAX_CELL = 110, 170  # a 2-D map fitted to the width: the least and most width of each
BORDER = pg.mkPen("#9E9E9E")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def basin_colour(bmap: BasinMap, label: int) -> tuple[int, int, int]:
    """The RGB colour of one of ``bmap``'s labels: by kind, then by rank among the minima of that kind
    (a minimum outside the domain takes the next colour of its kind)."""
    if label in (NONE, DIVERGED):
        return _rgb(NONE_COLOUR if label == NONE else DIVERGED_COLOUR)
    kinds = [m.kind for m in bmap.minima]
    if label >= 0:
        kind, rank = kinds[label], kinds[:label].count(kinds[label])
    else:
        kind = "global" if label == GLOBAL_ELSEWHERE else "local"
        rank = kinds.count(kind)
    palette = GLOBAL_COLOURS if kind == "global" else LOCAL_COLOURS
    return _rgb(palette[rank % len(palette)])


def basin_rgb(bmap: BasinMap) -> np.ndarray:
    """The map's majority labels as RGB, shape ``bmap.shape + (3,)``."""
    labels = bmap.majority_label().reshape(bmap.shape)
    rgb = np.zeros((*labels.shape, 3), dtype=np.uint8)
    for value in np.unique(labels):
        rgb[labels == value] = basin_colour(bmap, int(value))
    return rgb


def _key_rank(bmap: BasinMap, label: int) -> tuple[int, int]:
    """Global minima first, then local ones, those outside the domain, no minimum, diverged."""
    if label >= 0:
        return (0 if is_global_label(bmap, label) else 1, label)
    return ({GLOBAL_ELSEWHERE: 2, LOCAL_ELSEWHERE: 3, NONE: 4, DIVERGED: 5}[label], 0)


def key_entries(maps: list[BasinMap]) -> list[tuple[str, tuple[int, int, int]]]:
    """(name, RGB) of every label drawn in ``maps`` (each map's majority labels), in key order."""
    found: dict[str, tuple[tuple[int, int], tuple[int, int, int]]] = {}
    for bmap in maps:
        for value in np.unique(bmap.majority_label()):
            label = int(value)
            found.setdefault(key_name(bmap, label), (_key_rank(bmap, label), basin_colour(bmap, label)))
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    return [(name, colour) for name, (_, colour) in ordered]


def map_titles(maps: list[BasinMap], settings: bool = False) -> list[str]:
    """Each map's method display label, with its settings ("lr=0.01") if ``settings`` or where two maps
    share a label."""
    labels = [display_label(bmap.spec) for bmap in maps]
    return [
        f"{label} ({bmap.spec.to_text().partition(':')[2]})"
        if (settings or labels.count(label) > 1) and ":" in bmap.spec.to_text()
        else label
        for label, bmap in zip(labels, maps, strict=True)
    ]


def elide(text: str, width: float, font: QFont | None = None) -> str:
    """``text`` cut to ``width`` pixels with "…", in ``font`` (default: the maps' title font)."""
    if font is None:
        font = QFont()
        font.setPointSizeF(TITLE_POINTS)
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, max(int(width), 10))


class BasinMapsView(pg.GraphicsLayoutWidget):
    """``show_maps(maps)`` draws them; ``items`` pairs each map with its view box (for hover).

    With ``columns=None`` the maps fit the widget's width (a narrow dock): 2-D maps as many to a row as
    fit, without axes, titles elided to their width (the full text is the title's tooltip); the widget's
    height then follows its width."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.ci.setContentsMargins(2, 2, 2, 2)
        self.items: list[tuple[pg.ViewBox, BasinMap]] = []
        self.titles: list[str] = []  # each map's full title, in the order of ``items``
        self._maps: list[BasinMap] = []
        self._plots: list[pg.PlotItem] = []
        self._legend, self._columns, self._fitted = False, MAPS_PER_ROW, False

    def show_maps(
        self, maps: list[BasinMap], legend: bool = False, columns: int | None = MAPS_PER_ROW
    ) -> None:
        """Draw ``maps`` (1-D ones one under another), with a key of the colours if ``legend``."""
        self._maps, self._legend, self._fitted = list(maps), legend, columns is None
        self._columns = self._fit_columns() if columns is None else columns
        self._draw()

    def _draw(self) -> None:
        self.clear()
        self.items, self._plots = [], []
        self.titles = map_titles(self._maps, settings=not self._fitted)  # a picture has no tooltips
        for k, bmap in enumerate(self._maps):
            self._add_map(k, bmap)
        if self._legend and self._maps:
            one_d = self._maps[0].landscape.dim == 1
            self._add_legend(rows=len(self._maps) if one_d else -(-len(self._maps) // self._columns))
        if self._fitted:
            self.setFixedHeight(self._fitted_height())
            self._elide_titles()

    def _add_map(self, k: int, bmap: BasinMap) -> None:
        one_d = bmap.landscape.dim == 1
        plot = self._new_plot(k, bmap)
        if self._fitted:
            self._fit_plot(plot, k, one_d)
        rgb = basin_rgb(bmap)
        # levels fixed: pyqtgraph would stretch the colours to the image's range, off the key's
        image = pg.ImageItem(rgb[:, None, :] if one_d else rgb, levels=(0, 255))
        (x0, x1) = bmap.landscape.domain[0]
        (y0, y1) = bmap.landscape.domain[1] if not one_d else (0.0, 1.0)
        image.setRect(x0, y0, x1 - x0, y1 - y0)
        plot.addItem(image)
        plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        if (bmap.majority_label() == DIVERGED).all():
            self._add_note(plot, ((x0 + x1) / 2, (y0 + y1) / 2), one_d)
        self._plots.append(plot)
        self.items.append((plot.getViewBox(), bmap))

    def _new_plot(self, k: int, bmap: BasinMap) -> pg.PlotItem:
        one_d = bmap.landscape.dim == 1
        plot = self.addPlot(row=k if one_d else k // self._columns, col=0 if one_d else k % self._columns)
        self._set_title(plot, self.titles[k])
        plot.titleLabel.setToolTip(f"{self.titles[k]}\n{bmap.spec.to_text()}")
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        plot.getViewBox().setBorder(BORDER)
        if one_d:
            plot.hideAxis("left")
        return plot

    def _fit_plot(self, plot: pg.PlotItem, k: int, one_d: bool) -> None:
        """A narrow width: 2-D maps without axes, 1-D bands sharing the x axis under the last one."""
        plot.hideAxis("left")
        last = k == len(self._maps) - 1
        if not (one_d and last):
            plot.hideAxis("bottom")
        if not one_d:
            plot.setMaximumWidth(MAX_CELL)  # near-square maps: their height is capped the same
            return
        if last:
            plot.getAxis("bottom").setHeight(AXIS_HEIGHT)
        height = STRIP_HEIGHT + (AXIS_HEIGHT if last else 0)
        plot.setMinimumHeight(height)
        plot.setMaximumHeight(height)

    def _add_note(self, plot: pg.PlotItem, at: tuple[float, float], one_d: bool) -> None:
        """White words on a map of one colour (all black says nothing by itself)."""
        words = "diverged from every start" if one_d else "diverged<br>from every start"
        note = pg.TextItem(
            html=f'<div style="color:#FFFFFF; text-align:center">{words}</div>', anchor=(0.5, 0.5)
        )
        if not one_d:  # a width, so that its two lines are centred
            note.setTextWidth(min(self._cell_width(), MAX_CELL) - 16 if self._fitted else 200)
        note.setPos(*at)
        plot.addItem(note)

    def _add_legend(self, rows: int) -> None:
        """Which colour is which outcome (the labels that occur in any map)."""
        legend = pg.LegendItem(offset=None, labelTextSize="9pt", colCount=4)
        for name, colour in key_entries(self._maps):
            sample = pg.ScatterPlotItem(symbol="s", size=12, brush=pg.mkBrush(*colour), pen="k")
            legend.addItem(sample, name)
        self.addItem(legend, row=rows, col=0, colspan=self._columns)

    # ---- fitting a narrow width ---------------------------------------------------------------------
    def _two_d(self) -> bool:
        return bool(self._maps) and self._maps[0].landscape.dim == 2

    def _fit_columns(self) -> int:
        if not self._two_d():
            return 1
        return max(1, min(len(self._maps), (self.width() - 4) // MIN_CELL))

    def _cell_width(self) -> float:
        return (self.width() - 4) / max(self._columns, 1)

    def _fitted_height(self) -> int:
        if not self._maps:
            return 0
        if not self._two_d():
            return len(self._maps) * STRIP_HEIGHT + AXIS_HEIGHT + 8
        rows = -(-len(self._maps) // self._columns)
        return int(rows * (min(self._cell_width(), MAX_CELL) + TITLE_HEIGHT + 4)) + 8

    def _set_title(self, plot: pg.PlotItem, text: str) -> None:
        plot.setTitle(html.escape(text), size=f"{TITLE_POINTS}pt")
        if self._fitted:
            plot.titleLabel.setMaximumHeight(TITLE_HEIGHT)
            plot.layout.setRowFixedHeight(0, TITLE_HEIGHT)

    def _elide_titles(self) -> None:
        width = self._cell_width() - 8
        for plot, title in zip(self._plots, self.titles, strict=True):
            self._set_title(plot, elide(title, width))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # pyqtgraph calls this with no event while it builds the widget (before __init__ here has run)
        if (
            event is None
            or not getattr(self, "_fitted", False)
            or event.size().width() == event.oldSize().width()
        ):
            return
        if self._fit_columns() != self._columns:
            self._columns = self._fit_columns()
            self._draw()
        else:
            self.setFixedHeight(self._fitted_height())
            self._elide_titles()
