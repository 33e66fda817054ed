"""The Lesson dock: a student walks a lesson — predicts, runs, reads the observation with its measured
figure, goes on — and a broken lesson file is refused with nothing changed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from gui.main_window import MainWindow
from tests.gui.helpers import make_window, settle, wait_prepared


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def _observed(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: bool(panel.observation.results), timeout=60_000)


def test_walk_a_lesson_predict_run_observe_next(qtbot, window):
    lessons, panel = window.lessons, window.lessons.panel
    assert lessons.open_named("stuck") is None
    wait_prepared(qtbot, window)
    assert lessons.dock.isVisible() and panel.pages.currentIndex() == 1
    assert window.model.landscape.id == "sine-mix" and list(window.model.starts) == [(1.0,), (0.5,)]
    assert "step 1 of 2" in panel.heading.text() and "<i>x</i>" in panel.text.text()  # a formula, not TeX
    assert "\\leftarrow" not in panel.text.text()
    qtbot.mouseClick(panel.predict.labels[0], Qt.MouseButton.LeftButton)  # a wrong guess: "global"
    assert panel.predict.chosen == 0
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    _observed(qtbot, panel)
    assert not window.controller.is_running  # shown once the window's runs are done
    figures = panel.observation.label.text()
    assert "measured: final_x = 1.57079633" in figures and "measured: final_x = -0.70167412" in figures
    assert [r.holds for r in panel.observation.results] == [True, True]
    labels = panel.predict.labels
    assert labels[1].text().startswith("✓") and labels[0].text().startswith("✗")
    assert not labels[2].text().startswith(("✓", "✗")) and not panel.predict.buttons[1].isEnabled()
    # The window shows the same runs: the table's final positions are the claim's figures.
    assert window.presenter.buffer.trajectory(0)[-1][0] == pytest.approx(1.57079633, abs=1e-6)
    qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)
    assert panel.index == 1 and "step 2 of 2" in panel.heading.text()
    assert not panel.observation.results and not panel.next.isEnabled()
    qtbot.mouseClick(panel.back, Qt.MouseButton.LeftButton)
    wait_prepared(qtbot, window)
    assert panel.index == 0 and not panel.predict.revealed


def test_reset_step_loads_the_experiment_again(qtbot, window):
    window.lessons.open_named("stuck")
    wait_prepared(qtbot, window)
    window.model.set_starts([(3.0,)])  # the student moved the start
    window.lessons.panel.reset_step()
    wait_prepared(qtbot, window)
    assert list(window.model.starts) == [(1.0,), (0.5,)]


def test_a_broken_lesson_file_is_refused_and_nothing_changes(qtbot, window, tmp_path):
    window.lessons.open_named("stuck")
    wait_prepared(qtbot, window)
    before = window.model.state
    broken = tmp_path / "broken.md"
    broken.write_text("just some notes, not a lesson\n")
    problem = window.lessons.panel.open_path(str(broken))
    assert problem is not None and "broken.md:1" in problem
    settle(0.1)
    assert window.model.state == before and window.lessons.panel.lesson.title == "Stuck in a local minimum"


def test_the_start_page_is_offered_on_the_first_launch_only(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    for first in (True, False):
        window = MainWindow(settings=settings)
        qtbot.addWidget(window)
        window.show()
        window.lessons.offer(settings)
        assert window.lessons.dock.isVisible() is first
        if first:
            panel = window.lessons.panel
            assert panel.pages.currentIndex() == 0 and panel.catalogue.count() >= 10
        window.lessons.dock.close()  # dismissed
        window.close()


def test_help_and_file_menus_offer_lessons(qtbot, window):
    texts = [a.text() for menu in window.menuBar().actions() for a in menu.menu().actions()]
    assert any(t.startswith("&Lessons") for t in texts) and any(t.startswith("Open &lesson") for t in texts)


BASIN_LESSON = """---
format: minima-lab-lesson
version: 1
title: Basins
---
## Map
```experiment
landscape: himmelblau
method: gd:lr=0.01
start: 0, 0
max_steps: 300
tab: basins
```
```run
action: basin-map
grid: 15
```
```claim
says: GD reaches a global minimum of Himmelblau from almost every start.
measure: global_share
at_least: 0.9
```
"""


def test_a_basin_map_step_shows_its_maps_in_the_basins_tab(qtbot, window, tmp_path):
    path = tmp_path / "basins.md"
    path.write_text(BASIN_LESSON)
    panel = window.lessons.panel
    assert panel.open_path(str(path)) is None
    wait_prepared(qtbot, window)
    panel.run_step()
    _observed(qtbot, panel)
    maps = window.basins.maps
    assert len(maps) == 1 and maps[0].shape == (15, 15) and maps[0].landscape is window.model.landscape
    assert "measured: global_share = 100 %" in panel.observation.label.text()
    assert window.basins.grid.value() == 15


def test_a_step_action_takes_its_steps_at_once(qtbot, window, tmp_path):
    path = tmp_path / "steps.md"
    path.write_text(
        BASIN_LESSON.replace("action: basin-map\ngrid: 15", "action: step\nsteps: 40").replace(
            "measure: global_share\nat_least: 0.9", "measure: steps\nnear: 40\nwithin: 0"
        )
    )
    panel = window.lessons.panel
    assert panel.open_path(str(path)) is None
    wait_prepared(qtbot, window)
    panel.run_step()
    assert window.controller.step_count == 40 and not window.controller.is_running
    _observed(qtbot, panel)
    assert [r.holds for r in panel.observation.results] == [True]


def test_a_sweep_step_shows_its_sweep_with_the_controls_that_make_it(qtbot, window):
    lessons, panel = window.lessons, window.lessons.panel
    assert lessons.open_named("momentum") is None
    for _ in range(2):  # to step 3, "How much momentum is enough?": a sweep of β
        wait_prepared(qtbot, window)
        qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)
    wait_prepared(qtbot, window)
    assert window.model.starts == [(1.5,)]
    panel.run_step()
    _observed(qtbot, panel)
    sweeps = window.analysis.show_sweep()
    assert sweeps.sweep is not None and sweeps.sweep.param == "beta"
    assert sweeps.param.currentText() == "beta" and sweeps.values.text() == "0,0.5,0.8,0.9,0.95"
    (_, specs, param, values, starts, *_), _ = sweeps._checked_job()  # what Run sweep would compute
    assert param == "beta" and values == (0.0, 0.5, 0.8, 0.9, 0.95)
    assert sweeps.window_starts.isChecked() and starts.tolist() == [[1.5]]  # the lesson's start
    assert [s.method for s in specs] == ["momentum"]
    sweeps.close()
    qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)  # step 4 has an experiment of its own…
    wait_prepared(qtbot, window)
    qtbot.mouseClick(panel.back, Qt.MouseButton.LeftButton)  # …and Back to step 3 loads the one in force
    wait_prepared(qtbot, window)
    assert panel.index == 2 and window.model.starts == [(1.5,)]
