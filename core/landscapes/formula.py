"""User-typed formulas f(x) or f(x, y) as landscapes, parsed and evaluated safely.

Grammar (a subset of Python's expression syntax)::

    expr     := expr ("+" | "-" | "*" | "/" | "**") expr  |  ("-" | "+") expr  |  "(" expr ")"
              | number  |  name  |  function "(" expr ")"
    number   := an int or float literal, e.g. 3, 0.5, 1e-3 (finite; at most 1100 bits)
    name     := x | y | pi | e
    function := sin | cos | tan | exp | log | sqrt | abs | tanh | sinh | cosh | arctan

``log`` is the natural logarithm and ``**`` the power (``^`` is refused with that hint). The
formula is 1-D when only ``x`` appears (or no variable at all) and 2-D as soon as ``y`` does.

Safety rules:

* The text is never given to ``eval``/``exec``/``compile``, to SymPy's string parsers, or to any
  code generator. Before parsing: at most 500 characters, printable ASCII only, brackets nested at
  most 50 deep. ``ast.parse(mode="eval")`` then only builds a tree, and every node is checked
  against the grammar above (anything else: attributes, subscripts, strings, lambdas,
  comprehensions, keywords, other operators... is refused with its position). The tree is at most
  50 deep (a chain ``a + b - c ...`` or ``a * b / c ...`` counts as one level).
* The SymPy expression is built node by node from the checked tree with ``evaluate=False``: SymPy
  never simplifies or computes anything. (Its automatic evaluation is a denial-of-service risk: a
  300-character formula of nested ``abs``/``sqrt``/powers took minutes in ``Abs.eval``, and
  ``cos(cosh(1e6))`` would be evaluated by mpmath at a precision of a million digits.)
* Powers are checked anyway: constant b ** constant p is refused when |p| > 1e4 or p·log10|b|
  > 300 (beyond 1e300), anything else ** constant when |p| > 1000, integer literals beyond
  1100 bits and float literals that overflow (1e999) are refused; so ``9**9**9`` and
  ``x**100000`` are refused at once.
* Derivatives are exact and symbolic: the chain, product and power rules are applied over the
  tree, with each elementary derivative obtained from ``sympy.diff`` (``core.landscapes.formula_eval``).
  Values and gradients are computed by a straight-line program of NumPy ufuncs under
  ``np.errstate(all="ignore")``, with float64 semantics: NaN where the formula is undefined
  (``log`` of x < 0, ``sqrt`` of x < 0, non-integer powers of negatives), ±inf on overflow or
  division by zero, never a warning. ``abs`` has the derivative sign(u)·u' (0 at the kink).
* Errors are ``FormulaError`` (a ``ValueError``) naming the token and its 0-based position.

``parse_formula`` accepts every formula that passes these rules, even one that is NaN or infinite
everywhere (``1/0``, ``log(-1 - x**2)``). ``formula_landscape`` also requires a finite value
somewhere on the grid its minima are searched on, and refuses the formula otherwise.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field

import numpy as np
import sympy

from core.landscape import Landscape
from core.landscapes.formula_eval import (
    CompileError,
    Program,
    compile_program,
    gradient,
)
from core.landscapes.formula_syntax import (  # noqa: F401 (FUNCTIONS, MAX_LENGTH: part of this module's API)
    FUNCTIONS,
    MAX_LENGTH,
    NAMES,
    FormulaError,
    Translator,
    X,
    Y,
    check_brackets,
    check_characters,
    syntax_error,
)
from core.landscapes.searched import SearchedLandscape
from core.limits import MAX_FORMULA_OPS
from core.minima.search import GRID_1D, GRID_2D

DEFAULT_DOMAIN = (-5.0, 5.0)


@dataclass(frozen=True)
class Formula:
    """A checked formula: its SymPy expression, exact gradient, and NumPy evaluation of both."""

    text: str
    dim: int
    expression: sympy.Expr = field(repr=False, compare=False)
    gradient: tuple[sympy.Expr, ...] = field(repr=False, compare=False)
    _value_program: Program = field(repr=False, compare=False)
    _grad_program: Program = field(repr=False, compare=False)

    def _columns(self, points: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        pts = np.asarray(points, dtype=float).reshape(-1, self.dim)
        return pts, [np.ascontiguousarray(pts[:, i]) for i in range(self.dim)]

    def value(self, points: np.ndarray) -> np.ndarray:
        """f at each row of ``points`` (``(N, dim)``) -> a new ``(N,)`` float array (NaN/inf allowed)."""
        pts, columns = self._columns(points)
        out = np.empty(len(pts))
        with np.errstate(all="ignore"):
            out[:] = self._value_program(columns)[0]
        return out

    def grad(self, points: np.ndarray) -> np.ndarray:
        """∇f at each row of ``points`` -> a new ``(N, dim)`` float array (zeros for a constant)."""
        pts, columns = self._columns(points)
        out = np.empty((len(pts), self.dim))
        with np.errstate(all="ignore"):
            for i, part in enumerate(self._grad_program(columns)):
                out[:, i] = part
        return out


def parse_formula(text: str) -> Formula:
    """Check ``text`` and compile it with its exact gradient; ``FormulaError`` if it is refused."""
    if not isinstance(text, str):
        raise TypeError(f"a formula is a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters ({len(text)})")
    check_characters(text)
    source = text.lstrip(" \t")
    offset = len(text) - len(source)
    if not source.strip():
        raise FormulaError("empty formula")
    check_brackets(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise syntax_error(exc, offset, len(text)) from None
    except (RecursionError, ValueError, MemoryError) as exc:
        raise FormulaError(f"the formula could not be parsed ({type(exc).__name__})") from None
    translator = Translator(source, offset)
    try:
        expression = translator.build(tree.body, 1)
        dim = 2 if translator.uses_y else 1
        symbols = (X, Y)[:dim]
        partials = gradient(expression, symbols)
        value_program = compile_program([expression], symbols)
        grad_program = compile_program(partials, symbols)
        ops = len(value_program) + len(grad_program)
        if ops > MAX_FORMULA_OPS:
            raise FormulaError(
                f"the formula and its gradient take {ops:,} operations to evaluate: "
                f"at most {MAX_FORMULA_OPS:,} (the limit of formula cost)"
            )
    except FormulaError:
        raise
    except CompileError as exc:
        raise FormulaError(f"the formula cannot be evaluated: {exc}") from None
    except RecursionError:
        raise FormulaError("the formula is too deeply nested") from None
    except Exception as exc:  # a failure inside SymPy's constructors: a refusal, never a crash
        raise FormulaError(f"the formula could not be processed ({type(exc).__name__}: {exc})") from None
    return Formula(text, dim, expression, partials, value_program, grad_program)


def check_domain(domain: object, dim: int) -> tuple[tuple[float, float], ...]:
    """``domain`` as ``dim`` float intervals ``(lo, hi)`` with finite lo < hi; else ``FormulaError``."""
    variables = "x" if dim == 1 else "x and y"
    try:
        intervals = tuple((float(lo), float(hi)) for lo, hi in domain)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise FormulaError(f"the domain must be {dim} interval(s) (lo, hi), got {domain!r}") from None
    if len(intervals) != dim:
        raise FormulaError(f"a formula in {variables} needs {dim} domain interval(s), got {len(intervals)}")
    for name, (lo, hi) in zip("xy", intervals, strict=False):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise FormulaError(
                f"invalid domain for {name}: [{lo:g}, {hi:g}] (the bounds must be finite, lower < upper)"
            )
    return intervals


def search_grid(domain: tuple[tuple[float, float], ...]) -> np.ndarray:
    """The ``(N, dim)`` grid ``find_minima`` evaluates on; a formula must be finite somewhere on it."""
    n = GRID_1D if len(domain) == 1 else GRID_2D
    mesh = np.meshgrid(*[np.linspace(lo, hi, n) for lo, hi in domain], indexing="ij")
    return np.column_stack([m.ravel() for m in mesh])


def formula_landscape(text: str, domain: tuple[tuple[float, float], ...] | None = None) -> Landscape:
    """The landscape of the user formula ``text`` on ``domain`` (default [-5, 5] per dimension).

    Its minima are searched numerically where f is finite. ``FormulaError`` when the formula is
    refused, the domain is invalid, or f is NaN/infinite on the whole search grid.
    """
    formula = parse_formula(text)
    intervals = check_domain(((DEFAULT_DOMAIN,) * formula.dim) if domain is None else domain, formula.dim)
    if not np.isfinite(formula.value(search_grid(intervals))).any():
        raise FormulaError("the formula has no finite value on the domain (NaN or infinite everywhere)")
    variables = "x" if formula.dim == 1 else "x, y"
    land = SearchedLandscape(
        id="expr:" + text,
        name=f"f({variables}) = {text.strip()}",
        dim=formula.dim,
        domain=intervals,
        value_fn=formula.value,
        grad_fn=formula.grad,
        description="typed by the user",
        formula=text,
    )
    return land.searched()
