"""Learning-rate stability: the largest curvature L of a landscape, and the rates that stay stable there.

On a quadratic whose largest Hessian eigenvalue is L, a fixed-rate method converges only below a limit:

* gradient descent (and the methods whose drift is a GD step: noisy SGD, perturbed GD, Langevin):
  η < 2/L. The sheet states it for Langevin (§1.9: ``ηa < 2`` on ``f = a x²/2``); it is the same for GD.
* heavy-ball momentum with β (sheet §1.2's classic form): η < 2(1+β)/L.
* Nesterov momentum with μ (sheet §1.3): η < 2(1+μ)/((1+2μ)L).

The sheet states neither momentum bound: both are derived here, on a quadratic (``heavy_ball_limit``,
``nesterov_limit``). The suggested rate is half the limit: for GD that is 1/L, the step of the descent
lemma (f(x − ∇f/L) ≤ f(x) − |∇f|²/(2L) wherever the curvature stays within ±L), so a run started anywhere
in the box goes downhill every step while it stays there; the factor 2 is also a margin for an L that
sampling underestimates. Methods that normalize their step (AdaGrad, RMSProp, Adam) or judge moves by
acceptance (annealing, Metropolis, MALA, minibatch MH) have no such limit here: None. Random restarts
and basin hopping descend locally by plain GD with their lr: 2/L.

L is taken over the whole domain, not just where a run goes: it is conservative (Rastrigin: 2 + 40π²,
at every integer point; Rosenbrock on its domain: about 5.3e3, at the corners x = ±2, y = −1).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.landscape import Landscape
from core.landscapes.data import DataLandscape

SAMPLES = 4000  # Hessians per estimate: ≤ 8·SAMPLES gradient rows in 2-D (≈ 5 ms on the test functions)
# On a data landscape a gradient row costs one pass over the data: Hessians × data points stay below this
# (≈ 15–40 ms; 1,000 Hessians for the built-in 64-point datasets, 8 for the largest file allowed).
DATA_BUDGET = 64_000
MIN_DATA_SAMPLES = 8
SEED = 0  # the random sample points are the same on every call
FD_STEP = 1e-5  # difference step for the Hessian, as a fraction of the domain's size
KINK_TOL = 0.1  # Hessians at steps h and 2h further apart than this (relatively) mark a kink


def heavy_ball_limit(beta: float) -> float:
    """The largest stable ``η·L`` of heavy-ball momentum with coefficient β (0 ≤ β < 1): 2(1+β).

    On f = λx²/2 with h = ηλ the iterates obey x_{t+1} = (1+β−h)x_t − βx_{t−1}, whose characteristic
    polynomial z² − (1+β−h)z + β has both roots inside the unit circle iff (Jury) |β| < 1, h > 0 and
    2 + 2β − h > 0.
    """
    return 2.0 * (1.0 + beta)


def nesterov_limit(mu: float) -> float:
    """The largest stable ``η·L`` of Nesterov momentum with coefficient μ (0 ≤ μ < 1): 2(1+μ)/(1+2μ).

    Sutskever's form is x_t = y_{t−1} − η∇f(y_{t−1}), y_t = x_t + μ(x_t − x_{t−1}); on f = λx²/2 with
    h = ηλ this gives x_{t+1} = (1−h)((1+μ)x_t − μx_{t−1}), with characteristic polynomial
    z² − (1−h)(1+μ)z + (1−h)μ. Jury's conditions: h > 0, |(1−h)μ| < 1 and 1 + (1−h)(1+2μ) > 0; the last
    is the binding one. μ = 0 gives GD's 2; μ = 0.9 gives about 1.357, below GD's.
    """
    return 2.0 * (1.0 + mu) / (1.0 + 2.0 * mu)


# method id -> (the largest stable η·L given the method's parameters, that bound written out)
LIMITS: dict[str, tuple[Callable[[Mapping[str, Any]], float], str]] = {
    "gd": (lambda p: 2.0, "2/L"),
    "sgd": (lambda p: 2.0, "2/L"),
    "perturbed-gd": (lambda p: 2.0, "2/L"),
    "langevin": (lambda p: 2.0, "2/L"),
    "restarts": (lambda p: 2.0, "2/L"),  # (their local descent is plain GD with lr)
    "basin-hopping": (lambda p: 2.0, "2/L"),
    "momentum": (lambda p: heavy_ball_limit(p["beta"]), "2(1+β)/L"),
    "nesterov": (lambda p: nesterov_limit(p["mu"]), "2(1+μ)/((1+2μ)L)"),
}
SAFE_FRACTION = 0.5  # the suggested rate, as a fraction of the limit (see the module docstring)


@dataclass(frozen=True)
class RateAdvice:
    """What the stability rule says about one method's rate on one landscape."""

    curvature: float  # L
    limit: float  # the largest stable rate
    suggestion: float  # SAFE_FRACTION × limit
    formula: str  # the limit written out, e.g. "2/L"
    lr: float  # the method's current rate

    @property
    def unstable(self) -> bool:
        """Whether the current rate is above the limit."""
        return self.lr > self.limit


