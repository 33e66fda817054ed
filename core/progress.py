"""Progress and cancellation for long computations (basin maps, network slices, high-dimensional studies).

A long function takes ``progress`` (told fractions 0..1) and ``cancel`` (a ``threading.Event``); when the
event is set it raises ``Cancelled`` at its next check and produces nothing. The GUI's task runner
(``gui/workers/base.py``) passes both, in a ``TaskState``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Progress = Callable[[float], None]  # fraction done, 0..1


class Cancelled(Exception):
    """The computation was cancelled; nothing was produced."""


def check_cancel(cancel: threading.Event | None) -> None:
    """Raise ``Cancelled`` if ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def report(progress: Progress | None, cancel: threading.Event | None, fraction: float) -> None:
    """Raise ``Cancelled`` if ``cancel`` is set, else tell ``progress`` the fraction (clipped to 0..1)."""
    check_cancel(cancel)
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0))


def checked_progress(
    progress: Progress | None, cancel: threading.Event | None, start: float = 0.0, end: float = 1.0
) -> Progress:
    """Progress for the part [start, end] of a task; raises Cancelled once ``cancel`` is set."""

    def part(fraction: float) -> None:
        report(progress, cancel, start + (end - start) * min(max(fraction, 0.0), 1.0))

    return part


class TaskState:
    """What a long computation is given by whoever runs it (a worker thread, the command line).

    ``progress(fraction)`` reports how far it is (and raises ``Cancelled`` once cancellation was
    asked); ``partial(result)`` hands over a partial result; ``cancel`` is the flag to pass on to
    functions that take one. With no sinks given, progress and partial results go nowhere."""

    def __init__(
        self,
        progress: Progress | None = None,
        partial: Callable[[object], None] | None = None,
        cancel: threading.Event | None = None,
    ):
        self.cancel = cancel or threading.Event()
        self._progress, self._partial = progress, partial

    def progress(self, fraction: float) -> None:
        report(self._progress, self.cancel, fraction)

    def partial(self, result: object) -> None:
        check_cancel(self.cancel)
        if self._partial is not None:
            self._partial(result)

    @property
    def interrupted(self) -> bool:
        """Whether cancellation was asked (a computation checks this, or calls ``progress``)."""
        return self.cancel.is_set()
