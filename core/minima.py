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
        return {"kind": self.kind, "location": None if self.location is None else list(self.location),
                "value": self.value, "distance": self.distance}


def match_minimum(land: Landscape, point: np.ndarray) -> MinimumMatch:
    """The known minimum within ``MATCH_RADIUS × scale`` of ``point`` (nearest first).

    A point near no listed minimum still counts as ``local`` when it is a numerical local
    minimum (small gradient, lower than its neighbours): e.g. Rastrigin's far lattice points.
    """
    point = np.asarray(point, dtype=float).reshape(land.dim)
    if not np.isfinite(point).all():
        return MinimumMatch("none")
    radius = MATCH_RADIUS * land.scale
    best = None
    for m in land.minima:
        d = float(np.linalg.norm(point - np.asarray(m.location)))
        if d <= radius and (best is None or d < best[0]):
            best = (d, m)
    if best is not None:
        d, m = best
        return MinimumMatch(m.kind, tuple(m.location), m.value, d)
    if _is_numerical_minimum(land, point):
        # An unlisted minimum (outside the domain, or one of a lattice) as deep as the global one is global.
        f_star, f = land.global_value, float(land.value(point)[0])
        is_global = f_star is not None and abs(f - f_star) <= 1e-6 * (1 + abs(f_star))
        return MinimumMatch("global" if is_global else "local", value=f)
    return MinimumMatch("none")


def _is_numerical_minimum(land: Landscape, point: np.ndarray) -> bool:
    f0 = float(land.value(point)[0])
    g = land.grad(point)[0]
    if not np.isfinite(f0) or np.abs(g).max() > 1e-4 * (1 + abs(f0)):
        return False
    h = 1e-3 * land.scale
    offsets = np.vstack([np.eye(land.dim) * h, -np.eye(land.dim) * h])
    return bool(np.all(land.value(point + offsets) >= f0 - 1e-12 * (1 + abs(f0))))
