"""The Basins panel: maps computed in a worker, Cancel keeps the previous map, the success table."""

import time

import numpy as np
import pytest

from tests.gui.helpers import make_window


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.set_landscape("sine-mix")
    for mid in win.model.methods:
        win.model.set_method_enabled(mid, mid in ("gd", "annealing"))
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
    assert shares["annealing"] == "100.0%" and shares["gd"].endswith("%")
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
