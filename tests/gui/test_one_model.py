"""One experiment model and one worker base: the window's state survives a save and reopen (and a
relaunch) unchanged, in the file format; closing the window mid-run or mid-task leaves no thread."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from PySide6.QtCore import QSettings

from core.experiment.file_format import FORMAT, load_state, state_from_json
from core.experiment.presets import PRESETS
from gui.main_window import MainWindow
from gui.workers.base import TaskRunner
from tests.gui.helpers import make_window, open_file, wait_prepared

ROOT = Path(__file__).resolve().parents[2]


def edit_everything(window: MainWindow) -> None:
    """Change landscape and domain, methods (ticked and parked), starts, seed, steps and view options."""
    model = window.model
    model.set_landscape("himmelblau")
    model.set_domain(((-4.5, 4.0), (-5.0, 4.5)))
    model.set_method_enabled("adam", True)
    model.set_method_param("adam", "lr", "0.03")
    model.set_method_enabled("langevin", True)
    model.set_method_param("langevin", "temperature", "0.7")
    model.set_method_param("rmsprop", "lr", "0.02")  # edited but left unticked: parked
    model.set_starts([(1.5, -2.25), (-3.0, 3.5)])
    model.set_seed(42)
    model.set_max_steps(321)
    window.landscape_panel.show_minima.setChecked(False)  # through the widgets, as a user does
    window.side.log_loss.setChecked(True)
    model.set_view_option("batch_contours", True)


def test_save_and_reopen_in_a_fresh_window_gives_an_identical_state(qtbot, tmp_path):
    first = make_window(qtbot)
    edit_everything(first)
    state = first.model.state
    assert state.view.show_minima is False and state.view.log_loss is True
    assert [s.method for s in state.parked] == ["rmsprop"]
    path = str(tmp_path / "mine.json")
    assert first.files.save_to(path) is None
    assert json.loads(Path(path).read_text())["format"] == FORMAT
    second = make_window(qtbot)
    assert open_file(qtbot, second, path) is None
    assert second.model.state == state
    assert (
        second.model.methods["rmsprop"].params["lr"] == 0.02 and not second.model.methods["rmsprop"].enabled
    )
    assert not second.landscape_panel.show_minima.isChecked() and second.side.log_loss.isChecked()
    assert not second.view.minima.isVisible()
    assert second.presenter.buffer.positions.shape[1] == 4  # 2 methods × 2 starts, ready to play
    first.close()
    second.close()


def test_the_remembered_session_is_the_file_format(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "session.ini"), QSettings.Format.IniFormat)
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    edit_everything(first)
    state = first.model.state
    first.close()
    saved = str(settings.value("session"))
    assert state_from_json(saved) == state  # the same reader as File ▸ Open
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    wait_prepared(qtbot, second)
    assert second.model.state == state
    second.close()


def test_every_preset_loads_into_the_window_as_its_state(qtbot):
    window = make_window(qtbot)
    for preset in PRESETS.values():
        window.model.load_preset(preset)
        assert window.model.state.replace(view={}) == preset.state()
    window.close()


@pytest.mark.parametrize("preset_id", list(PRESETS))
def test_example_files_are_the_presets(preset_id):
    assert load_state(ROOT / "resources" / "examples" / f"{preset_id}.json") == PRESETS[preset_id].state()


def test_every_long_task_uses_the_one_worker_base(qtbot):
    window = make_window(qtbot)
    window.analysis.show_highdim()
    window.analysis.show_nn_compare()
    runners = window.findChildren(TaskRunner)
    owners = {type(r.parent()).__name__ for r in runners}
    assert {
        "RunPresenter",  # the basins and escape events (the engine itself runs in its own process)
        "BasinPanel",
        "NNBox",
        "HighDimWindow",
        "RetrainPanel",
        "NNCompareWindow",
    } <= owners
    window.close()


def test_closing_mid_run_mid_basin_map_and_mid_slice_leaves_no_thread(qtbot):
    window = make_window(qtbot)
    window.model.load_preset(PRESETS["escape-rastrigin"])
    window.model.set_max_steps(1_000_000)
    window.controller.set_speed(0)
    window.toggle_play()
    window.basins.grid.setValue(200)
    window.basins.start()
    window.landscape_panel.extras.nn.prepare("plain")  # trains a fresh slice in the worker
    threads = [r._thread for r in window.findChildren(TaskRunner) if r.busy]
    assert len(threads) >= 2 and all(t.isRunning() for t in threads)  # (and the basin labelling)
    engine = window.controller._process._process  # the engine's own process
    assert engine.is_alive()
    window.close()
    assert not any(r.busy for r in window.findChildren(TaskRunner))
    assert not any(t.isRunning() for t in threads)  # (the conftest fixture checks every QThread too)
    assert not engine.is_alive() and engine.exitcode is not None  # ended and joined


def test_main_py_renders_an_experiment_file(tmp_path):
    shots = {}
    for preset_id in ("adaptive-rosenbrock", "seed-lecture"):
        out = tmp_path / f"{preset_id}.png"
        example = ROOT / "resources" / "examples" / f"{preset_id}.json"
        proc = subprocess.run(
            [sys.executable, "main.py", str(example), "--screenshot", str(out), "--steps", "50"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        shots[preset_id] = Image.open(out).convert("RGB")
    assert shots["seed-lecture"].size == (1500, 950)
    assert ImageChops.difference(*shots.values()).getbbox() is not None  # two files, two pictures


def test_a_bad_file_on_the_command_line_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "minima-lab-experiment", "version": 2}')
    out = tmp_path / "x.png"
    proc = subprocess.run(
        [sys.executable, "main.py", str(bad), "--screenshot", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "landscape: missing" in proc.stderr and not out.exists()


def test_help_names_every_command():
    from core.cli import COMMANDS

    commands = [shutil.which("minima-lab")] if shutil.which("minima-lab") else []
    for argv in ([sys.executable, "main.py", "--help"], *([c, "--help"] for c in commands)):
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60, env=os.environ)
        assert proc.returncode == 0
        assert all(name in proc.stdout for name in COMMANDS) and "FILE.json" in proc.stdout
