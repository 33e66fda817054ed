"""The view's symbol key: the legend's last entries say what each symbol on screen means — start points,
the runs' latest points, escape events, the known minima, a diverged run's cross, a minibatch's loss and
the two gradient arrows. Only the symbols shown right now are listed."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from gui.style import ESCAPE_FILL, GLOBAL_MIN_COLOR, LOCAL_MIN_COLOR

WHITE = pg.mkBrush(255, 255, 255, 220)
LEGEND_TEXT_PT = 9  # pyqtgraph's legend labels
LEGEND_SAMPLE_PX = 45  # a legend entry's sample, its gaps and the legend's margins
BLACK = pg.mkPen("k", width=1.5)


def _marker(symbol: str, brush, pen=BLACK, size: int = 11) -> pg.ScatterPlotItem:
    return pg.ScatterPlotItem(symbol=symbol, size=size, brush=brush, pen=pen)


def _line(color: str, dashed: bool = False) -> pg.PlotDataItem:
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.PlotDataItem(pen=pg.mkPen(color, width=2, style=style))


# Every symbol the view can show, in the key's order: (name, sample item, text).
SYMBOLS = (
    ("start", lambda: _marker("o", WHITE), "start (a shape each)"),
    ("head", lambda: _marker("o", pg.mkBrush("#555555")), "latest point"),
    ("escape", lambda: _marker("d", pg.mkBrush(ESCAPE_FILL)), "escape: a new basin"),
    ("diverged", lambda: _marker("x", pg.mkBrush("#555555"), size=12), "diverged"),
    ("global", lambda: _marker("star", pg.mkBrush(GLOBAL_MIN_COLOR), size=14), "global minimum"),
    ("local", lambda: _marker("t1", pg.mkBrush(LOCAL_MIN_COLOR)), "local minimum"),
    (
        "edge",
        lambda: _marker("star", pg.mkBrush(0, 0, 0, 0), pg.mkPen(GLOBAL_MIN_COLOR, width=2.5), 14),
        "lowest point: on the edge",
    ),
    ("batch-loss", lambda: _line("#CC3311", dashed=True), "this minibatch's loss"),
    ("full-gradient", lambda: _line("#000000"), "−∇f, all the data"),
    ("batch-gradient", lambda: _line("#CC3311"), "−∇f, the minibatch"),
)
NAMES = tuple(name for name, _, _ in SYMBOLS)


class SymbolKey:
    """Owns the key's entries at the end of ``legend``; ``show(names)`` lists those of ``NAMES``."""

    def __init__(self, legend: pg.LegendItem):
        self.legend = legend
        self._samples = {name: make() for name, make, _ in SYMBOLS}
        self._texts = {name: text for name, _, text in SYMBOLS}
        self.shown: tuple[str, ...] = ()

    def widest(self) -> float:
        """The width of the legend with the key's widest entry (its sample, gap and text), in pixels."""
        font = QFont()
        font.setPointSizeF(LEGEND_TEXT_PT)
        text = max(QFontMetrics(font).horizontalAdvance(t) for t in self._texts.values())
        return text + LEGEND_SAMPLE_PX

    def show(self, names: set[str] | tuple[str, ...], force: bool = False) -> bool:
        """List the symbols ``names`` (in the key's order); whether the entries changed. ``force``:
        add them again (after the legend was cleared)."""
        wanted = tuple(name for name in NAMES if name in names)
        if wanted == self.shown and not force:
            return False
        for name in self.shown:
            if not force:
                self.legend.removeItem(self._samples[name])
        for name in wanted:
            self.legend.addItem(self._samples[name], self._texts[name])
        self.shown = wanted
        return True


def symbols_on_screen(view) -> set[str]:
    """The ``NAMES`` a ``LandscapeView`` shows now."""
    spots = list(view.minima.data["symbol"]) if view.show_minima else []
    land, overlay = view.model.landscape, view.overlay
    edge = view.show_minima and land.lowest_edge is not None  # (a hollow star: the others are global)
    heads, diverged = view.heads_shown
    shown = {
        "start": bool(view.model.starts),
        "head": heads,
        "escape": len(view.escapes.data) > 0,
        "diverged": diverged,
        "global": spots.count("star") > edge,
        "local": "t1" in spots,
        "edge": edge,
        "batch-loss": any(curve.xData is not None and len(curve.xData) for curve in overlay.curves),
        "full-gradient": len(overlay.full_arrows.getData()[0]) > 0,
        "batch-gradient": len(overlay.batch_arrows.getData()[0]) > 0,
    }
    return {name for name, on in shown.items() if on}
