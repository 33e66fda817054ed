"""The Basins panel: maps computed in a worker, Cancel keeps the previous map, the colour key, the success
table and bar chart, and maps cleared when the landscape changes."""

import time

import numpy as np
import pyqtgraph as pg
import pytest

from core.experiment.spec import parse_method_spec
from core.landscapes.registry import get_landscape
from core.studies.basin_report import key_name
from core.studies.basins import compute_basin_maps
from gui.panels.basin_panel import steady_time_left, time_left_text
from gui.panels.basin_summary import SuccessBars
from gui.style import display_label
from gui.view.basin_maps import GLOBAL_COLOURS, elide
from tests.gui.helpers import make_window


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.set_landscape("sine-mix")
    for mid in win.model.methods:
        win.model.set_method_enabled(mid, mid in ("gd", "annealing"))
    win.docks["Basins"].raise_()  # its tab in front of the plots, as a user would look at it
    yield win
    win.close()


def compute(qtbot, panel, grid: int, seeds: int) -> None:
    panel.grid.setValue(grid)
    panel.seeds.setValue(seeds)
    panel.start()
    qtbot.waitUntil(lambda: not panel.runner.busy, timeout=30_000)


def test_computing_maps_shows_bands_and_the_success_table(qtbot, window):
    panel = window.basins
    compute(qtbot, panel, 500, 3)
    assert len(panel.maps) == 2 and len(panel.maps_view.items) == 2
    assert panel.table.rowCount() == 2
    shares = {panel.table.item(r, 0).text(): panel.table.item(r, 1).text() for r in range(2)}
    assert shares["Simulated annealing"] == "100.0%" and shares["Gradient descent"].endswith("%")
    assert "global" in panel.describe(panel.maps[0], -0.7, 0.5)
    assert panel.table_csv().splitlines()[0].startswith("method,global_share")


def test_cancel_stops_quickly_and_keeps_the_previous_maps(qtbot, window):
    panel = window.basins
    compute(qtbot, panel, 200, 2)
    previous = panel.maps
    window.model.set_method_param("annealing", "patience", "1000000")
    window.model.set_max_steps(20_000)
    panel.grid.setValue(5000)
    panel.seeds.setValue(50)
    panel.start()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=10_000)
    started = time.perf_counter()
    panel.runner.cancel()
    qtbot.waitUntil(lambda: not panel.runner.busy, timeout=5_000)
    assert time.perf_counter() - started < 0.5
    assert panel.maps is previous and "Cancelled" in panel.status.text()


def test_two_d_maps_are_small_multiples(qtbot, window):
    window.model.set_landscape("himmelblau")
    window.model.set_method_param("gd", "lr", "0.01")
    compute(qtbot, window.basins, 32, 1)
    bmap = window.basins.maps[0]
    assert bmap.shape == (32, 32) and len(np.unique(bmap.labels)) >= 4


def test_escape_events_are_counted_and_drawn(qtbot, window):
    window.model.set_starts([(1.0,)])
    window.controller.step(300)
    qtbot.waitUntil(lambda: not window.presenter.escapes_pending and bool(window.presenter.escapes))
    escapes = dict(
        zip(window.table.column_texts("Method"), window.table.column_texts("Escapes"), strict=True)
    )
    assert escapes["Gradient descent"] == "0" and int(escapes["Simulated annealing"]) >= 1
    first = window.table.column_texts("First global")
    assert first[0] == "—" and first[1] != "—"
    x, y = window.view.escapes.getData()
    assert len(x) == sum(min(int(v), 20) for v in escapes.values())
    assert float(window.table.column_texts("Max barrier")[1]) > 0


def test_one_d_maps_appear_as_bands_under_the_curve(qtbot, window):
    compute(qtbot, window.basins, 300, 2)
    images = [item for item in window.view._band_items if hasattr(item, "image")]
    assert len(images) == 2  # one band per method
    curve_low = float(np.nanmin(window.view.curve.getData()[1]))
    assert all(item.mapRectToView(item.boundingRect()).bottom() < curve_low for item in images)


def drawn_colours(panel) -> set[tuple[str, tuple[int, int, int]]]:
    """(key name, RGB) of every label as the map images show it (the pixels, not the palette)."""
    found = set()
    for vb, bmap in panel.maps_view.items:
        (image,) = [item for item in vb.addedItems if isinstance(item, pg.ImageItem)]
        pixels = image.image.reshape(-1, 3)
        labels = bmap.majority_label()
        for label in np.unique(labels):
            colours = {tuple(int(c) for c in rgb) for rgb in pixels[labels == label]}
            assert len(colours) == 1  # one colour per label
            found.add((key_name(bmap, int(label)), colours.pop()))
    return found


