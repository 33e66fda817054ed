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
        self._filled: set[tuple[str, str]] = set()  # the items that show some heads
        self._drawn: tuple[np.ndarray, np.ndarray] = (np.empty(0, dtype=int), np.empty(0, dtype=object))

    def show(
        self, runs: np.ndarray, x: np.ndarray, y: np.ndarray, colors: np.ndarray, symbols: np.ndarray
    ) -> None:
        """Head k of run ``runs[k]`` at (x[k], y[k]) in ``colors[k]`` with ``symbols[k]``."""
        colors, symbols = np.asarray(colors, dtype=object), np.asarray(symbols, dtype=object)
        color_keys, color_of = np.unique(colors, return_inverse=True)
        symbol_keys, symbol_of = np.unique(symbols, return_inverse=True)
        kind_of = color_of * len(symbol_keys) + symbol_of
        present = {
            (color_keys[k // len(symbol_keys)], symbol_keys[k % len(symbol_keys)]): kind_of == k
            for k in np.unique(kind_of).tolist()
        }
        self._empty(keep=present)
        for key, members in present.items():
            self._item(key).setData(x[members], y[members])
        self._filled = set(present)
        self._drawn = (np.asarray(runs), symbols)

    def clear(self) -> None:
        self._empty(keep={})
        self._drawn = (np.empty(0, dtype=int), np.empty(0, dtype=object))

    def _empty(self, keep: dict) -> None:
        """Empty the items that show heads, but those in ``keep`` (an empty setData costs as much)."""
        for key in self._filled - set(keep):
            self._items[key].setData([], [])
        self._filled = set()

    @property
    def symbols(self) -> list[str]:
        """The symbol of every drawn head, in run order."""
        runs, symbols = self._drawn
        return [str(symbols[k]) for k in np.argsort(runs, kind="stable")]

    def _item(self, key: tuple[str, str]) -> pg.ScatterPlotItem:
        if key not in self._items:
            color, symbol = key
            item = pg.ScatterPlotItem(
                size=HEAD_SIZE, pxMode=True, symbol=symbol, pen=HEAD_PEN, brush=pg.mkBrush(color)
            )
            item.setParentItem(self)
            self._items[key] = item
        return self._items[key]
