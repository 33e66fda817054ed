"""The high-dimensional window: study plots, the worker, cancel, bad input, the retrain panel, PNG export."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

import gui.windows.highdim_window as hdw
from core.studies.highdim import study
from core.studies.highdim_retrain import retrain, summarize
from gui.app import configure_pyqtgraph
from gui.windows.highdim_window import HighDimWindow


@pytest.fixture(scope="module")
def results():
    return study(dims=(1, 2, 3), n_starts=30, seed=0)


@pytest.fixture
def window(qtbot):
    configure_pyqtgraph()
    win = HighDimWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()  # stops both runners


def _blocking_study(started: list):
    """A stand-in for core.studies.highdim.study: waits for Cancel, then raises Cancelled as the real one."""

    def fake(dims, n_starts, seed, progress=None, cancel=None):
        started.append(threading.current_thread())
        cancel.wait(10)
        return study(dims, n_starts=n_starts, seed=seed, progress=progress, cancel=cancel)

    return fake


def test_show_results_fills_the_plots(window, results):
    window.show_results(results)
    x, y = window.crit_scatter.getData()
    assert len(x) == sum(r.n_critical for r in results) > 10
    np.testing.assert_array_equal(y, np.concatenate([r.crit_losses for r in results]))
    np.testing.assert_array_equal(x, np.concatenate([r.crit_indices for r in results]))
    assert len(window.index_legend.items) == 3
    np.testing.assert_array_equal(window.share_curve.xData, [1, 2, 3])
    np.testing.assert_array_equal(window.share_curve.yData, [r.share_minima for r in results])
    np.testing.assert_allclose(window.gd_mean.yData, [np.mean(r.gd_losses) for r in results])
    np.testing.assert_allclose(window.gd_min.yData, [np.min(r.gd_losses) for r in results])
    np.testing.assert_allclose(window.gd_max.yData, [np.max(r.gd_losses) for r in results])
    np.testing.assert_allclose(window.gd_errors.opts["height"], [2 * r.gd_std for r in results])
    assert window.summary.text().startswith("d = 1, 2, 3")
    # the items are reused: a second study replaces the data, nothing piles up
    items = len(window.index_plot.items)
    window.show_results(results[:1])
    assert len(window.crit_scatter.getData()[0]) == results[0].n_critical
    assert len(window.index_plot.items) == items and len(window.index_legend.items) == 1


def test_run_study_button_runs_in_the_worker(window, qtbot, monkeypatch, results):
    threads = []

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return study(*args, **kwargs)

    monkeypatch.setattr(hdw, "study", recording)
    window.dims.setText("1,2,3")
    window.starts.setValue(30)
    qtbot.mouseClick(window.run_button, Qt.MouseButton.LeftButton)
    assert window.runner.busy and not window.run_button.isEnabled()
    qtbot.waitUntil(lambda: bool(window.results), timeout=15_000)
    assert threads and threads[0] is not threading.main_thread()
    assert [r.d for r in window.results] == [1, 2, 3]
    assert [r.n_critical for r in window.results] == [r.n_critical for r in results]  # same seed, same study
    qtbot.waitUntil(lambda: not window.runner.busy)
    assert window.run_button.isEnabled() and "Done" in window.progress.label.text()


def test_cancel_keeps_the_previous_results(window, qtbot, monkeypatch, results):
    window.show_results(results)
    started = []
    monkeypatch.setattr(hdw, "study", _blocking_study(started))
    window.dims.setText("1,2,5,10")
    assert window.start_study()
    qtbot.waitUntil(lambda: bool(started))
    assert window.progress.cancel.isVisible()
    qtbot.mouseClick(window.progress.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=5000)
    assert "Cancelled" in window.progress.label.text()
    assert window.results == results and window.share_curve.yData.tolist() == [
        r.share_minima for r in results
    ]
    assert window.run_button.isEnabled()


@pytest.mark.parametrize("text", ["1,abc", "0,5", "1,101", "", "2.5"])
def test_bad_dims_show_an_error_and_start_nothing(window, results, text):
    window.show_results(results)
    window.dims.setText(text)
    assert window.start_study() is False
    assert not window.runner.busy
    assert window.error.isVisibleTo(window) and window.error.text().startswith("Dimensions:")
    assert window.results == results
    window.dims.setText("1,2")
    window.dims.textEdited.emit("1,2")  # typing clears the message
    assert not window.error.isVisibleTo(window)


def test_closing_stops_both_computations(window, qtbot, monkeypatch):
    started = []
    monkeypatch.setattr(hdw, "study", _blocking_study(started))
    window.dims.setText("5")
    window.start_study()
    qtbot.waitUntil(lambda: bool(started))
    panel = window.retrain
    panel.d.setValue(20)
    panel.n.setValue(500)
    panel.steps.setValue(100_000)
    assert panel.start()
    window.close()
    assert not window.runner.busy and not panel.runner.busy
    assert panel.result is None


def test_retrain_histogram_counts_the_finite_runs(window):
    panel = window.retrain
    panel.show_result(retrain(5, "momentum", 40, steps=300))
    x, y = panel.hist.getData()
    assert len(x) == len(y) + 1 and y.sum() == 40
    assert "mean" in panel.stats.text() and "none diverged" in panel.stats.text()
    losses = np.array([-1.0, -0.9, -0.8, np.nan, 3.0])
    statuses = np.array(["converged", "converged", "max-steps", "diverged", "diverged"], dtype=object)
    panel.show_result(summarize(4, "gd:lr=1", losses, statuses, 0.0))
    assert panel.hist.getData()[1].sum() == 3
    assert "2 of 5 diverged" in panel.stats.text()
    assert panel.mean_line.value() == pytest.approx(-0.9)


def test_retrain_overlays_the_previous_run_for_comparison(window):
    panel = window.retrain
    low, high = retrain(1, "gd:lr=0.1", 60, steps=300), retrain(20, "gd:lr=0.1", 60, steps=300)
    panel.show_result(low)
    assert not panel.previous_hist.isVisible()  # nothing to compare with yet
    panel.show_result(high)
    edges, counts = low.histogram()
    x, y = panel.previous_hist.getData()
    np.testing.assert_allclose(x, edges)
    np.testing.assert_allclose(y, counts)
    assert panel.previous_hist.isVisible() and panel.previous is low and panel.result is high
    assert "previous: " in panel.stats.text()
    labels = [label.text for _, label in panel.legend.items]
    assert labels == ["gd:lr=0.1, d = 20", "previous: gd:lr=0.1, d = 1"]
    panel.compare.setChecked(False)
    assert not panel.previous_hist.isVisible() and "previous" not in panel.stats.text()


def test_retrain_button_runs_in_the_worker(window, qtbot):
    panel = window.retrain
    window.tabs.setCurrentWidget(panel)
    panel.d.setValue(3)
    panel.n.setValue(20)
    panel.steps.setValue(200)
    panel.method_box.textActivated.emit("gd")  # choosing a method fills in its id
    assert panel.method.text() == "gd"
    panel.method.setText("gd:lr=0.05")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.runner.busy
    qtbot.waitUntil(lambda: panel.result is not None, timeout=10_000)
    assert (panel.result.d, panel.result.n, panel.result.method) == (3, 20, "gd:lr=0.05")
    assert panel.hist.getData()[1].sum() == 20 - panel.result.n_diverged
    qtbot.waitUntil(lambda: not panel.runner.busy)


@pytest.mark.parametrize("text", ["nosuch", "gd:lr=abc", "gd:lr", "gd:bogus=1"])
def test_bad_method_text_shows_an_error(window, text):
    panel = window.retrain
    before = retrain(2, "gd", 5, steps=20)
    panel.show_result(before)
    panel.method.setText(text)
    assert panel.start() is False
    assert not panel.runner.busy
    assert panel.error.isVisibleTo(panel) and panel.error.text().startswith("Method:")
    assert panel.result is before and panel.hist.getData()[1].sum() == 5


def test_highdim_png_from_main(qapp, tmp_path, capsys):
    import main

    out = tmp_path / "out.png"
    argv = ["highdim", "--dims", "1,2", "--starts", "10", "--format", "png", "-o", str(out)]
    assert main.main(argv) == 0
    from PIL import Image

    with Image.open(out) as img:
        assert img.size == (1200, 800) and img.format == "PNG"
        assert len(img.convert("RGB").getcolors(1 << 16) or []) > 20  # plots, not a blank page
    assert main.main(["highdim", "--dims", "1", "--format", "png"]) == 2
    assert "needs -o FILE.png" in capsys.readouterr().err
    assert not list(tmp_path.glob(".minima-*"))  # no temporary file left behind


def test_the_analysis_menu_opens_the_window_and_closing_the_app_stops_it(qtbot):
    from tests.gui.helpers import make_window

    main = make_window(qtbot)
    menu = next(a.menu() for a in main.menuBar().actions() if a.text() == "&Analysis")
    action = next(a for a in menu.actions() if a.text().startswith("&High dimensions"))
    assert action.shortcut().toString() == "Ctrl+Shift+H"
    action.trigger()
    win = main.analysis.highdim
    qtbot.addWidget(win)
    assert isinstance(win, HighDimWindow) and win.isVisible()
    action.trigger()
    assert main.analysis.highdim is win  # one window, raised again
    win.dims.setText("1,2,3,4,5,6,7,8,9,10")
    win.start_study()
    assert win.runner.busy
    main.close()  # stops the study; the fixture checks that no QThread is left running
    assert not win.runner.busy and not win.isVisible()
