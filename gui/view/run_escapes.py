"""The runs' escape events: the landscape's basins labelled in a worker (after a moment, in a child
process), then each run's events found as rows arrive (``EscapeFinder``), counted in the table and
marked on the paths. A part of ``RunPresenter`` (which holds the rows, the table and the landscape)."""

from __future__ import annotations

import numpy as np

from core.minima.basins import BasinLabeller, cached_labeller, labeller_built_apart
from core.progress import Cancelled
from gui.view.timeline import escapes_until

LABELLING_DELAY = 0.15  # seconds: the new landscape is drawn first, the worker taking no time from it


class RunEscapes:
    """Mixed into ``RunPresenter``: basin labelling and escape events."""

    @property
    def labeller(self) -> BasinLabeller | None:
        """The current landscape's basin labelling, once built (in a worker: never on this thread)."""
        return self._labeller

    def _start_labelling(self) -> None:
        land = self._land
        if self._labeller is not None and self._labeller.land is land:
            return
        self._labeller = cached_labeller(land)
        self._labelling.drop()
        if self._labeller is None:
            self._labelling.start(lambda state: label_after_a_moment(land, state))

    def _on_labelled(self, labeller: BasinLabeller) -> None:
        if labeller.land is not self._land:
            return
        self._labeller = labeller
        if self.buffer is not None and self._latest is not None:
            self._show_escapes()
            self.show_status_line()

    def _show_escapes(self) -> None:
        """Escape events of the rows that arrived since the last search (``EscapeFinder``), then counted
        in the table and marked on the paths. None until the basins are known."""
        if self._labeller is not None and self.buffer is not None:
            self.escape_finder.request(self.buffer, self._labeller, self.controller.is_running)

    def _on_escapes(self, escapes: list, xy: np.ndarray, steps: np.ndarray) -> None:
        if self.buffer is None or len(escapes) != len(self.buffer.status):
            return
        self.table.update_escapes(escapes if self.past is None else escapes_until(escapes, self.past.step))
        self.escapes, self.escape_points, self.escape_steps = escapes, xy, steps
        self._mark_escapes()

    @property
    def escapes_pending(self) -> bool:
        """Whether escape events are still being found (or the basins they need)."""
        return self.escape_finder.busy or (self._labeller is None and self._labelling.busy)


def label_after_a_moment(land, state) -> BasinLabeller:
    """``land``'s labeller once ``LABELLING_DELAY`` has passed (cancelled meanwhile: nothing done),
    built in a child process (``labeller_built_apart``): the window keeps the interpreter lock."""
    if state.cancel.wait(LABELLING_DELAY):
        raise Cancelled()
    return labeller_built_apart(land, state.progress, state.cancel)
