"""The engine: advances every run of an experiment in chunks, so callers can stream and stop.

Runs of one method spec share one vectorized update; finished runs are dropped from it. With
``record="full"`` every step's position, loss, learning rate and extras are kept (in chunks);
with ``record="final"`` only final states, for large sweeps.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.experiment.spec import Experiment
from core.landscape import Landscape
from core.methods import get_method
from core.methods.base import compact_state
from core.methods.batching import MinibatchView
from core.methods.schedules import learning_rates
from core.runs.checks import RunChecks, Verdicts

RUNNING, CONVERGED, DIVERGED, MAX_STEPS = "running", "converged", "diverged", "max-steps"


@dataclass(frozen=True)
class Tolerances:
    """When a run counts as settled or diverged (see README, "Run status")."""

    step: float = 1e-10  # per-step movement, relative to the domain's scale
    grad: float = 1e-8  # gradient max-norm
    window: int = 20  # steps both must hold for
    bound: float = 1e6  # |x| beyond bound × scale is divergence


@dataclass(frozen=True)
class Chunk:
    """Rows for steps ``first_step … first_step + n − 1`` of every run (copies; safe to keep).

    A run that finished earlier repeats its final position and loss; ``steps[r]`` tells how many
    steps run ``r`` has really taken.
    """

    first_step: int
    positions: np.ndarray  # (n, R, dim)
    losses: np.ndarray  # (n, R)
    learning_rates: np.ndarray  # (n, R); NaN for methods without a rate
    extras: dict[str, np.ndarray]  # name -> (n, R); NaN where a run has no such record
    status: tuple[str, ...]
    steps: np.ndarray  # (R,)
    batches: dict[int, np.ndarray] = field(default_factory=dict)  # run -> latest minibatch indices

    @property
    def n(self) -> int:
        return self.positions.shape[0]


class _Group:
    """The runs of one method spec that are still going, as compact arrays."""

    def __init__(self, exp: Experiment, index: int, seed: int | None = None):
        spec = exp.methods[index]
        self.method = get_method(spec.method)()
        self.params = dict(spec.params)
        # Seeded by the spec itself, so adding or removing other methods leaves this one's runs alone
        # (``seed``: the experiment's, unless a sweep gives each replicate its own).
        seed = exp.seed if seed is None else seed
        self.rng = np.random.default_rng([seed, zlib.crc32(spec.to_text().encode())])
        n_starts = len(exp.starts)
        self.runs = np.arange(index * n_starts, (index + 1) * n_starts)
        self._find_where()
        self.x = np.array(exp.starts, dtype=float)
        batch_size = self.params.get("batch_size", 0)
        # With minibatches the method sees a view whose gradient is each run's next batch gradient.
        self.land = (
            MinibatchView(exp.landscape, batch_size, n_starts, self.rng) if batch_size else exp.landscape
        )
        self.state = self.method.init(self.x.copy(), self.land, self.params, self.rng)
        self.lrs = (
            self.method.applied_rates(
                learning_rates(self.params["lr"], self.params, 0, exp.max_steps), self.params
            )
            if "lr" in self.params
            else np.full(exp.max_steps, np.nan)
        )
        self.rule = self.method.convergence if self.method.convergence in ("patience", "self") else "calm"

    @property
    def size(self) -> int:
        return self.runs.size

    @property
    def where(self) -> slice | np.ndarray:
        """The runs' columns in a chunk's rows: a slice while they are consecutive (writing through a
        slice costs a third of writing through an index array, at every step of every group)."""
        return self._where

    def _find_where(self) -> None:
        runs = self.runs
        consecutive = runs.size and runs[-1] - runs[0] + 1 == runs.size
        self._where = slice(int(runs[0]), int(runs[-1]) + 1) if consecutive else runs

    def drop(self, keep: np.ndarray) -> None:
        """Keep only the runs where ``keep`` is true."""
        self.runs, self.x = self.runs[keep], self.x[keep]
        self._find_where()
        compact_state(self.state, keep)
        if isinstance(self.land, MinibatchView):
            self.land.drop(keep)

    def latest_batches(self) -> dict[int, np.ndarray]:
        """Each running run's latest minibatch (sample indices), if this group uses minibatches."""
        view = self.land
        if not isinstance(view, MinibatchView) or view.last_batches is None:
            return {}
        return {int(run): view.last_batches[k].copy() for k, run in enumerate(self.runs)}


