"""Minima of a landscape: sampling it on a grid, finding and verifying its minima, its basins of
attraction, and matching points to them."""

from core.minima.basins import BasinLabeller, cached_labeller, labeller_for
from core.minima.critical import descend, polish, verified
from core.minima.grid import contour_levels, display_values, evaluate_grid, loss_gap, sample_curve
from core.minima.match import MinimumMatch, match_minima, match_minimum
from core.minima.search import find_minima

__all__ = [
    "BasinLabeller",
    "MinimumMatch",
    "contour_levels",
    "descend",
    "display_values",
    "evaluate_grid",
    "find_minima",
    "cached_labeller",
    "labeller_for",
    "loss_gap",
    "match_minima",
    "match_minimum",
    "polish",
    "sample_curve",
    "verified",
]
