"""Built-in two-dimensional test landscapes (reference sheet §3.2): domains, descriptions and minima.

The value and gradient functions live in ``core.landscapes.functions_2d``. Minima the sheet locates only
to a few digits are polished at import time by Newton steps on the analytic gradient, so that each
listed minimum is a critical point to ~1e-11; symmetric copies reuse the polished point and its value.
"""

from __future__ import annotations

from dataclasses import replace

from core.landscape import Minimum
from core.landscapes.functions_2d import (
    ackley_grad,
    ackley_value,
    beale_grad,
    beale_value,
    booth_grad,
    booth_value,
    goldstein_price_grad,
    goldstein_price_value,
    himmelblau_grad,
    himmelblau_value,
    levy_grad,
    levy_value,
    monkey_saddle_grad,
    monkey_saddle_value,
    rastrigin_grad,
    rastrigin_minima,
    rastrigin_value,
    rosenbrock_grad,
    rosenbrock_value,
    saddle_grad,
    saddle_value,
    six_hump_camel_grad,
    six_hump_camel_value,
    styblinski_tang_grad,
    styblinski_tang_value,
)
from core.landscapes.searched import ExactMinima, SearchedLandscape, table_minima
from core.minima.refine import ArrayFn, Point, polished_minima_2d


def _landscape(
    id: str,
    name: str,
    domain: tuple[Point, Point],
    fns: tuple[ArrayFn, ArrayFn],
    minima: tuple[Minimum, ...],
    description: str,
    formula: str,
    exact: ExactMinima | None = None,
) -> SearchedLandscape:
    land = SearchedLandscape(
        id=id,
        name=name,
        dim=2,
        domain=domain,
        value_fn=fns[0],
        grad_fn=fns[1],
        minima=minima,
        description=description,
        formula=formula,
    )
    return replace(land, exact_minima=exact or table_minima(minima)).with_known_minima()


_RASTRIGIN = (rastrigin_value, rastrigin_grad)
_ACKLEY = (ackley_value, ackley_grad)
_HIMMELBLAU = (himmelblau_value, himmelblau_grad)
_CAMEL = (six_hump_camel_value, six_hump_camel_grad)
_STYBLINSKI = (styblinski_tang_value, styblinski_tang_grad)
_GOLDSTEIN = (goldstein_price_value, goldstein_price_grad)

