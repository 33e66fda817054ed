"""Escape events of the window's runs, found as rows arrive: only the rows since the last time are
labelled (``core.runs.escapes.EscapeTracker`` carries each run's state), in a forked child process
(``core.forked``): labelling holds the interpreter lock for long stretches, which in a thread of the
window's process left its frames late. One search at a time; a request made meanwhile runs once it is
done. The events are those of the rows the window keeps (every step until its history is thinned)."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from core.forked import BACKGROUND_NICENESS, ForkedCall
from core.minima.basins import BasinLabeller
from core.runs.escapes import EscapeTracker, feed_padded
from gui.view.run_buffer import RunBuffer
from gui.workers.base import TaskRunner

MAX_ESCAPE_MARKERS = 20  # per run: the latest ones (no clutter)…
ALL_ESCAPE_MARKERS = 4_000  # …and fewer a run when there are thousands of runs
STREAMING_INTERVAL = 1.0  # seconds between two searches while the runs stream


class EscapeFinder(QObject):
    """``reset`` for new runs; ``request`` after rows arrived; ``found`` gives each run's events (None
    for a diverged run: where it went says nothing about the landscape's basins) and the points to
    mark, (k, 2) in the view's coordinates."""

    found = Signal(list, object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = TaskRunner(self)
        self._runner.succeeded.connect(self._on_fed)
        self._runner.failed.connect(self._on_failed)
        self._tracker: EscapeTracker | None = None
        self._fed_step = -1  # rows up to this step are in the tracker
        self._due: tuple[RunBuffer, BasinLabeller, bool] | None = None
        self._last_start = -float("inf")  # when the last search began
        self._later = QTimer(self, singleShot=True, timeout=self._request_due)

    @property
    def busy(self) -> bool:
        return self._runner.busy or self._due is not None

    def reset(self, n_runs: int, dim: int) -> None:
        """Forget every event (new runs); a search under way never reports."""
        self._runner.drop()
        self._later.stop()
        marks = max(1, min(MAX_ESCAPE_MARKERS, ALL_ESCAPE_MARKERS // max(n_runs, 1)))
        self._tracker = EscapeTracker(n_runs, dim, marks)
        self._fed_step, self._due = -1, None

    def request(self, buffer: RunBuffer, labeller: BasinLabeller, streaming: bool = False) -> None:
        """Label the rows of ``buffer`` that arrived since the last search (after it, if one runs;
        while ``streaming``, at most every ``STREAMING_INTERVAL``: each search forks the window's
        process, which costs its thread milliseconds per hundred megabytes)."""
        wait = self._last_start + STREAMING_INTERVAL - time.perf_counter() if streaming else 0.0
        if self._runner.busy or wait > 0:
            self._due = (buffer, labeller, streaming)
            if not self._runner.busy:
                self._later.start(int(wait * 1000) + 1)
            return
        self._due = None
        if self._tracker is None or buffer.step <= self._fed_step:
            return
        self._last_start = time.perf_counter()
        runs = np.flatnonzero(~buffer.diverged)
        # Forked here, on the thread that appends to the buffer: the child reads the rows as they are now.
        args = (self._tracker, labeller, buffer, runs, self._fed_step)
        search = ForkedCall(fed_from_buffer, *args, niceness=BACKGROUND_NICENESS)
        step, status = buffer.step, buffer.status
        self._runner.start(lambda state: (search.result(state.progress, state.cancel), step, status))

    def _on_fed(self, outcome: tuple[EscapeTracker, int, tuple[str, ...]]) -> None:
        tracker, step, status = outcome
        self._tracker, self._fed_step = tracker, step
        events = [None if s == "diverged" else tracker.summary(r) for r, s in enumerate(status)]
        marked = [r for r, s in enumerate(status) if s != "diverged"]
        points = tracker.event_points(marked)
        xy = points[:, [0, 1]] if tracker.dim == 2 else points[:, [0, -1]]
        self.found.emit(events, xy, tracker.event_steps(marked))
        if self._due is not None:
            self.request(*self._due)

    def _request_due(self) -> None:
        if self._due is not None:
            self.request(*self._due)

    def _on_failed(self, _text: str) -> None:
        """(A search that failed is tried again, from the same rows, at the next request.)"""
        self._due = None

    def stop(self) -> None:
        """End the search under way and its child process, and start none until ``reset`` (the window
        is closing: a request arriving later must not fork a child nobody joins)."""
        self._later.stop()
        self._due, self._tracker = None, None
        self._runner.stop()


def fed_from_buffer(
    tracker: EscapeTracker, labeller: BasinLabeller, buffer: RunBuffer, runs: np.ndarray, after: int, progress
) -> EscapeTracker:
    """``tracker`` fed the rows of ``runs`` that ``buffer`` holds for steps later than ``after`` (in the
    child: gathering the rows of thousands of runs costs the window's thread tens of milliseconds)."""
    positions, steps, counts = buffer.padded("positions", runs, after=after)
    losses = buffer.padded("losses", runs, after=after)[0]
    return feed_padded(tracker, labeller, runs, positions, losses, counts, steps, progress)
