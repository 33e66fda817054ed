"""The engine's status checks, for every running run at once.

Every ``check_every`` steps each running run is tested: diverged (a non-finite state, or beyond the
bound), settled (its method's rule: "patience" steps without a new best loss, the method's own
"finished" flag, or else calm: tiny moves and a tiny gradient for ``Tolerances.window`` steps).
The per-run numbers these rules keep live here as arrays over all runs, so one check is a few
array operations whatever the number of methods (checking method by method cost a third of the
engine's time with seven methods).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landscape import Landscape


@dataclass(frozen=True)
class Verdicts:
    """The outcome of one check for the runs checked, in their order."""

    finite: np.ndarray  # the state is finite (a non-finite one ends at the last checked position)
    diverged: np.ndarray
    settled: np.ndarray  # (never true where diverged)

    def any_ended(self) -> bool:
        return bool((self.diverged | self.settled).any())


class RunChecks:
    """The per-run state of the checks (``best``, ``since_best``, ``calm``, ``x_ref``) and the rules.

    ``kinds`` gives each run's rule: "patience", "self" or "calm"; ``patience`` the steps allowed
    without a new best (used where the rule is "patience")."""

    def __init__(self, land: Landscape, tol, starts: np.ndarray, start_losses: np.ndarray, kinds, patience):
        self.land, self.tol = land, tol
        self.bound = tol.bound * max(land.scale, 1.0)
        self.best = start_losses.copy()
        self.since_best = np.zeros(len(start_losses), dtype=np.int64)
        self.calm = np.zeros(len(start_losses), dtype=np.int64)
        self.x_ref = starts.copy()  # each run's position at the last check
        kinds = np.asarray(kinds)
        self.patience = np.where(kinds == "patience", np.asarray(patience, dtype=float), np.inf)
        self.calm_rule = kinds == "calm"

    def check(
        self, runs: np.ndarray, x: np.ndarray, fx: np.ndarray, elapsed: int, finished: np.ndarray
    ) -> Verdicts:
        """Test ``runs`` (at positions ``x``, losses ``fx``; ``finished`` their methods' own flags,
        false where the rule is not "self") after ``elapsed`` steps since the last check."""
        finite = np.isfinite(fx) & np.isfinite(x).all(axis=1)
        diverged = ~finite | (np.abs(x) > self.bound).any(axis=1)
        best = self.best[runs]
        improved = fx < best - 1e-12 * (1 + np.abs(best))
        self.best[runs] = np.where(improved, fx, best)
        since = np.where(improved, 0, self.since_best[runs] + elapsed)
        self.since_best[runs] = since
        settled = (since >= self.patience[runs]) | finished
        calm_rule = self.calm_rule[runs]
        if calm_rule.any():
            settled[calm_rule] = self._calm_for(runs[calm_rule], x[calm_rule], elapsed)
        return Verdicts(finite, diverged, settled & ~diverged)

    def _calm_for(self, runs: np.ndarray, x: np.ndarray, elapsed: int) -> np.ndarray:
        """Whether ``runs`` have now been calm for the window (moves and gradient both tiny)."""
        tol = self.tol
        moved = np.abs(x - self.x_ref[runs]).max(axis=1)
        small_grad = np.abs(self.land.grad_fn(x)).max(axis=1) <= tol.grad
        calm = (moved <= tol.step * self.land.scale * elapsed) & small_grad
        counts = np.where(calm, self.calm[runs] + elapsed, 0)
        self.calm[runs] = counts
        return counts >= tol.window
