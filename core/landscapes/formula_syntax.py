"""The text of a typed formula checked and translated, node by node, into a SymPy expression (the
rules are in ``core.landscapes.formula``'s docstring): the grammar, its limits and the error that
names a refused token and its position."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from typing import NoReturn

import sympy

from core.landscapes.formula_eval import RealAbs, constant_value

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


def _fail(message: str, position: int | None, hint: str = "") -> NoReturn:
    where = "" if position is None else f" at position {position}"
    raise FormulaError(f"{message}{where}{hint}", position)


class Translator:
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


def check_characters(text: str) -> None:
    """Refuse any character but printable ASCII and tabs (with a hint for π, ², ×, −, …)."""
    for i, char in enumerate(text):
        if not (" " <= char <= "~" or char == "\t"):
            hint = f"; write {_CHARACTER_HINTS[char]}" if char in _CHARACTER_HINTS else "; use ASCII only"
            _fail(f"character {char!r} (U+{ord(char):04X}) is not allowed", i, hint)


def check_brackets(text: str) -> None:
    """Refuse brackets nested deeper than ``MAX_DEPTH`` (before the parser sees them)."""
    depth = 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                _fail(f"nesting deeper than {MAX_DEPTH}", i)
        elif char in ")]}":
            depth -= 1


def syntax_error(exc: SyntaxError, offset: int, length: int) -> FormulaError:
    """Python's syntax error as a ``FormulaError`` at its position in the formula (with hints)."""
    position = min(max(offset + (exc.offset or 1) - 1, 0), length)
    message = exc.msg or "invalid syntax"
    if "decimal literal" in message:
        message += " (write 2*x, not 2x)"
    elif "forgot a comma" in message:
        message = "missing operator (write 2*x, not 2 x)"
    return FormulaError(f"syntax error at position {position}: {message}", position)
