"""Differentiating and evaluating unevaluated SymPy trees, without ``exec``/``eval``/code generation.

Formulas are built with ``evaluate=False`` (``core.landscapes.formula``): SymPy's automatic simplification
can take minutes on a 300-character input (``Abs.eval`` expanding real and imaginary parts), so
nothing here lets SymPy evaluate anything.

* ``gradient`` applies the chain, product and power rules over the tree, memoized per node. The
  derivative of each elementary function is obtained once, at import, with ``sympy.diff`` on a
  dummy symbol (``tan`` -> ``tan(t)**2 + 1``...) and instantiated with ``evaluate=False``.
* ``compile_program`` turns trees into a straight-line *program*: a list of steps, each a NumPy
  ufunc (or a small function over ufuncs) applied to earlier slots. Equal sub-expressions share
  one slot (hash-consing), so a gradient that reuses the value's sub-trees costs no more than
  their number; slots are released after their last use.

Numbers follow float64 semantics: NaN where a value is not real (``log(-1)``, ``(-8)**(1/3)``),
±inf on overflow or division by zero. Node types other than numbers, the two symbols, ``Add``,
``Mul``, ``Pow`` and the functions of ``_FUNCTIONS`` raise ``CompileError``. Callers run programs
under ``np.errstate(all="ignore")``: nothing warns.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

Value = Any  # an ndarray column or a NumPy float64 scalar


class CompileError(ValueError):
    """A SymPy node this compiler cannot evaluate."""


class RealAbs(sympy.Function):
    """|u| for real-valued u, whose derivative is sign(u)·u' (0 at the kink).

    SymPy's ``Abs`` differentiates as if its argument might be complex (``re``, ``im`` and ``arg``
    appear as soon as SymPy cannot prove it real, e.g. ``Abs(log(x))``), and evaluates eagerly.
    """

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """d|u|/du = sign(u)."""
        return sympy.sign(self.args[0])


_T = sympy.Dummy("t", real=True)
_DIFFERENTIABLE = (
    sympy.sin,
    sympy.cos,
    sympy.tan,
    sympy.exp,
    sympy.log,
    sympy.tanh,
    sympy.sinh,
    sympy.cosh,
    sympy.atan,
    RealAbs,
)
_RULES: dict[type, sympy.Expr] = {f: sympy.diff(f(_T), _T) for f in _DIFFERENTIABLE}  # d f(t) / dt


def _instantiate(template: sympy.Basic, argument: sympy.Expr) -> sympy.Expr:
    """``template`` with the dummy ``t`` replaced by ``argument``, rebuilt without evaluation."""
    if template == _T:
        return argument
    if not template.args:
        return template
    return template.func(*(_instantiate(a, argument) for a in template.args), evaluate=False)


def _mul(*factors: sympy.Expr) -> sympy.Expr:
    kept = [f for f in factors if f is not sympy.S.One]
    return sympy.Mul(*kept, evaluate=False) if len(kept) != 1 else kept[0]


def _derivative(expr: sympy.Expr, symbol: sympy.Symbol, memo: dict) -> sympy.Expr | None:
    """d expr / d symbol as an unevaluated tree, or None where it is identically zero."""
    if expr in memo:
        return memo[expr]
    if expr.is_Atom:
        result = sympy.S.One if expr == symbol else None
    elif isinstance(expr, sympy.Add):
        terms = [d for d in (_derivative(a, symbol, memo) for a in expr.args) if d is not None]
        result = sympy.Add(*terms, evaluate=False) if terms else None
    elif isinstance(expr, sympy.Mul):
        result = _product_derivative(expr.args, [_derivative(a, symbol, memo) for a in expr.args])
    elif isinstance(expr, sympy.Pow):
        result = _power_derivative(expr, symbol, memo)
    elif type(expr) in _RULES:
        (argument,) = expr.args
        d = _derivative(argument, symbol, memo)
        result = None if d is None else _mul(_instantiate(_RULES[type(expr)], argument), d)
    else:
        raise CompileError(f"cannot differentiate {type(expr).__name__}")
    memo[expr] = result
    return result


def _product_derivative(args: tuple, derivs: list) -> sympy.Expr | None:
    """(a0 a1 … an)' as the sum of the products with one factor replaced by its derivative. Past three
    factors the products of the leading and trailing factors are built once each and shared (``x/x/…/x``
    of 100 factors: 300 multiplications, not 10,000)."""
    if len(args) <= 3:
        terms = [_mul(*args[:i], d, *args[i + 1 :]) for i, d in enumerate(derivs) if d is not None]
    else:
        leading, trailing = _running_products(args), _running_products(args[::-1])[::-1]
        terms = [_mul(leading[i], d, trailing[i + 1]) for i, d in enumerate(derivs) if d is not None]
    return sympy.Add(*terms, evaluate=False) if terms else None


def _running_products(factors: tuple) -> list[sympy.Expr]:
    """``[1, f0, f0 f1, …, f0 … fn]`` as nested two-factor products (so each is one more step)."""
    products = [sympy.S.One]
    for f in factors:
        products.append(f if products[-1] is sympy.S.One else sympy.Mul(products[-1], f, evaluate=False))
    return products


def _power_derivative(expr: sympy.Pow, symbol: sympy.Symbol, memo: dict) -> sympy.Expr | None:
    base, exponent = expr.args
    d_base, d_exponent = _derivative(base, symbol, memo), _derivative(exponent, symbol, memo)
    if d_exponent is None:  # (b^p)' = p b^(p-1) b'
        if d_base is None or exponent == 0:
            return None
        if exponent == 1:
            return d_base
        if exponent.is_Number:
            lowered = exponent - 1
        else:
            lowered = sympy.Add(exponent, sympy.S.NegativeOne, evaluate=False)
        power = base if lowered == 1 else sympy.Pow(base, lowered, evaluate=False)
        return _mul(exponent, power, d_base)
    log_base = sympy.log(base, evaluate=False)
    if d_base is None:  # (b^e)' = b^e log(b) e'
        return _mul(expr, log_base, d_exponent)
    reciprocal = sympy.Pow(base, sympy.S.NegativeOne, evaluate=False)
    inner = sympy.Add(_mul(d_exponent, log_base), _mul(exponent, d_base, reciprocal), evaluate=False)
    return _mul(expr, inner)


def gradient(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> tuple[sympy.Expr, ...]:
    """The exact partial derivatives of ``expr`` (unevaluated trees; 0 where identically zero)."""
    try:
        parts = [_derivative(expr, s, {}) for s in symbols]
    except RecursionError as exc:
        raise CompileError("the expression is too deeply nested") from exc
    return tuple(sympy.S.Zero if d is None else d for d in parts)


def _reciprocal(v: Value) -> Value:
    return np.divide(1.0, v)


def _inverse(fn: Callable[[Value], Value]) -> Callable[[Value], Value]:
    return lambda v: np.divide(1.0, fn(v))


def _integer_power(n: int) -> Callable[[Value], Value]:
    """v ** n by repeated squaring (n ≠ 0); a reciprocal for negative n."""

    def power(v: Value) -> Value:
        result, square, k = None, v, abs(n)
        while k:
            if k & 1:
                result = square if result is None else np.multiply(result, square)
            k >>= 1
            if k:
                square = np.multiply(square, square)
        return result if n > 0 else np.divide(1.0, result)

    return power


def _sum(*values: Value) -> Value:
    return functools.reduce(np.add, values)


def _product(*values: Value) -> Value:
    return functools.reduce(np.multiply, values)


_FUNCTIONS: dict[type, Callable[[Value], Value]] = {  # every function a formula or its gradient holds
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.atan: np.arctan,
    RealAbs: np.abs,
    sympy.sign: np.sign,
}


def number_value(expr: sympy.Expr) -> np.float64:
    """The float64 value of a SymPy number (±inf beyond the float range, NaN for non-real ones)."""
    if expr is sympy.S.NaN or expr is sympy.S.ComplexInfinity or expr is sympy.S.ImaginaryUnit:
        return np.float64(np.nan)
    if expr is sympy.S.Infinity:
        return np.float64(np.inf)
    if expr is sympy.S.NegativeInfinity:
        return np.float64(-np.inf)
    if isinstance(expr, sympy.Rational):
        try:
            return np.float64(expr.p / expr.q)  # correctly rounded, even for huge integers
        except OverflowError:
            return np.float64(math.copysign(math.inf, expr.p))
    if isinstance(expr, sympy.Float | sympy.NumberSymbol):
        return np.float64(float(expr))
    raise CompileError(f"cannot evaluate the number {type(expr).__name__}")


class Program:
    """Expressions compiled to NumPy steps; call it with one array (or scalar) per symbol."""

    def __init__(self, exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol]) -> None:
        self._symbols = {s: i for i, s in enumerate(symbols)}
        self._slots: dict[sympy.Basic, int] = dict(self._symbols)
        self._steps: list[tuple[Callable[..., Value], tuple[int, ...]]] = []
        self.outputs = tuple(self._slot(e) for e in exprs)
        n_inputs = len(self._symbols)
        last_use: dict[int, int] = {}
        for i, (_, args) in enumerate(self._steps):
            for a in args:
                last_use[a] = i
        release: list[list[int]] = [[] for _ in self._steps]
        for slot, i in last_use.items():
            if slot >= n_inputs and slot not in self.outputs:
                release[i].append(slot)
        self._release = [tuple(r) for r in release]

    def __len__(self) -> int:
        return len(self._steps)

    def __call__(self, inputs: Sequence[Value]) -> list[Value]:
        """Run every step; the values of the output expressions (arrays or float64 scalars)."""
        values: list[Value] = [*inputs, *([None] * len(self._steps))]
        k = len(inputs)
        for i, (fn, args) in enumerate(self._steps):
            values[k + i] = fn(*[values[a] for a in args])
            for slot in self._release[i]:
                values[slot] = None
        return [values[o] for o in self.outputs]

    def _emit(self, expr: sympy.Basic, fn: Callable[..., Value], args: tuple[int, ...]) -> int:
        self._steps.append((fn, args))
        slot = len(self._symbols) + len(self._steps) - 1
        self._slots[expr] = slot
        return slot

    def _slot(self, expr: sympy.Basic) -> int:
        found = self._slots.get(expr)
        if found is not None:
            return found
        if isinstance(expr, sympy.Symbol):
            raise CompileError(f"unexpected symbol {expr}")
        if expr.is_Atom:
            constant = number_value(expr)
            return self._emit(expr, lambda: constant, ())
        if isinstance(expr, sympy.Add):
            return self._emit(expr, _sum, tuple(self._slot(a) for a in expr.args))
        if isinstance(expr, sympy.Mul):
            args = expr.args
            if len(args) == 2 and args[0] is sympy.S.NegativeOne:
                return self._emit(expr, np.negative, (self._slot(args[1]),))
            return self._emit(expr, _product, tuple(self._slot(a) for a in args))
        if isinstance(expr, sympy.Pow):
            return self._power(expr)
        fn = _FUNCTIONS.get(type(expr))
        if fn is None or len(expr.args) != 1:
            raise CompileError(f"cannot evaluate {type(expr).__name__}")
        return self._emit(expr, fn, (self._slot(expr.args[0]),))

    def _power(self, expr: sympy.Pow) -> int:
        base, exponent = expr.args
        b = self._slot(base)
        if not exponent.is_Number:
            return self._emit(expr, np.power, (b, self._slot(exponent)))
        if exponent == 2:
            return self._emit(expr, np.square, (b,))
        if exponent == -1:
            return self._emit(expr, _reciprocal, (b,))
        if exponent == sympy.S.Half:
            return self._emit(expr, np.sqrt, (b,))
        if exponent == -sympy.S.Half:
            return self._emit(expr, _inverse(np.sqrt), (b,))
        p = number_value(exponent)
        if p.is_integer() and 3 <= abs(p) <= 16:  # multiplications: ~10x faster than np.power
            return self._emit(expr, _integer_power(int(p)), (b,))
        return self._emit(expr, lambda v: np.power(v, p), (b,))


def compile_program(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol]) -> Program:
    """Compile ``exprs`` (over ``symbols``, in that input order) into one ``Program``.

    Raises ``CompileError`` for a node type it does not know (e.g. an unevaluated ``Derivative``).
    """
    try:
        return Program(exprs, symbols)
    except RecursionError as exc:
        raise CompileError("the expression is too deeply nested") from exc


def constant_value(expr: sympy.Expr) -> float:
    """The float value of a constant SymPy expression, evaluated with the same NumPy rules."""
    with np.errstate(all="ignore"):
        (value,) = compile_program([expr], [])([])
    return float(value)
