"""The pace of the live view: how often the frame timer fires, and which slow panel a streaming frame
refreshes (chosen by the clock rather than by frame counts: the frame rate falls with thousands of runs,
and a panel's age must not rise with it)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer


class PanelTurns:
    """Each named panel wants a refresh every ``periods[name]`` seconds; ``due()`` names the most
    overdue one (and counts it as refreshed), so a frame that asks once does at most one panel."""

    def __init__(self, periods: dict[str, float], clock: Callable[[], float] = time.perf_counter):
        self.periods = dict(periods)
        self._clock = clock
        self._last = dict.fromkeys(self.periods, -math.inf)

    def restart(self) -> None:
        """Every panel due at once (new runs: nothing shown is current)."""
        self._last = dict.fromkeys(self.periods, -math.inf)

    def due(self) -> str | None:
        """The panel most past its period, now counted as refreshed (None: no panel is due)."""
        now = self._clock()
        late = {name: now - self._last[name] - period for name, period in self.periods.items()}
        name = max(late, key=late.__getitem__)
        if late[name] < 0:
            return None
        self._last[name] = now
        return name


class FrameClock:
    """A precise timer firing ``hz`` times a second, or slower while its work typically costs more than
    ``share`` of its interval (thousands of runs): the window keeps time for input, the table and the
    pipe between frames. ``took(ms)`` reports each tick's cost; the typical one is a running average,
    so a single slow frame (one that refreshed a side plot) does not space out the next ones."""

    SMOOTHING = 0.2

    def __init__(self, parent: QObject, hz: float, on_tick: Callable[[], None], share: float = 0.5):
        self.share = share
        self.timer = QTimer(parent)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # (a coarse one drifts to ~45 Hz)
        self.fastest_ms = int(1000 / hz)
        self.timer.setInterval(self.fastest_ms)
        self.timer.timeout.connect(on_tick)
        self.typical_ms = 0.0

    def set_rate(self, hz: float) -> None:
        """Fire at most ``hz`` times a second from now on."""
        self.fastest_ms = int(1000 / hz)
        self._pace()

    def took(self, ms: float) -> None:
        """A frame took ``ms`` milliseconds to draw."""
        self.typical_ms += self.SMOOTHING * (ms - self.typical_ms)
        self._pace()

    def _pace(self) -> None:
        interval = max(self.fastest_ms, int(self.typical_ms / self.share))
        if interval != self.timer.interval():  # (setting it restarts the timer: only on a change)
            self.timer.setInterval(interval)
