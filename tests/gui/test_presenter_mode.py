"""Presenter mode (View ▸ Presenter mode, F11): every text of the main window and of its plots at least
16 px high, wider trails and bigger markers, only the docks a lecture needs; off, the window exactly as
it was; and the presenter layout is never saved as the window's own."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from core.experiment.presets import PRESETS
from gui.main_window import MainWindow
from gui.presenter_mode import HIDDEN_DOCKS, font_px
from gui.style import PRESENTER_FONT_PX, PRESENTER_MARKER_SCALE, PRESENTER_TRAIL_SCALE
from tests.gui.helpers import make_window, wait_prepared, wait_settled

LEAST_PX = 16


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.load_preset(PRESETS["escape-rastrigin"])
    win.presenter.flush()
    win.controller.step(30)  # trails, heads and escapes on screen, statuses in the table
    wait_settled(qtbot, win)
    yield win
    win.close()


def widget_px(widget: QWidget) -> float:
    """The height of ``widget``'s text in pixels: its font's size at the screen's DPI."""
    return font_px(widget.font(), widget.logicalDpiY())


def css_px(size: str, dpi: float) -> float:
    """A CSS font size ("18px" or "11pt") in pixels."""
    return float(size[:-2]) if size.endswith("px") else float(size.removesuffix("pt")) * dpi / 72


def small_widgets(window: MainWindow) -> list[str]:
    """Every visible widget of the window (the menu bar, the status bar and the menus too, shown or
    not) whose text is under ``LEAST_PX`` pixels."""
    widgets = [w for w in window.findChildren(QWidget) if w.isVisible()]
    widgets += [window.menuBar(), window.statusBar(), *window.menuBar().findChildren(QMenu)]
    return [
        f"{type(w).__name__} {w.objectName()}: {widget_px(w):.1f} px"
        for w in widgets
        if widget_px(w) < LEAST_PX or QFontMetrics(w.font()).height() < LEAST_PX
    ]


def visible_plots(window: MainWindow) -> list[pg.PlotItem]:
    plots = []
    for view in window.findChildren(pg.GraphicsView):
        if view.isVisible():
            plots += [i for i in view.scene().items() if isinstance(i, pg.PlotItem) and i.isVisible()]
    return plots


def small_plot_texts(window: MainWindow) -> list[str]:
    """Every tick font, axis label, title and legend entry of the visible plots under ``LEAST_PX``."""
    dpi, small = window.logicalDpiY(), []
    for plot in visible_plots(window):
        axes = [plot.getAxis(side) for side in ("left", "bottom")]
        if plot is window.view.plot_item:
            axes.append(window.view.colorbar.axis)
        for axis in (a for a in axes if a.isVisible()):
            tick = axis.style["tickFont"]
            if tick is None or font_px(tick, dpi) < LEAST_PX:
                small.append(f"{plot.titleLabel.text[:20]} {axis.orientation} ticks")
            if axis.label.isVisible() and axis.label.boundingRect().height() < LEAST_PX + 8:
                small.append(f"{plot.titleLabel.text[:20]} {axis.orientation} label")
            if css_px(axis.labelStyle.get("font-size", "0px"), dpi) < LEAST_PX:
                small.append(f"{plot.titleLabel.text[:20]} {axis.orientation} label style")
        if plot.titleLabel.isVisible() and css_px(plot.titleLabel.opts["size"], dpi) < LEAST_PX:
            small.append(f"title {plot.titleLabel.text[:20]}")
        if plot.legend is not None and plot.legend.isVisible():
            for _, label in plot.legend.items:
                if css_px(label.opts["size"], dpi) < LEAST_PX:
                    small.append(f"legend {label.text}")
    return small


def view_marks(window: MainWindow) -> dict:
    """The landscape view's trail widths (and their outlines') and its marker sizes."""
    view = window.view
    return {
        "trails": [item.pen().widthF() for item in view.trails],
        "halos": [item.halo.widthF() if item.halo else 0.0 for item in view.trails],
        "heads": view.heads.size,
        "starts": view.start_markers.size,
        "escapes": view.escapes.opts["size"],
        "minima": list(view.minima.data["size"]),
    }


def plot_looks(window: MainWindow) -> list:
    """Each plot's tick fonts, axis label styles and widths, title size and legend size."""
    looks = []
    for plot in visible_plots(window):
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            tick = axis.style["tickFont"]
            looks.append(
                (tick.toString() if tick else None, dict(axis.labelStyle), axis.width(), axis.height())
            )
        looks.append(plot.titleLabel.opts.get("size"))
        if plot.legend is not None:
            looks.append((plot.legend.opts["labelTextSize"], plot.legend.boundingRect().size()))
    return looks


def fonts(window: MainWindow) -> dict[QWidget, tuple[str, bool]]:
    return {
        w: (w.font().toString(), w.testAttribute(Qt.WidgetAttribute.WA_SetFont))
        for w in [window, *window.findChildren(QWidget)]
    }


