"""Landscapes whose minima follow their domain: every landscape of the app (built-in, formula, data,
network slice) is one. On another domain its minima are searched again (``core.minima.search``), with
the minima known in closed form (a built-in's table, a periodic function's copies) trusted over the
search, and the domain's edge treated honestly (the box's lowest point may lie on its edge)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from core.landscape import Landscape, Minimum
from core.minima.critical import landscape_scales
from core.minima.search import MAX_CANDIDATES as MAX_EXACT
from core.minima.search import classify, find_minima, lowest_on_edge
from core.progress import Progress

Domain = tuple[tuple[float, float], ...]
ExactMinima = Callable[[Domain], Sequence[Minimum]]


@dataclass(frozen=True)
class SearchedLandscape(Landscape):
    """See the module docstring. ``exact_minima(domain)`` lists minima known in closed form there."""

    exact_minima: ExactMinima | None = field(default=None, repr=False, compare=False)
    # Grids evaluated on it (``core.minima.grid.evaluate_grid``), keyed by size and domain.
    grid_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def with_domain(self, domain: Domain) -> SearchedLandscape:
        """The same landscape on another box, its minima searched there."""
        land = Landscape.with_domain(self, domain)
        return self if land.domain == self.domain else land.searched()

    def searched(self, progress: Progress | None = None) -> SearchedLandscape:
        """This landscape with its minima searched on its domain."""
        exact = self.exact_minima(self.domain) if self.exact_minima is not None else ()
        minima, edge = find_minima(self, progress=progress, exact=exact)
        return replace(self, minima=minima, lowest_edge=edge)

    def with_known_minima(self) -> SearchedLandscape:
        """Its exact minima on its own domain, kinds set against the edge (no search: cheap)."""
        exact = sorted(self.exact_minima(self.domain), key=lambda m: m.value)
        scales = landscape_scales(self)
        interior = [(tuple(m.location), m.value) for m in exact]
        minima, edge = classify(interior, lowest_on_edge(self), scales)
        return replace(self, minima=minima, lowest_edge=edge)


def table_minima(table: Sequence[Minimum]) -> ExactMinima:
    """The minima of a fixed table that lie in a domain (the box slightly widened for rounding)."""

    def minima(domain: Domain) -> tuple[Minimum, ...]:
        return tuple(m for m in table if _in_box(m.location, domain))

    return minima


def periodic_minima(base: Sequence[Minimum], period: float, most: int = MAX_EXACT) -> ExactMinima:
    """The copies x + k·period of 1-D minima ``base`` that lie in a domain: at most ``most`` per base
    minimum, those nearest the domain's centre (a huge domain holds millions; the search keeps 200)."""

    def minima(domain: Domain) -> tuple[Minimum, ...]:
        ((lo, hi),) = domain
        centre = (lo + hi) / 2
        out: dict[int, Minimum] = {}
        for m in base:
            x0 = m.location[0]
            first, last = math.floor((lo - x0) / period), math.ceil((hi - x0) / period)
            middle = round((centre - x0) / period)
            ks = range(max(first, middle - most // 2), min(last, middle + most // 2) + 1)
            for x in (x0 + k * period for k in ks):
                key = round(x / (1e-9 * period))  # copies of two base minima that coincide count once
                if _in_box((x,), domain) and key not in out:
                    out[key] = Minimum((x,), m.value, m.kind)
        return tuple(sorted(out.values(), key=lambda m: m.location[0]))

    return minima


def _in_box(location: Sequence[float], domain: Domain) -> bool:
    return all(
        lo - 1e-12 * (hi - lo) <= x <= hi + 1e-12 * (hi - lo)
        for x, (lo, hi) in zip(location, domain, strict=True)
    )
