"""Value and gradient of the built-in two-dimensional test functions (reference sheet §3.2).

Every ``*_value`` function maps an ``(N, 2)`` array of points (x, y) to ``(N,)`` values and every
``*_grad`` function maps it to an ``(N, 2)`` array of gradients, analytically.
"""

from __future__ import annotations

import math

import numpy as np

from core.landscape import Minimum
from core.landscapes.builtin_1d import rastrigin_1d_minima

_PI = math.pi
_TWO_PI = 2.0 * math.pi


# --- Rastrigin -------------------------------------------------------------------------------------


def rastrigin_value(points: np.ndarray) -> np.ndarray:
    """f = 20 + Σ_u (u² − 10 cos 2πu)."""
    t = np.cos(_TWO_PI * points)
    t *= -10.0
    t += points * points
    return t[:, 0] + t[:, 1] + 20.0


def rastrigin_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (2u + 20π sin 2πu) per coordinate."""
    g = np.sin(_TWO_PI * points)
    g *= 20.0 * _PI
    g += 2.0 * points
    return g


def rastrigin_minima(
    lo: float, hi: float, y_range: tuple[float, float] | None = None, most: int = 1000
) -> tuple[Minimum, ...]:
    """The minima in [lo, hi] × ``y_range`` (default [lo, hi]), lowest first, global at the origin; on a
    huge domain only the ``most`` lowest."""
    # Separable: the 2-D minima are all pairs of 1-D minima, and the value is the sum; the `most`
    # lowest pairs use only the `most` lowest minima of each axis.
    row, column = rastrigin_1d_minima(lo, hi, most), rastrigin_1d_minima(*(y_range or (lo, hi)), most)
    if not row or not column:
        return ()
    xs, vx = np.array(row).T
    ys, vy = np.array(column).T
    sums = (vx[:, None] + vy[None, :]).ravel()
    order = np.lexsort((np.repeat(xs, len(ys)), sums))[:most]  # by value, then x (a stable order)
    i, j = np.divmod(order, len(ys))
    return tuple(
        Minimum((float(xs[a]), float(ys[b])), float(sums[k]), "global" if sums[k] == 0.0 else "local")
        for k, a, b in zip(order, i, j, strict=True)
    )


# --- Ackley (a = 20, b = 0.2, c = 2π) --------------------------------------------------------------

_ACK_A, _ACK_B, _ACK_C = 20.0, 0.2, _TWO_PI
_SQRT_HALF = math.sqrt(0.5)


def ackley_value(points: np.ndarray) -> np.ndarray:
    """f = −a e^{−b r} − e^{s} + a + e, r = √((x² + y²)/2), s = (cos cx + cos cy)/2."""
    r = np.hypot(points[:, 0], points[:, 1])
    r *= _SQRT_HALF
    cs = np.cos(_ACK_C * points)
    # a(1 − e^{−br}) + (e − e^s): exactly 0 at the origin.
    out = np.expm1(-_ACK_B * r)
    out *= -_ACK_A
    out += math.e - np.exp(0.5 * (cs[:, 0] + cs[:, 1]))
    return out


def ackley_grad(points: np.ndarray) -> np.ndarray:
    """∇f = a b e^{−br} (x, y)/(2r) + (c/2) e^{s} (sin cx, sin cy); defined as 0 at the cusp r = 0."""
    rho = np.hypot(points[:, 0], points[:, 1])[:, None]  # = √2 r, without underflow for tiny points
    # (x, y)/(2r) = (x, y)/(√2 ρ); dividing the point by ρ first keeps subnormal points finite.
    g = np.divide(points, rho, out=np.zeros_like(points), where=rho > 0.0)
    g *= (_ACK_A * _ACK_B * _SQRT_HALF) * np.exp((-_ACK_B * _SQRT_HALF) * rho)
    cs = np.cos(_ACK_C * points)
    periodic = (0.5 * _ACK_C) * np.exp(0.5 * (cs[:, 0] + cs[:, 1]))
    g += np.sin(_ACK_C * points) * periodic[:, None]
    return g


# --- Himmelblau ------------------------------------------------------------------------------------


def himmelblau_value(points: np.ndarray) -> np.ndarray:
    """f = (x² + y − 11)² + (x + y² − 7)²."""
    x, y = points[:, 0], points[:, 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return a * a + b * b


def himmelblau_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (4x(x² + y − 11) + 2(x + y² − 7), 2(x² + y − 11) + 4y(x + y² − 7))."""
    x, y = points[:, 0], points[:, 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    g = np.empty(points.shape)
    g[:, 0] = 4.0 * x * a + 2.0 * b
    g[:, 1] = 2.0 * a + 4.0 * y * b
    return g


# --- Rosenbrock ------------------------------------------------------------------------------------


def rosenbrock_value(points: np.ndarray) -> np.ndarray:
    """f = (1 − x)² + 100 (y − x²)²."""
    x, y = points[:, 0], points[:, 1]
    d = y - x * x
    e = 1.0 - x
    return e * e + 100.0 * d * d


def rosenbrock_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (−2(1 − x) − 400 x (y − x²), 200 (y − x²))."""
    x, y = points[:, 0], points[:, 1]
    d = y - x * x
    g = np.empty(points.shape)
    g[:, 0] = 2.0 * x - 2.0 - 400.0 * x * d
    g[:, 1] = 200.0 * d
    return g


# --- Six-hump camel --------------------------------------------------------------------------------


def six_hump_camel_value(points: np.ndarray) -> np.ndarray:
    """f = (4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²."""
    x, y = points[:, 0], points[:, 1]
    x2, y2 = x * x, y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2


def six_hump_camel_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³)."""
    x, y = points[:, 0], points[:, 1]
    x2 = x * x
    g = np.empty(points.shape)
    g[:, 0] = x * (8.0 - 8.4 * x2 + 2.0 * x2 * x2) + y
    g[:, 1] = x + y * (16.0 * y * y - 8.0)
    return g


# --- Styblinski–Tang -------------------------------------------------------------------------------


def styblinski_tang_value(points: np.ndarray) -> np.ndarray:
    """f = ½ Σ_u (u⁴ − 16u² + 5u)."""
    p2 = points * points
    t = p2 - 16.0
    t *= p2
    t += 5.0 * points
    return 0.5 * (t[:, 0] + t[:, 1])


def styblinski_tang_grad(points: np.ndarray) -> np.ndarray:
    """∇f = ½ (4u³ − 32u + 5) per coordinate."""
    g = points * points
    g *= 2.0
    g -= 16.0
    g *= points
    g += 2.5
    return g


# --- Beale -----------------------------------------------------------------------------------------


def beale_value(points: np.ndarray) -> np.ndarray:
    """f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²."""
    x, y = points[:, 0], points[:, 1]
    xy = x * y
    xy2 = xy * y
    a = 1.5 - x + xy
    b = 2.25 - x + xy2
    c = 2.625 - x + xy2 * y
    return a * a + b * b + c * c


def beale_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (2A(y − 1) + 2B(y² − 1) + 2C(y³ − 1), 2Ax + 4Bxy + 6Cxy²) with A, B, C the bracketed terms."""
    x, y = points[:, 0], points[:, 1]
    y2 = y * y
    y3 = y2 * y
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y2
    c = 2.625 - x + x * y3
    g = np.empty(points.shape)
    g[:, 0] = 2.0 * (a * (y - 1.0) + b * (y2 - 1.0) + c * (y3 - 1.0))
    g[:, 1] = 2.0 * x * (a + 2.0 * b * y + 3.0 * c * y2)
    return g


# --- Goldstein–Price -------------------------------------------------------------------------------


def _goldstein_price_parts(points: np.ndarray) -> tuple[np.ndarray, ...]:
    x, y = points[:, 0], points[:, 1]
    u = x + y + 1.0
    v = 2.0 * x - 3.0 * y
    p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
    q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
    return x, y, u, v, p, q


def goldstein_price_value(points: np.ndarray) -> np.ndarray:
    """f = [1 + (x + y + 1)² P] · [30 + (2x − 3y)² Q] with P, Q the sheet's quadratics."""
    _, _, u, v, p, q = _goldstein_price_parts(points)
    return (1.0 + u * u * p) * (30.0 + v * v * q)


def goldstein_price_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (A_x B + A B_x, A_y B + A B_y) (product rule on the two factors)."""
    x, y, u, v, p, q = _goldstein_price_parts(points)
    u2, v2 = u * u, v * v
    a = 1.0 + u2 * p
    b = 30.0 + v2 * q
    a_xy = 2.0 * u * p + u2 * (6.0 * x + 6.0 * y - 14.0)  # A_x = A_y
    g = np.empty(points.shape)
    g[:, 0] = a_xy * b + a * (4.0 * v * q + v2 * (24.0 * x - 36.0 * y - 32.0))
    g[:, 1] = a_xy * b + a * (-6.0 * v * q + v2 * (48.0 - 36.0 * x + 54.0 * y))
    return g


# --- Levy ------------------------------------------------------------------------------------------


def levy_value(points: np.ndarray) -> np.ndarray:
    """f = sin²(πw_x) + (w_x − 1)²[1 + 10 sin²(πw_x + 1)] + (w_y − 1)²[1 + sin²(2πw_y)], w = 1 + (u − 1)/4."""
    w = 0.75 + 0.25 * points
    wx, wy = w[:, 0], w[:, 1]
    s1 = np.sin(_PI * wx)
    s2 = np.sin(_PI * wx + 1.0)
    s3 = np.sin(_TWO_PI * wy)
    dx, dy = wx - 1.0, wy - 1.0
    return s1 * s1 + dx * dx * (1.0 + 10.0 * s2 * s2) + dy * dy * (1.0 + s3 * s3)


def levy_grad(points: np.ndarray) -> np.ndarray:
    """∇f from the sheet, using 2 sin θ cos θ = sin 2θ; the chain-rule factor dw/du is ¼."""
    w = 0.75 + 0.25 * points
    wx, wy = w[:, 0], w[:, 1]
    dx, dy = wx - 1.0, wy - 1.0
    s2 = np.sin(_PI * wx + 1.0)
    s3 = np.sin(_TWO_PI * wy)
    g = np.empty(points.shape)
    g[:, 0] = 0.25 * (
        _PI * np.sin(_TWO_PI * wx)
        + 2.0 * dx * (1.0 + 10.0 * s2 * s2)
        + 10.0 * _PI * dx * dx * np.sin(_TWO_PI * wx + 2.0)
    )
    g[:, 1] = 0.25 * (2.0 * dy * (1.0 + s3 * s3) + 2.0 * _PI * dy * dy * np.sin(4.0 * _PI * wy))
    return g


# --- Booth, saddle, monkey saddle ------------------------------------------------------------------


def booth_value(points: np.ndarray) -> np.ndarray:
    """f = (x + 2y − 7)² + (2x + y − 5)²."""
    x, y = points[:, 0], points[:, 1]
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b


def booth_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (2(x + 2y − 7) + 4(2x + y − 5), 4(x + 2y − 7) + 2(2x + y − 5))."""
    x, y = points[:, 0], points[:, 1]
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    g = np.empty(points.shape)
    g[:, 0] = 2.0 * a + 4.0 * b
    g[:, 1] = 4.0 * a + 2.0 * b
    return g


def saddle_value(points: np.ndarray) -> np.ndarray:
    """f = x² − y²."""
    x, y = points[:, 0], points[:, 1]
    return x * x - y * y


def saddle_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (2x, −2y)."""
    g = 2.0 * points
    g[:, 1] *= -1.0
    return g


def monkey_saddle_value(points: np.ndarray) -> np.ndarray:
    """f = x³ − 3xy²."""
    x, y = points[:, 0], points[:, 1]
    return x * (x * x - 3.0 * y * y)


def monkey_saddle_grad(points: np.ndarray) -> np.ndarray:
    """∇f = (3x² − 3y², −6xy)."""
    x, y = points[:, 0], points[:, 1]
    g = np.empty(points.shape)
    g[:, 0] = 3.0 * (x * x - y * y)
    g[:, 1] = -6.0 * x * y
    return g
