"""Presenter mode (View ▸ Presenter mode, F11): the main window set up for a lecture on a projector,
readable from the back of the room, and back again exactly as it was.

On: every text of the window (menus, dock titles, panels, the results table, the status bar, tooltips)
and of its plots (tick labels, axis labels, titles, legends) in fonts of a fixed pixel size; wider
trails and bigger markers in the landscape view; only the docks a lecture needs (the view, the plots
and the results; the run controls stay under the view). Off: the layout, the fonts and the marks
as they were. Nothing about the experiment changes. The window never saves the presenter layout as
its own: closing the window leaves presenter mode first.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QWidget

from gui.qt_helpers import make_action
from gui.style import PRESENTER_FONT_PX, PRESENTER_MARKER_SCALE, PRESENTER_TICK_PX, PRESENTER_TRAIL_SCALE
from gui.view.plot_parts import minima_spots
from gui.view.symbol_key import LEGEND_SAMPLE_PX, LEGEND_TEXT_PT

HIDDEN_DOCKS = ("Landscape", "Methods", "Basins")  # the lecturer prepared these before the lecture
PLOTS_SHARE = 0.25  # of the window's width, for the side plots' dock
RESULTS_ROWS = 4  # rows of the results table in view under its header
POPUP_CLASSES = ("QMenu", "QTipLabel")  # top-level widgets that take no font from the window
_OWN_FONT = Qt.WidgetAttribute.WA_SetFont


def font_px(font: QFont, dpi: float) -> float:
    """A font's size in pixels: its pixel size, or its point size at ``dpi`` dots per inch."""
    return float(font.pixelSize()) if font.pixelSize() > 0 else font.pointSizeF() * dpi / 72


def sized(font: QFont, px: int) -> QFont:
    """A copy of ``font`` at ``px`` pixels."""
    copy = QFont(font)
    copy.setPixelSize(px)
    return copy


class WidgetFonts:
    """The window's widgets (and every menu and tooltip: top-level popups inherit no font) in a font of
    ``px`` pixels, and back."""

    def __init__(self, window: QMainWindow):
        self.window = window
        self._undo: list[Callable[[], None]] = []

    def apply(self, px: int) -> None:
        window, table = self.window, self.window.table
        # Undone in this order: a widget that inherits its font takes it again from its parent (or, a
        # popup, from the application), and the table is measured in its normal font.
        popups = [self._popup_font(name, px) for name in POPUP_CLASSES]  # (menus made from now on)
        self._undo = [*popups, _font_undo(window)]
        table_undo, inherited = _table_undo(table), _inherited_undo(window)
        padding = table.verticalHeader().defaultSectionSize() - table.fontMetrics().height()
        window.setFont(sized(window.font(), px))
        for widget in window.findChildren(QWidget):  # menus made already, own fonts, style sheets
            if widget.font().pixelSize() != px:
                self._undo.append(_font_undo(widget))
                widget.setFont(sized(widget.font(), px))
        self._undo += [inherited, table_undo]
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + padding)
        table.fit_columns()

    def restore(self) -> None:
        for undo in self._undo:
            undo()
        self._undo = []

    @staticmethod
    def _popup_font(name: str, px: int) -> Callable[[], None]:
        """The application's font for widgets of class ``name`` at ``px`` pixels (Qt gives it to such
        widgets when they are first shown); what gives it back."""
        font = QApplication.font(name)
        QApplication.setFont(sized(font, px), name)
        return lambda: QApplication.setFont(font, name)


def _font_undo(widget: QWidget) -> Callable[[], None]:
    """What gives ``widget`` back its font: its own, or (``QFont()``) the one it inherits."""
    font = QFont(widget.font()) if widget.testAttribute(_OWN_FONT) else QFont()
    return lambda: widget.setFont(font)


def _inherited_undo(window: QWidget) -> Callable[[], None]:
    """What gives the window's widgets that inherit their fonts back the fonts they have now, should
    the window's restored font not reach them: Qt misses some that were never shown (a hidden tab's
    table corner button kept the larger font)."""
    fonts = [(w, QFont(w.font())) for w in window.findChildren(QWidget) if not w.testAttribute(_OWN_FONT)]

    def undo() -> None:
        for widget, font in fonts:
            if shiboken6.isValid(widget) and widget.font() != font:
                widget.setFont(QFont())

    return undo


