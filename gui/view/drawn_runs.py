"""What the window draws of the runs: as they are, or as they were at the timeline's step (the trails,
heads, side plots, table and escape marks from ``RunBuffer.until``); and their points, for exports,
tests and picking a run with a Ctrl+click. A part of ``RunPresenter`` (which holds the rows, the
view, the side plots, the table and the landscape)."""

from __future__ import annotations

import numpy as np

from gui.view.run_arrays import group_points, nearest_run, split_runs
from gui.view.run_buffer import RunBuffer
from gui.view.timeline import escapes_until, statuses_at

PICK_DISTANCE = 0.03  # a Ctrl+click this close (a share of the view's size) to a trail picks its run


class DrawnRuns:
    """Mixed into ``RunPresenter``: the runs drawn as they are or as they were at an earlier step
    (the timeline), and their points."""

    @property
    def stored_rows(self) -> RunBuffer | None:
        """The live rows as stored (a due preparation not made: read while drawing)."""
        return self._buffer

    @property
    def shown_buffer(self) -> RunBuffer | None:
        """The rows drawn: up to the timeline's step, or all of them (a due preparation not made:
        this is read while painting)."""
        return self.past if self.past is not None else self._buffer

    def show_past(self, past: RunBuffer | None) -> None:
        """Draw the runs as they were at ``past.step`` (a ``RunBuffer.until``); None: as they are."""
        self.past = past
        self.draw_frame(full=True)
        self._mark_escapes()
        self.show_status_line()

    def _draw_past(self, past: RunBuffer) -> None:
        """Trails, heads, side plots and table at ``past.step`` (the live rows keep arriving)."""
        limit = self.view.points_limit()
        groups = [group_points(past, self._land, runs, limit=limit) for runs in self.view.run_groups]
        self.view.show_runs(groups, past.diverged)
        self.view.runs_drawn.canvas.invalidate()
        self.side.refresh(past, ("loss", "lr", "noise"))
        self.table.update_statuses(statuses_at(past, self._latest.statuses))
        if len(self.escapes) == len(past.status):
            self.table.update_escapes(escapes_until(self.escapes, past.step))
        self.view.painted.emit()  # (the 3-D view follows)

    def _mark_escapes(self) -> None:
        """Mark the escape events on the paths (those up to the timeline's step, if it shows one)."""
        xy = self.escape_points
        self.shown_escape_points = xy if self.past is None else xy[self.escape_steps <= self.past.step]
        self.view.show_escapes(self.shown_escape_points[:, 0], self.shown_escape_points[:, 1])

    def pick_run(self, x: float, y: float) -> None:
        """Select the row of the run drawn nearest to (x, y) (a Ctrl+click on the view)."""
        if self._buffer is None:
            return
        scale = np.array([max(hi - lo, 1e-12) for lo, hi in self.view.vb.viewRange()])
        shown = self.view.runs_drawn.runs_shown
        run, distance = nearest_run(self.view.run_groups, self.run_points(thinned=True), (x, y), scale, shown)
        if run >= 0 and distance < PICK_DISTANCE:
            self.table.select_run(run)

    def _whole_trails(self) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """Every run's points as the view's trails keep them (None: no runs)."""
        buffer = self.shown_buffer
        if buffer is None:
            return None
        limit = self.view.points_limit()
        return [group_points(buffer, self._land, runs, limit=limit) for runs in self.view.run_groups]

    def run_points(self, thinned: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
        """The points of every trail item (see ``run_arrays.group_points``): all of them, or
        ``thinned`` to about as many as the view draws."""
        self.flush()  # (the latest change's runs)
        land, view = self._land, self.view
        return [
            group_points(self.shown_buffer, land, runs, limit=view.points_limit() if thinned else None)
            for runs in view.run_groups
        ]

    def trails(self) -> list[tuple]:
        """Each run's drawn trail as (x, y) arrays: (x, f(x)) on 1-D, (x, y) on 2-D; rows of a run
        that went far outside the domain (a diverging run on its way out) are left out."""
        out: dict[int, tuple] = {}
        for runs, (points, counts) in zip(self.view.run_groups, self.run_points(), strict=True):
            out.update(zip(runs.tolist(), split_runs(points, counts), strict=True))
        return [out[r] for r in sorted(out)]
