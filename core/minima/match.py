"""Matching a final point to the landscape's known minima."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landscape import Landscape

MATCH_RADIUS = 0.01  # as a fraction of the domain's scale


@dataclass(frozen=True)
class MinimumMatch:
    """Which minimum a point reached: ``kind`` is ``global``, ``local`` or ``none``.

    ``location``/``value`` are the known minimum's (``None`` for an unlisted local minimum).
    """

    kind: str
    location: tuple[float, ...] | None = None
    value: float | None = None
    distance: float | None = None

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "location": None if self.location is None else list(self.location),
            "value": self.value,
            "distance": self.distance,
        }


def match_minimum(land: Landscape, point: np.ndarray) -> MinimumMatch:
    """The known minimum within ``MATCH_RADIUS × scale`` of ``point`` (nearest first).

    A point near no listed minimum still counts as a minimum when it is a numerical local
    minimum (small gradient, lower than its neighbours), e.g. Rastrigin's far lattice points or a
    periodic function's minimum just outside the domain: ``global`` if as deep as the global one.
    """
    return match_minima(land, np.asarray(point, dtype=float).reshape(1, land.dim))[0]


def match_minima(land: Landscape, points: np.ndarray) -> list[MinimumMatch]:
    """``match_minimum`` for every row of ``points``, vectorized over the listed minima."""
    points = np.asarray(points, dtype=float).reshape(-1, land.dim)
    if land.minima and len(points):
        locations = np.array([m.location for m in land.minima], dtype=float)
        dist = np.linalg.norm(points[:, None, :] - locations[None, :, :], axis=2)
        nearest = np.argmin(dist, axis=1)
        nearest_dist = dist[np.arange(len(points)), nearest]
    else:
        nearest = np.zeros(len(points), dtype=int)
        nearest_dist = np.full(len(points), np.inf)
    radius = MATCH_RADIUS * land.scale
    matches = []
    for point, index, d in zip(points, nearest, nearest_dist, strict=True):
        if not np.isfinite(point).all():
            matches.append(MinimumMatch("none"))
        elif d <= radius:
            m = land.minima[index]
            matches.append(MinimumMatch(m.kind, tuple(m.location), m.value, float(d)))
        else:
            matches.append(_unlisted_match(land, point))
    return matches


def _unlisted_match(land: Landscape, point: np.ndarray) -> MinimumMatch:
    if not _is_numerical_minimum(land, point):
        return MinimumMatch("none")
    f_star, f = land.global_value, float(land.value(point)[0])
    is_global = f_star is not None and abs(f - f_star) <= 1e-6 * (1 + abs(f_star))
    return MinimumMatch("global" if is_global else "local", value=f)


def _is_numerical_minimum(land: Landscape, point: np.ndarray) -> bool:
    f0 = float(land.value(point)[0])
    g = land.grad(point)[0]
    if not np.isfinite(f0) or np.abs(g).max() > 1e-4 * (1 + abs(f0)):
        return False
    h = 1e-3 * land.scale
    offsets = np.vstack([np.eye(land.dim) * h, -np.eye(land.dim) * h])
    return bool(np.all(land.value(point + offsets) >= f0 - 1e-12 * (1 + abs(f0))))


def descend(land: Landscape, points: np.ndarray, iterations: int = 400) -> np.ndarray:
    """Follow the gradient downhill from each point (vectorized backtracking descent).

    Approximates the gradient flow, so the result is the minimum whose basin of attraction
    holds the point. Step sizes adapt per point (Armijo rule: halve on failure, grow on success).
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
            step = np.where(ok, np.minimum(step * 1.5, 0.05 * land.scale), step * 0.5)
            if np.all(step < 1e-13 * land.scale):
                break
    return x


def basins_of(land: Landscape, points: np.ndarray) -> list[MinimumMatch]:
    """The minimum whose basin holds each point: descend from it, then match the end point."""
    points = np.asarray(points, dtype=float).reshape(-1, land.dim)
    finite = np.isfinite(points).all(axis=1)
    ends = points.copy()
    ends[finite] = descend(land, points[finite])
    return match_minima(land, ends)
