"""A diagnostic probe for ``benchmarks/bench_gui.py``: switched on by ``MINIMA_LAB_PROBE=1`` (the
launcher then calls ``attach(window)`` right after showing the window). It only watches and relays:

- counts paint events of the landscape view's viewport and prints ``{"event": "shown", "time": …}``
  (``time.time()``) once the view has painted its first frame;
- a precise 5 ms timer records how late each firing is (now − previous firing − 5 ms);
- reads commands from stdin (one per line) and answers each with one JSON line on stdout:
  ``ready``, ``mark``, ``report``, ``speed N``, ``play``, ``pause``, ``choose ID``, ``labelled``,
  ``basins``, ``quit`` (see ``Probe.COMMANDS``);
- notes when a Space key press reaches the application and when the runs next report "paused".
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

TIMER_MS = 5
POLL_MS = 20  # how often a waiting answer (ready, labelled) checks its condition
SPACE_EVENTS = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)  # a shortcut consumes the KeyPress


def attach(window) -> Probe:
    """Start probing ``window`` (a ``MainWindow``); the probe lives as long as the window."""
    return Probe(window)


def say(message: dict) -> None:
    """One JSON line on stdout, flushed at once (the benchmark reads it through a pipe)."""
    print(json.dumps(message), flush=True)


class Gaps:
    """The longest wait between two refreshes of something while the runs play: a wait is counted from
    the start of playing (or the mark) and up to a pause (or the report)."""

    def __init__(self):
        self.longest, self._last = 0.0, None

    def restart(self, now: float, running: bool) -> None:
        self.longest, self._last = 0.0, (now if running else None)

    def refreshed(self, now: float) -> None:
        if self._last is not None:
            self.longest = max(self.longest, now - self._last)
            self._last = now

    def playing(self, now: float, running: bool) -> None:
        """The runs started (``running``) or stopped playing at ``now``."""
        if running:
            self._last = now if self._last is None else self._last
        else:
            self.refreshed(now)
            self._last = None

    def longest_until(self, now: float) -> float:
        return self.longest if self._last is None else max(self.longest, now - self._last)


class _Filter(QObject):
    """Relays the events a probe watches to its methods (an event filter never consumes one)."""

    def __init__(self, on_event: Callable[[QObject, QEvent], None]):
        super().__init__()
        self._on_event = on_event

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        self._on_event(obj, event)
        return False


class Probe(QObject):
    """See the module docstring."""

    received = Signal(str)  # a command line, emitted from the reader thread
    COMMANDS = (
        *("ready", "mark", "report", "speed", "play", "pause", "choose", "labelled", "basins", "quit"),
        "view3d",
    )

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._shown = False
        self._late_ms: list[float] = []
        self._last_tick = time.perf_counter()
        self._paints = 0
        self._mark_time, self._mark_step = time.perf_counter(), 0
        self._space_at: float | None = None
        self._space_to_paused_ms: float | None = None
        self._paused_time: float | None = None
        self._table, self._status = Gaps(), Gaps()
        self._status_text = window.state_label.text()
        self._chosen: str | None = None
        self._paints3d_mark = 0
        self._paint_filter = _Filter(self._on_view_event)
        window.view.viewport().installEventFilter(self._paint_filter)
        self._key_filter = _Filter(self._on_app_event)
        QApplication.instance().installEventFilter(self._key_filter)
        window.view.painted.connect(self._on_painted)
        window.table.results.dataChanged.connect(lambda *_: self._table.refreshed(time.perf_counter()))
        window.controller.stateChanged.connect(self._on_state)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TIMER_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self.received.connect(self._handle, Qt.ConnectionType.QueuedConnection)
        threading.Thread(target=self._read_stdin, name="probe-stdin", daemon=True).start()

    # ---- watching -----------------------------------------------------------------------------------
    def _on_view_event(self, _obj, event) -> None:
        if event.type() == QEvent.Type.Paint:
            self._paints += 1

    def _on_painted(self) -> None:
        if not self._shown:
            self._shown = True
            say({"event": "shown", "time": time.time()})

    def _on_app_event(self, _obj, event) -> None:
        if event.type() in SPACE_EVENTS and event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            if self._space_at is None:  # (one press reaches several objects, and as two event types)
                self._space_at = time.perf_counter()

    def _on_state(self, state: str) -> None:
        now = time.perf_counter()
        running = state == "running"
        self._table.playing(now, running)
        self._status.playing(now, running)
        if state == "paused":
            self._paused_time = time.time()
            if self._space_at is not None:
                self._space_to_paused_ms = (now - self._space_at) * 1000
        self._space_at = None  # that press (if any) is handled: the next one starts afresh

    def _tick(self) -> None:
        now = time.perf_counter()
        self._late_ms.append(max(0.0, (now - self._last_tick) * 1000 - TIMER_MS))
        self._last_tick = now
        text = self.window.state_label.text()
        if text != self._status_text:
            self._status_text = text
            self._status.refreshed(now)

    # ---- commands -----------------------------------------------------------------------------------
    def _read_stdin(self) -> None:
        """Lines from stdin, read raw: a daemon thread blocked in ``sys.stdin`` would hold its lock
        when the interpreter shuts down."""
        pending = b""
        while chunk := os.read(0, 4096):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    try:
                        self.received.emit(line.decode(errors="replace").strip())
                    except RuntimeError:  # the window (and the probe with it) has gone
                        return

    def _handle(self, line: str) -> None:
        name, _, argument = line.partition(" ")
        if name not in self.COMMANDS:
            say({"reply": name, "error": f"unknown command; known: {', '.join(self.COMMANDS)}"})
            return
        try:
            getattr(self, f"_do_{name}")(argument.strip())
        except Exception as exc:  # a diagnostic answers with the problem rather than going silent
            say({"reply": name, "error": f"{type(exc).__name__}: {exc}"})

    def _when(self, ready: Callable[[], bool], answer: Callable[[], dict]) -> None:
        """Answer once ``ready()`` holds (checked now, then every ``POLL_MS``)."""
        if ready():
            say(answer())
            return
        timer = QTimer(self)
        timer.setInterval(POLL_MS)

        def check() -> None:
            if ready():
                timer.stop()
                timer.deleteLater()
                say(answer())

        timer.timeout.connect(check)
        timer.start()

    def _do_ready(self, _argument: str) -> None:
        window = self.window

        def ready() -> bool:
            engine = window.controller.engine
            return not window.preparer.busy and engine is not None and window.presenter.buffer is not None

        self._when(ready, lambda: {"reply": "ready", "runs": window.controller.engine.n_runs})

    def _do_mark(self, _argument: str) -> None:
        now = time.perf_counter()
        controller = self.window.controller
        self._mark_time, self._mark_step = now, controller.step_count
        self._paints, self._late_ms, self._last_tick = 0, [], now
        self._paints3d_mark = self._paints3d()
        self._space_at = self._space_to_paused_ms = self._paused_time = None
        self._table.restart(now, controller.is_running)
        self._status.restart(now, controller.is_running)
        say({"reply": "mark", "step": self._mark_step})

    def _do_report(self, _argument: str) -> None:
        now = time.perf_counter()
        controller = self.window.controller
        seconds = now - self._mark_time
        late = sorted(self._late_ms) or [0.0]
        steps = controller.step_count - self._mark_step
        say(
            {
                "reply": "report",
                "seconds": seconds,
                "paints": self._paints,
                "paints3d_per_s": (self._paints3d() - self._paints3d_mark) / seconds,
                "repaints_per_s": self._paints / seconds,
                "late_worst_ms": late[-1],
                "late_p99_ms": late[min(len(late) - 1, int(0.99 * len(late)))],
                "firings": len(self._late_ms),
                "steps": steps,
                "steps_per_s": steps / seconds,
                "state": controller.state,
                "table_gap_s": self._table.longest_until(now),
                "status_gap_s": self._status.longest_until(now),
                "space_to_paused_ms": self._space_to_paused_ms,
                "paused_time": self._paused_time,
            }
        )

    def _paints3d(self) -> int:
        view = self.window.surface3d.view3d
        return getattr(view, "paints", 0) if view is not None else 0

    def _do_view3d(self, _argument: str) -> None:
        """Show View ▸ 3-D surface (its repaints are then counted in reports)."""
        self.window.surface3d.set_shown(True)
        say({"reply": "view3d", "shown": self.window.surface3d.shown})

    def _do_speed(self, argument: str) -> None:
        speed = int(argument)
        self.window.controls.set_speed(speed)  # the slider agrees (it snaps to its own steps)…
        self.window.controller.set_speed(speed)  # …and the runs go at exactly this speed
        say({"reply": "speed", "speed": speed})

    def _do_play(self, _argument: str) -> None:
        self._toggle("play")

    def _do_pause(self, _argument: str) -> None:
        self._toggle("pause")

    def _toggle(self, name: str) -> None:
        """Play / Pause as the Space key does (the command stands for the key press offscreen)."""
        if self._space_at is None:
            self._space_at = time.perf_counter()
        self.window.toggle_play()
        say({"reply": name, "state": self.window.controller.state})

    def _do_choose(self, argument: str) -> None:
        self._chosen = argument
        self.window.landscape_panel.choose(argument)
        say({"reply": "choose", "id": argument})

    def _do_labelled(self, _argument: str) -> None:
        window, chosen = self.window, self._chosen
        presenter = window.presenter

        def labelled() -> bool:
            labeller = presenter.labeller
            if labeller is None or presenter.settling or window.preparer.busy:
                return False
            return chosen is None or labeller.land.id == chosen

        self._when(labelled, lambda: {"reply": "labelled", "landscape": presenter.labeller.land.id})

    def _do_basins(self, _argument: str) -> None:
        self.window.docks["Basins"].raise_()
        self.window.basins.start()
        say({"reply": "basins"})

    def _do_quit(self, _argument: str) -> None:
        say({"reply": "quit"})
        self.window.close()
