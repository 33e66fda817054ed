"""GUI responsiveness, offscreen: start-up time, frames per second while streaming, event-loop delay.

Run: ``python benchmarks/bench_gui.py`` (``--seconds S`` sets the streaming window, 5 by default;
``--profile`` adds a cProfile of the GUI thread while streaming on each landscape).

The frame rate counted against the target is repaints of the landscape view per second (what the eye
sees). Also shown: redraws (``MainWindow.draw_frame``: setData on the view's items, driven by the
window's frame timer) and ``RunController.updated`` deliveries (the worker sends at most ~60 a second;
the window only stores them and marks itself dirty). The event-loop delay is the lateness of a 5 ms
precise timer: how much longer than 5 ms the loop took to get back to it.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app does (core/__init__.py)

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STARTUP_FLAG = "--startup-child"
TIMER_MS = 5
PATIENCE = "patience=10000000"  # the stochastic runs never settle within the window
# Tiny rates keep the deterministic runs moving (on Rastrigin every start is near a local minimum, so
# any visible rate settles within a few thousand steps); the noisy ones wander over the whole box.
DETERMINISTIC = ("gd:lr=1e-7", "momentum:lr=1e-8", "nesterov:lr=1e-8", "adam:lr=1e-6", "rmsprop:lr=1e-6")
CASES = {
    "rastrigin": (
        "2-D",
        DETERMINISTIC
        + (
            f"sgd:lr=0.002,noise=20000,noise_decay=0,{PATIENCE}",
            f"langevin:lr=0.002,temperature=5,{PATIENCE}",
        ),
        ((3.1, -2.9), (-3.3, 2.2), (1.4, 4.1), (-4.2, -1.6), (2.5, 0.6)),
    ),
    "sine-mix": (
        "1-D",
        DETERMINISTIC
        + (
            f"sgd:lr=0.002,noise=100,noise_decay=0,{PATIENCE}",
            f"langevin:lr=0.002,temperature=0.2,{PATIENCE}",
        ),
        ((-4.5,), (-2.2,), (0.5,), (2.1,), (4.4,)),
    ),
}
MAX_STEPS = 1_000_000  # far more than a run of a few seconds reaches: nothing ends at max-steps


# ---- 1. start-up -----------------------------------------------------------------------------------
def startup_child() -> None:
    """What ``python main.py`` does up to the first shown frame (settings=None: no saved state read)."""
    t0 = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from core.experiment.presets import get_preset
    from gui.app import configure_pyqtgraph
    from gui.launcher import DEFAULT_PRESET
    from gui.main_window import MainWindow

    t1 = time.perf_counter()
    app = QApplication(sys.argv[:1])
    configure_pyqtgraph()
    window = MainWindow(settings=None)
    window.model.load_preset(get_preset(DEFAULT_PRESET))
    window.show()
    app.processEvents()
    t2 = time.perf_counter()
    print(f"shown {t1 - t0:.4f} {t2 - t1:.4f}", flush=True)
    window.close()


def startup(repeats: int = 3) -> None:
    results = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), STARTUP_FLAG],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        line = proc.stdout.readline()
        shown = time.perf_counter() - t0
        proc.stdout.read()
        if proc.wait() != 0 or not line.startswith("shown"):
            raise RuntimeError(f"start-up child failed (exit {proc.returncode}): {line!r}")
        _, imports, build = line.split()
        results.append((shown, float(imports), float(build)))
    shown, imports, build = min(results)
    print(f"startup: launch to window shown, preset seed-lecture, best of {repeats}")
    print(
        f"  {shown:.2f} s (Qt/pyqtgraph/app imports {imports:.2f} s, window built and shown {build:.2f} s, "
        f"interpreter and the rest {shown - imports - build:.2f} s)   target < 2 s"
    )


# ---- 2 and 3. streaming ------------------------------------------------------------------------------
class LatenessProbe:
    """A precise 5 ms timer recording how late each firing is against the previous one + 5 ms."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TIMER_MS)
        self.timer.timeout.connect(self._fire)
        self.late_ms: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.late_ms.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _fire(self) -> None:
        now = time.perf_counter()
        self.late_ms.append(max(0.0, (now - self._last) * 1000 - TIMER_MS))
        self._last = now


class PaintCounter:
    """Counts paint events of a widget (an event filter: the window is not touched)."""

    def __init__(self, widget):
        from PySide6.QtCore import QEvent, QObject

        kind = QEvent.Type.Paint

        class _Filter(QObject):
            def eventFilter(inner, obj, event):  # noqa: N802, N805 (Qt's name; inner is the filter)
                if event.type() == kind:
                    self.count += 1
                return False

        self.count = 0
        self._filter = _Filter()
        widget.installEventFilter(self._filter)


