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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

import numpy as np
import sympy

from core.landscape import Landscape
from core.landscapes.formula_eval import (
    CompileError,
    Program,
    RealAbs,
    compile_program,
    constant_value,
    gradient,
)
from core.landscapes.searched import SearchedLandscape
from core.limits import MAX_FORMULA_OPS
from core.minima.search import GRID_1D, GRID_2D

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_BITS = 1100  # integer literals beyond this overflow a float anyway
X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)
NAMES = {"x": X, "y": Y, "pi": sympy.pi, "e": sympy.E}
FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {  # name -> SymPy node (sqrt is a power)
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.Pow,
    "abs": RealAbs,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "arctan": sympy.atan,
}
DEFAULT_DOMAIN = (-5.0, 5.0)

_REFUSED: dict[type, str] = {
    ast.Subscript: "subscripts are not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.FormattedValue: "strings are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.Tuple: "tuples are not allowed (one formula only)",
    ast.List: "lists are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.NamedExpr: "assignments are not allowed",
    ast.Starred: "unpacking (*) is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}
_OPERATORS: dict[type, tuple[str, str]] = {
    ast.BitXor: ("^", "; use ** for powers"),
    ast.FloorDiv: ("//", "; use /"),
    ast.Mod: ("%", ""),
    ast.MatMult: ("@", ""),
    ast.BitAnd: ("&", ""),
    ast.BitOr: ("|", ""),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
}
_CHAINS = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))
_CHARACTER_HINTS = {"π": "pi", "²": "**2", "³": "**3", "×": "*", "·": "*", "−": "-", "÷": "/"}


