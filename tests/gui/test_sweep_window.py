"""Analysis ▸ Parameter sweep: computes in the background, draws curves with bands, saves CSV, refuses
bad input in words, and Cancel stops within half a second keeping the sweep shown."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QTimer

from core.experiment.spec import Experiment
from core.runs.engine import Engine
from gui.windows import sweep_window
from tests.gui.helpers import make_window


@pytest.fixture
def sweep(qtbot):
    main = make_window(qtbot)
    main.model.set_landscape("sine-mix")
    for method, on in (("gd", True), ("sgd", True), ("momentum", False), ("adam", False)):
        main.model.set_method_enabled(method, on)
    window = main.analysis.show_sweep()
    yield window
    main.close()


def _choose(window, method_label: str, param: str, values: str) -> None:
    window.method.setCurrentIndex(window.method.findText(method_label))
    window.param.setCurrentIndex(window.param.findText(param))
    window.values.setText(values)


def test_a_small_sweep_draws_curves_and_bands_and_saves_csv(qtbot, sweep, tmp_path, monkeypatch):
    assert sweep.method.itemText(0) == sweep_window.ALL_METHODS
    _choose(sweep, sweep_window.ALL_METHODS, "lr", "log:0.01:1:5")
    sweep.starts.setValue(30)
    sweep.seeds.setValue(2)
    sweep.steps.setValue(300)
    assert sweep.start()
    qtbot.waitUntil(lambda: sweep.sweep is not None and not sweep.runner.busy, timeout=60_000)
    cells = sweep.sweep.cells
    assert [c.value for c in cells[:5]] == pytest.approx([0.01, 0.0316228, 0.1, 0.316228, 1.0], rel=1e-5)
    assert {c.spec.method for c in cells} == {"gd", "sgd"} and len(cells) == 10
    assert [c.runs for c in cells] == [30] * 5 + [60] * 5  # (GD is deterministic: one seed)
    for plot in (sweep.plots.success_plot, sweep.plots.loss_plot):
        items = plot.listDataItems()
        bands = [i for i in plot.items if isinstance(i, pg.FillBetweenItem)]
        assert len(bands) == 2 and len([i for i in items if isinstance(i, pg.ScatterPlotItem)]) == 2
        assert plot.getAxis("bottom").logMode  # a log range: a log axis
    scatter = next(i for i in sweep.plots.success_plot.items if isinstance(i, pg.ScatterPlotItem))
    sweep.plots._on_hover(scatter, scatter.points()[:1], None)
    assert "lr = 0.01: 30 runs, global minimum" in sweep.hover.text()
    gd = next(c for c in cells if c.spec.method == "gd" and c.value == pytest.approx(0.1))
    land, starts = sweep.model.landscape, sweep._starts()
    alone = Engine(Experiment(land, (gd.spec,), starts, 300, sweep.model.seed), record="final").run()
    np.testing.assert_array_equal(gd.final_x, alone.final_x)  # the window's cell is the run made alone
    path = tmp_path / "sweep.csv"
    monkeypatch.setattr(sweep_window, "save_path", lambda *args: str(path))
    sweep.save_button.click()
    rows = path.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("method,param,value,runs,global_share") and len(rows) == 11
    for suffix, start in ((".png", b"\x89PNG"), (".svg", b"<?xml")):
        picture = tmp_path / f"plots{suffix}"
        monkeypatch.setattr(sweep_window, "save_path", lambda *args, p=picture: str(p))
        sweep.picture_button.click()
        assert picture.read_bytes().startswith(start) and picture.stat().st_size > 5_000


def test_bad_input_is_refused_in_words_and_nothing_starts(sweep):
    _choose(sweep, "Gradient descent", "lr", "log:0:1:5")
    assert not sweep.start() and "positive bounds" in sweep.error.text() and not sweep.runner.busy
    _choose(sweep, "Gradient descent", "lr", "0.1,5000")
    assert not sweep.start() and "out of range" in sweep.error.text()
    _choose(sweep, "Gradient descent", "lr", "lin:0.01:0.1:100")
    sweep.starts.setValue(2000)
    assert not sweep.start() and "runs in the sweep" in sweep.error.text()


def test_cancel_stops_within_half_a_second_and_keeps_the_sweep_shown(qtbot, sweep):
    _choose(sweep, "Gradient descent", "lr", "0.05,0.1")
    sweep.starts.setValue(20)
    assert sweep.start()
    qtbot.waitUntil(lambda: sweep.sweep is not None and not sweep.runner.busy, timeout=60_000)
    shown = sweep.sweep
    _choose(sweep, "Stochastic GD", "lr", "lin:0.001:0.01:20")
    sweep.starts.setValue(2000)
    sweep.seeds.setValue(2)
    sweep.steps.setValue(100_000)
    assert sweep.start()
    qtbot.wait(300)
    began = time.perf_counter()
    sweep.progress.cancel.click()
    qtbot.waitUntil(lambda: not sweep.runner.busy, timeout=5_000)
    assert time.perf_counter() - began < 0.5
    assert sweep.sweep is shown and "previous sweep is kept" in sweep.progress.label.text()
    assert sweep.run_button.isEnabled()


def test_the_sweep_command_draws_curves_and_heat_maps_as_png(tmp_path):
    from PIL import Image

    root = Path(__file__).resolve().parents[2]
    common = ["-f", "himmelblau", "-m", "momentum", "--param", "lr", "--values", "log:0.001:0.03:3"]
    common += ["--random-starts", "10", "--steps", "200", "--format", "png"]
    for name, extra in (("curves", []), ("maps", ["--param2", "beta", "--values2", "0,0.9"])):
        out = tmp_path / f"{name}.png"
        command = [sys.executable, "main.py", "sweep", *common, *extra, "-o", str(out)]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        image = Image.open(out).convert("RGB")
        assert image.size == (1000, 800) and len(image.getcolors(1_000_000)) > 20  # drawn, not blank


def test_a_second_parameter_gives_heat_maps_and_a_csv_with_both_values(qtbot, sweep, tmp_path, monkeypatch):
    assert sweep.param2.currentText() == sweep_window.NO_SECOND and not sweep.values2.isEnabled()
    _choose(sweep, "Stochastic GD", "lr", "0.05,0.2")
    sweep.param2.setCurrentIndex(sweep.param2.findText("noise"))
    assert sweep.values2.isEnabled() and sweep.values2.text()  # (a first range of its own)
    sweep.values2.setText("0.1,1,3")
    sweep.escapes.setChecked(True)
    sweep.starts.setValue(15)
    sweep.seeds.setValue(2)
    sweep.steps.setValue(200)
    assert sweep.start()
    qtbot.waitUntil(lambda: sweep.sweep is not None and not sweep.runner.busy, timeout=60_000)
    assert sweep.sweep.param2 == "noise" and len(sweep.sweep.cells) == 6
    assert all(cell.escapes is not None and cell.escapes.size == cell.runs for cell in sweep.sweep.cells)
    assert sweep.views.currentWidget() is sweep.maps
    plots = [
        i for i in sweep.maps.ci.items if isinstance(i, pg.PlotItem) and not isinstance(i, pg.ColorBarItem)
    ]
    assert len(plots) == 1 and any(isinstance(i, pg.ImageItem) for i in plots[0].items)
    path = tmp_path / "two.csv"
    monkeypatch.setattr(sweep_window, "save_path", lambda *args: str(path))
    sweep.save_button.click()
    assert path.read_text(encoding="utf-8").startswith("method,param,value,param2,value2,")
    sweep.values2.setText("0.1,x")
    assert not sweep.start() and "'x' is not a number" in sweep.error.text()


def test_a_large_sweep_computes_apart_while_the_window_keeps_handling_events(qtbot, sweep):
    """20 values × 1,000 starts of SGD are computed in a child process, and meanwhile the window's
    event loop keeps turning: a 5 ms timer ticks on average at least every 20 ms. (Not a bound on the
    single worst pause: in this test process, after hundreds of tests, one garbage collection can take
    a fifth of a second; ``benchmarks/bench_gui.py`` measures the app as a person runs it.)"""
    _choose(sweep, "Stochastic GD", "lr", "log:0.001:0.1:20")
    sweep.starts.setValue(1000)
    sweep.seeds.setValue(1)
    sweep.steps.setValue(1000)
    ticks = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    assert sweep.start()
    timer.start()
    qtbot.wait(200)
    assert sweep.runner.busy and multiprocessing.active_children()  # (computing, in a child)
    began = time.perf_counter()
    qtbot.waitUntil(lambda: sweep.sweep is not None and not sweep.runner.busy, timeout=120_000)
    elapsed = time.perf_counter() - began
    timer.stop()
    assert len(sweep.sweep.cells) == 20 and sum(c.runs for c in sweep.sweep.cells) == 20_000
    assert len([t for t in ticks if t >= began]) >= elapsed / 0.02
