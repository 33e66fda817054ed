"""The timeline: scrubbing to step k shows exactly what the engine recorded at k — the CLI's JSON of
the same experiment file is the reference — in the heads, the trails, the results table and the loss
plot; a replay shows the recorded steps again in order; ← steps back, → forth."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from core.experiment.file_format import save_state
from tests.gui.helpers import make_window, run_to_end

ROOT = Path(__file__).resolve().parents[2]
STEPS = 120


@pytest.fixture
def recorded(qtbot, tmp_path):
    """A window that ran an experiment to its end, and the CLI's JSON of the same file."""
    window = make_window(qtbot)
    model = window.model
    model.set_landscape("rastrigin")
    for mid in model.methods:
        model.set_method_enabled(mid, mid in ("gd", "momentum", "langevin"))
    model.set_method_param("gd", "lr", "0.002")  # (converges early: ends before the last step)
    model.set_method_param("momentum", "lr", "0.001")
    for name, value in (("lr", "0.002"), ("temperature", "5"), ("patience", "100000")):
        model.set_method_param("langevin", name, value)  # (wanders to the last step, escaping)
    model.set_starts([(-1.2, 0.5), (0.5, -3.3)])
    model.set_max_steps(STEPS)
    path = tmp_path / "exp.json"
    save_state(path, model.state)
    done = subprocess.run(
        [sys.executable, "main.py", "run", str(path), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    runs = json.loads(done.stdout)["runs"]
    run_to_end(qtbot, window)
    yield window, runs
    window.close()


def at_step(runs: list, k: int) -> np.ndarray:
    """Every run's position at step k in the CLI's record (a run that ended sits at its end)."""
    return np.array([run["positions"][min(k, len(run["positions"]) - 1)] for run in runs])


def sorted_rows(points: np.ndarray) -> np.ndarray:
    return points[np.lexsort(points.T[::-1])]


def assert_shows(window, runs: list, k: int) -> None:
    for _ in range(5):  # (the live table and plots follow, each in a later turn of the event loop)
        QApplication.processEvents()
    expected = at_step(runs, k)
    assert window.timeline.at == k
    heads = window.view.heads.points()
    np.testing.assert_allclose(sorted_rows(heads), sorted_rows(expected), rtol=0, atol=1e-12)
    np.testing.assert_allclose(window.table.results.statuses.final, expected, rtol=0, atol=1e-12)
    losses = np.array([run["losses"][min(k, len(run["losses"]) - 1)] for run in runs])
    np.testing.assert_allclose(window.table.results.statuses.final_loss, losses, rtol=1e-12)
    for (points, counts), group in zip(window.presenter.run_points(), window.view.run_groups, strict=True):
        ends = points[np.arange(len(group)), counts - 1]  # each trail ends at its head
        np.testing.assert_allclose(ends, expected[group], atol=1e-12)


def test_scrubbing_to_step_k_shows_what_the_engine_recorded_at_k(qtbot, recorded):
    window, runs = recorded
    assert window.presenter.buffer.step == STEPS and len(runs) == 6
    assert min(len(r["positions"]) for r in runs) < STEPS + 1  # a run that ended early is among them
    for k in (0, 1, 17, 64, 119, STEPS):
        window.timeline_bar.seek.emit(k)  # (as a drag of the slider does)
        assert_shows(window, runs, k)
        assert window.timeline_bar.slider.value() == k
    assert not window.timeline.scrubbed  # the latest step: live again
    window.timeline.seek(40)
    status = [window.table.results.statuses.status[r] for r in range(6)]
    ended = [len(r["positions"]) - 1 <= 40 for r in runs]
    assert [s != "running" for s in status] == ended  # a run that had not ended at 40 is "running"


def test_left_steps_back_and_right_forth(qtbot, recorded):
    window, runs = recorded
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert_shows(window, runs, STEPS - 1)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert_shows(window, runs, STEPS - 2)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert_shows(window, runs, STEPS - 1)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert not window.timeline.scrubbed and window.controller.step_count == STEPS  # nothing computed


def test_a_replay_shows_the_recorded_steps_again_in_order(qtbot, recorded):
    window, runs = recorded
    window.controls.set_speed(200)  # steps a second
    seen: list[int] = []

    def check(at: int, latest: int, stride: int) -> None:
        seen.append(at)
        assert_shows(window, runs, at)

    window.timeline.moved.connect(check)
    window.timeline_bar.replay_button.click()
    assert window.timeline.replaying and window.timeline.at == 0
    qtbot.waitUntil(lambda: not window.timeline.replaying, timeout=10_000)
    window.timeline.moved.disconnect(check)
    assert seen[0] == 0 and seen[-1] == STEPS and seen == sorted(seen) and len(set(seen)) > 10
    assert window.controller.step_count == STEPS  # replayed, not computed again


def test_escape_events_are_ticks_and_a_click_near_one_jumps_there(qtbot, recorded):
    window, runs = recorded
    qtbot.waitUntil(lambda: not window.presenter.escapes_pending, timeout=10_000)
    slider = window.timeline_bar.slider
    steps = sorted({s for run in runs for s in run["escape_steps"]})
    assert steps and slider.ticks == steps  # the CLI's escape steps, each once
    tick = steps[len(steps) // 2]
    x = slider.tick_x(tick) + 3  # a click 3 px beside it
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(round(x), slider.height() // 2))
    assert window.timeline.at == tick
    assert_shows(window, runs, tick)
    marks = window.view.escapes.getData()[0]
    assert len(marks) == sum(s <= tick for run in runs for s in run["escape_steps"])  # none later
    window.timeline.seek(STEPS)
    assert len(window.view.escapes.getData()[0]) == len(window.presenter.escape_points) > len(marks)


def test_an_image_export_shows_the_step_on_the_timeline(qtbot, recorded):
    window, runs = recorded
    window.timeline.seek(50)
    layout = window.figure_layout()
    assert "step 50" in layout.caption and f"step {STEPS}" not in layout.caption
    trails = window.presenter.trails()  # what an export paints: each run up to step 50
    for (x, y), run in zip(trails, runs, strict=True):
        np.testing.assert_allclose([x[-1], y[-1]], at_step([run], 50)[0], atol=1e-12)
