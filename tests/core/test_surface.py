"""The 2-D view's surface (colours and contour lines) and the vectorized check of many starts."""

from __future__ import annotations

import numpy as np
import pytest

from core.experiment.state import START_MARGIN, StateError, check_start, refused_starts
from core.landscapes.registry import get_landscape
from core.minima.grid import contour_levels, display_grid
from core.minima.surface import MAX_CONTOUR_POINTS, connect_within, contour_lines, surface_of


def test_ackleys_ripples_keep_their_longest_contour_lines_within_the_budget():
    land = get_landscape("ackley")
    z = display_grid(land)[2]
    surface = surface_of(land)
    drawn = sum(len(x) for x, _, _ in surface.contours)
    assert 30_000 < drawn <= MAX_CONTOUR_POINTS  # 168,000 points untrimmed
    # the longest line of all (the outer ring) is kept; each level's lines stay apart
    x, _, connect = surface.contours[-1]
    assert (~connect).sum() >= 1 and not connect[-1]
    levels = contour_levels(z)
    assert len(surface.contours) >= len(levels) - 1


def test_a_smooth_surface_keeps_every_contour_line():
    land = get_landscape("himmelblau")
    z = display_grid(land)[2]
    levels = [float(v) for v in contour_levels(z)]
    lines = contour_lines(z, levels)
    assert len(lines) == len(levels) and sum(len(x) for x, _, _ in lines) < MAX_CONTOUR_POINTS


def test_a_surface_is_remembered_per_landscape():
    land = get_landscape("rastrigin")
    assert surface_of(land) is surface_of(land)
    other = land.with_domain(((-2.0, 2.0), (-2.0, 2.0)))
    assert surface_of(other) is not surface_of(land)
    assert surface_of(land).low == pytest.approx(float(np.nanmin(display_grid(land)[2])))


def test_connect_within_never_joins_two_parts():
    assert connect_within([3, 0, 2]).tolist() == [True, True, False, True, False]


def test_refused_starts_agrees_with_check_start_point_by_point():
    land = get_landscape("himmelblau")
    (lo, hi), _ = land.domain
    width = hi - lo
    edge = hi + START_MARGIN * width
    rng = np.random.default_rng(3)
    starts = [tuple(p) for p in rng.uniform(lo - 15 * width, hi + 15 * width, (400, 2))]
    starts += [(edge, 0.0), (np.nextafter(edge, np.inf), 0.0), (np.nan, 0.0), (np.inf, 1.0)]
    starts += [(1.0,), (1.0, 2.0, 3.0)]  # the wrong dimension
    expected = []
    for point in starts:
        try:
            check_start(land, point)
            expected.append(False)
        except StateError:
            expected.append(True)
    assert refused_starts(land, starts).tolist() == expected
    assert 50 < sum(expected) < len(starts) - 50
