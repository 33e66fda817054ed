"""Heights of the 3-D view: a 2-D landscape's values as z over its domain, on a linear or a log scale
(Rosenbrock's valley is unreadable linearly), stretched by a vertical scale, and the lift that keeps a
trail riding on the surface visible above it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landscape import Landscape
from core.minima.grid import display_grid

HEIGHT_SHARE = 0.5  # the surface's height at vertical scale 1, as a share of the domain's larger side
LIFT_SHARE = 0.03  # trails and heads ride this share of the height above the surface
GRID = 100  # about this many points per axis in the 3-D surface's mesh (from the 2-D view's grid)
MAX_VERTICAL_SCALE = 10.0


@dataclass(frozen=True)
class HeightScale:
    """Maps values f to heights z: ``low`` → 0 and ``high`` → ``top`` (log: log10(1 + f − low))."""

    low: float
    high: float
    log: bool
    top: float

    def z(self, f: np.ndarray) -> np.ndarray:
        """The height of each value (a value off the scale is clipped to just beyond it; NaN stays)."""
        f = np.asarray(f, dtype=float)
        with np.errstate(all="ignore"):
            if self.log:
                share = np.log10(1.0 + np.maximum(f - self.low, 0.0)) / np.log10(1.0 + self.high - self.low)
            else:
                share = (f - self.low) / (self.high - self.low)
        return np.clip(share, -0.05, 1.05) * self.top

    def lifted(self, f: np.ndarray) -> np.ndarray:
        """Heights a little above the surface (for trails, heads and markers on it)."""
        return self.z(f) + LIFT_SHARE * self.top


@dataclass(frozen=True)
class SurfaceMesh:
    """The surface as a mesh: grid coordinates, heights, and each height's share of the scale (0…1,
    for the colour map)."""

    x: np.ndarray  # (G,)
    y: np.ndarray  # (G,)
    z: np.ndarray  # (G, G), z[i, j] over (x[i], y[j])
    share: np.ndarray  # (G, G)
    heights: HeightScale


def surface_mesh(land: Landscape, log: bool = False, vertical: float = 1.0, grid: int = GRID) -> SurfaceMesh:
    """``land``'s surface for the 3-D view (a 2-D landscape: ValueError otherwise)."""
    if land.dim != 2:
        raise ValueError(f"{land.id} is {land.dim}-D: the 3-D view shows 2-D landscapes")
    if not 0 < vertical <= MAX_VERTICAL_SCALE:
        raise ValueError(f"vertical scale {vertical:g}: expected a number in (0, {MAX_VERTICAL_SCALE:g}]")
    x, y, values = display_grid(land)  # (the 2-D view's, cached: every other point is enough here)
    step = max(1, len(x) // grid)
    x, y, values = x[::step], y[::step], values[::step, ::step]
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    high = high if high > low else low + 1.0
    side = float(np.max(land.upper - land.lower))
    heights = HeightScale(low, high, log, HEIGHT_SHARE * side * vertical)
    z = heights.z(values)
    return SurfaceMesh(np.asarray(x, float), np.asarray(y, float), z, z / heights.top, heights)
