"""Tests for the built-in 1-D and 2-D landscapes against the reference sheet (algorithms.md §3)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from core.landscape import Landscape
from core.landscapes.builtin_1d import LANDSCAPES_1D
from core.landscapes.builtin_2d import LANDSCAPES_2D

ALL: tuple[Landscape, ...] = LANDSCAPES_1D + LANDSCAPES_2D
BY_ID = {ls.id: ls for ls in ALL}
WITH_MINIMA = [ls for ls in ALL if ls.minima]
each_landscape = pytest.mark.parametrize("ls", ALL, ids=lambda ls: ls.id)
each_with_minima = pytest.mark.parametrize("ls", WITH_MINIMA, ids=lambda ls: ls.id)

_A = 0.7016741238
_R = 0.9949586  # nearest 1-D Rastrigin minimum
_ACK1, _ACK2, _ACK3 = 0.95216655, 0.96847765, 1.95891972

# Minima exactly as the sheet states them: (location, value, kind). Transcribed by hand, not computed.
SHEET_MINIMA: dict[str, list[tuple[tuple[float, ...], float, str]]] = {
    "sine-mix": [
        ((-4.7123889804,), 0.5, "local"),
        ((-2.4399185298,), -1.0758287073, "global"),
        ((-_A,), -1.0758287073, "global"),
        ((1.5707963268,), 0.5, "local"),
        ((3.8432667774,), -1.0758287073, "global"),
    ],
    "forrester": [((0.7572487578,), -6.0207400558, "global"), ((0.1425891893,), -0.9863254063, "local")],
    "gramacy-lee": [((0.5485634445,), -0.8690111350, "global")]
    + [
        ((x,), v, "local")
        for x, v in [
            (0.74874378, -0.66327985),
            (0.94893369, -0.52660479),
            (1.14908762, -0.43445505),
            (1.34878517, -0.35563502),
            (1.54728833, -0.23225917),
            (1.74357674, 0.02475743),
            (1.93621966, 0.53385362),
            (2.12189917, 1.43459392),
        ]
    ],
    "double-well": [((-1.0355787141,), -0.3054284837, "global"), ((0.9601495555,), 0.2941464810, "local")],
    # The sheet gives 1-D Rastrigin's nearest minima through the separable 2-D entry.
    "rastrigin-1d": [
        ((0.0,), 0.0, "global"),
        ((_R,), 0.9949590571, "local"),
        ((-_R,), 0.9949590571, "local"),
    ],
    "rastrigin": [((0.0, 0.0), 0.0, "global")]
    + [(p, 0.9949590571, "local") for p in [(_R, 0.0), (-_R, 0.0), (0.0, _R), (0.0, -_R)]]
    + [((sx * _R, sy * _R), 1.9899181142, "local") for sx in (1, -1) for sy in (1, -1)],
    "ackley": [((0.0, 0.0), 0.0, "global")]
    + [(p, 2.57992756, "local") for p in [(_ACK1, 0.0), (-_ACK1, 0.0), (0.0, _ACK1), (0.0, -_ACK1)]]
    + [((sx * _ACK2, sy * _ACK2), 3.57445188, "local") for sx in (1, -1) for sy in (1, -1)]
    + [((_ACK3, 0.0), 4.88406526, "local")],
    "himmelblau": [
        ((3.0, 2.0), 0.0, "global"),
        ((-2.8051181, 3.1313125), 0.0, "global"),
        ((-3.7793103, -3.2831860), 0.0, "global"),
        ((3.5844283, -1.8481265), 0.0, "global"),
    ],
    "rosenbrock": [((1.0, 1.0), 0.0, "global")],
    "six-hump-camel": [
        ((0.0898420131, -0.7126564030), -1.0316284535, "global"),
        ((-0.0898420131, 0.7126564030), -1.0316284535, "global"),
        ((-1.7036067, 0.7960836), -0.2154638244, "local"),
        ((1.7036067, -0.7960836), -0.2154638244, "local"),
        ((1.6071048, 0.5686515), 2.1042503103, "local"),
        ((-1.6071048, -0.5686515), 2.1042503103, "local"),
    ],
    "styblinski-tang": [
        ((-2.9035340278, -2.9035340278), -78.3323314075, "global"),
        ((-2.903534, 2.746803), -64.1956123591, "local"),
        ((2.746803, -2.903534), -64.1956123591, "local"),
        ((2.746803, 2.746803), -50.0588933106, "local"),
    ],
    "beale": [((3.0, 0.5), 0.0, "global")],
    "goldstein-price": [
        ((0.0, -1.0), 3.0, "global"),
        ((-0.6, -0.4), 30.0, "local"),
        ((1.8, 0.2), 84.0, "local"),
        ((1.2, 0.8), 840.0, "local"),
    ],
    "levy": [((1.0, 1.0), 0.0, "global")],
    "booth": [((1.0, 3.0), 0.0, "global")],
    "saddle": [],
    "monkey-saddle": [],
}

# Landscapes that list more minima than the sheet names: the whole lattice of Rastrigin minima in the
# box, and the axis copies of Ackley's (1.95891972, 0) implied by its symmetry.
EXPECTED_COUNTS = {"rastrigin-1d": 11, "rastrigin": 121, "ackley": 13}

EXPECTED_DOMAINS = {
    "sine-mix": ((-5.0, 5.0),),
    "forrester": ((0.0, 1.0),),
    "gramacy-lee": ((0.5, 2.5),),
    "double-well": ((-2.0, 2.0),),
    "rastrigin-1d": ((-5.12, 5.12),),
    "rastrigin": ((-5.12, 5.12),) * 2,
    "ackley": ((-32.768, 32.768),) * 2,
    "himmelblau": ((-5.0, 5.0),) * 2,
    "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0)),
    "six-hump-camel": ((-3.0, 3.0), (-2.0, 2.0)),
    "styblinski-tang": ((-5.0, 5.0),) * 2,
    "beale": ((-4.5, 4.5),) * 2,
    "goldstein-price": ((-2.0, 2.0),) * 2,
    "levy": ((-10.0, 10.0),) * 2,
    "booth": ((-10.0, 10.0),) * 2,
    "saddle": ((-2.0, 2.0),) * 2,
    "monkey-saddle": ((-2.0, 2.0),) * 2,
}

# Other values the sheet states: (id, point, value, absolute tolerance).
SHEET_POINTS = [
    ("sine-mix", (-5.0,), 0.6337803546, 1e-10),
    ("sine-mix", (5.0,), -0.6337803546, 1e-10),
    ("sine-mix", (_A,), 1.0758287073, 1e-10),
    ("sine-mix", (-1.5707963268,), -0.5, 1e-10),
    ("forrester", (0.0,), 3.0272099812, 1e-9),
    ("forrester", (1.0,), 15.8297319460, 1e-9),
    ("gramacy-lee", (0.5,), 0.0625, 1e-12),
    ("gramacy-lee", (2.5,), 5.0625, 1e-12),
    ("double-well", (0.0754291586,), 1.0112820027, 1e-9),
    ("himmelblau", (-0.270845, -0.923039), 181.616522, 1e-5),
    ("himmelblau", (3.385154, 0.073852), 13.311926, 1e-5),
    ("himmelblau", (0.086678, 2.884255), 67.719150, 1e-5),
    ("himmelblau", (-3.073026, -0.081353), 104.015163, 1e-5),
    ("himmelblau", (-0.127961, -1.953715), 178.337239, 1e-5),
    ("saddle", (0.0, 0.0), 0.0, 0.0),
    ("monkey-saddle", (0.0, 0.0), 0.0, 0.0),
]


def _close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(b))


def _directions(dim: int) -> np.ndarray:
    """Unit vectors along ± each axis and, in 2-D, ± each diagonal."""
    axes = np.vstack([np.eye(dim), -np.eye(dim)])
    if dim == 1:
        return axes
    diag = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]]) / math.sqrt(2.0)
    return np.vstack([axes, diag])


def test_ids_unique_and_in_order() -> None:
    ids = [ls.id for ls in ALL]
    assert len(ids) == len(set(ids))
    assert ids == list(SHEET_MINIMA)
    assert all(ls.dim == 1 for ls in LANDSCAPES_1D) and all(ls.dim == 2 for ls in LANDSCAPES_2D)


@each_landscape
def test_metadata(ls: Landscape) -> None:
    assert ls.domain == EXPECTED_DOMAINS[ls.id]
    assert ls.name and ls.description and ls.formula
    assert "\n" not in ls.description and "\n" not in ls.formula


@each_landscape
@pytest.mark.parametrize("n", [0, 1, 5])
def test_shapes_and_dtypes(ls: Landscape, n: int) -> None:
    points = np.random.default_rng(n).uniform(ls.lower, ls.upper, size=(n, ls.dim))
    before = points.copy()
    for values, grads in [(ls.value_fn(points), ls.grad_fn(points)), (ls.value(points), ls.grad(points))]:
        assert values.shape == (n,) and values.dtype == np.float64
        assert grads.shape == (n, ls.dim) and grads.dtype == np.float64
        assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads))
    np.testing.assert_array_equal(points, before)  # inputs are not modified in place


@each_landscape
def test_gradient_matches_central_differences(ls: Landscape) -> None:
    h = 1e-6
    points = np.random.default_rng(20240611).uniform(ls.lower, ls.upper, size=(200, ls.dim))
    if ls.id == "ackley":
        points = points[np.linalg.norm(points, axis=1) > 1e-3]  # the cusp at the origin
    grads = ls.grad(points)
    values = ls.value(points)
    fd = np.empty_like(grads)
    for i in range(ls.dim):
        step = np.zeros(ls.dim)
        step[i] = h
        fd[:, i] = (ls.value(points + step) - ls.value(points - step)) / (2 * h)
    # Central differences carry ~eps|f|/h rounding error and ~h² f''' truncation error.
    tol = 1e-6 * np.abs(grads) + 1e-8 * (1.0 + np.abs(values))[:, None]
    assert np.all(np.abs(fd - grads) <= tol), np.max(np.abs(fd - grads) / tol)


@each_landscape
def test_minima_match_the_sheet(ls: Landscape) -> None:
    sheet = SHEET_MINIMA[ls.id]
    assert len(ls.minima) == EXPECTED_COUNTS.get(ls.id, len(sheet))
    locations = np.array([m.location for m in ls.minima]).reshape(-1, ls.dim)
    for location, value, kind in sheet:
        distance = np.max(np.abs(locations - np.array(location)), axis=1)
        (hits,) = np.nonzero(distance < 1e-6)
        assert len(hits) == 1, f"{ls.id}: sheet minimum at {location} not listed exactly once"
        found = ls.minima[hits[0]]
        assert found.kind == kind
        assert _close(found.value, value, 1e-8), (found.value, value)
        assert _close(float(ls.value([found.location])[0]), value, 1e-8)


@each_with_minima
def test_minima_are_critical_points_inside_the_domain(ls: Landscape) -> None:
    locations = np.array([m.location for m in ls.minima])
    stored = np.array([m.value for m in ls.minima])
    assert np.all(locations >= ls.lower) and np.all(locations <= ls.upper)
    assert ls.minima_in_domain() == ls.minima
    assert np.max(np.abs(ls.grad(locations))) < 1e-6
    np.testing.assert_allclose(ls.value(locations), stored, rtol=1e-12, atol=1e-12)
    assert all(m.kind in ("global", "local") for m in ls.minima)


@each_with_minima
@pytest.mark.parametrize("offset", [1e-4, 1e-3])
def test_minima_are_local_minima(ls: Landscape, offset: float) -> None:
    for m in ls.minima:
        centre = np.array(m.location)
        f0 = ls.value([centre])[0]
        around = ls.value(centre + offset * _directions(ls.dim))
        assert np.all(around > f0), (m, around - f0)


@each_with_minima
def test_exactly_the_global_minima_are_lowest(ls: Landscape) -> None:
    values = np.array([m.value for m in ls.minima])
    is_global = np.array([m.kind == "global" for m in ls.minima])
    lowest = values.min()
    assert is_global.any()
    assert ls.global_value == lowest
    assert np.all(values[is_global] == lowest)
    assert np.all(values[~is_global] > lowest + 1e-6 * max(1.0, abs(lowest)))


@pytest.mark.parametrize(("landscape_id", "point", "value", "tol"), SHEET_POINTS)
def test_other_values_from_the_sheet(
    landscape_id: str, point: tuple[float, ...], value: float, tol: float
) -> None:
    assert abs(BY_ID[landscape_id].value([point])[0] - value) <= tol


def test_sine_mix_is_sin_plus_half_sin_3x() -> None:
    ls = BY_ID["sine-mix"]
    x = np.random.default_rng(7).uniform(-5.0, 5.0, size=1000)
    np.testing.assert_allclose(ls.value(x[:, None]), np.sin(x) + 0.5 * np.sin(3 * x), rtol=0, atol=1e-15)
    np.testing.assert_allclose(ls.grad(x[:, None])[:, 0], np.cos(x) + 1.5 * np.cos(3 * x), rtol=0, atol=1e-15)
    assert ls.value([[-5.0]])[0] == pytest.approx(0.6337803546, abs=1e-10)
    assert np.all(ls.grad([[-5.0], [5.0]]) < 0)  # sheet: f' < 0 at both ends
    assert ls.global_value == pytest.approx(-(5 / 3) * math.sqrt(5 / 12), abs=1e-15)


def test_rastrigin_lattice_is_separable() -> None:
    one, two = BY_ID["rastrigin-1d"], BY_ID["rastrigin"]
    roots = {m.location[0]: m.value for m in one.minima}
    assert len(two.minima) == len(roots) ** 2
    for m in two.minima:
        x, y = m.location
        assert m.value == pytest.approx(roots[x] + roots[y], abs=1e-12)


def test_ackley_origin_is_a_clean_cusp() -> None:
    ls = BY_ID["ackley"]
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        grads = ls.grad([[0.0, 0.0], [1e-9, 0.0], [0.0, -1e-200], [1e-310, 0.0], [1.0, 1.0]])
        values = ls.value([[0.0, 0.0], [1e-310, 0.0]])
    assert np.all(grads[0] == 0.0) and values[0] == 0.0
    assert np.all(np.isfinite(grads)) and np.all(np.isfinite(values))
    # Sheet pitfall 11: |∇f| -> a·b/√2 as the origin is approached along an axis.
    np.testing.assert_allclose(np.linalg.norm(grads[1:4], axis=1), 20 * 0.2 / math.sqrt(2), rtol=1e-6)


@pytest.mark.parametrize("landscape_id", ["saddle", "monkey-saddle"])
def test_saddles_have_a_critical_point_but_no_minima(landscape_id: str) -> None:
    ls = BY_ID[landscape_id]
    assert ls.minima == () and ls.global_value is None
    assert np.all(ls.grad([[0.0, 0.0]]) == 0.0)


@each_landscape
def test_no_floating_point_warnings_on_a_grid(ls: Landscape) -> None:
    axes = [np.linspace(lo, hi, 41) for lo, hi in ls.domain]
    grid = np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, ls.dim)
    with np.errstate(all="raise", under="ignore"):
        assert np.all(np.isfinite(ls.value(grid))) and np.all(np.isfinite(ls.grad(grid)))
