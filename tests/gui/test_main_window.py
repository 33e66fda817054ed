"""The desktop window: clicks place starts, runs stream from the worker and match the core."""

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.experiment.spec import Experiment, parse_method_spec
from core.landscapes.registry import get_landscape
from core.methods import METHODS
from core.runs.engine import Engine
from core.runs.results import collect_results
from gui.style import thin_indices
from gui.view.trail_item import MAX_DOTS
from tests.gui.helpers import click_view, make_window, run_to_end, wait_prepared, wait_settled


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.set_landscape("sine-mix")
    for mid in win.model.methods:
        win.model.set_method_enabled(mid, mid in ("gd", "momentum"))
    win.model.set_method_param("gd", "lr", "0.1")
    win.model.set_method_param("momentum", "lr", "0.1")
    win.model.set_starts([])
    yield win
    win.close()


def test_window_launches_with_panels_and_menus(window):
    assert window.isVisible()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Run", "&Presets", "&View", "&Analysis", "&Help"]
    assert window.landscape_panel.chooser.group_of("rastrigin") == "2-D surfaces"
    assert len(window.methods_panel.boxes) == len(METHODS) == 15


def test_click_places_a_start_on_the_curve_and_shift_click_adds_one(qtbot, window):
    click_view(qtbot, window, 1.0, 0.0)
    assert len(window.model.starts) == 1
    assert window.model.starts[0][0] == pytest.approx(1.0, abs=0.02)
    click_view(qtbot, window, 0.5, 0.0, modifier=Qt.KeyboardModifier.ShiftModifier)
    assert [round(s[0], 1) for s in window.model.starts] == [1.0, 0.5]
    # The markers sit on the curve: y = f(x).
    xs, ys = window.view.start_markers.points().T
    land = get_landscape("sine-mix")
    np.testing.assert_allclose(ys, land.value(np.column_stack([xs]))[:], rtol=1e-12)
    # A plain click replaces both.
    click_view(qtbot, window, -2.0, 0.0)
    assert len(window.model.starts) == 1 and window.model.starts[0][0] == pytest.approx(-2.0, abs=0.02)


def test_right_click_on_a_start_removes_it(qtbot, window):
    window.model.set_starts([(1.0,), (3.0,)])
    land = get_landscape("sine-mix")
    click_view(qtbot, window, 3.0, float(land.value([[3.0]])[0]), button=Qt.MouseButton.RightButton)
    assert window.model.starts == [(1.0,)]


def test_a_start_keeps_its_shape_when_another_is_removed_or_added(qtbot, window):
    window.model.set_starts([(1.0,), (2.0,), (3.0,)])
    shapes = window.view.start_markers.symbols
    window.model.remove_start(0)
    assert window.view.start_markers.symbols == shapes[1:]
    window.presenter.flush()
    window.controller.step(2)
    assert window.view.heads.symbols == shapes[1:] * 2  # each run's head: its start's shape (2 methods)
    window.model.add_start((4.0,))  # takes the shape no start has now: the first one's
    assert window.view.start_markers.symbols == [*shapes[1:], shapes[0]]


def test_runs_to_completion_match_the_core(qtbot, window):
    window.model.set_starts([(1.0,), (0.5,)])
    run_to_end(qtbot, window)
    land = get_landscape("sine-mix")
    exp = Experiment(
        land,
        (parse_method_spec("gd:lr=0.1"), parse_method_spec("momentum:lr=0.1")),
        [[1.0], [0.5]],
        max_steps=window.model.max_steps,
        seed=window.model.seed,
    )
    expected = collect_results(Engine(exp).run())
    trails = window.presenter.trails()
    assert len(trails) == 4
    for (x, y), res in zip(trails, expected, strict=True):
        np.testing.assert_array_equal(x, res.positions[:, 0])
        np.testing.assert_array_equal(y, res.losses)
    # One trail item per method: each run's points, thinned to at most MAX_DOTS, drawn as dots
    # (each point twice, a hair apart).
    for method, item in enumerate(window.view.trails):
        runs = [r for r in expected if r.method_index == method]
        kept = [r.positions[thin_indices(len(r.positions), MAX_DOTS), 0] for r in runs]
        drawn = np.repeat(np.concatenate(kept), 2)
        np.testing.assert_allclose(item.getData()[0], drawn, rtol=0, atol=1e-7)
        assert kept[0][-1] == runs[0].positions[-1, 0]  # the end point is always drawn
    assert window.table.column_texts("Status") == [r.status for r in expected]
    assert window.table.column_texts("Reached") == ["local", "global", "local", "global"]
    assert not window.controller.is_running


