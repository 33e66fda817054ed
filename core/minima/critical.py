"""Critical points, verified: polishing points into minima with a damped Newton method, and the tests a
point must pass to be listed as a minimum.

A point is a **verified minimum** when its gradient is below a tolerance scaled to the landscape (the
spread of f over the domain divided by the domain's size), its Hessian is positive semi-definite (up to
a tolerance of the same scale), and no nearby point is lower (which also rules out degenerate saddles
such as the monkey saddle's, whose Hessian is zero). The Hessian is a central difference of the analytic
gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landscape import Landscape
from core.minima.grid import sampled_values

GRAD_TOL = 1e-6  # |∇f| ≤ GRAD_TOL × (spread of f) / (domain size)
HESS_TOL = 1e-6  # λ_min(H) ≥ −HESS_TOL × (spread of f) / (domain size)²
NEWTON_STEPS = 60
DAMPINGS = (0.25, 1.0, 8.0, 64.0, 512.0, 4096.0, 32768.0)  # tried at once, least damped first
FD_STEP = 1e-6  # central-difference step for the Hessian, as a fraction of the domain size
NEIGHBOUR_RADIUS = 1e-3  # the lower-neighbour test looks this far, as a fraction of the domain size


@dataclass(frozen=True)
class Scales:
    """The units tolerances are measured in: the spread of f over the domain and the domain's size."""

    spread: float
    length: float

    @property
    def grad_tol(self) -> float:
        return GRAD_TOL * self.spread / self.length

    @property
    def hess_tol(self) -> float:
        return HESS_TOL * self.spread / self.length**2


def scales_of(land: Landscape, values: np.ndarray) -> Scales:
    """The scales of ``land`` from its values on a grid (5th to 95th percentile; 1 if flat)."""
    finite = values[np.isfinite(values)]
    spread = float(np.percentile(finite, 95) - np.percentile(finite, 5)) if finite.size else 0.0
    if not spread > 0:
        spread = float(np.ptp(finite)) if finite.size else 0.0
    return Scales(spread if spread > 0 else 1.0, land.scale)


def landscape_scales(land: Landscape, n: int = 41) -> Scales:
    """The scales of ``land`` measured on an n-point-per-axis grid over its domain."""
    return scales_of(land, sampled_values(land, n))


def hessians(land: Landscape, points: np.ndarray) -> np.ndarray:
    """(N, dim, dim) symmetric Hessians by central differences of the analytic gradient."""
    n, dim = points.shape
    h = FD_STEP * land.scale
    offsets = np.concatenate([np.eye(dim) * h, -np.eye(dim) * h])  # (2·dim, dim)
    probes = (points[:, None, :] + offsets[None, :, :]).reshape(-1, dim)
    with np.errstate(all="ignore"):
        g = land.grad_fn(probes).reshape(n, 2 * dim, dim)
        hess = (g[:, :dim, :] - g[:, dim:, :]) / (2 * h)  # row i: ∂g/∂x_i
        return 0.5 * (hess + np.swapaxes(hess, 1, 2))


def polish(
    land: Landscape,
    points: np.ndarray,
    scales: Scales,
    steps: int = NEWTON_STEPS,
) -> np.ndarray:
    """Damped Newton (Levenberg–Marquardt) from each point, downhill only, until its gradient is far
    below tolerance or it stops improving. Returns the points reached (not yet verified)."""
    x = np.array(points, dtype=float).reshape(-1, land.dim)
    with np.errstate(all="ignore"):
        f = land.value_fn(x)
    mu = np.full(len(x), scales.spread / scales.length**2)
    for _ in range(steps):
        with np.errstate(all="ignore"):
            g = land.grad_fn(x)
        active = np.flatnonzero(
            np.isfinite(f) & (np.abs(g).max(axis=1) > 1e-3 * scales.grad_tol) & (mu < 1e30)
        )
        if not active.size:
            break
        trial, f_trial, mu_used = _damped_steps(land, x[active], f[active], g[active], mu[active])
        moved = np.isfinite(f_trial)
        x[active[moved]], f[active[moved]] = trial[moved], f_trial[moved]
        mu[active] = np.where(moved, mu_used / 4, mu[active] * DAMPINGS[-1] * 8)
    return x


