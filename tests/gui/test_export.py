"""Exports: images with the runs' colours, parsable SVG, GIF frames, data round trips, saved experiments."""

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.experiment.file_format import load_state
from core.experiment.presets import PRESETS
from core.runs.engine import Engine
from core.runs.results import collect_results
from gui.export.exporters import export_animation, export_data, export_image
from gui.style import method_color
from tests.gui.helpers import make_window, open_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.load_preset(PRESETS["seed-lecture"])
    yield win
    win.close()


def colour_pixels(image: Image.Image, hex_colour: str, tolerance: int = 40) -> int:
    """How many pixels are close to ``hex_colour`` (trails are drawn semi-transparent)."""
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3).astype(int)
    return int((np.abs(pixels - target).max(axis=1) <= tolerance).sum())


@pytest.mark.parametrize("scale", [1, 2])
def test_png_export_has_the_requested_size_and_the_method_colours(qtbot, window, tmp_path, scale):
    window.controller.step(300)
    out = tmp_path / "figure.png"
    assert window.exports.export_image_to(str(out), scale=scale) is None
    image = Image.open(out)
    view = window.view.size()
    assert image.width == view.width() * scale and image.height > view.height() * scale
    for method in ("gd", "momentum", "annealing"):
        assert colour_pixels(image, method_color(method)) > 20 * scale, method


def test_png_with_side_plots_is_wider(qtbot, window, tmp_path):
    plain, multi = tmp_path / "plain.png", tmp_path / "multi.png"
    window.exports.export_image_to(str(plain))
    window.exports.export_image_to(str(multi), side_plots=True)
    assert Image.open(multi).width > Image.open(plain).width


def test_svg_export_parses_and_contains_paths(qtbot, window, tmp_path):
    window.controller.step(100)
    out = tmp_path / "figure.svg"
    assert window.exports.export_image_to(str(out)) is None
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    paths = [e for e in root.iter() if e.tag.endswith("path")]
    assert len(paths) >= 5  # the curve and one trail per method
    text = out.read_text().lower()
    assert all(method_color(m).lower() in text for m in ("gd", "momentum", "sgd", "annealing"))
    assert "seed 0" in text  # the caption


def test_headless_image_exports(qtbot, tmp_path):
    exp = PRESETS["escape-rastrigin"].experiment()
    export_image(exp, tmp_path / "r.png", scale=2, side_plots=True)
    image = Image.open(tmp_path / "r.png")
    assert image.width > 2000 and colour_pixels(image, method_color("annealing")) > 50
    with pytest.raises(ValueError, match="image export writes .png, .svg"):
        export_image(exp, tmp_path / "r.bmp")


def test_gif_has_the_requested_frames(qtbot, tmp_path):
    exp = PRESETS["seed-lecture"].experiment()
    out = tmp_path / "runs.gif"
    assert export_animation(exp, out, frames=12, fps=10)
    gif = Image.open(out)
    assert gif.n_frames == 12 and gif.info["duration"] == 100


def test_cancelled_animation_writes_nothing(qtbot, tmp_path):
    exp = PRESETS["seed-lecture"].experiment()
    out = tmp_path / "runs.gif"
    calls = []
    assert not export_animation(exp, out, frames=10, fps=10, progress=lambda d, t: calls.append(d) or d < 3)
    assert not out.exists() and list(tmp_path.iterdir()) == [] and calls == [1, 2, 3]


def test_csv_and_json_round_trip_the_core_numbers(tmp_path):
    exp = PRESETS["seed-lecture"].experiment()
    results = collect_results(Engine(exp).run())
    export_data(exp, tmp_path / "runs.csv")
    export_data(exp, tmp_path / "runs.json")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "runs.csv").read_text())))
    assert rows[0].keys() >= {"method", "start_id", "step", "x", "loss", "learning_rate", "temperatures"}
    for res in results:
        mine = [r for r in rows if int(r["run"]) == res.index]
        assert [float(r["x"]) for r in mine] == res.positions[:, 0].tolist()
        assert [float(r["loss"]) for r in mine] == res.losses.tolist()
    doc = json.loads((tmp_path / "runs.json").read_text())
    for run, res in zip(doc["runs"], results, strict=True):
        assert run["positions"] == res.positions.tolist() and run["status"] == res.status


def test_save_then_open_gives_identical_runs(qtbot, window, tmp_path):
    window.model.set_seed(5)
    path = tmp_path / "lecture.json"
    assert window.files.save_to(str(path)) is None
    before = collect_results(Engine(window.model.experiment()).run())
    window.model.load_preset(PRESETS["adaptive-rosenbrock"])
    assert open_file(qtbot, window, str(path)) is None
    assert window.model.landscape.id == "sine-mix" and window.model.seed == 5
    after = collect_results(Engine(window.model.experiment()).run())
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a.positions, b.positions)
    assert "lecture.json" in window.windowTitle()