def test_changing_the_landscape_mid_run_resets_cleanly(qtbot, window):
    window.model.set_starts([(1.0,)])
    window.model.set_max_steps(100_000)
    window.model.set_method_param("gd", "lr", "0.0001")
    window.controller.set_speed(2000)
    window.toggle_play()
    qtbot.waitUntil(
        lambda: window.presenter.buffer is not None and window.presenter.buffer.rows > 20, timeout=5000
    )
    window.model.set_landscape("forrester")  # same dimension: the start is kept
    assert not window.controller.is_running and window.controller.state == "idle"
    assert window.presenter.buffer.rows == 1 and window.model.landscape.id == "forrester"
    window.model.set_landscape("himmelblau")  # 2-D: the 1-D start is dropped
    assert window.model.starts == [] and window.presenter.buffer is None


def test_closing_mid_run_ends_the_engine_process_quickly(qtbot, qtlog, window):
    window.model.set_starts([(1.0,), (0.5,)])
    window.model.set_max_steps(1_000_000)
    window.model.set_method_param("gd", "lr", "0.000001")
    window.controller.set_speed(0)
    window.toggle_play()
    qtbot.waitUntil(lambda: window.presenter.buffer.rows > 100, timeout=5000)
    child = window.controller._process._process
    assert child.is_alive()
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 1.0
    assert not child.is_alive() and child.exitcode is not None  # ended and joined (no zombie)
    messages = [record.message for record in qtlog.records]
    assert not any("QThread" in m or "Destroyed" in m for m in messages), messages


def test_pause_step_and_reset(qtbot, window):
    window.model.set_starts([(1.0,)])
    window.controller.step(1)
    wait_settled(qtbot, window)
    assert window.presenter.buffer.rows == 2 and window.table.column_texts("Steps") == ["1", "1"]
    window.step_action.trigger()
    assert window.presenter.buffer.rows == 3
    window.reset_action.trigger()
    assert window.presenter.buffer.rows == 1 and window.controller.state == "idle"


def test_diverging_run_is_shown_and_others_finish(qtbot, window):
    window.model.set_landscape("rosenbrock")
    window.model.set_starts([(-1.5, 2.0)])
    window.model.set_method_param("gd", "lr", "100")
    window.model.set_method_param("momentum", "lr", "0.001")
    window.model.set_max_steps(300)
    run_to_end(qtbot, window)
    assert window.table.column_texts("Status") == ["diverged", "max-steps"]
    assert window.presenter.buffer.status[0] == "diverged"
    assert "diverged" in window.state_label.text()
    assert window.view.heads.symbols[0] == "x"
    assert np.isfinite(window.presenter.trails()[0][0]).all()


def test_a_diverged_run_shows_no_minimum_basin_or_escapes_and_the_axes_stay_readable(qtbot, window):
    window.model.set_landscape("rosenbrock")
    window.model.set_starts([(-1.5, 2.0)])
    window.model.set_method_param("gd", "lr", "0.01")  # too large for the valley: diverges
    window.model.set_method_param("momentum", "lr", "0.001")
    window.model.set_max_steps(500)
    run_to_end(qtbot, window)
    table = window.table
    assert table.column_texts("Status")[0] == "diverged"
    for column in ("Reached", "Basin", "Escapes", "First global", "Max barrier"):
        assert table.column_texts(column)[0] == "—"
    assert table.column_texts("Basin")[1] == "global"  # momentum, still in the valley of (1, 1)
    window.model.set_view_option("log_loss", True)
    qtbot.wait(50)
    low, high = window.side.loss_plot.getViewBox().viewRange()[1]
    assert np.isfinite([low, high]).all() and high < 6  # log10 of f − f*: the exploded values are left out
    trail_x, trail_y = window.presenter.trails()[0]
    assert np.all(np.abs(trail_x) < 50) and np.all(np.abs(trail_y) < 50)


