"""What the 2-D view paints for a landscape: its display grid's values (f, or log10(1 + f − min f) when
f spans many decades), their range, and contour lines traced by contourpy (matplotlib's contouring
library, in C++: about 100 times faster than pyqtgraph's Python tracer).

``surface_of`` remembers the last few landscapes' surfaces, so going back to a landscape costs nothing
and a worker that prepares a landscape computes its surface off the GUI thread."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import contourpy
import numpy as np

from core.landscape import Landscape
from core.minima.grid import contour_levels, display_grid, display_values, needs_log_colours

# Points of all contour lines together: Ackley's ripples trace 168,000, which cost 45 ms to build and
# 80 ms to paint; past this budget the shortest lines (the smallest rings) are left out first.
MAX_CONTOUR_POINTS = 40_000
_CACHE_SIZE = 16  # every built-in 2-D landscape (see ``warm_surfaces``) and a few more
_CACHE: OrderedDict[tuple[int, str], tuple[Landscape, Surface]] = OrderedDict()
SCALES = ("auto", "linear", "log")
_GUARD = threading.Lock()


def _fresh_locks_in_child() -> None:
    """In a forked child (the engine's process) a lock another thread held at the fork would never be
    released: it gets new ones. What the caches hold stays (only complete entries are stored)."""
    global _GUARD
    _GUARD = threading.Lock()


os.register_at_fork(after_in_child=_fresh_locks_in_child)

Line = tuple[np.ndarray, np.ndarray, np.ndarray]  # x, y and which point joins the next


@dataclass(frozen=True)
class Surface:
    """See the module docstring. ``contours`` are (x, y, connect) per level, in the pixel coordinates of
    an image of ``values`` (``values[i, j]`` fills the pixel from (i, j) to (i + 1, j + 1))."""

    values: np.ndarray
    log: bool
    low: float
    high: float
    contours: tuple[Line, ...]


def surface_of(land: Landscape, scale: str = "auto") -> Surface:
    """The surface of a 2-D landscape (remembered for the last few landscapes) coloured on a ``scale``
    of ``SCALES``: linear in f, log10(1 + f − min f), or "auto": log where f spans many decades."""
    if scale not in SCALES:
        raise ValueError(f"colour scale {scale!r}: expected one of {', '.join(SCALES)}")
    key = (id(land), scale)
    with _GUARD:
        hit = _CACHE.get(key)
    if hit is not None and hit[0] is land:
        return hit[1]
    surface = _surface(land, scale)
    with _GUARD:
        _CACHE[key] = (land, surface)  # the landscape is kept, so its id is not reused meanwhile
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return surface


def warm_surfaces(lands: list[Landscape], pause: float = 0.02, stop: threading.Event | None = None) -> None:
    """Compute the (default-scale) surfaces of ``lands`` ahead of time, pausing ``pause`` seconds
    between two (a background thread's work: the window's thread then finds them remembered when one is
    chosen, instead of spending 5–20 ms on it). Stops early once ``stop`` is set."""
    for land in lands:
        if stop is not None and stop.wait(pause):
            return
        surface_of(land)


def _surface(land: Landscape, scale: str) -> Surface:
    _, _, z = display_grid(land)
    log = needs_log_colours(z) if scale == "auto" else scale == "log"
    shown = display_values(z, log)
    finite = shown[np.isfinite(shown)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    lines = contour_lines(shown, [float(level) for level in contour_levels(shown)])
    return Surface(shown, log, low, high, tuple(lines))


def contour_lines(z: np.ndarray, levels: list[float]) -> list[Line]:
    """Each level's contour lines of the grid ``z`` as (x, y, connect) arrays (see ``Surface``), at
    most ``MAX_CONTOUR_POINTS`` points in all."""
    masked = np.ma.masked_invalid(z)  # undefined cells (a formula's log of a negative) stop the lines
    generator = contourpy.contour_generator(z=masked, line_type=contourpy.LineType.Separate)
    per_level = [[line for line in generator.lines(level) if len(line) > 1] for level in levels]
    out = []
    for lines in _within_budget(per_level):
        if lines:
            xy = np.concatenate(lines)
            # contourpy's x runs along z's columns (the second index), the image's x along its first.
            out.append((xy[:, 1] + 0.5, xy[:, 0] + 0.5, connect_within([len(line) for line in lines])))
    return out


def connect_within(sizes) -> np.ndarray:
    """The ``connect`` array for consecutive parts of ``sizes`` points each (runs, contour lines) drawn
    as one path: each point joined to the next one of its part, never to the next part."""
    sizes = np.asarray(sizes, dtype=int)
    connect = np.ones(int(sizes.sum()), dtype=bool)
    connect[(np.cumsum(sizes) - 1)[sizes > 0]] = False
    return connect


def _within_budget(per_level: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """The lines of each level, the shortest left out until all of them have ``MAX_CONTOUR_POINTS``."""
    sizes = np.array([len(line) for lines in per_level for line in lines], dtype=int)
    if sizes.sum() <= MAX_CONTOUR_POINTS:
        return per_level
    longest_first = np.argsort(-sizes, kind="stable")
    kept = np.zeros(sizes.size, dtype=bool)
    kept[longest_first[np.cumsum(sizes[longest_first]) <= MAX_CONTOUR_POINTS]] = True
    flags = iter(kept.tolist())
    return [[line for line in lines if next(flags)] for lines in per_level]