def rate_advice(land: Landscape, method_id: str, params: Mapping[str, Any]) -> RateAdvice | None:
    """The stability limit and the suggested rate of ``method_id`` with ``params`` on ``land``; None when
    the method has no such limit (see the module docstring) or the landscape has no positive curvature.
    ``params`` needs ``lr``, and ``beta`` / ``mu`` for momentum / Nesterov (a MethodSpec's hold them all).
    """
    rule = LIMITS.get(method_id)
    if rule is None:
        return None
    curvature = largest_curvature(land)
    if not curvature > 0:
        return None
    limit = rule[0](params) / curvature
    return RateAdvice(curvature, limit, SAFE_FRACTION * limit, rule[1], float(params["lr"]))


def stable_rate(land: Landscape, method_id: str, params: Mapping[str, Any]) -> float | None:
    """The suggested rate: half the stability limit (1/L for GD); None where the notion does not apply."""
    advice = rate_advice(land, method_id, params)
    return None if advice is None else advice.suggestion


def unstable(land: Landscape, method_id: str, params: Mapping[str, Any]) -> bool:
    """Whether ``params["lr"]`` is above the method's stability limit on ``land`` (False without one)."""
    advice = rate_advice(land, method_id, params)
    return advice is not None and advice.unstable


# ---- the largest curvature --------------------------------------------------------------------------

_CACHE: dict[tuple[int, int], tuple[weakref.ref, float]] = {}


def sample_budget(land: Landscape) -> int:
    """How many Hessians ``largest_curvature`` takes by default: SAMPLES, fewer on a data landscape."""
    if isinstance(land, DataLandscape):
        return int(np.clip(DATA_BUDGET // land.n_samples, MIN_DATA_SAMPLES, SAMPLES))
    return SAMPLES


def largest_curvature(land: Landscape, samples: int | None = None) -> float:
    """L: the largest Hessian eigenvalue found over ``land``'s domain (NaN if no sample is finite).

    Samples at most ``samples`` points (default ``sample_budget``: 4,000 on a function, i.e. 32,000
    gradient rows in 2-D; fewer on a data landscape): the known minima in the box (up to a quarter),
    a grid with its corners, then seeded uniform points. Each Hessian is a central difference of the
    analytic gradient (no landscape has an analytic Hessian), taken at two steps: where they disagree
    the gradient has a kink (Ackley's tip), where no finite curvature exists and no fixed rate settles,
    so the point is left out, as are non-finite values. Cost: 4·dim gradient rows per sample, in one
    vectorized call. Cached per landscape object (by identity, for as long as it lives).
    """
    samples = sample_budget(land) if samples is None else samples
    key = (id(land), samples)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is land:
        return hit[1]
    value = _estimate(land, samples)
    _CACHE[key] = (weakref.ref(land, lambda _: _CACHE.pop(key, None)), value)
    return value


def _estimate(land: Landscape, samples: int) -> float:
    points = sample_points(land, samples)
    hessians = _smooth_hessians(land, points)
    if not len(hessians):
        return float("nan")
    return float(np.linalg.eigvalsh(hessians)[:, -1].max())


def sample_points(land: Landscape, samples: int) -> np.ndarray:
    """At most ``samples`` points of the box: known minima (≤ a quarter), a grid (≈ half), random ones."""
    dim, lo, hi = land.dim, land.lower, land.upper
    minima = np.array([m.location for m in land.minima_in_domain()], dtype=float).reshape(-1, dim)
    minima = minima[: samples // 4]
    per_axis = max(2, int((samples // 2) ** (1.0 / dim)))
    axes = [np.linspace(a, b, per_axis) for a, b in zip(lo, hi, strict=True)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, dim)
    rest = max(0, samples - len(minima) - len(grid))
    uniform = lo + (hi - lo) * np.random.default_rng(SEED).random((rest, dim))
    return np.concatenate([minima, grid, uniform])[:samples]


def _smooth_hessians(land: Landscape, points: np.ndarray) -> np.ndarray:
    """The finite Hessians (K, dim, dim) at the points where the gradient has no kink."""
    h = FD_STEP * land.scale
    both = _hessians(land, points, np.array([h, 2 * h]))
    fine, coarse = both[:, 0], both[:, 1]
    finite = np.isfinite(both).all(axis=(1, 2, 3))
    with np.errstate(all="ignore"):
        gap = np.abs(fine - coarse).max(axis=(1, 2))
        smooth = gap <= KINK_TOL * np.abs(fine).max(axis=(1, 2))
    return fine[finite & smooth]


def _hessians(land: Landscape, points: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """(N, len(steps), dim, dim) symmetric central-difference Hessians, one per step, in one call."""
    n, dim = points.shape
    unit = np.concatenate([np.eye(dim), -np.eye(dim)])  # (2·dim, dim)
    offsets = steps[:, None, None] * unit[None]  # (S, 2·dim, dim)
    probes = points[:, None, None, :] + offsets[None]
    g = land.grad(probes.reshape(-1, dim)).reshape(n, len(steps), 2 * dim, dim)
    with np.errstate(all="ignore"):
        hess = (g[:, :, :dim] - g[:, :, dim:]) / (2 * steps[None, :, None, None])  # row i: ∂g/∂x_i
    return 0.5 * (hess + np.swapaxes(hess, 2, 3))