def test_a_click_outside_the_domain_is_refused_with_a_message(qtbot, window):
    window.model.set_starts([(1.0,)])
    messages = []
    window.view.message.connect(messages.append)
    window.view.vb.setRange(xRange=(-8, 8), padding=0)  # the view shows beyond the domain [−5, 5]
    click_view(qtbot, window, 6.5, 0.0, modifier=Qt.KeyboardModifier.ShiftModifier)
    assert window.model.starts == [(1.0,)]
    assert messages and "outside the domain [-5, 5]" in messages[-1]
    click_view(qtbot, window, 4.5, 0.0, modifier=Qt.KeyboardModifier.ShiftModifier)
    assert len(window.model.starts) == 2


def test_widening_the_domain_in_the_window_shows_the_new_minima(qtbot, window):
    window.model.set_landscape("sine-mix")
    panel = window.landscape_panel
    panel.domain_edits[0].setText("-10")
    panel.domain_edits[0].editingFinished.emit()
    wait_prepared(qtbot, window)
    assert window.model.landscape.domain == ((-10.0, 5.0),)
    globals_x = sorted(m.location[0] for m in window.model.landscape.minima if m.kind == "global")
    assert globals_x[:2] == pytest.approx([-8.7231, -6.9849], abs=1e-4)
    data = window.view.minima.data
    stars = [(x, y) for x, y, s in zip(data["x"], data["y"], data["symbol"], strict=True) if s == "star"]
    assert any(abs(x + 8.7231) < 1e-3 for x, _ in stars) and len(stars) == 5
    window.model.set_starts([(-8.0,)])
    window.controller.step(300)
    wait_settled(qtbot, window)
    reached, basin = window.table.column_texts("Reached"), window.table.column_texts("Basin")
    assert reached[0] == basin[0] == "global"  # GD from −8 settles at −8.72, now a listed global minimum


def test_a_burst_of_changes_draws_its_runs_once_and_play_uses_the_latest(qtbot, window, monkeypatch):
    prepared = []
    prepare = window.presenter.prepare
    monkeypatch.setattr(window.presenter, "prepare", lambda: (prepared.append(1), prepare()))
    window.model.set_starts([(1.0,), (-1.0,), (2.5,)])
    window.model.set_seed(4)
    window.model.set_max_steps(200)
    assert prepared == [] and window.controller.engine.n_runs == 6  # the engine is ready at once
    qtbot.waitUntil(lambda: prepared == [1])
    window.model.set_starts([(0.5,), (1.5,)])
    window.toggle_play()  # before the next turn of the event loop: the fresh runs play
    qtbot.waitUntil(lambda: window.controller.state == "finished", timeout=10_000)
    assert len(prepared) == 2 and len(window.presenter.trails()) == 4
    ends = collect_results(Engine(window.model.experiment()).run())
    assert [t[0][-1] for t in window.presenter.trails()] == pytest.approx([r.final[0] for r in ends])


def test_the_run_menu_shows_its_keys_and_analysis_windows_close_with_escape(qtbot, window):
    run_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Run")
    texts = [a.text() for a in run_menu.actions()]
    assert texts[:6] == [
        "Play / Pause\tSpace", "Step\tRight", "Step back\tLeft", "Replay\tP",
        "Step 50\tShift+Right", "Reset\tR",
    ]  # fmt: skip
    assert texts[7:] == ["Add &random starts…", "Add a &grid of starts…", "&Clear starts"]
    for show in (window.analysis.show_highdim, window.analysis.show_nn_compare):
        analysis = show()
        qtbot.waitExposed(analysis)
        analysis.activateWindow()
        qtbot.keyClick(analysis, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda w=analysis: not w.isVisible(), timeout=3000)