def contrast(rgb: tuple[int, int, int], other: tuple[int, int, int] = (255, 255, 255)) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(colour):
        c = np.asarray(colour) / 255.0
        linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    high, low = sorted((luminance(rgb), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_key_lists_exactly_the_labels_drawn_with_their_colours(qtbot, window):
    panel = window.basins
    compute(qtbot, panel, 300, 2)
    entries = panel.key.entries
    assert set(entries) == drawn_colours(panel) and len(entries) == len({name for name, _ in entries})
    names = [name for name, _ in entries]
    assert names[0].startswith("global min at x = ") and "local min at x = 1.57" in names
    assert panel.key.isVisible()
    qtbot.waitUntil(lambda: panel.key.height() >= panel.key.heightForWidth(panel.key.width()))  # laid out
    window.model.set_landscape("himmelblau")
    window.model.set_method_param("gd", "lr", "0.01")
    compute(qtbot, panel, 24, 1)
    assert set(panel.key.entries) == drawn_colours(panel)
    assert sum(name.startswith("global min at (") for name, _ in panel.key.entries) == 4


def test_global_colours_stand_out_on_white(qtbot, window):
    panel = window.basins
    compute(qtbot, panel, 300, 2)
    globals_drawn = [rgb for name, rgb in panel.key.entries if name.startswith("global")]
    assert len(globals_drawn) >= 3 and all(contrast(rgb) >= 3 for rgb in globals_drawn)
    for hex_colour in GLOBAL_COLOURS:  # every global colour there is, not only those drawn here
        assert contrast(tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))) >= 3
    others = dict(panel.key.entries)
    assert all(rgb != (255, 255, 255) for rgb in others.values())


def test_the_bar_chart_names_each_method_on_its_axis(qtbot, window):
    panel = window.basins
    compute(qtbot, panel, 200, 2)
    labels = [display_label(bmap.spec) for bmap in panel.maps]
    assert labels == ["Gradient descent", "Simulated annealing"]
    assert panel.bars.labels == labels and panel.bars.tick_texts() == labels
    assert panel.bars.mapTo(panel, panel.bars.rect().topRight()).x() < panel.width()  # whole in the dock
    assert panel.bars.getPlotItem().vb.sceneBoundingRect().right() <= panel.bars.width()
    narrow = SuccessBars()
    qtbot.addWidget(narrow)
    narrow.resize(160, 120)
    narrow.show_bars(["Stochastic GD (sgdr)", "Adam"], [0.5, 1.0], ["#00695C", "#AD1457"])
    ticks = narrow.tick_texts()
    assert ticks[0].endswith("…") and ticks[1] == "Adam" and "Stochastic GD (sgdr): 50.0%" in narrow.toolTip()


def test_titles_are_display_labels_elided_with_the_settings_as_tooltip(qtbot, window):
    window.model.set_method_param("annealing", "patience", "77")
    panel = window.basins
    compute(qtbot, panel, 200, 2)
    assert panel.maps_view.titles == ["Gradient descent", "Simulated annealing"]
    (_, annealing) = panel.maps_view._plots
    assert "patience=77" in annealing.titleLabel.toolTip()
    assert [panel.table.item(r, 0).text() for r in range(2)] == ["Gradient descent", "Simulated annealing"]
    assert "patience=77" in panel.table.item(1, 0).toolTip()
    assert elide("Simulated annealing", 60).endswith("…") and elide("gd", 60) == "gd"


def test_changing_the_landscape_clears_the_maps_and_the_bands(qtbot, window):
    panel = window.basins
    compute(qtbot, panel, 200, 2)
    assert panel.band_images() and window.view._band_items
    window.model.set_landscape("himmelblau")
    assert panel.maps == [] and panel.band_images() == [] and not window.view._band_items
    assert panel.maps_view.items == [] and panel.table.rowCount() == 0 and panel.key.entries == []
    assert not panel.results.isVisible()
    assert "computed for sin(x) + ½ sin(3x)" in panel.status.text() and "Compute maps" in panel.status.text()


def test_changing_the_landscape_mid_computation_drops_it(qtbot, window):
    panel = window.basins
    window.model.set_max_steps(20_000)
    panel.grid.setValue(5000)
    panel.seeds.setValue(50)
    panel.start()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=10_000)
    window.model.set_landscape("himmelblau")
    assert not panel.runner.busy and panel.compute.isEnabled() and not panel.cancel.isEnabled()
    qtbot.wait(300)
    assert panel.maps == [] and "landscape changed" in panel.status.text()


def test_a_map_where_every_run_diverged_says_so(qtbot, window):
    window.model.set_landscape("himmelblau")  # GD at lr 0.1 overshoots from every start here
    panel = window.basins
    compute(qtbot, panel, 16, 1)
    (vb, bmap), _ = panel.maps_view.items
    notes = [item for item in vb.addedItems if isinstance(item, pg.TextItem)]
    assert len(notes) == 1 and "diverged" in notes[0].textItem.toPlainText()
    assert "Every run diverged for Gradient descent" in panel.status.text()
    assert ("diverged", (0, 0, 0)) in panel.key.entries


def test_progress_follows_the_share_of_runs_and_time_left_never_creeps_up():
    fractions = []
    land, specs = get_landscape("sine-mix"), [parse_method_spec("gd"), parse_method_spec("annealing")]
    compute_basin_maps(land, specs, 50, seeds=5, max_steps=200, progress=fractions.append)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    # GD makes one run per start and annealing five: GD's map is a sixth of the work
    assert 1 / 6 in fractions and fractions.index(1 / 6) < fractions.index(1.0)
    shown, texts = -1.0, []
    for fraction, estimate in ((0.05, 3.0), (0.15, 5.0), (0.2, 5.5), (0.3, 4.0), (0.5, 4.2), (0.6, 2.0)):
        shown = steady_time_left(shown, estimate, fraction)
        texts.append(time_left_text(shown))
    assert texts == [
        "estimating time left…",
        *["about 5 s left"] * 2,
        *["about 4 s left"] * 2,
        "about 2 s left",
    ]
    assert steady_time_left(2.0, 30.0, 0.5) == 30.0  # far above: the one shown was wrong