BAD_FILES = {
    "not-json.json": "this is not json",
    "truncated.json": None,  # the first half of a valid file
    "version.json": {"version": 99},
    "landscape.json": {"landscape": {"id": "nope", "domain": [[-5, 5]]}},
    "method.json": {"methods": [{"method": "gdx", "params": {}}]},
    "param.json": {"methods": [{"method": "gd", "params": {"lr": 5000}}]},
    "start.json": {"starts": [[1.0, 2.0]]},
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_experiment_files_are_refused_and_change_nothing(qtbot, window, tmp_path, name):
    good = tmp_path / "good.json"
    window.files.save_to(str(good))
    text = good.read_text()
    patch = BAD_FILES[name]
    if patch is None:
        bad_text = text[: len(text) // 2]
    elif isinstance(patch, str):
        bad_text = patch
    else:
        bad_text = json.dumps({**json.loads(text), **patch})
    bad = tmp_path / name
    bad.write_text(bad_text)
    state_before = window.model.state
    message = open_file(qtbot, window, str(bad))
    assert message is not None and message.startswith(f"Could not open {bad}")
    assert window.model.state == state_before


def test_failed_save_keeps_the_previous_file(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "keep.json"
    window.files.save_to(str(path))
    original = path.read_bytes()
    import core.files

    def broken_replace(*args):
        raise OSError("disk full")

    monkeypatch.setattr(core.files.os, "replace", broken_replace)
    window.model.set_seed(9)
    message = window.files.save_to(str(path))
    assert message is not None and "disk full" in message
    assert path.read_bytes() == original and [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_unwritable_export_path_is_reported_and_leaves_nothing(qtbot, window, tmp_path):
    missing = tmp_path / "no-such-folder" / "figure.png"
    message = window.exports.export_image_to(str(missing))
    assert message is not None and "Could not export" in message
    assert not missing.parent.exists()
    assert "must end in .png or .svg" in window.exports.export_image_to(str(tmp_path / "figure.tif"))


def test_recent_files_are_remembered(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from gui.main_window import MainWindow

    win = MainWindow(settings=QSettings())
    qtbot.addWidget(win)
    win.model.load_preset(PRESETS["seed-lecture"])
    for name in ("a.json", "b.json"):
        assert win.files.save_to(str(tmp_path / name)) is None
    assert win.files.recent_files() == [str(tmp_path / "b.json"), str(tmp_path / "a.json")]
    assert [a.text() for a in win.files.recent_menu.actions()] == win.files.recent_files()
    win.close()


def run_main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def test_headless_export_command_for_a_preset_and_a_file(tmp_path):
    png = tmp_path / "lecture.png"
    proc = run_main("export", "--preset", "seed-lecture", "-o", str(png), "--steps", "200")
    assert proc.returncode == 0, proc.stderr
    assert Image.open(png).width >= 1000
    saved = tmp_path / "exp.json"
    from core.experiment.file_format import ExperimentState, save_state

    save_state(saved, ExperimentState.from_experiment(PRESETS["adaptive-rosenbrock"].experiment()))
    gif = tmp_path / "rosen.gif"
    proc = run_main("export", str(saved), "-o", str(gif), "--frames", "5", "--steps", "100")
    assert proc.returncode == 0, proc.stderr
    assert Image.open(gif).n_frames == 5
    mp4 = tmp_path / "rosen.mp4"
    proc = run_main("export", str(saved), "-o", str(mp4), "--frames", "6", "--fps", "12", "--steps", "100")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    import imageio.v3 as iio

    frames = list(iio.imiter(mp4))
    assert len(frames) == 6 and frames[0].shape[0] % 2 == frames[0].shape[1] % 2 == 0
    proc = run_main("export", str(saved), "-o", str(tmp_path / "rosen.json"))
    assert (
        proc.returncode == 0
        and json.loads((tmp_path / "rosen.json").read_text())["landscape"]["id"] == "rosenbrock"
    )
    assert load_state(saved).landscape.id == "rosenbrock"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--preset", "seed-lecture", "-o", "x.bmp"], "extension must be one of"),
        (["--preset", "seed-lecture", "-o", "/no/such/folder/x.png"], "does not exist"),
        (["missing.json", "-o", "x.png"], "cannot read"),
        (["-o", "x.png"], "either an experiment file or --preset"),
    ],
)
def test_headless_export_refuses_bad_requests(tmp_path, args, needle):
    proc = run_main("export", *args)
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr


def test_a_long_export_runs_in_the_worker_one_at_a_time_and_cancels_cleanly(qtbot, window, tmp_path):
    window.model.load_preset(PRESETS["escape-rastrigin"])
    window.model.set_max_steps(200_000)
    out = tmp_path / "runs.csv"
    assert window.exports.export_data_to(str(out)) is None  # started: the window goes on
    assert window.exports.busy
    second = window.exports.export_animation_to(str(tmp_path / "runs.gif"), 10, 10)
    assert "is still running" in second
    messages = []
    window.exports.message.connect(messages.append)
    with qtbot.waitSignal(window.exports.finished, timeout=30_000) as outcome:
        window.exports.runner.cancel()
    assert outcome.args[0] is None and messages == ["Export cancelled; nothing was written."]
    assert not out.exists() and list(tmp_path.iterdir()) == []
