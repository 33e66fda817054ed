"""Built-in one-dimensional test landscapes (reference sheet §3.1).

Every ``*_value`` function maps an ``(N, 1)`` array to ``(N,)`` values and every ``*_grad`` function
maps it to an ``(N, 1)`` array of derivatives. Minima without a closed form are polished at import
time by Newton's method on ``f'`` with the analytic ``f''`` and valued by the function itself.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from core.landscape import Minimum
from core.landscapes.searched import SearchedLandscape, periodic_minima, table_minima
from core.minima.refine import newton_root, polished_minima_1d

_TWO_PI = 2.0 * math.pi
_TEN_PI = 10.0 * math.pi


# --- sin(x) + 0.5 sin(3x) --------------------------------------------------------------------------


def sine_mix_value(points: np.ndarray) -> np.ndarray:
    """f(x) = sin x + 0.5 sin 3x."""
    x = points[:, 0]
    out = np.sin(3.0 * x)
    out *= 0.5
    out += np.sin(x)
    return out


def sine_mix_grad(points: np.ndarray) -> np.ndarray:
    """f'(x) = cos x + 1.5 cos 3x."""
    x = points[:, 0]
    out = np.cos(3.0 * x)
    out *= 1.5
    out += np.cos(x)
    return out[:, None]


_A = math.acos(math.sqrt(7.0 / 12.0))
_SINE_MIX_LOW = -(5.0 / 3.0) * math.sqrt(5.0 / 12.0)
_SINE_MIX_MINIMA = (
    Minimum((-1.5 * math.pi,), 0.5, "local"),
    Minimum((_A - math.pi,), _SINE_MIX_LOW, "global"),
    Minimum((-_A,), _SINE_MIX_LOW, "global"),
    Minimum((0.5 * math.pi,), 0.5, "local"),
    Minimum((math.pi + _A,), _SINE_MIX_LOW, "global"),
)


# --- Forrester et al. (2008) -----------------------------------------------------------------------


def forrester_value(points: np.ndarray) -> np.ndarray:
    """f(x) = (6x − 2)² sin(12x − 4)."""
    x = points[:, 0]
    u = 6.0 * x - 2.0
    return u * u * np.sin(2.0 * u)


def forrester_grad(points: np.ndarray) -> np.ndarray:
    """f'(x) = 12(6x − 2) sin(12x − 4) + 12(6x − 2)² cos(12x − 4)."""
    x = points[:, 0]
    u = 6.0 * x - 2.0
    out = u * np.cos(2.0 * u)
    out += np.sin(2.0 * u)
    out *= 12.0 * u
    return out[:, None]


def _forrester_second(x: float) -> float:
    u = 6.0 * x - 2.0
    return 72.0 * math.sin(2 * u) + 288.0 * u * math.cos(2 * u) - 144.0 * u * u * math.sin(2 * u)


# --- Gramacy & Lee (2012) --------------------------------------------------------------------------


def gramacy_lee_value(points: np.ndarray) -> np.ndarray:
    """f(x) = sin(10πx)/(2x) + (x − 1)⁴."""
    x = points[:, 0]
    d = x - 1.0
    d *= d
    d *= d
    return np.sin(_TEN_PI * x) / (2.0 * x) + d


def gramacy_lee_grad(points: np.ndarray) -> np.ndarray:
    """f'(x) = 10π cos(10πx)/(2x) − sin(10πx)/(2x²) + 4(x − 1)³."""
    x = points[:, 0]
    t = _TEN_PI * x
    d = x - 1.0
    out = (_TEN_PI * x * np.cos(t) - np.sin(t)) / (2.0 * x * x)
    out += 4.0 * d * d * d
    return out[:, None]


def _gramacy_lee_second(x: float) -> float:
    t = _TEN_PI * x
    return (
        -(_TEN_PI**2) * math.sin(t) / (2 * x)
        - _TEN_PI * math.cos(t) / (x * x)
        + math.sin(t) / (x**3)
        + 12.0 * (x - 1.0) ** 2
    )


# --- Tilted quartic double well --------------------------------------------------------------------


def double_well_value(points: np.ndarray) -> np.ndarray:
    """f(x) = (x² − 1)² + 0.3x."""
    x = points[:, 0]
    q = x * x - 1.0
    q *= q
    q += 0.3 * x
    return q


def double_well_grad(points: np.ndarray) -> np.ndarray:
    """f'(x) = 4x(x² − 1) + 0.3."""
    x = points[:, 0]
    out = x * x - 1.0
    out *= 4.0 * x
    out += 0.3
    return out[:, None]


def _double_well_second(x: float) -> float:
    return 12.0 * x * x - 4.0


# --- One-dimensional Rastrigin ---------------------------------------------------------------------


def rastrigin_1d_value(points: np.ndarray) -> np.ndarray:
    """f(x) = 10 + x² − 10 cos 2πx."""
    x = points[:, 0]
    out = np.cos(_TWO_PI * x)
    out *= -10.0
    out += x * x
    out += 10.0
    return out


def rastrigin_1d_grad(points: np.ndarray) -> np.ndarray:
    """f'(x) = 2x + 20π sin 2πx."""
    x = points[:, 0]
    out = np.sin(_TWO_PI * x)
    out *= 20.0 * math.pi
    out += 2.0 * x
    return out[:, None]


