"""The 2-D view reads at a glance: trails contrast with the surface under them, the legend covers no
minimum, x and y keep the same scale, and the view options change what is shown."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QApplication

from core.experiment.presets import PRESETS
from core.methods import METHODS
from gui.style import method_color
from tests.gui.helpers import make_window, settle, wait_prepared

STARTS = {
    "rosenbrock": [(-1.5, 2.5), (1.8, -0.5), (-0.5, -0.8)],
    "himmelblau": [(0.5, -1.0), (-1.0, 1.5), (4.5, -4.5)],
    "rastrigin": [(3.1, -2.9), (-2.2, 1.3), (0.7, 4.4)],
}


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG's relative luminance of sRGB colours (…, 3) in 0..255."""
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(hex_colour: str, rgb: np.ndarray) -> np.ndarray:
    """WCAG contrast ratios of one colour against each of ``rgb``."""
    own = luminance([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    other = luminance(rgb)
    return (np.maximum(own, other) + 0.05) / (np.minimum(own, other) + 0.05)


def surface_pixels(window) -> np.ndarray:
    """The view as painted with only the surface (and its contour lines) shown: (H, W, 3)."""
    view = window.view
    hidden = [*view.trails, view.heads, view.start_markers, view.minima, view.escapes]
    for item in hidden:
        item.setVisible(False)
    QApplication.processEvents()
    image = view.grab().toImage().convertToFormat(view.grab().toImage().Format.Format_RGB888)
    for item in hidden:
        item.setVisible(True)
    ptr = image.constBits()
    rows = np.frombuffer(ptr, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def pixel_of(view, x: float, y: float) -> tuple[int, int]:
    point = view.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))
    ratio = view.devicePixelRatioF()
    return int(point.x() * ratio), int(point.y() * ratio)


@pytest.mark.parametrize("landscape", sorted(STARTS))
def test_every_trail_contrasts_3_to_1_with_the_surface_under_it(qtbot, window, landscape):
    window.model.set_landscape(landscape)
    for mid in METHODS:
        window.model.set_method_enabled(mid, True)
    window.model.set_starts(STARTS[landscape])
    window.controller.step(150)
    settle(0.2)
    pixels = surface_pixels(window)
    for item, mid in zip(window.view.trails, (s.method for s in window.model.enabled_specs()), strict=True):
        x, y = item.getData()
        (x0, x1), (y0, y1) = window.view.vb.viewRange()
        shown = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)  # a run leaving the view is clipped there
        spots = np.array([pixel_of(window.view, a, b) for a, b in zip(x[shown], y[shown], strict=True)])
        spots = spots.reshape(-1, 2)
        inside = (spots[:, 0] >= 0) & (spots[:, 0] < pixels.shape[1]) & (spots[:, 1] >= 0)
        inside &= spots[:, 1] < pixels.shape[0]
        under = pixels[spots[inside, 1], spots[inside, 0]]
        assert len(under) >= 2, mid
        ratios = contrast(method_color(mid), under)
        assert np.percentile(ratios, 2) >= 3.0, (mid, landscape, float(ratios.min()))


@pytest.mark.parametrize("landscape", ["himmelblau", "rastrigin"])
def test_the_legend_covers_no_minimum(qtbot, window, landscape):
    window.model.set_landscape(landscape)
    for mid in ("gd", "momentum", "adam", "annealing"):
        window.model.set_method_enabled(mid, True)
    window.model.set_starts(STARTS[landscape])
    settle(0.3)
    legend = window.view.plot_item.legend
    box = legend.sceneBoundingRect().adjusted(-10, -10, 10, 10)  # a marker's radius around it
    assert legend.isVisible() and box.width() > 50
    for minimum in window.model.landscape.minima_in_domain():
        spot = window.view.vb.mapViewToScene(QPointF(*minimum.location[:2]))
        assert not box.contains(spot), minimum.location


