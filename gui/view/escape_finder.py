"""Escape events of the window's runs, found as rows arrive: only the rows since the last time are
labelled (``core.runs.escapes.EscapeTracker`` carries each run's state), in a forked child process
(``core.forked``): labelling holds the interpreter lock for long stretches, which in a thread of the
window's process left its frames late. One search at a time; a request made meanwhile runs once it is
done. The events are those of the rows the window keeps (every step until its history is thinned)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.forked import BACKGROUND_NICENESS, call_in_child
from core.minima.basins import BasinLabeller
from core.runs.escapes import EscapeTracker, feed_padded
from gui.view.run_buffer import RunBuffer
from gui.workers.base import TaskRunner

MAX_ESCAPE_MARKERS = 20  # per run: the latest ones (no clutter)


class EscapeFinder(QObject):
    """``reset`` for new runs; ``request`` after rows arrived; ``found`` gives each run's events (None
    for a diverged run: where it went says nothing about the landscape's basins) and the points to
    mark, (k, 2) in the view's coordinates."""

    found = Signal(list, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = TaskRunner(self)
        self._runner.succeeded.connect(self._on_fed)
        self._runner.failed.connect(self._on_failed)
        self._tracker: EscapeTracker | None = None
        self._fed_step = -1  # rows up to this step are in the tracker
        self._due: tuple[RunBuffer, BasinLabeller] | None = None

    @property
    def busy(self) -> bool:
        return self._runner.busy or self._due is not None

    def reset(self, n_runs: int, dim: int) -> None:
        """Forget every event (new runs); a search under way never reports."""
        self._runner.drop()
        self._tracker = EscapeTracker(n_runs, dim, MAX_ESCAPE_MARKERS)
        self._fed_step, self._due = -1, None

    def request(self, buffer: RunBuffer, labeller: BasinLabeller) -> None:
        """Label the rows of ``buffer`` that arrived since the last search (after it, if one runs)."""
        if self._runner.busy:
            self._due = (buffer, labeller)
            return
        self._due = None
        if self._tracker is None or buffer.step <= self._fed_step:
            return
        runs = np.array([r for r, status in enumerate(buffer.status) if status != "diverged"], dtype=int)
        positions, steps, counts = buffer.padded("positions", runs, after=self._fed_step)
        losses = buffer.padded("losses", runs, after=self._fed_step)[0]  # (copies: the rows may change)
        tracker, step, status = self._tracker, buffer.step, buffer.status

        def search(state) -> tuple:
            args = (tracker, labeller, runs, positions, losses, counts, steps)
            return (
                call_in_child(
                    feed_padded,
                    *args,
                    progress=state.progress,
                    cancel=state.cancel,
                    niceness=BACKGROUND_NICENESS,
                ),
                step,
                status,
            )

        self._runner.start(search)

    def _on_fed(self, outcome: tuple[EscapeTracker, int, tuple[str, ...]]) -> None:
        tracker, step, status = outcome
        self._tracker, self._fed_step = tracker, step
        events = [None if s == "diverged" else tracker.summary(r) for r, s in enumerate(status)]
        marks = [tracker.event_points(r) for r, s in enumerate(status) if s != "diverged"]
        points = np.concatenate(marks) if marks else np.empty((0, tracker.dim + 1))
        xy = points[:, [0, 1]] if tracker.dim == 2 else points[:, [0, -1]]
        self.found.emit(events, xy)
        if self._due is not None:
            self.request(*self._due)

    def _on_failed(self, _text: str) -> None:
        """(A search that failed is tried again, from the same rows, at the next request.)"""
        self._due = None

    def stop(self) -> None:
        self._runner.drop()
        self._due = None
