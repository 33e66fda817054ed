""" "Retrain N times": run one optimizer from N random starts on a d-dimensional random landscape.

The landscape is ``core.studies.highdim.RandomLandscape(d)`` wrapped as a ``core.landscape.Landscape``, so any
method of ``core.methods`` runs on it through the ordinary engine.  The spread of the final losses per
dimension (f/d) over the N runs is the point: in many dimensions the runs end at different minima that are
all about as good, in few dimensions they do not.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from core.experiment.spec import Experiment, MethodSpec, parse_method_spec
from core.landscape import Landscape
from core.progress import check_cancel
from core.runs.engine import DIVERGED, Engine
from core.studies.highdim import MAX_DIM, Progress, RandomLandscape

MAX_RUNS, MAX_RETRAIN_STEPS = 2000, 100_000
NEAR_BEST = 0.05  # a run is "near the best" if its loss/d is within this of the best run's
CHUNK_STEPS = 50
BOX = 4.0  # the nominal domain is [−BOX, BOX]^d; random starts are N(0, 1) per coordinate


def random_landscape(d: int, seed: int = 0) -> Landscape:
    """The random landscape of ``core.studies.highdim`` in ``d`` dimensions as an engine ``Landscape``.

    Its value is f itself (not f/d); the domain box [−4, 4]^d only sets the length scale used by the
    engine's convergence and divergence tests (starts lie well inside it).
    """
    if not 1 <= d <= MAX_DIM:
        raise ValueError(f"d = {d} is out of range: expected 1..{MAX_DIM}")
    return _as_landscape(RandomLandscape(d, seed=seed), seed)


def _as_landscape(f: RandomLandscape, seed: int) -> Landscape:
    d = f.d
    return Landscape(
        id=f"random-{d}d",
        name=f"Random landscape, d = {d}",
        dim=d,
        domain=((-BOX, BOX),) * d,
        value_fn=f.value,
        grad_fn=f.grad,
        description=(
            f"A random smooth function of {d} variable(s) (seed {seed}): {f.n_features} random Fourier "
            "features with length scale 0.3·√d plus ½‖x‖², see core.studies.highdim"
        ),
        formula="√d·Σ a_k cos(ω_k·x + φ_k)/√K + ½‖x‖²",
    )


@dataclass(frozen=True)
class RetrainResult:
    """The final losses per dimension of N runs of one method, and their statistics over finite runs."""

    d: int
    method: str  # the method text, e.g. "gd:lr=0.1"
    losses: np.ndarray  # (n,) final f/d of every run (diverged runs included, possibly non-finite)
    statuses: np.ndarray  # (n,) engine statuses: converged, max-steps, diverged
    mean: float
    std: float
    best: float
    worst: float
    share_near_best: float  # share of all n runs whose loss/d is within NEAR_BEST of the best
    n_diverged: int
    seconds: float

    @property
    def n(self) -> int:
        return len(self.losses)

    @property
    def finite(self) -> np.ndarray:
        """(n,) bool: runs that did not diverge and ended at a finite loss (the ones in the statistics)."""
        return np.isfinite(self.losses) & (self.statuses != DIVERGED)

    def histogram(self, bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
        """(edges (bins+1,), counts (bins,)) of the finite final losses per dimension."""
        values = self.losses[self.finite]
        if not values.size:
            return np.array([0.0, 1.0]), np.zeros(1, dtype=int)
        lo, hi = float(values.min()), float(values.max())
        if hi - lo < 1e-9:
            lo, hi = lo - 0.5e-3, hi + 0.5e-3
        counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
        return edges, counts


def check_retrain_args(d: int, method: str, n: int, steps: int) -> MethodSpec:
    """Validate the inputs of ``retrain``; returns the parsed method spec, else raises ValueError."""
    if not 1 <= d <= MAX_DIM:
        raise ValueError(f"d = {d} is out of range: expected 1..{MAX_DIM}")
    if not 2 <= n <= MAX_RUNS:
        raise ValueError(f"N = {n} is out of range: expected 2..{MAX_RUNS} runs")
    if not 1 <= steps <= MAX_RETRAIN_STEPS:
        raise ValueError(f"steps = {steps} is out of range: expected 1..{MAX_RETRAIN_STEPS}")
    spec = parse_method_spec(method)  # ParamError (a ValueError) naming the problem
    batch = spec.params.get("batch_size", 0)
    if batch:
        raise ValueError(f"{spec.method}: batch_size={batch} applies to data landscapes only; use 0")
    return spec


def summarize(d: int, method: str, losses: np.ndarray, statuses: np.ndarray, seconds: float) -> RetrainResult:
    """Statistics of the final losses per dimension; diverged or non-finite runs are left out."""
    losses = np.asarray(losses, dtype=float)
    statuses = np.asarray(statuses, dtype=object)
    ok = np.isfinite(losses) & (statuses != DIVERGED)
    values = losses[ok]
    if values.size:
        mean, std = float(values.mean()), float(values.std())
        best, worst = float(values.min()), float(values.max())
        near = float(np.sum(values <= best + NEAR_BEST)) / len(losses)
    else:
        mean = std = best = worst = near = float("nan")
    return RetrainResult(d, method, losses, statuses, mean, std, best, worst, near, int(np.sum(~ok)), seconds)


def retrain(
    d: int,
    method: str,
    n: int,
    steps: int = 1000,
    seed: int = 0,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> RetrainResult:
    """Run ``method`` (text such as ``"gd:lr=0.1"``) from ``n`` random starts on ``random_landscape(d)``.

    At most ``steps`` steps per run, in chunks of 50: ``progress`` gets the fraction done, ``cancel`` is
    checked between chunks (raises ``Cancelled``).  Starts are drawn from N(0, I_d) with a generator
    seeded by (seed, d); the engine is seeded by ``seed``.
    """
    spec = check_retrain_args(d, method, n, steps)
    t0 = time.perf_counter()
    f = RandomLandscape(d, seed=seed)
    land = _as_landscape(f, seed)
    starts = f.start_points(n, np.random.default_rng([seed, d, 2]))
    engine = Engine(Experiment(land, (spec,), starts, steps, seed), record="final", keep_chunks=False)
    while not engine.done:
        check_cancel(cancel)
        engine.advance(CHUNK_STEPS)
        if progress is not None:
            progress(min(engine.t / steps, 1.0))
    with np.errstate(all="ignore"):
        losses = engine.final_f / d
    return summarize(d, method.strip(), losses, engine.status.copy(), time.perf_counter() - t0)


def format_retrain(result: RetrainResult) -> str:
    """One line of statistics, e.g. for a label or the command line."""
    r = result
    diverged = f"{r.n_diverged} of {r.n} diverged (left out)" if r.n_diverged else "none diverged"
    return (
        f"d = {r.d}, {r.method}, N = {r.n}:  loss/d mean {r.mean:+.4f}, std {r.std:.4f}, "
        f"best {r.best:+.4f}, worst {r.worst:+.4f};  {r.share_near_best:.0%} within {NEAR_BEST} of the best;"
        f"  {diverged};  {r.seconds:.1f} s"
    )