def test_two_d_views_keep_equal_aspect_after_resizes(qtbot, window):
    window.model.set_landscape("himmelblau")
    for size in ((1400, 900), (1280, 720), (1920, 1080), (900, 1000)):
        window.resize(*size)
        settle(0.2)
        (x0, x1), (y0, y1) = window.view.vb.viewRange()
        rect = window.view.vb.sceneBoundingRect()
        assert (x1 - x0) / rect.width() == pytest.approx((y1 - y0) / rect.height(), rel=0.01), size
        (dx0, dx1), (dy0, dy1) = window.model.landscape.domain
        assert x0 <= dx0 and x1 >= dx1 and y0 <= dy0 and y1 >= dy1  # the whole domain shows


def test_view_options_switch_aspect_colour_scale_and_legend(qtbot, window):
    window.model.set_landscape("rosenbrock")
    window.model.set_method_enabled("gd", True)
    window.model.set_starts([(0.0, 1.0)])
    settle(0.1)
    assert window.view.vb.state["aspectLocked"]
    window.model.set_view_option("equal_aspect", False)
    assert not window.view.vb.state["aspectLocked"]
    colours = window.view.image.image.copy()
    assert window.view.colorbar.getAxis("left").labelText == "f"
    window.model.set_view_option("colour_scale", "log")  # Rosenbrock's valley floor shows
    assert window.view.colorbar.getAxis("left").labelText.startswith("log10")
    assert np.nanmax(window.view.image.image) < np.nanmax(colours) / 100
    window.model.set_view_option("colour_scale", "auto")
    assert window.view.colorbar.getAxis("left").labelText == "f"
    with pytest.raises(ValueError, match="view.legend: expected one of right"):
        window.model.set_view_option("legend", "middle")
    assert window.model.view.legend == "right" and window.view.plot_item.legend.isVisible()
    window.model.set_view_option("legend", "hidden")
    assert not window.view.plot_item.legend.isVisible()
    window.model.set_view_option("legend", "top-left")
    settle(0.1)
    legend = window.view.plot_item.legend
    assert legend.isVisible() and window.view.vb.sceneBoundingRect().contains(legend.sceneBoundingRect())
    window.model.set_landscape("sine-mix")  # 1-D: never aspect-locked
    window.model.set_view_option("equal_aspect", True)
    assert not window.view.vb.state["aspectLocked"]


def test_side_plot_axes_show_real_values_and_reset_with_the_run(qtbot, window):
    window.model.set_landscape("sine-mix")
    window.model.set_method_enabled("gd", True)
    window.model.set_method_param("gd", "lr", "0.002")  # a multiplier would read "η (x0.001)", 2
    window.model.set_starts([(1.0,)])
    side = window.side
    settle(0.1)
    assert side.lr_plot.empty_label.textItem.toPlainText() == ""
    window.controller.step(400)
    settle(0.2)
    for plot in (side.loss_plot, side.lr_plot, side.noise_plot):
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            assert axis.autoSIPrefixScale == 1.0 and "x0.0" not in axis.labelString(), name
    assert side.lr_plot.viewRange()[1][0] <= 0.002 <= side.lr_plot.viewRange()[1][1]
    assert side.loss_plot.viewRange()[0][1] >= 390
    assert "no temperature" in side.noise_plot.empty_label.textItem.toPlainText()  # GD has none
    window.reload()  # Reset: the step axis starts again
    settle(0.2)
    assert side.loss_plot.viewRange()[0][1] < 50
    window.model.set_starts([])
    settle(0.2)
    assert "no runs yet" in side.loss_plot.empty_label.textItem.toPlainText()


