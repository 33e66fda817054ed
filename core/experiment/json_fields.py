"""Checks of parsed JSON values that name the field at fault, e.g. ``starts[0][1]: expected a number``.

Used by the experiment file reader (and by any other JSON document of the app). Every refusal is a
``FieldError`` whose message starts with the field's path.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.limits import show_whole


class FieldError(ValueError):
    """A JSON value was refused; the message starts with the field's path."""


def parse_json(text: str) -> Any:
    """``json.loads`` that refuses repeated keys and says where the text stops being JSON."""
    try:
        with no_collection():
            hooks = {"parse_float": _number, "parse_int": _whole}
            return json.loads(text, object_pairs_hook=_no_repeated_keys, **hooks)
    except json.JSONDecodeError as exc:
        msg = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
        raise FieldError(f"not JSON: {msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise FieldError("not JSON: nested too deeply") from None
    except FieldError:  # a repeated key
        raise
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise FieldError(f"not JSON: {exc}") from None


@contextmanager
def no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: parsing a large file creates no cycles, and the full
    collections it would trigger each stop every thread (the window's too) for a tenth of a second."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_gradually(value: Any, chunk: int = 5000) -> None:
    """Empty the long lists inside parsed JSON a chunk at a time: freeing a million objects at once
    would hold the interpreter lock (and so stop the window's thread) for a tenth of a second."""
    if isinstance(value, dict):
        for item in value.values():
            release_gradually(item, chunk)
    elif isinstance(value, list) and len(value) > chunk:
        while value:
            del value[-chunk:]


# Numbers are converted by Python functions, not by the C scanner alone: a big file then parses in
# a worker thread without holding the interpreter lock for its whole length (the GUI thread runs on).
def _number(text: str) -> float:
    return float(text)


def _whole(text: str) -> int:
    return int(text)


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise FieldError(f"{key}: appears twice in one object")
        out[key] = value
    return out


def show(value: Any) -> str:
    """A short JSON rendering of a value for messages (``"ten"``, ``NaN``, ``[1, 2]``)."""
    try:
        text = json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def type_name(value: Any) -> str:
    """How a message names the JSON type of ``value`` (``a list``, ``true/false``, …)."""
    for kind, name in ((bool, "true/false"), (dict, "an object"), (list, "a list"), (str, "a string")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else "a number"


def as_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldError(f"{where}: expected an object, got {type_name(value)}")
    return value


def as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError(f"{where}: expected a list, got {type_name(value)}")
    return value


def required(obj: dict[str, Any], key: str, prefix: str) -> Any:
    """``obj[key]``, or a FieldError ``{prefix}{key}: missing``."""
    if key not in obj:
        raise FieldError(f"{prefix}{key}: missing")
    return obj[key]


def refuse_unknown_keys(obj: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    for key in obj:
        if key not in known:
            raise FieldError(f"{prefix}{key}: unknown field; valid: {', '.join(known)}")


def as_number(value: Any, where: str) -> float:
    """A finite number (``true``/``false`` are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(f"{where}: expected a number, got {show(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise FieldError(f"{where}: {show(value)} is too large") from None
    if not math.isfinite(number):
        raise FieldError(f"{where}: {show(value)} is not a finite number")
    return number


def as_whole(value: Any, where: str, low: int, high: int | None) -> int:
    """A whole number from ``low`` to ``high`` (no upper bound when None)."""
    span = f"from {low} to {high}" if high is not None else f">= {low}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{where}: expected a whole number {span}, got {show(value)}")
    if value < low or (high is not None and value > high):
        raise FieldError(f"{where}: {show_whole(value)} is out of range: expected a whole number {span}")
    return value


def as_bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{where}: expected true/false, got {show(value)}")
    return value
