"""The landscape model: a differentiable function on a box, with its known minima."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import ClassVar

import numpy as np

from core.limits import MAX_DOMAIN_ABS, LimitError

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Minimum:
    """A known minimum: its location, value, and whether it is global or local."""

    location: tuple[float, ...]
    value: float
    kind: str  # "global" or "local"


@dataclass(frozen=True)
class Landscape:
    """A loss landscape in 1 or 2 dimensions.

    ``value_fn`` maps an ``(N, dim)`` array of points to ``(N,)`` values and ``grad_fn``
    maps it to ``(N, dim)`` gradients; both are vectorized and analytic, and return new arrays
    (callers may overwrite the result).
    """

    id: str
    name: str
    dim: int
    domain: tuple[tuple[float, float], ...]
    value_fn: ArrayFn = field(repr=False, compare=False)
    grad_fn: ArrayFn = field(repr=False, compare=False)
    minima: tuple[Minimum, ...] = ()
    # The lowest point of the box's boundary when it is lower than every minimum (not a critical point).
    lowest_edge: Minimum | None = None
    description: str = ""
    formula: str = ""
    # Slow to evaluate (a network slice): the display and the basin labels reuse the minima search's
    # grid (``core.minima.grid.evaluate_grid`` caches it in the landscape's ``grid_cache``).
    expensive: ClassVar[bool] = False

    def value(self, points: np.ndarray) -> np.ndarray:
        """f at each row of ``points`` (shape ``(N, dim)``) -> shape ``(N,)`` (NaN/inf are values here,
        not warnings)."""
        with np.errstate(all="ignore"):
            return self.value_fn(np.asarray(points, dtype=float).reshape(-1, self.dim))

    def grad(self, points: np.ndarray) -> np.ndarray:
        """∇f at each row of ``points`` (shape ``(N, dim)``) -> shape ``(N, dim)``."""
        with np.errstate(all="ignore"):
            return self.grad_fn(np.asarray(points, dtype=float).reshape(-1, self.dim))

    @property
    def lower(self) -> np.ndarray:
        return np.array([lo for lo, _ in self.domain], dtype=float)

    @property
    def upper(self) -> np.ndarray:
        return np.array([hi for _, hi in self.domain], dtype=float)

    @property
    def axis_names(self) -> tuple[str, ...]:
        """What each coordinate is called on the view's axes (a model's parameters on a data
        landscape)."""
        return ("x", "y")[: self.dim]

    @property
    def value_name(self) -> str:
        """What the value is called (``f``; ``L`` for a model's loss)."""
        return "f"

    @cached_property
    def scale(self) -> float:
        """The largest side of the domain box: the natural length unit of this landscape (asked for in
        every inner loop, so kept)."""
        return float(np.max(self.upper - self.lower))

    @property
    def global_value(self) -> float | None:
        """The value of the global minima (None when there are none: no interior minimum, or the
        box's edge is lower than all of them, see ``lowest_edge``)."""
        values = [m.value for m in self.minima if m.kind == "global"]
        return min(values) if values else None

    @property
    def lowest_value(self) -> float | None:
        """The lowest value known in the box: the global minima's, or the edge's when it is lower."""
        values = [m.value for m in self.minima if m.kind == "global"]
        values += [self.lowest_edge.value] if self.lowest_edge is not None else []
        return min(values) if values else None

    def minima_in_domain(self) -> tuple[Minimum, ...]:
        """The known minima that lie inside the current domain box."""
        lo, hi = self.lower, self.upper
        return tuple(
            m
            for m in self.minima
            if np.all(np.asarray(m.location) >= lo - 1e-12) and np.all(np.asarray(m.location) <= hi + 1e-12)
        )

    def with_domain(self, domain: tuple[tuple[float, float], ...]) -> Landscape:
        """A copy of this landscape on another box (validated: finite, lo < hi, right dimension)."""
        domain = tuple((float(lo), float(hi)) for lo, hi in domain)
        if len(domain) != self.dim:
            raise ValueError(f"domain needs {self.dim} interval(s), got {len(domain)}")
        for lo, hi in domain:
            if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
                raise ValueError(
                    f"invalid domain [{lo:g}, {hi:g}]: the lower bound must be below the upper one"
                )
            if max(abs(lo), abs(hi)) > MAX_DOMAIN_ABS:
                raise LimitError(
                    f"domain [{lo:g}, {hi:g}]: its bounds must lie within ±{MAX_DOMAIN_ABS:g} (the limit)"
                )
        return replace(self, domain=domain)


def in_chunks(fn: ArrayFn, points: np.ndarray, rows: int) -> np.ndarray:
    """``fn`` over consecutive blocks of at most ``rows`` points, concatenated: bounds the memory of
    batched evaluations (a data loss over all samples, a network per point)."""
    if len(points) <= rows:
        return fn(points)
    return np.concatenate([fn(points[s : s + rows]) for s in range(0, len(points), rows)])
