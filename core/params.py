"""Hyper-parameter descriptions and validation, shared by methods, schedules, CLI and GUI."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ParamError(ValueError):
    """A parameter value or name was refused; the message says which and why."""


@dataclass(frozen=True)
class ParamSpec:
    """One hyper-parameter: its kind, default, valid range and a one-line description.

    ``kind`` is ``"float"``, ``"int"`` or ``"choice"``. ``low``/``high`` are the bounds (``None`` for
    unbounded), inclusive unless ``low_open``/``high_open`` makes them exclusive (e.g. β2 in ``[0, 1)``);
    ``log`` suggests a logarithmic slider in the GUI.
    """

    name: str
    kind: str
    default: Any
    description: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    log: bool = False
    low_open: bool = False  # the value must be > low, not >= low
    high_open: bool = False  # the value must be < high, not <= high
    # Only meaningful for some values of another parameter, e.g. ("schedule", ("sgdr",)).
    shown_when: tuple[str, tuple[str, ...]] | None = None

    def describe_range(self) -> str:
        """Human-readable valid range, e.g. ``float in [0, 1)`` or ``one of gd, adam``."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{self.kind} in {left}{lo}, {hi}{right}"

    def in_range(self, number: float) -> bool:
        """Whether ``number`` lies in the range that ``describe_range`` prints."""
        if self.low is not None and (number <= self.low if self.low_open else number < self.low):
            return False
        return self.high is None or (number < self.high if self.high_open else number <= self.high)

    def coerce(self, value: Any) -> Any:
        """Convert ``value`` (a number or text) to this parameter's type, or raise ParamError."""
        if self.kind == "choice":
            text = str(value).strip()
            if text not in self.choices:
                raise ParamError(f"{self.name}={value!r} is not valid: expected {self.describe_range()}")
            return text
        number = self._parse_number(value)
        if self.kind == "int":
            if number != int(number):
                raise ParamError(f"{self.name}={value!r} is not valid: expected a whole number")
            number = int(number)
        if not self.in_range(number):
            raise ParamError(f"{self.name}={value!r} is out of range: expected {self.describe_range()}")
        return number

    def _parse_number(self, value: Any) -> float:
        if isinstance(value, bool):
            raise ParamError(f"{self.name}={value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ParamError(f"{self.name}={value!r} is not a number") from None
        if not math.isfinite(number):
            raise ParamError(f"{self.name}={value!r} is not a finite number")
        return number


def _fmt(x: float) -> str:
    """Short form of a bound (``1e-09``, ``1000``), exact whenever ``%g`` would round it."""
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


def resolve_params(specs: tuple[ParamSpec, ...], given: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """Fill in defaults and validate ``given`` against ``specs``; raise ParamError naming the problem."""
    by_name = {s.name: s for s in specs}
    unknown = [k for k in given if k not in by_name]
    if unknown:
        raise ParamError(
            f"unknown parameter {unknown[0]!r} for {owner}; valid: {', '.join(by_name) or '(none)'}"
        )
    return {s.name: (s.coerce(given[s.name]) if s.name in given else s.default) for s in specs}
