"""The runs' heads (their latest points): one scatter item per (colour, symbol), each given plain x/y
arrays, so thousands of heads draw in milliseconds (one item with a symbol and a brush per point costs
pyqtgraph ~10 µs of Python per point on every frame)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

HEAD_PEN = pg.mkPen("k", width=1)
HEAD_SIZE = 12


class HeadMarkers(pg.ItemGroup):
    """Add it to a plot once; ``show`` draws the heads, ``symbols`` lists what is drawn (for tests)."""

    def __init__(self):
        super().__init__()
        self._items: dict[tuple[str, str], pg.ScatterPlotItem] = {}
        self._drawn: list[tuple[int, str]] = []

    def show(
        self, runs: np.ndarray, x: np.ndarray, y: np.ndarray, colors: list[str], symbols: list[str]
    ) -> None:
        """Head k of run ``runs[k]`` at (x[k], y[k]) in ``colors[k]`` with ``symbols[k]``."""
        keys = list(zip(colors, symbols, strict=True))
        groups: dict[tuple[str, str], list[int]] = {}
        for k, key in enumerate(keys):
            groups.setdefault(key, []).append(k)
        for key, item in self._items.items():
            if key not in groups:
                item.setData([], [])
        for key, members in groups.items():
            self._item(key).setData(x[members], y[members])
        self._drawn = sorted(zip(np.asarray(runs).tolist(), symbols, strict=True))

    def clear(self) -> None:
        for item in self._items.values():
            item.setData([], [])
        self._drawn = []

    @property
    def symbols(self) -> list[str]:
        """The symbol of every drawn head, in run order."""
        return [symbol for _, symbol in self._drawn]

    def _item(self, key: tuple[str, str]) -> pg.ScatterPlotItem:
        if key not in self._items:
            color, symbol = key
            item = pg.ScatterPlotItem(
                size=HEAD_SIZE, pxMode=True, symbol=symbol, pen=HEAD_PEN, brush=pg.mkBrush(color)
            )
            item.setParentItem(self)
            self._items[key] = item
        return self._items[key]