class FormulaError(ValueError):
    """A formula that is refused; ``position`` is the 0-based offset of the culprit (or None)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


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


def _fail(message: str, position: int | None, hint: str = "") -> NoReturn:
    where = "" if position is None else f" at position {position}"
    raise FormulaError(f"{message}{where}{hint}", position)


class _Translator:
    """Checks an ``ast`` tree against the grammar and builds the SymPy expression from it."""

    def __init__(self, source: str, offset: int) -> None:
        self.source = source  # the parsed text: the formula without its leading blanks
        self.offset = offset
        self.uses_y = False

    def pos(self, node: ast.expr | ast.keyword) -> int:
        return self.offset + node.col_offset

    def segment(self, node: ast.AST) -> str:
        text = self.source[node.col_offset : node.end_col_offset]  # single line, ASCII: bytes = chars
        return text if len(text) <= 40 else text[:37] + "..."

    def build(self, node: ast.AST, depth: int) -> sympy.Expr:
        if depth > MAX_DEPTH:
            _fail(f"nesting deeper than {MAX_DEPTH}", self.pos(node))
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.build(node.operand, depth + 1)
            return _negative(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        self.refuse(node)

    def refuse(self, node: ast.AST) -> NoReturn:
        if isinstance(node, ast.Attribute):
            dot = self.source.find(".", node.value.end_col_offset)
            position = self.offset + dot if dot >= 0 else self.pos(node)
            _fail(f"attribute access '.{node.attr}' is not allowed", position)
        if isinstance(node, ast.Subscript):
            bracket = self.source.find("[", node.value.end_col_offset)
            _fail(_REFUSED[ast.Subscript], self.offset + bracket if bracket >= 0 else self.pos(node))
        if isinstance(node, ast.UnaryOp):
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            _fail(f"operator '{symbol}' is not allowed", self.pos(node))
        message = _REFUSED.get(type(node), f"'{self.segment(node)}' is not allowed")
        _fail(message, self.pos(node))

    def constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool):
            _fail(f"'{value}' is not allowed (numbers only)", self.pos(node))
        if isinstance(value, int):
            if value.bit_length() > MAX_BITS:
                _fail(f"number {self.segment(node)} is too large", self.pos(node))
            return sympy.Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                _fail(f"number {self.segment(node)} is too large", self.pos(node))
            return sympy.Float(value)
        if isinstance(value, complex):
            _fail(f"complex number {self.segment(node)} is not allowed", self.pos(node))
        if isinstance(value, str | bytes):
            _fail("strings are not allowed", self.pos(node))
        _fail(f"'{self.segment(node)}' is not allowed", self.pos(node))

    def name(self, node: ast.Name) -> sympy.Expr:
        if node.id in NAMES:
            self.uses_y |= node.id == "y"
            return NAMES[node.id]
        if node.id in FUNCTIONS:
            _fail(f"function '{node.id}' needs an argument", self.pos(node), f"; write {node.id}(...)")
        _fail(f"unknown name '{node.id}'", self.pos(node), "; allowed: " + ", ".join(NAMES))

    def binop(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        for ops in _CHAINS:
            if isinstance(node.op, ops):
                return self.chain(node, depth, ops)
        if isinstance(node.op, ast.Pow):
            base = self.build(node.left, depth + 1)
            exponent = self.build(node.right, depth + 1)
            return self.power(node, base, exponent)
        symbol, hint = _OPERATORS.get(type(node.op), ("?", ""))
        between = self.source[node.left.end_col_offset : node.right.col_offset]
        at = between.find(symbol)
        position = self.offset + node.left.end_col_offset + at if at >= 0 else self.pos(node)
        _fail(f"operator '{symbol}' is not allowed", position, hint)

    def chain(self, node: ast.BinOp, depth: int, ops: tuple[type, type]) -> sympy.Expr:
        """a ± b ± c ... or a * b / c ... as one n-ary sum or product (one nesting level)."""
        items: list[tuple[ast.operator, ast.expr]] = []
        left: ast.expr = node
        while isinstance(left, ast.BinOp) and isinstance(left.op, ops):
            items.append((left.op, left.right))
            left = left.left
        operands = [self.build(left, depth + 1)]
        for op, right in reversed(items):
            term = self.build(right, depth + 1)
            if isinstance(op, ast.Sub):
                term = _negative(term)
            elif isinstance(op, ast.Div):
                term = sympy.Pow(term, sympy.S.NegativeOne, evaluate=False)
            operands.append(term)
        if ops[0] is ast.Add:
            return sympy.Add(*operands, evaluate=False)
        return sympy.Mul(*operands, evaluate=False)

    def power(self, node: ast.BinOp, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
        """base ** exponent, refused when it is astronomically large (see the module docstring)."""
        if not exponent.free_symbols:
            p = constant_value(exponent)
            if not base.free_symbols:
                b = abs(constant_value(base))
                digits = p * math.log10(b) if 0.0 < b < math.inf else 0.0  # of the result
                too_large = abs(p) > 1e4 or digits > 300 or (b == math.inf and abs(p) > 1000)
            else:
                too_large = abs(p) > 1000
            if too_large:
                _fail(f"power {self.segment(node)} is too large", self.pos(node))
        return sympy.Pow(base, exponent, evaluate=False)

    def call(self, node: ast.Call, depth: int) -> sympy.Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            if type(func) in _REFUSED or isinstance(func, ast.Attribute):
                self.refuse(func)
            _fail("only the listed functions can be called", self.pos(node))
        if func.id not in FUNCTIONS:
            allowed = "; allowed: " + ", ".join(FUNCTIONS)
            _fail(f"function '{func.id}' is not allowed", self.pos(func), allowed)
        if node.keywords:
            _fail("keyword arguments are not allowed", self.pos(node.keywords[0]))
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.refuse(arg)
        if len(node.args) != 1:
            _fail(f"function '{func.id}' takes exactly one argument, got {len(node.args)}", self.pos(node))
        argument = self.build(node.args[0], depth + 1)
        if func.id == "sqrt":
            return sympy.Pow(argument, sympy.S.Half, evaluate=False)
        return FUNCTIONS[func.id](argument, evaluate=False)


def _negative(expr: sympy.Expr) -> sympy.Expr:
    return -expr if expr.is_Number else sympy.Mul(sympy.S.NegativeOne, expr, evaluate=False)


def _check_characters(text: str) -> None:
    for i, char in enumerate(text):
        if not (" " <= char <= "~" or char == "\t"):
            hint = f"; write {_CHARACTER_HINTS[char]}" if char in _CHARACTER_HINTS else "; use ASCII only"
            _fail(f"character {char!r} (U+{ord(char):04X}) is not allowed", i, hint)


def _check_brackets(text: str) -> None:
    depth = 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                _fail(f"nesting deeper than {MAX_DEPTH}", i)
        elif char in ")]}":
            depth -= 1


def _syntax_error(exc: SyntaxError, offset: int, length: int) -> FormulaError:
    position = min(max(offset + (exc.offset or 1) - 1, 0), length)
    message = exc.msg or "invalid syntax"
    if "decimal literal" in message:
        message += " (write 2*x, not 2x)"
    elif "forgot a comma" in message:
        message = "missing operator (write 2*x, not 2 x)"
    return FormulaError(f"syntax error at position {position}: {message}", position)


def parse_formula(text: str) -> Formula:
    """Check ``text`` and compile it with its exact gradient; ``FormulaError`` if it is refused."""
    if not isinstance(text, str):
        raise TypeError(f"a formula is a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters ({len(text)})")
    _check_characters(text)
    source = text.lstrip(" \t")
    offset = len(text) - len(source)
    if not source.strip():
        raise FormulaError("empty formula")
    _check_brackets(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, offset, len(text)) from None
    except (RecursionError, ValueError, MemoryError) as exc:
        raise FormulaError(f"the formula could not be parsed ({type(exc).__name__})") from None
    translator = _Translator(source, offset)
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
