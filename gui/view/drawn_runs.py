"""What the landscape view draws of the runs, as points: for exports, tests and picking a run with a
Ctrl+click. A part of ``RunPresenter`` (which holds ``shown_buffer``, ``view``, ``table`` and the
landscape); the rows are those shown — up to the timeline's step, when it shows an earlier one."""

from __future__ import annotations

import numpy as np

from gui.view.run_arrays import group_points, nearest_run, split_runs

PICK_DISTANCE = 0.03  # a Ctrl+click this close (a share of the view's size) to a trail picks its run


class DrawnRuns:
    """Mixed into ``RunPresenter``: the drawn runs' points."""

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