def _table_undo(table) -> Callable[[], None]:
    """What gives the results table back its row height, and its columns fitted to their texts in the
    normal font, each at least as wide as before (texts may have grown meanwhile, as runs ran)."""
    header = table.verticalHeader()
    rows = header.defaultSectionSize()
    widths = [table.columnWidth(col) for col in range(table.results.columnCount())]

    def undo() -> None:
        header.setDefaultSectionSize(rows)
        table.fit_columns()
        for col, width in enumerate(widths):
            table.setColumnWidth(col, max(width, table.columnWidth(col)))

    return undo


class PlotTexts:
    """The texts of every pyqtgraph plot in the window — tick labels, axis labels, titles, legends and
    notes — at a size in pixels, and back. ``apply`` again reaches items made since (a new landscape's
    plots); items already enlarged are left alone."""

    def __init__(self, window: QMainWindow):
        self.window = window
        self._undo: dict[object, Callable[[], None]] = {}  # item -> what gives it back its look
        self._least_width: float | None = None  # the view's legend column's, before

    def apply(self, text_px: int, tick_px: int) -> None:
        for view in self.window.findChildren(pg.GraphicsView):
            items = view.scene().items()
            legend_labels = set()
            for item in items:
                if isinstance(item, pg.LegendItem):
                    legend_labels.update(label for _, label in item.items)
                    self._once(item, lambda i=item: _enlarge_legend(i, tick_px))
                elif isinstance(item, pg.AxisItem):
                    self._once(item, lambda i=item: _enlarge_axis(i, text_px, tick_px))
                elif isinstance(item, pg.TextItem):
                    self._once(item, lambda i=item: _enlarge_text(i, tick_px))
            for item in items:
                if isinstance(item, pg.LabelItem) and item not in legend_labels:
                    self._once(item, lambda i=item: _enlarge_label(i, f"{text_px}px"))
        self._fit_legend(tick_px)

    def restore(self) -> None:
        for item, undo in reversed(list(self._undo.items())):
            if shiboken6.isValid(item):  # (a plot's item may have been deleted meanwhile)
                undo()
        self._undo = {}
        self._fit_legend(None)

    def _once(self, item: object, enlarge: Callable[[], Callable[[], None]]) -> None:
        if item not in self._undo:
            self._undo[item] = enlarge()

    def _fit_legend(self, tick_px: int | None) -> None:
        """The landscape view's legend column, as wide as the key's widest entry at the legend's size."""
        place = self.window.view.legend_place
        if tick_px is not None and self._least_width is None:
            self._least_width = least = place.least_width
            normal_px = LEGEND_TEXT_PT * self.window.view.logicalDpiY() / 72
            place.least_width = (least - LEGEND_SAMPLE_PX) * tick_px / normal_px + LEGEND_SAMPLE_PX
        elif tick_px is None and self._least_width is not None:
            place.least_width, self._least_width = self._least_width, None
        place.fit()


def _enlarge_axis(axis: pg.AxisItem, text_px: int, tick_px: int) -> Callable[[], None]:
    tick_font, style = axis.style["tickFont"], dict(axis.labelStyle)
    text_space = (axis.textWidth, axis.textHeight)
    axis.setTickFont(sized(tick_font or QFont(), tick_px))
    large = {**style, "font-size": f"{text_px}px"}
    axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix, **large)

    def undo() -> None:
        axis.setTickFont(tick_font)
        axis.labelStyle = style
        axis.textWidth, axis.textHeight = text_space
        axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix)

    return undo


def _enlarge_label(label: pg.LabelItem, size: str) -> Callable[[], None]:
    old = label.opts.get("size")
    label.setText(label.text, size=size)

    def undo() -> None:
        if old is None:
            label.opts.pop("size", None)
            label.setText(label.text)
        else:
            label.setText(label.text, size=old)

    return undo


def _enlarge_legend(legend: pg.LegendItem, tick_px: int) -> Callable[[], None]:
    old = legend.opts["labelTextSize"]
    _legend_size(legend, f"{tick_px}px")
    return lambda: _legend_size(legend, old)


def _legend_size(legend: pg.LegendItem, size: str) -> None:
    legend.setLabelTextSize(size)  # (entries added later take it too)
    for _, label in legend.items:
        label.setText(label.text)
    legend.resize(legend.layout.preferredSize())  # (its layout never shrinks it by itself)
    legend.layout.activate()
    legend.updateSize()


def _enlarge_text(item: pg.TextItem, tick_px: int) -> Callable[[], None]:
    font = QFont(item.textItem.font())
    item.setFont(sized(font, tick_px))
    return lambda: item.setFont(font)