def table_look(window: MainWindow) -> tuple:
    table = window.table
    return table.verticalHeader().defaultSectionSize(), [table.columnWidth(c) for c in range(12)]


def list_times(value: float | list[float], factor: float) -> float | list[float]:
    return [v * factor for v in value] if isinstance(value, list) else value * factor


def test_presenter_mode_is_f11_in_the_view_menu(qtbot, window):
    action = window.presenter_mode.action
    assert action.isCheckable() and not action.isChecked()
    assert action.shortcut() == QKeySequence("F11")
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view_menu.actions()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.view, Qt.Key.Key_F11)  # (the view has the focus while a run plays)
    assert window.presenter_mode.on and action.isChecked()
    qtbot.keyClick(window.view, Qt.Key.Key_F11)
    assert not window.presenter_mode.on and not action.isChecked()


def test_every_text_is_large_and_everything_comes_back(qtbot, window):
    assert small_widgets(window) and small_plot_texts(window)  # (the normal window: 9 pt, 12 px)
    layout, geometry, own_fonts = window.saveState(), window.geometry(), fonts(window)
    marks, looks, table = view_marks(window), plot_looks(window), table_look(window)
    menu_font = QApplication.font("QMenu").toString()

    window.presenter_mode.action.trigger()
    QApplication.processEvents()
    assert window.presenter_mode.on and window.presenter_mode.action.isChecked()
    assert small_widgets(window) == []
    assert small_plot_texts(window) == []
    assert font_px(QApplication.font("QMenu"), 96) == PRESENTER_FONT_PX  # a context menu made now
    assert window.table.verticalHeader().defaultSectionSize() > QFontMetrics(window.table.font()).height()
    big = view_marks(window)
    assert big["trails"] == [width * PRESENTER_TRAIL_SCALE for width in marks["trails"]]
    assert min(big["trails"]) >= 4
    assert all(new > old for new, old in zip(big["halos"], marks["halos"], strict=True))
    for name in ("heads", "starts", "escapes", "minima"):
        assert big[name] == pytest.approx(list_times(marks[name], PRESENTER_MARKER_SCALE)), name
    assert [name for name, dock in window.docks.items() if dock.isVisible()] == ["Plots", "Results"]
    assert set(HIDDEN_DOCKS) == {"Landscape", "Methods", "Basins"}
    assert window.controls.isVisible() and window.controls.play.isVisible()
    assert window.docks["Plots"].width() > 340  # (the plots' dock widened for the larger text)

    window.presenter_mode.action.trigger()
    QApplication.processEvents()
    assert not window.presenter_mode.on
    assert window.saveState() == layout and window.geometry() == geometry
    restored = fonts(window)
    changed = [w for w, font in own_fonts.items() if shiboken6.isValid(w) and restored.get(w) != font]
    assert changed == []
    assert QApplication.font("QMenu").toString() == menu_font
    assert view_marks(window) == marks
    assert plot_looks(window) == looks
    assert table_look(window) == table


def test_new_runs_and_landscapes_keep_the_presenter_sizes(qtbot, window):
    window.presenter_mode.set_on(True)
    window.model.load_preset(PRESETS["seed-lecture"])  # a curve: dots, not paths
    window.presenter.flush()
    QApplication.processEvents()
    assert [item.pen().widthF() for item in window.view.trails] == [5 * PRESENTER_TRAIL_SCALE] * len(
        window.view.trails
    )
    sizes = list(window.view.minima.data["size"])
    assert sizes and min(sizes) >= 7 * PRESENTER_MARKER_SCALE
    assert small_plot_texts(window) == []
    window.presenter_mode.set_on(False)
    assert [item.pen().widthF() for item in window.view.trails] == [5.0] * len(window.view.trails)


def test_a_data_landscapes_fit_plot_made_in_presenter_mode_is_large(qtbot, window):
    window.presenter_mode.set_on(True)
    window.open_preset(PRESETS["minibatch-noise"])  # (its data and fit plot are made in the worker)
    wait_prepared(qtbot, window)
    qtbot.waitUntil(lambda: window.side.fit_shown)
    QApplication.processEvents()  # (the plot is enlarged in the turn after it is made)
    assert window.side.fit.getPlotItem() in visible_plots(window)
    assert small_plot_texts(window) == [] and small_widgets(window) == []
    window.presenter_mode.set_on(False)
    tick = window.side.fit.getAxis("left").style["tickFont"]
    assert tick is None


def test_closing_in_presenter_mode_saves_the_normal_layout(qtbot):
    window = MainWindow(settings=QSettings())
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    wait_prepared(qtbot, window)
    QApplication.processEvents()  # (the layout settled)
    normal = window.saveState()
    window.presenter_mode.set_on(True)
    assert window.saveState() != normal
    window.close()
    assert QSettings().value("windowState") == normal
    assert not window.presenter_mode.on and not window.testAttribute(Qt.WidgetAttribute.WA_SetFont)
