"""User formulas under property-based fuzzing: random strings, random formula trees, random smooth
formulas (gradients against finite differences) and random landscapes (see tests/core/test_formula.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.landscapes.formula import FUNCTIONS, FormulaError, formula_landscape, parse_formula, search_grid
from tests.core.formula_checks import CALL_LIMIT, Stopwatch, _slowest, check_formula

# --- property-based tests ----------------------------------------------------------------------------

FORMULA_CHARS = list("xy+-*/()^.,0123456789 e") + ["π", "[", "]", "'", "_", "=", ":", "j", "\n"]
TOKENS = [
    "x",
    "y",
    "pi",
    "e",
    "**",
    "*",
    "+",
    "-",
    "/",
    "(",
    ")",
    " ",
    "1",
    "2.5",
    "1e3",
    "9",
    "0",
    "^",
    ",",
    *[f"{name}(" for name in FUNCTIONS],
    "lambda",
    "__import__(",
    ".real",
    "[0]",
    "'s'",
    "eval(",
    "z",
    "1j",
    "=",
    "9**9**9",
    "1e999",
    "**1000",
    "**10001",
]
BAD_NAMES = ["z", "__import__", "True", "None", "'s'", "1j", "1e999", "os", "sin", "9**9**9"]
HOSTILE_TEMPLATES = [
    "eval({})",
    "open({})",
    "lambda: {}",
    "sin(x={})",
    "[t for t in {}]",
    "{}.real",
    "{}[0]",
    "{} ^ 2",
    "{} % 3",
    "sin({}, x)",
    "{}.__class__",
    "({})(x)",
    "{} < 1",
    "{}**100000",
    "{}**(9**9)",
    "'{}'",
]


def _weighted(*options: tuple[int, st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """Pick one of ``options`` with probability proportional to its weight."""
    bounds = np.cumsum([w for w, _ in options])
    return st.integers(0, int(bounds[-1]) - 1).flatmap(
        lambda k: options[int(np.searchsorted(bounds, k, "right"))][1]
    )


def _leaves() -> st.SearchStrategy[str]:
    return _weighted(
        (10, st.sampled_from(["x", "y", "pi", "e", "x", "x"])),
        (4, st.integers(0, 10**6).map(str)),
        (4, st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(repr)),
        (1, st.sampled_from(BAD_NAMES)),
    )


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "+", "*"]), children)
    return _weighted(
        (4, binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})")),
        (3, binary.map(lambda t: f"{t[0]}{t[1]}{t[2]}")),
        (4, st.tuples(st.sampled_from(sorted(FUNCTIONS)), children).map(lambda t: f"{t[0]}({t[1]})")),
        (2, children.map(lambda c: f"-{c}")),
        (1, st.tuples(st.sampled_from(HOSTILE_TEMPLATES), children).map(lambda t: t[0].format(t[1]))),
    )


FORMULAS = st.recursive(_leaves(), _extend, max_leaves=40)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(FORMULA_CHARS), max_size=80),
        st.text(max_size=80),
        st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
    )
)
def test_random_strings_are_accepted_or_refused_cleanly(text):
    check_formula(text)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS)
def test_random_formula_trees_are_accepted_or_refused_cleanly(text):
    check_formula(text)


SMOOTH_FUNCTIONS = ["sin", "cos", "exp", "tanh", "arctan", "sinh", "cosh"]
SMOOTH = st.recursive(
    st.one_of(
        st.sampled_from(["x", "y", "pi", "e"]),
        st.integers(-5, 5).map(lambda n: f"({n})"),
        st.floats(-2, 2, allow_nan=False).map(lambda v: f"({v!r})"),
    ),
    lambda c: st.one_of(
        st.tuples(c, st.sampled_from(["+", "-", "*"]), c).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(c, st.integers(0, 4)).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(st.sampled_from(SMOOTH_FUNCTIONS), c).map(lambda t: f"{t[0]}({t[1]})"),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SMOOTH)
def test_gradients_of_random_smooth_formulas_match_finite_differences(text):
    # A constant power that overflows (e.g. exp(4**4)**3) is rightly refused; skip those.
    assume(check_formula(text) != "refused")  # may still overflow everywhere, e.g. exp(exp(pi**2))
    formula = parse_formula(text)
    points = np.random.default_rng(0).uniform(-2, 2, size=(20, formula.dim))
    f0, grad = formula.value(points), formula.grad(points)
    h = 1e-4
    with np.errstate(all="ignore"):  # the finite differences themselves may overflow
        for i in range(formula.dim):
            step = np.zeros(formula.dim)
            step[i] = h
            coarse = (formula.value(points + step) - formula.value(points - step)) / (2 * h)
            fine = (formula.value(points + step / 2) - formula.value(points - step / 2)) / h
            richardson = (4 * fine - coarse) / 3  # error O(h^4); |fine - coarse| bounds what is left
            tolerance = 1e-6 * (1 + np.abs(richardson)) + np.abs(fine - coarse) + 1e-11 * np.abs(f0) / h
            ok = np.isfinite(richardson) & (np.abs(f0) < 1e8)
            assert (np.abs(grad[ok, i] - richardson[ok]) <= tolerance[ok]).all(), text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS)
def test_random_formula_landscapes_are_finite_somewhere_with_minima_inside(text):
    try:
        with Stopwatch() as watch:
            land = formula_landscape(text)
    except FormulaError as exc:
        assert str(exc)
        return
    finally:
        _slowest["landscape"] = max(_slowest.get("landscape", 0.0), watch.elapsed)
    assert watch.elapsed < CALL_LIMIT, text
    assert np.isfinite(land.value(search_grid(land.domain))).any()
    for m in land.minima:
        assert np.isfinite(m.value) and m.kind in ("global", "local")
        location = np.asarray(m.location)
        assert np.all(location >= land.lower - 1e-9) and np.all(location <= land.upper + 1e-9)
