"""The timeline: any recorded step of the runs shown again — trails, heads, side plots, results table
and the 3-D view — by dragging a slider, stepping back (←) and forth, or replaying the recording at the
speed chosen, without computing anything again.

``Timeline`` holds the step shown (None: the latest, live) and hands the presenter the rows up to it
(``RunBuffer.until``). Seeking pauses the runs; the steps it offers are the recorded ones (every step,
or every ``stride``-th once a long history has been thinned, and the latest), so what is shown at a
step is exactly what the engine computed there."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from core.runs.status import RunStatuses
from gui.view.run_buffer import RunBuffer

REPLAY_HZ = 30  # replay frames a second
REPLAY_SECONDS_AT_MAX = 4.0  # a replay at speed "max" shows the whole recording in this long


def statuses_at(past: RunBuffer, latest: RunStatuses) -> RunStatuses:
    """The results table's rows as they were at ``past.step``: a run still going there is "running"
    (no minimum or basin yet); one that had ended shows its end as ``latest`` does."""
    ended = np.array([s != "running" for s in past.status])
    losses = past.losses[: past.stored]
    best = np.fmin(np.nanmin(np.where(np.isnan(losses), np.inf, losses), axis=0), past.latest("losses"))
    return RunStatuses(
        status=np.array(past.status, dtype=object),
        steps=np.where(ended, past.steps, past.step),
        final=np.asarray(past.latest("positions"), dtype=float),
        final_loss=np.asarray(past.latest("losses"), dtype=float),
        best_loss=np.where(ended, latest.best_loss, best),
        minimum=np.where(ended, latest.minimum, ""),
        basin=np.where(ended, latest.basin, ""),
    )


def escapes_until(escapes: list, step: int) -> list:
    """Each run's escape events (``EscapeSummary`` or None) cut to those at or before ``step``."""
    return [None if e is None else e.until(step) for e in escapes]


def escape_steps(escapes: list) -> list[int]:
    """Every step at which some run entered a new basin, sorted, each once."""
    return sorted({step for e in escapes if e is not None for step in e.steps})


class Timeline(QObject):
    """See the module docstring. ``moved(shown, latest, stride)`` after every change of either."""

    moved = Signal(int, int, int)

    def __init__(self, presenter, controller, speed, parent: QObject | None = None):
        super().__init__(parent)
        self.presenter, self.controller, self.speed = presenter, controller, speed
        self.shown: int | None = None  # the step shown (None: the latest, as it arrives)
        self._replay = QTimer(self, interval=1000 // REPLAY_HZ, timeout=self._replay_frame)
        self._replay.setTimerType(Qt.TimerType.PreciseTimer)
        self._replay_at = 0.0

    # ---- reading ------------------------------------------------------------------------------------
    @property
    def latest(self) -> int:
        buffer = self.presenter.stored_rows  # (read as the status line is shown: no preparation made)
        return 0 if buffer is None else buffer.step

    @property
    def stride(self) -> int:
        buffer = self.presenter.stored_rows
        return 1 if buffer is None else buffer.stride

    @property
    def at(self) -> int:
        """The step shown now."""
        return self.latest if self.shown is None else self.shown

    @property
    def replaying(self) -> bool:
        return self._replay.isActive()

    @property
    def scrubbed(self) -> bool:
        """Whether an earlier step than the latest is shown."""
        return self.shown is not None

    # ---- moving -------------------------------------------------------------------------------------
    def seek(self, step: int) -> None:
        """Show the recorded step nearest ``step`` (the latest: live again); the runs pause."""
        if self.presenter.buffer is None:
            return
        if self.controller.is_running:
            self.controller.pause()
        self._show(self.recorded(step))

    def recorded(self, step: int) -> int:
        """The recorded step nearest ``step`` (a multiple of ``stride``, or the latest)."""
        latest, stride = self.latest, self.stride
        step = min(max(int(step), 0), latest)
        snapped = int(round(step / stride)) * stride
        return latest if snapped >= latest or latest - step < abs(step - snapped) else snapped

    def back(self) -> None:
        """One recorded step back (←)."""
        self.stop_replay()
        self.seek(max(0, (self.at - 1) // self.stride * self.stride))

    def forward(self) -> bool:
        """One recorded step forth (→) if an earlier step is shown; False if the latest is."""
        if not self.scrubbed:
            return False
        self.stop_replay()
        self.seek(self.at + self.stride - self.at % self.stride)
        return True

    def toggle_replay(self) -> None:
        """Replay the recording from the step shown (from the first, if the latest is shown) at the
        speed chosen; again: stop there."""
        if self.replaying:
            self.stop_replay()
            return
        if self.presenter.buffer is None or self.latest == 0:
            return
        if self.controller.is_running:
            self.controller.pause()
        self._replay_at = 0.0 if not self.scrubbed else float(self.at)
        self._show(0 if not self.scrubbed else self.at)
        self._replay.start()
        self.moved.emit(self.at, self.latest, self.stride)

    def stop_replay(self) -> None:
        if self._replay.isActive():
            self._replay.stop()
            self.moved.emit(self.at, self.latest, self.stride)

    def reset(self) -> None:
        """New runs: the latest step is shown, no replay."""
        self._replay.stop()
        self.shown = None
        self.moved.emit(0, 0, 1)

    def follow(self) -> None:
        """The latest step moved on (new rows): tell the bar."""
        self.moved.emit(self.at, self.latest, self.stride)

    def _replay_frame(self) -> None:
        rate = self.speed() or self.latest / REPLAY_SECONDS_AT_MAX  # steps a second (0: "max")
        self._replay_at += max(rate, 1.0) / REPLAY_HZ
        step = self.recorded(int(self._replay_at)) if self._replay_at < self.latest else self.latest
        self._show(step)
        if step >= self.latest:
            self.stop_replay()

    def _show(self, step: int) -> None:
        self.shown = None if step >= self.latest else step
        buffer = self.presenter.buffer
        self.presenter.show_past(None if self.shown is None else buffer.until(self.shown))
        self.moved.emit(self.at, self.latest, self.stride)
