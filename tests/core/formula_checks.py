"""The contract every formula test checks (see tests/core/test_formula.py's docstring), timed."""

from __future__ import annotations

import gc
import time
import warnings

import numpy as np

from core.landscapes.formula import FormulaError, formula_landscape, parse_formula, search_grid

CALL_LIMIT = 1.0  # seconds, for any single parse (and for a landscape in the landscape fuzz test)
GRIDS = {
    1: np.linspace(-5.0, 5.0, 41)[:, None],
    2: np.column_stack([m.ravel() for m in np.meshgrid(np.linspace(-5, 5, 21), np.linspace(-5, 5, 21))]),
}
_slowest: dict[str, float] = {}


class Stopwatch:
    """Times a block (``elapsed``, seconds) with the garbage collector paused."""

    def __enter__(self) -> Stopwatch:
        gc.disable()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.elapsed = time.perf_counter() - self.start
        gc.enable()


def check_formula(text: str) -> str:
    """Parse ``text`` and check the contract: 'refused', 'finite' or 'nonfinite' (on the small grid)."""
    with Stopwatch() as watch, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            formula = parse_formula(text)
        except FormulaError as exc:
            outcome = "refused"
            assert str(exc).strip()
            assert exc.position is None or 0 <= exc.position <= len(text)
        else:
            points = GRIDS[formula.dim]
            values, grads = formula.value(points), formula.grad(points)
            assert values.shape == (len(points),) and values.dtype == np.float64
            assert grads.shape == (len(points), formula.dim) and grads.dtype == np.float64
            outcome = "finite" if np.isfinite(values).any() else "nonfinite"
    _slowest["parse"] = max(_slowest.get("parse", 0.0), watch.elapsed)
    assert watch.elapsed < CALL_LIMIT, f"{text!r} took {watch.elapsed:.2f} s"
    assert not caught, [str(w.message) for w in caught]
    if outcome == "nonfinite":
        _check_landscape_or_refusal(text)
    return outcome


def _check_landscape_or_refusal(text: str) -> None:
    formula = parse_formula(text)
    domain = ((-5.0, 5.0),) * formula.dim
    finite_somewhere = np.isfinite(formula.value(search_grid(domain))).any()
    try:
        land = formula_landscape(text)
    except FormulaError as exc:
        assert not finite_somewhere and "no finite value" in str(exc)
    else:
        assert finite_somewhere and land.dim == formula.dim
