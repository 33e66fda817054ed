"""Network slices in the app: prepared in a worker from the landscape list, and the side-by-side view."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.landscapes.registry import forget_networks, nn_landscape
from core.minima.search import grid_local_minima
from core.studies.slice_compare import roughness
from tests.gui.helpers import click_view, make_window, open_file

SMALL = {"depth": 2, "width": 4, "seed": 5, "samples": 40}
SMALL_ID = "nn-plain:depth=2,width=4,seed=5,samples=40"


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.set_landscape("himmelblau")
    box = win.landscape_panel.extras.nn
    for name, value in SMALL.items():
        box.spins[name].setValue(value)
    yield win
    win.close()


def select(window, landscape_id: str) -> None:
    panel = window.landscape_panel
    panel.choose(landscape_id)


def test_choosing_a_slice_in_the_list_trains_it_in_the_background(qtbot, window):
    box = window.landscape_panel.extras.nn
    select(window, "nn-plain")
    # the list returns at once: the network trains in the worker, the old landscape stays meanwhile
    assert box.busy and box.isVisible() and box.progress.bar.isVisible()
    assert window.model.landscape.id == "himmelblau"
    qtbot.waitUntil(lambda: window.model.landscape.id == SMALL_ID, timeout=30_000)
    land = window.model.landscape
    assert (land.mlp.depth, land.mlp.width, land.seed, len(land.X)) == (2, 4, 5, 40)
    assert not box.busy and not box.progress.bar.isVisible() and "Ready" in box.status.text()
    assert window.landscape_panel.chooser.current_id() == "nn-plain"
    assert window.view.image.image.shape == (161, 161)  # the minima search's grid, reused
    # every method runs on it: a gradient-descent run from a clicked start ends lower than it began
    window.model.set_method_enabled("gd", True)
    window.model.set_method_param("gd", "lr", 0.1)
    window.model.set_max_steps(60)
    click_view(qtbot, window, 0.6, -0.6)
    window.controller.set_speed(0)
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controller.state == "finished", timeout=30_000)
    buffer = window.presenter.buffer
    assert buffer.series("losses", 0)[-1] < 0.1 * buffer.series("losses", 0)[0]


def test_cancel_keeps_the_current_landscape(qtbot, window):
    box = window.landscape_panel.extras.nn
    box.spins["width"].setValue(32)  # slow enough to cancel midway
    box.spins["samples"].setValue(2000)
    select(window, "nn-skip")
    assert box.busy and box.progress.cancel.isVisible()
    qtbot.keyClick(window.landscape_panel.chooser, Qt.Key.Key_Escape)  # Esc is the Cancel button's key
    qtbot.waitUntil(lambda: not box.busy, timeout=10_000)
    assert window.model.landscape.id == "himmelblau"
    assert "Cancelled" in box.status.text()
    assert window.landscape_panel.chooser.current_id() == "himmelblau"


def test_settings_box_follows_the_landscape_and_retrains_on_apply(qtbot, window):
    land = nn_landscape("nn-skip:depth=3,width=5,seed=1,samples=30")
    window.model.set_landscape_object(land)
    box = window.landscape_panel.extras.nn
    assert box.isVisible() and box.variant == "skip"
    assert {n: s.value() for n, s in box.spins.items()} == {"depth": 3, "width": 5, "seed": 1, "samples": 30}
    box.spins["seed"].setValue(2)
    qtbot.mouseClick(box.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.model.landscape.id == "nn-skip:depth=3,width=5,seed=2,samples=30", timeout=30_000
    )
    window.model.set_landscape("rastrigin")
    assert not box.isVisible()


def test_side_by_side_view_shares_one_colour_scale(qtbot, window):
    compare = window.analysis.show_nn_compare()
    qtbot.addWidget(compare)
    assert compare.isVisible()
    assert compare.settings() == {"depth": 2, "width": 4, "seed": 5, "grid": 101}  # from the settings box
    for name, value in {"depth": 3, "width": 6, "seed": 1, "grid": 31}.items():
        compare.spins[name].setValue(value)
    with qtbot.waitSignal(compare.comparisonShown, timeout=60_000):
        qtbot.mouseClick(compare.compute, Qt.MouseButton.LeftButton)
    cmp = compare.comparison
    lo, hi = cmp.levels
    for s in cmp.slices:
        plot = compare.plots[s.variant]
        assert tuple(plot.image.getLevels()) == pytest.approx((lo, hi))
        np.testing.assert_allclose(plot.image.image, np.log10(s.Z))
        assert len(plot.minima.data) == s.roughness["local_minima"] == len(grid_local_minima(s.Z))
        assert s.roughness == roughness(s.landscape, 31)
        text = compare.figures[s.variant].text()
        assert f"<b>{s.roughness['local_minima']}</b> grid local minima" in text
        assert f"{s.roughness['curvature_ratio']:.2f}" in text
    assert "Done" in compare.status.text()
    # a cancelled recomputation keeps what is shown
    compare.spins["grid"].setValue(301)
    compare.spins["width"].setValue(32)
    compare.start()
    qtbot.mouseClick(compare.progress.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not compare.runner.busy, timeout=10_000)
    assert compare.comparison is cmp and "Cancelled" in compare.status.text()
    assert compare.compute.isEnabled()
    # opened again from the Network box, it takes the box's settings; from the menu it keeps its own
    window.landscape_panel.extras.nn.spins["depth"].setValue(4)
    window.analysis.show_nn_compare()
    assert compare.settings()["depth"] == 3
    qtbot.mouseClick(window.landscape_panel.extras.nn.compare, Qt.MouseButton.LeftButton)
    assert compare.settings() == {"depth": 4, "width": 4, "seed": 5, "grid": 301}


def test_closing_the_main_window_stops_the_analysis_windows(qtbot):
    win = make_window(qtbot)
    compare = win.analysis.show_nn_compare()
    compare.spins["grid"].setValue(301)
    compare.start()
    win.landscape_panel.extras.nn.prepare("skip")
    win.close()  # the fixture checks that no QThread is left running
    assert not compare.runner.busy and not win.landscape_panel.extras.nn.busy


def test_an_experiment_on_a_slice_saves_and_reopens(qtbot, window, tmp_path):
    window.model.set_landscape_object(nn_landscape(SMALL_ID))
    window.model.set_method_enabled("adam", True)
    window.model.set_starts([(0.25, -0.5)])
    path = str(tmp_path / "slice.json")
    assert window.files.save_to(path) is None
    window.model.set_landscape("rastrigin")
    assert open_file(qtbot, window, path) is None
    assert window.model.landscape.id == SMALL_ID and window.model.starts == [(0.25, -0.5)]
    assert window.landscape_panel.extras.nn.isVisible()
    text = open(path, encoding="utf-8").read().replace(SMALL_ID, "nn-plain:depth=99")
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    message = open_file(qtbot, window, str(bad))
    assert "network depth 99 is out of range" in message and window.model.landscape.id == SMALL_ID


def test_the_latest_choice_in_the_list_wins(qtbot, window):
    box, panel = window.landscape_panel.extras.nn, window.landscape_panel
    select(window, "nn-plain")
    select(window, "nn-skip")  # replaces the plain preparation
    qtbot.waitUntil(lambda: window.model.landscape.id == SMALL_ID.replace("plain", "skip"), timeout=30_000)
    qtbot.wait(200)
    assert window.model.landscape.id.startswith("nn-skip") and not box.busy
    box.spins["seed"].setValue(6)
    select(window, "nn-plain")
    select(window, "rastrigin")  # a built-in landscape while the network trains: it stays
    assert window.model.landscape.id == "rastrigin"
    qtbot.waitUntil(lambda: not box.busy, timeout=10_000)
    qtbot.wait(200)
    assert window.model.landscape.id == "rastrigin" and not box.isVisible()
    assert panel.chooser.current_id() == "rastrigin"


def test_a_session_that_ended_on_a_slice_reopens_at_once_and_trains_it_in_the_worker(qtbot):
    from PySide6.QtCore import QSettings

    from gui.main_window import MainWindow

    settings = QSettings("minima-lab-test", "restore-network")
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    land_id = "nn-skip:depth=2,width=3,seed=11,samples=30"
    first.model.set_landscape_object(nn_landscape(land_id))
    first.model.set_method_enabled("adam", True)
    first.model.set_starts([(0.5, -0.25)])
    first.close()  # saves the choices
    forget_networks()  # as on a fresh launch: the network must be trained again
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    assert second.preparer.busy and second.model.landscape.id != land_id  # the window is up while it trains
    qtbot.waitUntil(lambda: second.model.landscape.id == land_id, timeout=30_000)
    assert second.model.starts == [(0.5, -0.25)] and second.model.methods["adam"].enabled
    assert not second.preparer.busy
    second.close()


def test_opening_a_file_on_an_untrained_slice_trains_it_in_the_worker(qtbot, window, tmp_path):
    land_id = "nn-plain:depth=2,width=3,seed=12,samples=30"
    window.model.set_landscape_object(nn_landscape(land_id))
    window.model.set_method_enabled("gd", True)
    window.model.set_starts([(-0.5, 0.5)])
    path = str(tmp_path / "slice.json")
    assert window.files.save_to(path) is None
    window.model.set_landscape("himmelblau")
    forget_networks()  # as in a new session
    assert window.files.open_path(path) is None  # returns at once; the network trains meanwhile
    assert window.preparer.busy and window.model.landscape.id == "himmelblau"
    qtbot.waitUntil(lambda: window.model.landscape.id == land_id, timeout=30_000)
    assert window.model.starts == [(-0.5, 0.5)] and window.files.path == path
