"""Minima of a landscape: sampling it on a grid, finding and polishing its minima, matching points to them."""

from core.minima.grid import contour_levels, display_values, evaluate_grid, loss_gap, sample_curve
from core.minima.match import MinimumMatch, basins_of, descend, match_minima, match_minimum
from core.minima.search import find_minima

__all__ = [
    "MinimumMatch",
    "basins_of",
    "contour_levels",
    "descend",
    "display_values",
    "evaluate_grid",
    "find_minima",
    "loss_gap",
    "match_minima",
    "match_minimum",
    "sample_curve",
]
