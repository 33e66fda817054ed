"""Matching a final point to the landscape's known minima."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landscape import Landscape
from core.minima.critical import landscape_scales, verified

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

    A point near no listed minimum still counts as a minimum when it is a verified one
    (``core.minima.critical``), e.g. Ackley's far lattice points or a periodic function's minimum just
    outside the domain: ``global`` if as deep as the global one.
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
    if not verified(land, point[None, :], landscape_scales(land))[0]:
        return MinimumMatch("none")
    f_star, f = land.global_value, float(land.value(point)[0])
    is_global = f_star is not None and abs(f - f_star) <= 1e-6 * (1 + abs(f_star))
    return MinimumMatch("global" if is_global else "local", value=f)
