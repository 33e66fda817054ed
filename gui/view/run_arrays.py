"""The points each run's trail shows, for all runs of a method at once (no loop over runs: thousands
of runs redraw in milliseconds). Display selection only (which rows are drawn), no maths."""

from __future__ import annotations

import numpy as np

from core.experiment.state import START_MARGIN
from gui.view.run_buffer import RunBuffer


def group_points(
    buffer: RunBuffer,
    land,
    runs: np.ndarray,
    up_to_step: int | None = None,
    limit: int | None = None,
    after: int = -1,
) -> tuple[np.ndarray, np.ndarray]:
    """The drawn points of ``runs``: (len(runs), rows, 2) — (x, f(x)) on a curve, (x, y) on a surface —
    each run's points first and in order, and how many each has. Rows far outside the domain (a
    diverging run on its way out) and, with ``up_to_step``, rows after that step are left out. With
    ``limit``, each run's rows are first thinned to about that many (every k-th, and the last); with
    ``after``, only the rows of later steps are taken."""
    positions, steps, _ = buffer.padded("positions", runs, limit, after)
    if land.dim == 1:
        losses = buffer.padded("losses", runs, limit, after)[0]
        xy = np.stack([positions[:, :, 0], losses], axis=2)
    else:
        xy = positions[:, :, :2]
    shown = (steps >= 0) & near_the_domain(land, positions)
    if up_to_step is not None:
        shown &= steps <= up_to_step
    counts = shown.sum(axis=1)
    if np.array_equal(counts, (steps >= 0).sum(axis=1)):  # nothing left out: already in place
        return xy, counts
    order = np.argsort(~shown, axis=1, kind="stable")  # the shown rows first, in their order
    return np.take_along_axis(xy, order[:, :, None], axis=1), counts


def near_the_domain(land, points: np.ndarray) -> np.ndarray:
    """Which points (any leading shape, last axis = dim) lie within ``START_MARGIN`` domain widths of
    the domain (where a trail can still be seen)."""
    width = land.upper - land.lower
    with np.errstate(invalid="ignore"):
        low, high = land.lower - START_MARGIN * width, land.upper + START_MARGIN * width
        return np.all((points >= low) & (points <= high), axis=-1)


def split_runs(xy: np.ndarray, counts: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each run's (x, y) arrays (for tests and one-off uses)."""
    return [(xy[k, :n, 0], xy[k, :n, 1]) for k, n in enumerate(counts)]


def nearest_run(
    run_groups: list[np.ndarray],
    groups: list[tuple[np.ndarray, np.ndarray]],
    point: tuple[float, float],
    scale: np.ndarray,
    shown: np.ndarray,
) -> tuple[int, float]:
    """The run (of ``shown`` ones) whose drawn points (``groups``, as ``group_points`` gives them for
    each of ``run_groups``) come nearest to ``point``, and that distance in units of ``scale``."""
    nearest, best = -1, np.inf
    for runs, (points, counts) in zip(run_groups, groups, strict=True):
        drawn = (np.arange(points.shape[1])[None, :] < counts[:, None]) & shown[runs][:, None]
        distance = np.where(drawn, np.linalg.norm((points - point) / scale, axis=2), np.inf).min(axis=1)
        k = int(np.argmin(distance)) if len(runs) else 0
        if len(runs) and distance[k] < best:
            nearest, best = int(runs[k]), float(distance[k])
    return nearest, best
