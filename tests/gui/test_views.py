"""The 2-D view, parameter editing, presets, settings and the screenshot command."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from core.experiment.presets import PRESETS
from gui.main_window import MainWindow
from tests.gui.helpers import click_view, make_window, run_to_end, wait_prepared, wait_settled

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def test_two_d_click_places_the_start_and_a_run_draws_a_path(qtbot, window):
    window.model.set_landscape("himmelblau")
    for mid in window.model.methods:
        window.model.set_method_enabled(mid, mid == "gd")
    window.model.set_method_param("gd", "lr", "0.01")
    click_view(qtbot, window, 0.5, -1.0)
    (start,) = window.model.starts
    assert start == pytest.approx((0.5, -1.0), abs=0.06)
    assert window.view.image.image is not None and window.view.colorbar is not None
    (contours,) = window.view.isocurves  # every level in one path
    assert contours.path().elementCount() > 1000
    run_to_end(qtbot, window)
    x, y = window.view.trails[0].getData()
    assert len(x) > 10 and (x[0], y[0]) == pytest.approx(start)
    assert window.table.column_texts("Reached") == ["global"]
    assert window.table.column_texts("Status") == ["converged"]


def test_invalid_parameter_is_refused_inline_and_changes_nothing(qtbot, window):
    window.methods_panel.show_parameters("gd")  # gd
    editor = window.methods_panel.editor
    before = dict(window.model.methods["gd"].params)
    field = editor.fields["lr"]
    field.setText("-3")
    field.editingFinished.emit()
    assert "lr='-3' is out of range" in editor.error.text()
    assert window.model.methods["gd"].params == before
    field.setText("abc")
    field.editingFinished.emit()
    assert "not a number" in editor.error.text()
    field.setText("0.05")
    field.editingFinished.emit()
    assert editor.error.text() == "" and window.model.methods["gd"].params["lr"] == 0.05


def test_a_refused_text_gives_way_to_a_loaded_preset(qtbot, window):
    from core.experiment.presets import PRESETS

    window.methods_panel.show_parameters("gd")  # gd
    editor = window.methods_panel.editor
    field = editor.fields["lr"]
    field.setText("-3")
    field.editingFinished.emit()
    assert field.styleSheet() != "" and editor.error.text()
    window.model.load_preset(PRESETS["seed-lecture"])
    assert field.styleSheet() == "" and editor.error.text() == ""
    assert float(field.text()) == window.model.methods["gd"].params["lr"]  # what the run uses


def test_schedule_parameters_appear_only_for_their_schedule(qtbot, window):
    window.methods_panel.show_parameters("gd")
    editor = window.methods_panel.editor
    assert editor.fields["t0"].isHidden()
    editor.fields["schedule"].setCurrentText("sgdr")
    assert window.model.methods["gd"].params["schedule"] == "sgdr"
    assert not editor.fields["t0"].isHidden() and editor.fields["step_size"].isHidden()


def test_invalid_domain_is_refused_and_the_domain_kept(qtbot, window):
    panel = window.landscape_panel
    before = window.model.landscape.domain
    panel.domain_edits[0].setText("9")
    panel.domain_edits[0].editingFinished.emit()
    assert window.model.landscape.domain == before and "lower bound must be below" in panel.error.text()
    panel.domain_edits[0].setText("-3")
    panel.domain_edits[0].editingFinished.emit()
    wait_prepared(qtbot, window)
    assert window.model.landscape.domain[0] == (-3.0, before[0][1])


@pytest.mark.parametrize("preset_id", list(PRESETS))
def test_presets_load_and_step(qtbot, window, preset_id):
    window.model.load_preset(PRESETS[preset_id])
    assert window.model.landscape.id == PRESETS[preset_id].landscape
    window.controller.step(20)
    wait_settled(qtbot, window)
    assert window.presenter.buffer.rows == 21 and window.table.rowCount() == window.controller.engine.n_runs


def test_sgdr_restarts_are_visible_in_the_learning_rate_plot(qtbot, window):
    window.model.load_preset(PRESETS["seed-lecture"])
    window.controller.step(250)
    wait_settled(qtbot, window)
    sgd_curve = window.side.curves["lr"][2]  # gd, momentum, sgd (SGDR), annealing
    steps, rates = sgd_curve.getData()
    first_run = steps[: np.argmax(np.diff(steps) < 0) + 1] if np.any(np.diff(steps) < 0) else steps
    jumps = first_run[1:][np.diff(rates[: len(first_run)]) > 0.05]
    assert list(jumps) == [101.0, 201.0]  # step t uses the rate at k = t − 1: restarts at k = 100, 200


def test_choices_are_remembered_between_launches(qtbot):
    first = MainWindow(settings=QSettings())
    qtbot.addWidget(first)
    first.model.load_preset(PRESETS["adaptive-rosenbrock"])
    first.model.set_seed(7)
    first.close()
    second = MainWindow(settings=QSettings())
    qtbot.addWidget(second)
    wait_prepared(qtbot, second)
    assert second.model.landscape.id == "rosenbrock" and second.model.seed == 7
    assert second.model.methods["adam"].enabled and second.model.methods["adam"].params["lr"] == 0.05
    second.close()


def test_corrupt_saved_state_is_ignored_with_a_message(qtbot):
    settings = QSettings()
    settings.setValue("session", '{"landscape": "nope"}')
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    wait_prepared(qtbot, win)
    assert win.model.landscape.id == "sine-mix"
    assert "could not be restored" in win.statusBar().currentMessage()
    win.close()


def test_about_the_methods_lists_every_update_rule(qtbot, window):
    dialog = window.show_about_methods()
    text = dialog.browser.toPlainText()
    assert "vt = β vt−1 − η ∇f(xt−1)" in text and "Basin hopping" in text  # (as formulas: plain text)
    dialog.close()


def test_screenshot_command_writes_the_window(tmp_path):
    out = tmp_path / "shot.png"
    proc = subprocess.run(
        [sys.executable, "main.py", "--screenshot", str(out), "--preset", "seed-lecture", "--steps", "50"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert image.width() >= 1200 and image.height() >= 800


def test_unknown_preset_exits_2():
    proc = subprocess.run(
        [sys.executable, "main.py", "--preset", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and "unknown preset 'nope'; valid: seed-lecture" in proc.stderr
