"""The window stays responsive while a network slice is prepared (issue #7), offscreen.

Run: ``python benchmarks/bench_nn_gui.py``. Chooses "Network slice: plain MLP" in the landscape list
(default settings: depth 6, width 12, 200 samples; nothing cached) and measures, until the slice is
shown: the preparation time (training, the 161² minima-search grid, the refinement), the lateness of a
5 ms precise timer on the GUI thread (the event-loop delay a user would feel), and the GUI thread's
time to switch to the ready landscape (drawing from the cached grid, basin labels by grid flow).
Then the same for the plain-vs-skip comparison window (both variants, 101² grids).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app does (core/__init__.py)

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.app import configure_pyqtgraph  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402

TIMER_MS = 5


def watch(app: QApplication, done) -> tuple[float, np.ndarray]:
    """Spin the event loop until ``done()``; (seconds, lateness of each 5 ms tick in ms)."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TIMER_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    t0 = time.perf_counter()
    timer.start()
    while not done():
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    gaps = np.diff([t0, *ticks]) * 1000 - TIMER_MS
    return time.perf_counter() - t0, np.maximum(gaps, 0)


def report(name: str, seconds: float, late: np.ndarray) -> None:
    print(
        f"{name}: {seconds:.2f} s; event-loop delay over {len(late)} ticks: median {np.median(late):.1f} ms, "
        f"99th percentile {np.percentile(late, 99):.1f} ms, worst {late.max():.1f} ms"
    )


def main() -> None:
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    window = MainWindow(settings=None)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    panel = window.landscape_panel
    panel.choose("nn-plain")
    seconds, late = watch(app, lambda: window.model.landscape.id == "nn-plain")
    report("prepare nn-plain from the landscape list", seconds, late)
    t0 = time.perf_counter()
    window.model.set_landscape("himmelblau")
    window.model.set_landscape("nn-plain")  # cached now: what the GUI thread spends on showing it
    print(f"switching the window to the prepared nn-plain slice: {1000 * (time.perf_counter() - t0):.0f} ms")
    compare = window.analysis.show_nn_compare()
    compare.start()
    seconds, late = watch(app, lambda: not compare.runner.busy)
    report("plain-vs-skip comparison (101² grids)", seconds, late)
    window.close()


if __name__ == "__main__":
    main()