class Engine:
    """Advance all runs of ``experiment`` chunk by chunk; see the module docstring."""

    def __init__(
        self,
        experiment: Experiment,
        record: str = "full",
        check_every: int | None = None,
        tolerances: Tolerances = Tolerances(),
        keep_chunks: bool = True,
        group_seeds: Sequence[int] | None = None,
    ):
        """``group_seeds``: each method's seed (by default the experiment's): the runs of method k are
        then those of an experiment of that method alone with seed ``group_seeds[k]``."""
        if record not in ("full", "final"):
            raise ValueError("record must be 'full' or 'final'")
        self.exp, self.record, self.tol = experiment, record, tolerances
        self.check_every = check_every or (10 if record == "full" else 20)
        land = experiment.landscape
        self.land: Landscape = land
        seeds = list(group_seeds) if group_seeds is not None else [None] * len(experiment.methods)
        if len(seeds) != len(experiment.methods):
            raise ValueError("group_seeds needs one seed per method")
        self.groups = [_Group(experiment, i, seed) for i, seed in enumerate(seeds)]
        n, dim = experiment.n_runs, land.dim
        self.t = 0
        self.status = np.full(n, RUNNING, dtype=object)
        self.steps = np.zeros(n, dtype=np.int64)
        self.start_positions = np.tile(
            np.asarray(experiment.starts, dtype=float), (len(experiment.methods), 1)
        )
        with np.errstate(all="ignore"):
            self.start_losses = land.value_fn(self.start_positions)
        self.current_x = self.start_positions.copy()
        self.current_f = self.start_losses.copy()
        self.final_x = np.full((n, dim), np.nan)
        self.final_f = np.full(n, np.nan)
        self.best_f = self.start_losses.copy()
        self.checks = RunChecks(
            land,
            tolerances,
            self.start_positions,
            self.start_losses,
            np.concatenate([np.full(g.size, g.rule) for g in self.groups]),
            np.concatenate([np.full(g.size, g.params.get("patience", np.inf)) for g in self.groups]),
        )
        self.chunks: list[Chunk] = []  # every chunk so far, unless keep_chunks=False (streaming only)
        self.keep_chunks = keep_chunks
        self._last_check = 0
        # (positions, losses, rates, row) mid-chunk
        self._rows: tuple[np.ndarray, np.ndarray, np.ndarray, int] | None = None
        self._extra_names = sorted({name for g in self.groups for name in g.method.extras})

    # ---- public API -------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return not any(g.size for g in self.groups)

    @property
    def n_runs(self) -> int:
        return self.exp.n_runs

    def advance(self, n_steps: int) -> Chunk | None:
        """Advance up to ``n_steps`` steps (fewer at max_steps); returns the new rows (full) or None."""
        n_steps = min(n_steps, self.exp.max_steps - self.t)
        if self.done or n_steps <= 0:
            return None
        with np.errstate(all="ignore"):
            chunk = self._advance_full(n_steps) if self.record == "full" else self._advance_final(n_steps)
        if chunk is not None:
            if self.keep_chunks:
                self.chunks.append(chunk)
        return chunk

    def iter_chunks(self, chunk_steps: int = 100) -> Iterator[Chunk | None]:
        """Yield after every chunk until every run has finished."""
        while not self.done:
            yield self.advance(chunk_steps)

    def run(self, chunk_steps: int = 500) -> Engine:
        """Run to the end; returns self."""
        for _ in self.iter_chunks(chunk_steps):
            pass
        return self

    # ---- stepping ------------------------------------------------------------------------------------
    def _step_group(self, g: _Group, t: int) -> None:
        g.x = g.method.step(g.x, g.state, t, g.lrs[t - 1], g.land, g.params, g.rng)

    def _collect_self_finished(self, t: int, groups: list[_Group]) -> None:
        """Runs of self-finishing methods end on the very step they finish, not at the next check."""
        for g in groups:
            if g.size and g.state["finished"].any():
                done = g.state["finished"]
                x_end = g.state["best_x"][done] if g.method.reports_best else g.x[done]
                f_end = self.land.value_fn(x_end)
                self._finish(g.runs[done], CONVERGED, t, x_end, f_end)
                g.drop(~done)

    def _advance_full(self, n_steps: int) -> Chunk:
        n_runs, dim, t0 = self.n_runs, self.land.dim, self.t
        pos = np.empty((n_steps, n_runs, dim))
        pos[:] = self.current_x
        losses = np.empty((n_steps, n_runs))
        lrs = np.full((n_steps, n_runs), np.nan)
        for g in self.groups:  # (a run that ends mid-chunk has NaN after its end: see _finish)
            if g.size:
                lrs[:, g.where] = g.lrs[t0 : t0 + n_steps, None]
        extras = {name: np.full((n_steps, n_runs), np.nan) for name in self._extra_names}
        value_fn = self.land.value_fn
        self_finishing = [g for g in self.groups if g.rule == "self"]
        for i in range(n_steps):
            t = t0 + i + 1
            row = pos[i]
            for g in self.groups:
                if g.runs.size:
                    g.x = x = g.method.step(g.x, g.state, t, g.lrs[t - 1], g.land, g.params, g.rng)
                    row[g.where] = x
                    for name, values in g.state.get("extras", {}).items():
                        extras[name][i, g.where] = values
            losses[i] = fx = value_fn(row)
            self.t = t
            self._rows = (pos, losses, lrs, i)
            if not np.isfinite(fx).all():
                self._stop_nonfinite_full(i, pos, losses)
            if self_finishing:
                self._collect_self_finished(t, self_finishing)
            if t % self.check_every == 0 or t == self.exp.max_steps:
                self._check_all(t, losses[i])
        self._rows = None
        self.current_x, self.current_f = pos[-1].copy(), losses[-1].copy()
        self.best_f = np.fmin(self.best_f, np.fmin.reduce(losses, axis=0))  # NaN-aware, never warns
        batches = {run: idx for g in self.groups for run, idx in g.latest_batches().items()}
        return Chunk(
            self.t - n_steps + 1, pos, losses, lrs, extras, tuple(self.status), self.steps.copy(), batches
        )

    def _advance_final(self, n_steps: int) -> None:
        self_finishing = [g for g in self.groups if g.rule == "self"]
        for _ in range(n_steps):
            t = self.t + 1
            for g in self.groups:
                if g.size:
                    self._step_group(g, t)
            self.t = t
            if self_finishing:
                self._collect_self_finished(t, self_finishing)
            if t % self.check_every == 0 or t == self.exp.max_steps:
                self._check_all(t, None)
        return None

    # ---- status checks -------------------------------------------------------------------------------
    def _stop_nonfinite_full(self, i: int, pos: np.ndarray, losses: np.ndarray) -> None:
        """Runs that went non-finite at row ``i`` end diverged at their previous (finite) step."""
        bad = ~np.isfinite(losses[i]) | ~np.isfinite(pos[i]).all(axis=1)
        prev_x = pos[i - 1, bad] if i else self.current_x[bad]
        prev_f = losses[i - 1, bad] if i else self.current_f[bad]
        pos[i, bad], losses[i, bad] = prev_x, prev_f
        runs = np.flatnonzero(bad)
        self._finish(runs, DIVERGED, self.t - 1, prev_x, prev_f)
        for g in self.groups:
            if g.size:
                g.drop(~np.isin(g.runs, runs))

    def _check_all(self, t: int, row_losses: np.ndarray | None) -> None:
        """Status checks for every running run; ``row_losses`` is this step's loss row when recorded."""
        elapsed, self._last_check = t - self._last_check, t
        live = [g for g in self.groups if g.size]
        if not live:
            return
        runs = np.concatenate([g.runs for g in live])
        x = np.concatenate([g.x for g in live])
        fx = self.land.value_fn(x) if row_losses is None else row_losses[runs]
        finished = np.zeros(runs.size, dtype=bool)
        first = np.cumsum([0] + [g.size for g in live])
        for g, a in zip(live, first[:-1], strict=True):
            if g.rule == "self":
                finished[a : a + g.size] = g.state["finished"]
        verdicts = self.checks.check(runs, x, fx, elapsed, finished)
        at_end = t >= self.exp.max_steps
        if at_end or verdicts.any_ended():
            for g, a, b in zip(live, first[:-1], first[1:], strict=True):
                self._end_runs(g, t, elapsed, _part(verdicts, a, b), at_end)
        self.checks.x_ref[runs] = x

    def _end_runs(self, g: _Group, t: int, elapsed: int, v: Verdicts, at_end: bool) -> None:
        """Finish the runs of ``g`` that the check ``v`` ended (and every one at max_steps)."""
        running = ~v.diverged & ~v.settled
        if (~v.finite).any():  # a non-finite state ends at the last checked (finite) position
            x_ref = self.checks.x_ref[g.runs[~v.finite]]
            self._finish(g.runs[~v.finite], DIVERGED, t - elapsed, x_ref, self.land.value_fn(x_ref))
        outcomes = [(v.diverged & v.finite, DIVERGED), (v.settled, CONVERGED)]
        if at_end:
            outcomes.append((running, MAX_STEPS))
        best = self.checks.best[g.runs]
        for mask, status in outcomes:
            if mask.any():
                x_end = g.state["best_x"][mask] if g.method.reports_best else g.x[mask]
                f_end = self.land.value_fn(x_end)
                self._finish(g.runs[mask], status, t, x_end, np.fmin(f_end, best[mask]), f_end)
        ended = ~running | at_end
        if ended.any():
            g.drop(~ended)

    def _finish(
        self,
        runs: np.ndarray,
        status: str,
        steps: int,
        x: np.ndarray,
        best: np.ndarray,
        f: np.ndarray | None = None,
    ) -> None:
        """Record the end of ``runs``; in a full chunk, later rows repeat the last recorded row."""
        self.status[runs] = status
        self.steps[runs] = steps
        self.final_x[runs] = x
        self.final_f[runs] = best if f is None else f
        self.best_f[runs] = np.fmin(self.best_f[runs], best)
        if self._rows is not None:
            pos, losses, lrs, i = self._rows
            pos[i + 1 :, runs] = pos[i, runs]
            losses[i + 1 :, runs] = losses[i, runs]
            lrs[i + 1 :, runs] = np.nan


def _part(v: Verdicts, a: int, b: int) -> Verdicts:
    return Verdicts(v.finite[a:b], v.diverged[a:b], v.settled[a:b])
