"""Progress and cancellation for long computations (basin maps, network slices, high-dimensional studies).

A long function takes ``progress`` (told fractions 0..1) and ``cancel`` (a ``threading.Event``); when the
event is set it raises ``Cancelled`` at its next check and produces nothing. The GUI's task runner
(``gui/workers/tasks.py``) passes both.
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