class ViewMarks:
    """Trail widths and marker sizes in the landscape view, scaled and back."""

    def __init__(self, window: QMainWindow):
        self.view, self.model = window.view, window.model
        self.scale = 1.0  # the markers'
        self._sizes = (0.0, 0.0, 0.0)

    def apply(self, trail_scale: float, marker_scale: float) -> None:
        view = self.view
        self._sizes = (view.heads.size, view.start_markers.size, view.escapes.opts["size"])
        self.scale = marker_scale
        self._show(trail_scale, [size * marker_scale for size in self._sizes])

    def restore(self) -> None:
        self.scale = 1.0
        self._show(1.0, list(self._sizes))

    def _show(self, trail_scale: float, sizes: list[float]) -> None:
        view = self.view
        view.runs_drawn.set_width_scale(trail_scale)
        view.heads.set_size(sizes[0])
        view.start_markers.set_size(sizes[1])
        view.escapes.setSize(sizes[2])
        self.show_minima()

    def show_minima(self) -> None:
        """The known minima's markers at the current scale (the view draws them at their own size
        whenever the landscape changes)."""
        spots = minima_spots(self.model.landscape)
        spots["size"] = [size * self.scale for size in spots["size"]]
        self.view.minima.setData(**spots)


class PresenterMode(QObject):
    """See the module docstring: ``action`` (checkable, F11) in ``menu`` turns it on and off, as does
    ``set_on``."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.window = window
        self.on = False
        self.fonts, self.texts, self.marks = WidgetFonts(window), PlotTexts(window), ViewMarks(window)
        self._layout = (QRect(), QByteArray(), QByteArray())  # the window's geometry and docks, before
        self.action = make_action(window, "&Presenter mode", None, "F11", checkable=True)
        self.action.setStatusTip("Large text, wide trails; only the view, plots and results: for a lecture")
        self.action.toggled.connect(self.set_on)
        menu.addSeparator()
        menu.addAction(self.action)
        window.model.landscapeChanged.connect(self._follow_landscape)
        window.installEventFilter(self)
        window.side.installEventFilter(self)  # (a data landscape's fit plot is made there when needed)

    def set_on(self, on: bool) -> None:
        """Turn presenter mode on or off (nothing happens if it already is)."""
        if on == self.on:
            return
        self.on = on
        if on:
            self._enter()
        else:
            self._leave()
        self.action.setChecked(on)

    def _enter(self) -> None:
        window = self.window
        self._layout = (window.geometry(), window.saveGeometry(), window.saveState())
        self.fonts.apply(PRESENTER_FONT_PX)
        self.texts.apply(PRESENTER_FONT_PX, PRESENTER_TICK_PX)
        self.marks.apply(PRESENTER_TRAIL_SCALE, PRESENTER_MARKER_SCALE)
        for name in HIDDEN_DOCKS:
            window.docks[name].hide()
        self._size_docks()

    def _size_docks(self) -> None:
        """The side plots a quarter of the window's width; the results table its header and a few rows."""
        window, docks, table = self.window, self.window.docks, self.window.table
        title = docks["Results"].sizeHint().height() - table.sizeHint().height()
        header = table.horizontalHeader().sizeHint().height()
        rows = RESULTS_ROWS * table.verticalHeader().defaultSectionSize()
        window.resizeDocks([docks["Plots"]], [int(window.width() * PLOTS_SHARE)], Qt.Orientation.Horizontal)
        height = title + header + rows + 2 * table.frameWidth()
        if sum(map(table.columnWidth, range(table.results.columnCount()))) > table.viewport().width():
            height += table.horizontalScrollBar().sizeHint().height()
        window.resizeDocks([docks["Results"]], [height], Qt.Orientation.Vertical)

    def _leave(self) -> None:
        self.marks.restore()
        self.texts.restore()
        self.fonts.restore()
        window, (rect, geometry, state) = self.window, self._layout
        if window.geometry() != rect:  # (larger text may have made the window grow)
            window.restoreGeometry(geometry)
        for _ in range(2):  # the menu and status bars at their normal heights first, then the window
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        window.restoreState(state)

    def _follow_landscape(self) -> None:
        """A new landscape (while on): its minima at presenter size."""
        if self.on:
            self.marks.show_minima()

    def _enlarge_new_plots(self) -> None:
        if self.on:
            self.texts.apply(PRESENTER_FONT_PX, PRESENTER_TICK_PX)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.set_on(False)  # (the window then saves its normal layout, never the presenter one)
        elif event.type() == QEvent.Type.ChildAdded and self.on:
            QTimer.singleShot(0, self, self._enlarge_new_plots)  # (once the new plot is built)
        return False