def rastrigin_1d_second(x: float) -> float:
    """f''(x) = 2 + 40π² cos 2πx (also used for the separable 2-D Rastrigin lattice)."""
    return 2.0 + 40.0 * math.pi**2 * math.cos(_TWO_PI * x)


def rastrigin_1d_prime(x: float) -> float:
    """f'(x) = 2x + 20π sin 2πx for a single float."""
    return 2.0 * x + 20.0 * math.pi * math.sin(_TWO_PI * x)


def rastrigin_1d_minima(lo: float, hi: float, most: int = 1000) -> list[tuple[float, float]]:
    """The local minima (x, f(x)) of 1-D Rastrigin in [lo, hi], sorted by x: one near each integer
    (x = 0 exact); on a huge interval only the ``most`` lowest (f grows with |x|: those nearest 0)."""
    first, last = math.ceil(lo), math.floor(hi)
    nearest = min(max(0, first), last)
    ks = sorted(range(max(first, nearest - most), min(last, nearest + most) + 1), key=abs)[:most]
    out = []
    for k in sorted(ks):
        x = 0.0 if k == 0 else newton_root(rastrigin_1d_prime, rastrigin_1d_second, float(k))
        if lo <= x <= hi:
            out.append((x, 10.0 + x * x - 10.0 * math.cos(_TWO_PI * x)))
    return out


_RASTRIGIN_1D_MINIMA = tuple(
    Minimum((x,), value, "global" if x == 0.0 else "local") for x, value in rastrigin_1d_minima(-5.12, 5.12)
)


_TABLES: tuple[SearchedLandscape, ...] = (
    SearchedLandscape(
        id="sine-mix",
        name="sin(x) + ½ sin(3x)",
        dim=1,
        domain=((-5.0, 5.0),),
        value_fn=sine_mix_value,
        grad_fn=sine_mix_grad,
        minima=_SINE_MIX_MINIMA,
        exact_minima=periodic_minima(_SINE_MIX_MINIMA, 2.0 * math.pi),
        description="2π-periodic; three equal global minima and two shallower local ones in the box",
        formula="sin(x) + 0.5 sin(3x)",
    ),
    SearchedLandscape(
        id="forrester",
        name="Forrester et al. (2008)",
        dim=1,
        domain=((0.0, 1.0),),
        value_fn=forrester_value,
        grad_fn=forrester_grad,
        minima=polished_minima_1d(
            forrester_value,
            forrester_grad,
            _forrester_second,
            [(0.7572487578, "global"), (0.1425891893, "local")],
        ),
        description="a shallow local minimum on the left, a deep global one on the right, steep right edge",
        formula="(6x − 2)² sin(12x − 4)",
    ),
    SearchedLandscape(
        id="gramacy-lee",
        name="Gramacy & Lee (2012)",
        dim=1,
        domain=((0.5, 2.5),),
        value_fn=gramacy_lee_value,
        grad_fn=gramacy_lee_grad,
        minima=polished_minima_1d(
            gramacy_lee_value,
            gramacy_lee_grad,
            _gramacy_lee_second,
            [(0.5485634445, "global")]
            + [
                (x, "local")
                for x in (
                    0.74874378,
                    0.94893369,
                    1.14908762,
                    1.34878517,
                    1.54728833,
                    1.74357674,
                    1.93621966,
                    2.12189917,
                )
            ],
        ),
        description="fast oscillation on a quartic trend: a staircase of local minima rising to the right",
        formula="sin(10πx) / (2x) + (x − 1)⁴",
    ),
    SearchedLandscape(
        id="double-well",
        name="Tilted double well",
        dim=1,
        domain=((-2.0, 2.0),),
        value_fn=double_well_value,
        grad_fn=double_well_grad,
        minima=polished_minima_1d(
            double_well_value,
            double_well_grad,
            _double_well_second,
            [(-1.0355787141, "global"), (0.9601495555, "local")],
        ),
        description="two wells split by a barrier; the tilt makes the left well the global one",
        formula="(x² − 1)² + 0.3x",
    ),
    SearchedLandscape(
        id="rastrigin-1d",
        name="Rastrigin (1-D)",
        dim=1,
        domain=((-5.12, 5.12),),
        value_fn=rastrigin_1d_value,
        grad_fn=rastrigin_1d_grad,
        minima=_RASTRIGIN_1D_MINIMA,
        exact_minima=lambda domain: tuple(
            Minimum((x,), v, "local") for x, v in rastrigin_1d_minima(*domain[0])
        ),
        description="a parabola under a cosine ripple: a regular row of local minima near every integer",
        formula="10 + x² − 10 cos(2πx)",
    ),
)


def _with_tables(land: SearchedLandscape) -> SearchedLandscape:
    """Its listed minima become the exact ones (unless it has a generator), kinds set against the edge."""
    if land.exact_minima is None:
        land = replace(land, exact_minima=table_minima(land.minima))
    return land.with_known_minima()


LANDSCAPES_1D: tuple[SearchedLandscape, ...] = tuple(_with_tables(land) for land in _TABLES)
