"""Import-time polishing of the known minima of the built-in landscapes.

Reference tables give many minima to only 7–8 digits, which leaves a visible gradient (~1e-6) at the
listed point. These helpers Newton-refine such points so that every listed minimum is a critical
point of the implemented function to ~1e-11, and expand a polished point into its symmetric copies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from core.landscape import Minimum

ArrayFn = Callable[[np.ndarray], np.ndarray]
ScalarFn = Callable[[float], float]
Point = tuple[float, float]

_IMAGES: dict[str, Callable[[float, float], Point]] = {
    "-": lambda x, y: (-x, -y),
    "x": lambda x, y: (-x, y),
    "y": lambda x, y: (x, -y),
    "t": lambda x, y: (y, x),
}


def newton_root(fprime: ScalarFn, fsecond: ScalarFn, x0: float, steps: int = 8) -> float:
    """A critical point of f near ``x0``: Newton's method on ``fprime`` with the analytic ``fsecond``."""
    x = float(x0)
    for _ in range(steps):
        step = fprime(x) / fsecond(x)
        x -= step
        if abs(step) < 1e-15 * max(1.0, abs(x)):
            break
    return x


def polished_minima_1d(
    value_fn: ArrayFn, grad_fn: ArrayFn, fsecond: ScalarFn, starts: Iterable[tuple[float, str]]
) -> tuple[Minimum, ...]:
    """1-D minima from ``(approximate x, kind)`` pairs, polished and valued by the function itself."""

    def f(x: float) -> float:
        return float(value_fn(np.array([[x]]))[0])

    def fprime(x: float) -> float:
        return float(grad_fn(np.array([[x]]))[0, 0])

    minima = []
    for x0, kind in starts:
        x = newton_root(fprime, fsecond, x0)
        minima.append(Minimum(location=(x,), value=f(x), kind=kind))
    return tuple(minima)


def polish_2d(grad_fn: ArrayFn, start: Point, steps: int = 12, tol: float = 1e-11, h: float = 1e-5) -> Point:
    """Newton-refine a 2-D critical point near ``start`` until max |∇f| <= ``tol``.

    The Hessian is a central difference of the analytic gradient; its O(h²) error only slows the
    convergence, the fixed point is exact. A start that already meets ``tol`` is returned unchanged,
    so exact locations such as (1.8, 0.2) are not perturbed by rounding.
    """
    p = np.array(start, dtype=float)
    offsets = h * np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    for _ in range(steps):
        g = grad_fn(p[None, :])[0]
        if np.max(np.abs(g)) <= tol:
            break
        gs = grad_fn(p + offsets)
        hess = np.column_stack(((gs[0] - gs[1]) / (2 * h), (gs[2] - gs[3]) / (2 * h)))
        p -= np.linalg.solve(0.5 * (hess + hess.T), g)
    return float(p[0]), float(p[1])


def polished_minima_2d(
    value_fn: ArrayFn, grad_fn: ArrayFn, specs: Iterable[tuple[Point, str, float | None, str]]
) -> tuple[Minimum, ...]:
    """2-D minima from ``(approximate location, kind, exact value or None, symmetry)`` specs.

    The location is polished; a ``None`` value is computed from the function at the polished point
    and shared by all copies. ``symmetry`` lists the maps whose images are added: ``"-"`` is
    (x, y) -> (-x, -y), ``"x"`` -> (-x, y), ``"y"`` -> (x, -y), ``"t"`` -> (y, x); a string such as
    ``"xt"`` adds the whole group they generate (here: all four axis copies).
    """
    out: list[Minimum] = []
    for start, kind, value, symmetry in specs:
        x, y = polish_2d(grad_fn, start)
        if value is None:
            value = float(value_fn(np.array([[x, y]]))[0])
        points = [(x, y)]
        for op in symmetry:
            for px, py in list(points):
                ix, iy = _IMAGES[op](px, py)
                image = (ix + 0.0, iy + 0.0)  # + 0.0 turns -0.0 into 0.0
                if image not in points:
                    points.append(image)
        out.extend(Minimum(location=pt, value=value, kind=kind) for pt in points)
    return tuple(out)