def test_a_side_plot_moves_its_own_step_axis_and_a_zoom_moves_all_three(qtbot, window):
    window.model.set_landscape("sine-mix")
    window.model.set_method_enabled("gd", True)
    window.model.set_starts([(1.0,)])
    side = window.side
    window.controller.step(400)
    settle(0.2)
    ends = [plot.viewRange()[0][1] for plot in (side.loss_plot, side.lr_plot, side.noise_plot)]
    assert ends == [500.0] * 3  # the round end just beyond step 400
    widths = [plot.getAxis("left").width() for plot in (side.loss_plot, side.lr_plot, side.noise_plot)]
    later = copy.copy(window.presenter.buffer)
    later.step = 700  # (as if the runs had gone on)
    side.refresh(later, ("loss",))  # one plot's refresh…
    assert side.loss_plot.viewRange()[0][1] == 800.0
    assert side.lr_plot.viewRange()[0][1] == 500.0  # …leaves the others for their own turn
    assert [plot.getAxis("left").width() for plot in (side.lr_plot, side.noise_plot)] == widths[1:]
    vb = side.lr_plot.getPlotItem().vb
    vb.setXRange(100, 300, padding=0)
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])  # as a wheel or a drag does
    for plot in (side.loss_plot, side.noise_plot):
        assert plot.viewRange()[0] == pytest.approx([100, 300])


def test_the_hover_read_out_stays_inside_and_hides_on_leave(qtbot, window):
    window.model.set_landscape("himmelblau")
    settle(0.2)
    view = window.view
    for (x, y), anchor in (((4.5, -4.5), (1.0, 1.0)), ((-4.5, 4.5), (0.0, 0.0)), ((-4.5, -4.5), (0.0, 1.0))):
        view.mouse._on_move(view.vb.mapViewToScene(QPointF(x, y)))
        assert view.hover_label.isVisible() and tuple(view.hover_label.anchor) == anchor
        settle(0.05)
        label = view.hover_label.sceneBoundingRect()
        assert view.sceneRect().contains(label), (x, y)
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert not view.hover_label.isVisible()