def _damped_steps(
    land: Landscape, x: np.ndarray, f: np.ndarray, g: np.ndarray, mu: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each point, the least damped of several Levenberg–Marquardt steps (damping mu × DAMPINGS)
    that does not raise f. f is NaN where none does."""
    n, dim = x.shape
    hess = hessians(land, x)
    damping = mu[:, None] * np.array(DAMPINGS)[None, :]  # (n, k)
    system = hess[:, None, :, :] + damping[:, :, None, None] * np.eye(dim)
    with np.errstate(all="ignore"):
        rhs = np.broadcast_to(g[:, None, :, None], (n, len(DAMPINGS), dim, 1))
        try:
            steps = -np.linalg.solve(system, rhs)[..., 0]
        except np.linalg.LinAlgError:
            steps = -g[:, None, :] / damping[:, :, None]
        trials = x[:, None, :] + steps
        f_trials = land.value_fn(trials.reshape(-1, dim)).reshape(n, len(DAMPINGS))
    ok = np.isfinite(f_trials) & (f_trials <= f[:, None])
    first = np.argmax(ok, axis=1)
    found = ok[np.arange(n), first]
    rows = np.arange(n)
    f_new = np.where(found, f_trials[rows, first], np.nan)
    return trials[rows, first], f_new, damping[rows, first]


def verified(land: Landscape, points: np.ndarray, scales: Scales) -> np.ndarray:
    """Whether each point is a verified minimum (see the module docstring)."""
    points = np.asarray(points, dtype=float).reshape(-1, land.dim)
    if not len(points):
        return np.zeros(0, dtype=bool)
    with np.errstate(all="ignore"):
        f = land.value_fn(points)
        g = land.grad_fn(points)
    ok = np.isfinite(f) & np.isfinite(g).all(axis=1) & (np.abs(g).max(axis=1) <= scales.grad_tol)
    hess = hessians(land, points)
    finite = np.isfinite(hess).all(axis=(1, 2))
    eig_min = np.full(len(points), -np.inf)
    if finite.any():
        eig_min[finite] = np.linalg.eigvalsh(hess[finite])[:, 0]
    ok &= eig_min >= -scales.hess_tol
    return ok & _no_lower_neighbour(land, points, f, scales)


def _no_lower_neighbour(land: Landscape, points: np.ndarray, f: np.ndarray, scales: Scales) -> np.ndarray:
    """No point at distance r (8 directions in 2-D, 2 in 1-D) is lower by more than rounding allows."""
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    directions = (
        np.array([[1.0], [-1.0]]) if land.dim == 1 else np.column_stack([np.cos(angles), np.sin(angles)])
    )
    r = NEIGHBOUR_RADIUS * scales.length
    probes = (points[:, None, :] + r * directions[None, :, :]).reshape(-1, land.dim)
    with np.errstate(all="ignore"):
        around = land.value_fn(probes).reshape(len(points), len(directions))
    slack = 1e-12 * scales.spread + 1e-12 * np.abs(f)
    with np.errstate(all="ignore"):
        return np.all(around >= (f - slack)[:, None], axis=1)


def descend(land: Landscape, points: np.ndarray, iterations: int = 400, max_step: float = 0.05) -> np.ndarray:
    """Follow the gradient downhill from each point (vectorized backtracking descent).

    Approximates the gradient flow, so the result is the minimum whose basin of attraction
    holds the point. Step sizes adapt per point (Armijo rule: halve on failure, grow on success),
    up to ``max_step`` × the domain's size.
    """
    x = np.array(points, dtype=float).reshape(-1, land.dim)
    step = np.full(len(x), 1e-3 * land.scale)
    with np.errstate(all="ignore"):
        f = land.value_fn(x)
        for _ in range(iterations):
            g = land.grad_fn(x)
            gnorm = np.linalg.norm(g, axis=1)
            direction = g / np.where(gnorm > 0, gnorm, 1.0)[:, None]
            trial = x - step[:, None] * direction
            f_trial = land.value_fn(trial)
            ok = f_trial <= f - 1e-4 * step * gnorm
            x = np.where(ok[:, None], trial, x)
            f = np.where(ok, f_trial, f)
            step = np.where(ok, np.minimum(step * 1.5, max_step * land.scale), step * 0.5)
            if np.all(step < 1e-13 * land.scale):
                break
    return x
