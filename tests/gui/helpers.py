"""Shared helpers for the GUI tests: building a window and clicking at data coordinates."""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication

from gui.app import configure_pyqtgraph
from gui.main_window import MainWindow


def make_window(qtbot) -> MainWindow:
    configure_pyqtgraph()
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def click_view(
    qtbot,
    window: MainWindow,
    x: float,
    y: float,
    button=Qt.MouseButton.LeftButton,
    modifier=Qt.KeyboardModifier.NoModifier,
) -> None:
    """Click the landscape view at data coordinates (x, y)."""
    view = window.view
    QApplication.processEvents()
    pos = view.mapFromScene(view.vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(view.viewport(), button, modifier, pos=pos)


def run_to_end(qtbot, window: MainWindow, timeout: int = 20_000) -> None:
    """Play and wait until every run has finished (the worker thread stops by itself)."""
    window.controller.set_speed(0)
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controller.state == "finished", timeout=timeout)
    qtbot.waitUntil(
        lambda: not window.presenter.settling, timeout=timeout
    )  # panels follow; escapes: a worker


def wait_settled(qtbot, window: MainWindow, timeout: int = 10_000) -> None:
    """Wait until the side plots, the table and the escape events follow the view (a few turns of
    the event loop after a step; escapes come from a worker)."""
    qtbot.waitUntil(lambda: not window.presenter.settling, timeout=timeout)


def wait_prepared(qtbot, window: MainWindow, timeout: int = 30_000) -> None:
    """Wait until the window's preparation in the worker (a formula, data, a file) has arrived."""
    qtbot.waitUntil(lambda: not window.preparer.busy, timeout=timeout)
    QApplication.processEvents()


def open_file(qtbot, window: MainWindow, path) -> str | None:
    """File ▸ Open of ``path``, waiting for the worker that builds it; the problem found, or None."""
    problem = window.files.open_path(str(path))
    if problem is None:
        wait_prepared(qtbot, window)
    return window.files.problem


class BlockProbe:
    """Measures how long the GUI thread is blocked: a precise 5 ms timer's worst lateness, in seconds.

    ``with BlockProbe() as probe: …`` (events are processed for a moment first, so the timer ticks)."""

    INTERVAL = 0.005

    def __init__(self):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(int(self.INTERVAL * 1000))
        self.timer.timeout.connect(self._tick)
        self.worst = 0.0
        self._last: float | None = None

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.worst = max(self.worst, now - self._last - self.INTERVAL)
        self._last = now

    def __enter__(self) -> BlockProbe:
        settle(0.3)  # what the window does once shown (its first paints) is not the action measured
        gc.collect()  # nor collecting the garbage of the tests before
        self.timer.start()
        settle(0.05)
        return self

    def __exit__(self, *exc) -> None:
        settle(0.05)
        self.timer.stop()


def settle(seconds: float) -> None:
    """Process events for ``seconds``."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.001)