def test_a_300_character_formula_leaves_the_plot_geometry_unchanged(qtbot, window):
    from core.landscapes.registry import get_landscape

    base = "sin(3*x)*cos(2*y) + 0.1*(x**2 + y**2)"
    long = base + " + 0*x*y" * ((300 - len(base)) // 8 + 1)
    assert 300 <= len(long) <= 320
    geometry = []
    for text in (base, long, base):
        window.model.set_landscape_object(get_landscape("expr:" + text))
        settle(0.3)
        rect = window.view.vb.sceneBoundingRect()
        geometry.append((round(rect.x()), round(rect.y()), round(rect.width()), round(rect.height())))
        text_width = window.view.plot_item.titleLabel.item.boundingRect().width()
        assert text_width <= window.view.width() - 40
        assert window.view.plot_item.sceneBoundingRect().right() <= window.view.width() + 1  # not cut off
    assert geometry[0] == geometry[1] == geometry[2]
    assert window.view.colorbar.isVisible()


def test_the_noise_plot_shows_each_temperature_against_its_step(qtbot, window):
    window.model.set_landscape("sine-mix")
    for mid in ("annealing", "sgd"):
        window.model.set_method_enabled(mid, True)
    window.model.set_starts([(1.0,), (-2.0,)])
    window.controller.step(120)
    settle(0.2)
    buffer = window.presenter.buffer
    for curve, runs in zip(window.side.curves["noise"], window.side._groups, strict=True):
        x, y = curve.xData, curve.yData
        assert len(x) > 100 and x.max() <= 120 and (np.diff(x) < 0).sum() <= len(runs) - 1  # steps
        annealed = np.isfinite(buffer.series("temperatures", runs[0])[1:]).any()
        name = "temperatures" if annealed else "noise_scales"
        recorded = buffer.series(name, runs[0])
        steps = buffer.row_steps(runs[0])
        first = np.flatnonzero(x == steps[5])[0]
        assert y[first] == pytest.approx(recorded[5])


def test_table_columns_fit_their_texts_and_rows_select_trails_both_ways(qtbot, window):
    from tests.gui.helpers import click_view

    window.model.set_landscape("himmelblau")
    for mid in ("gd", "momentum", "sgd"):
        window.model.set_method_enabled(mid, True)
    window.model.set_starts([(0.5, -1.0), (-3.0, 3.5)])
    window.controller.step(200)
    settle(0.2)
    table, metrics = window.table, window.table.fontMetrics()
    for col in range(table.results.columnCount()):
        name = table.results.headerData(col, Qt.Orientation.Horizontal)
        texts = [name, *table.column_texts(name)]
        widest = max(metrics.horizontalAdvance(t) for t in texts)
        assert widest + 6 <= table.columnWidth(col) <= max(widest * 2, widest + 60), name
    trails = window.presenter.trails()
    for run in (4, 1):
        table.select_run(run)
        x, y = window.view.selected.getData()
        assert window.presenter.selected_run == run
        assert (x[-1], y[-1]) == pytest.approx((trails[run][0][-1], trails[run][1][-1]))
    (x0, x1), (y0, y1) = window.view.vb.viewRange()
    spot, run, room = None, -1, 0.0
    for k, (x, y) in enumerate(trails):  # a point of one trail, in view and far from every other trail
        others = np.concatenate([np.column_stack(t) for j, t in enumerate(trails) if j != k])
        for point in np.column_stack([x, y])[:: max(1, len(x) // 20)]:
            inside = x0 < point[0] < x1 and y0 < point[1] < y1
            gap = np.linalg.norm(others - point, axis=1).min()
            if inside and gap > room:
                spot, run, room = point, k, gap
    click_view(qtbot, window, *spot, modifier=Qt.KeyboardModifier.ControlModifier)
    assert table.currentIndex().row() == run and window.model.starts == [(0.5, -1.0), (-3.0, 3.5)]
    window.reload()  # a fresh run: nothing selected
    settle(0.1)
    assert window.presenter.selected_run == -1 and len(window.view.selected.getData()[0]) == 0


def test_a_method_can_be_hidden_or_shown_alone(qtbot, window):
    window.model.set_landscape("himmelblau")
    for mid in ("gd", "momentum", "adam"):
        window.model.set_method_enabled(mid, True)
    window.model.set_starts([(0.5, -1.0), (-3.0, 3.5)])
    window.controller.step(30)
    settle(0.2)
    labels = window.table.column_texts("Method")
    gd, adam = labels[0], labels[-1]
    window.table.methodsShown.emit(set(labels) - {gd})  # right-click ▸ Hide Gradient descent
    settle(0.2)
    assert [window.table.isRowHidden(r) for r in range(6)] == [True, True, False, False, False, False]
    assert [item.isVisible() for item in window.view.trails] == [False, True, True]
    assert len(window.view.heads.points()) == 4  # the heads of the runs shown
    window.table.methodsShown.emit({adam})  # ▸ Show Adam alone
    settle(0.2)
    assert [item.isVisible() for item in window.view.trails] == [False, False, True]
    assert [curve.isVisible() for curve in window.side.curves["loss"]] == [False, False, True]
    window.model.set_max_steps(900)  # new runs of the same methods: Adam still shown alone
    window.controller.step(5)
    settle(0.3)
    assert [item.isVisible() for item in window.view.trails] == [False, False, True]
    assert len(window.view.heads.points()) == 2
    window.table.methodsShown.emit(set(labels))  # ▸ Show every method
    settle(0.2)
    assert all(item.isVisible() for item in window.view.trails) and len(window.view.heads.points()) == 6


def legend_texts(window) -> list[str]:
    return [label.text for _, label in window.view.plot_item.legend.items]


def test_the_symbol_key_explains_what_is_on_screen(qtbot, window):
    window.open_preset(PRESETS["minibatch-noise"])
    wait_prepared(qtbot, window)
    window.controller.step(20)
    settle(0.3)
    texts = legend_texts(window)
    assert texts[:2] == ["Gradient descent", "Stochastic GD (cosine)"]  # the methods, then the key
    for entry in ("start (a shape each)", "latest point", "global minimum", "local minimum"):
        assert entry in texts, entry
    assert {"this minibatch's loss", "−∇f, all the data", "−∇f, the minibatch"} <= set(texts)
    window.model.set_starts([])
    settle(0.3)
    texts = legend_texts(window)
    assert "start (a shape each)" not in texts and "latest point" not in texts
    assert "this minibatch's loss" not in texts and "global minimum" in texts