def stream(window, landscape: str, seconds: float, profile: bool) -> None:
    import numpy as np
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from core.experiment.presets import Preset

    dim, methods, starts = CASES[landscape]
    window.model.load_preset(Preset(f"bench-{landscape}", "bench", "", landscape, methods, starts, MAX_STEPS))
    controller = window.controller
    controller.set_speed(0)  # as fast as possible
    QApplication.processEvents()
    updates: list[float] = []
    lag_steps: list[int] = []
    redraw_ms: list[float] = []

    def on_update(update) -> None:  # connected after the window's own handler: runs after it
        updates.append(time.perf_counter())
        lag_steps.append(controller.engine.t - update.step)

    draw_frame = (
        window.presenter.draw_frame
    )  # the frame timer calls it through the instance: time each redraw

    def timed_draw_frame(*args, **kwargs):
        t = time.perf_counter()
        draw_frame(*args, **kwargs)
        redraw_ms.append((time.perf_counter() - t) * 1000)

    window.presenter.draw_frame = timed_draw_frame
    controller.updated.connect(on_update)
    paints = PaintCounter(window.view.viewport())
    probe = LatenessProbe()
    loop = QEventLoop()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()  # this thread only: the GUI thread, not the engine worker
    probe.start()
    controller.play()
    t0 = time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    elapsed = time.perf_counter() - t0
    probe.stop()
    if profiler is not None:
        profiler.disable()
    n_updates, n_redraws, n_paints = len(updates), len(redraw_ms), paints.count
    steps, n_runs = controller.engine.t, controller.engine.n_runs
    running = sum(s == "running" for s in controller.engine.status)
    t_stop = time.perf_counter()
    controller.stop()  # joins the worker thread, then delivers the updates it still had queued
    stop_ms = (time.perf_counter() - t_stop) * 1000
    backlog = len(updates) - n_updates
    controller.updated.disconnect(on_update)
    del window.presenter.draw_frame
    if controller.is_running:
        raise RuntimeError("the worker thread is still running after stop()")
    late = np.array(probe.late_ms) if probe.late_ms else np.zeros(1)
    redraw = np.array(redraw_ms) if redraw_ms else np.zeros(1)
    lag = f"median {np.median(lag_steps):.0f}, max {max(lag_steps)}" if lag_steps else "n/a"
    print(
        f"streaming: {landscape} ({dim}), {len(methods)} methods x {len(starts)} starts, "
        f"as fast as possible, {elapsed:.1f} s"
    )
    print(
        f"  frames: {n_paints / elapsed:.1f} /s painted ({n_paints} repaints of the view; "
        f"{n_redraws} redraws = {n_redraws / elapsed:.1f} /s; "
        f"{n_updates} updates = {n_updates / elapsed:.1f} /s)   target >= 30 /s"
    )
    print(
        f"  event-loop delay ({TIMER_MS} ms timer, {len(probe.late_ms)} firings): worst {late.max():.1f} ms, "
        f"p99 {np.percentile(late, 99):.1f} ms   target worst < 50 ms"
    )
    print(
        f"  redraw (setData) per frame: median {np.median(redraw):.1f} ms, max {redraw.max():.1f} ms; "
        f"engine {steps:,} steps ({steps / elapsed:,.0f} steps/s), {running} of {n_runs} runs running; "
        f"update lag (steps) {lag}; stop() {stop_ms:.0f} ms, {backlog} queued updates"
    )
    if profiler is not None:
        import pstats

        for order, count in (("cumulative", 30), ("tottime", 20)):
            print(f"  cProfile of the GUI thread ({landscape}), top {count} by {order}:")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(count)


def streaming(seconds: float, profile: bool) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from gui.app import configure_pyqtgraph
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    for landscape in CASES:
        # A fresh window per case: a window that showed another landscape before keeps its view range.
        window = MainWindow(settings=None)
        window.show()
        app.processEvents()
        try:
            stream(window, landscape, seconds, profile)
        finally:
            window.controller.stop()
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()


if __name__ == "__main__":
    if STARTUP_FLAG in sys.argv[1:]:
        startup_child()
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="streaming window per landscape (s)")
    parser.add_argument("--profile", action="store_true", help="cProfile the GUI thread while streaming")
    args = parser.parse_args()
    startup()
    streaming(args.seconds, args.profile)