LANDSCAPES_2D: tuple[SearchedLandscape, ...] = (
    _landscape(
        "rastrigin",
        "Rastrigin",
        ((-5.12, 5.12), (-5.12, 5.12)),
        _RASTRIGIN,
        rastrigin_minima(-5.12, 5.12),
        "a bowl under a cosine ripple: a regular lattice of local minima near every integer point",
        "20 + x² − 10 cos(2πx) + y² − 10 cos(2πy)",
        exact=lambda domain: rastrigin_minima(*domain[0], y_range=domain[1]),
    ),
    _landscape(
        "ackley",
        "Ackley",
        ((-32.768, 32.768), (-32.768, 32.768)),
        _ACKLEY,
        polished_minima_2d(
            *_ACKLEY,
            [
                ((0.0, 0.0), "global", 0.0, ""),
                ((0.95216655, 0.0), "local", None, "xt"),
                ((0.96847765, 0.96847765), "local", None, "xy"),
                ((1.95891972, 0.0), "local", None, "xt"),
            ],
        ),
        "a nearly flat, rippled plateau around a deep funnel with a non-differentiable tip",
        "−20 exp(−0.2 √((x² + y²)/2)) − exp((cos 2πx + cos 2πy)/2) + 20 + e",
    ),
    _landscape(
        "himmelblau",
        "Himmelblau",
        ((-5.0, 5.0), (-5.0, 5.0)),
        _HIMMELBLAU,
        polished_minima_2d(
            *_HIMMELBLAU,
            [
                ((3.0, 2.0), "global", 0.0, ""),
                ((-2.8051181, 3.1313125), "global", 0.0, ""),
                ((-3.7793103, -3.2831860), "global", 0.0, ""),
                ((3.5844283, -1.8481265), "global", 0.0, ""),
            ],
        ),
        "four equally deep minima: which one you reach depends on the start",
        "(x² + y − 11)² + (x + y² − 7)²",
    ),
    _landscape(
        "rosenbrock",
        "Rosenbrock",
        ((-2.0, 2.0), (-1.0, 3.0)),
        (rosenbrock_value, rosenbrock_grad),
        (Minimum((1.0, 1.0), 0.0, "global"),),
        "narrow curved valley, ill-conditioned: easy to reach, slow to follow",
        "(1 − x)² + 100 (y − x²)²",
    ),
    _landscape(
        "six-hump-camel",
        "Six-hump camel",
        ((-3.0, 3.0), (-2.0, 2.0)),
        _CAMEL,
        polished_minima_2d(
            *_CAMEL,
            [
                ((0.0898420131, -0.7126564030), "global", None, "-"),
                ((-1.7036067, 0.7960836), "local", None, "-"),
                ((1.6071048, 0.5686515), "local", None, "-"),
            ],
        ),
        "two symmetric global minima among four shallower local ones",
        "(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
    ),
    _landscape(
        "styblinski-tang",
        "Styblinski–Tang",
        ((-5.0, 5.0), (-5.0, 5.0)),
        _STYBLINSKI,
        polished_minima_2d(
            *_STYBLINSKI,
            [
                ((-2.9035340278, -2.9035340278), "global", None, ""),
                ((-2.903534, 2.746803), "local", None, "t"),
                ((2.746803, 2.746803), "local", None, ""),
            ],
        ),
        "separable quartic: four basins of unequal depth, the global one in a corner",
        "½ (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
    ),
    _landscape(
        "beale",
        "Beale",
        ((-4.5, 4.5), (-4.5, 4.5)),
        (beale_value, beale_grad),
        (Minimum((3.0, 0.5), 0.0, "global"),),
        "flat plateaus and steep edges: gradients range over many orders of magnitude",
        "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    ),
    _landscape(
        "goldstein-price",
        "Goldstein–Price",
        ((-2.0, 2.0), (-2.0, 2.0)),
        _GOLDSTEIN,
        polished_minima_2d(
            *_GOLDSTEIN,
            [
                ((0.0, -1.0), "global", 3.0, ""),
                ((-0.6, -0.4), "local", 30.0, ""),
                ((1.8, 0.2), "local", 84.0, ""),
                ((1.2, 0.8), "local", 840.0, ""),
            ],
        ),
        "values span six orders of magnitude; a few deep basins in a steep polynomial",
        "[1 + (x + y + 1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)]"
        " · [30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)]",
    ),
    _landscape(
        "levy",
        "Levy",
        ((-10.0, 10.0), (-10.0, 10.0)),
        (levy_value, levy_grad),
        (Minimum((1.0, 1.0), 0.0, "global"),),
        "many local minima in an oscillating, anisotropic bowl",
        "sin²(πw₁) + (w₁ − 1)² [1 + 10 sin²(πw₁ + 1)] + (w₂ − 1)² [1 + sin²(2πw₂)], w = 1 + (u − 1)/4",
    ),
    _landscape(
        "booth",
        "Booth",
        ((-10.0, 10.0), (-10.0, 10.0)),
        (booth_value, booth_grad),
        (Minimum((1.0, 3.0), 0.0, "global"),),
        "convex quadratic with condition number 9: the easy baseline",
        "(x + 2y − 7)² + (2x + y − 5)²",
    ),
    _landscape(
        "saddle",
        "Saddle",
        ((-2.0, 2.0), (-2.0, 2.0)),
        (saddle_value, saddle_grad),
        (),
        "a strict saddle at the origin, unbounded below: gradient descent started on y = 0 gets stuck",
        "x² − y²",
    ),
    _landscape(
        "monkey-saddle",
        "Monkey saddle",
        ((-2.0, 2.0), (-2.0, 2.0)),
        (monkey_saddle_value, monkey_saddle_grad),
        (),
        "a degenerate critical point with zero Hessian and three descending valleys",
        "x³ − 3xy²",
    ),
)
