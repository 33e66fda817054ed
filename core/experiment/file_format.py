"""Saving and loading experiments as versioned JSON files.

Schema (version 1)::

    {
     "format": "minima-lab-experiment",
     "version": 1,
     "landscape": {"id": "rosenbrock", "domain": [[-2.0, 2.0], [-1.0, 3.0]]},
     "methods": [{"method": "gd", "params": {"lr": 0.001}}, {"method": "adam", "params": {}}],
     "starts": [[-1.5, 2.0]],
     "seed": 0,
     "max_steps": 2000,
     "view": {"show_minima": true, "log_loss": false}
    }

* ``format``, ``version``, ``landscape.id``, ``methods``, ``starts``, ``seed`` and ``max_steps`` are
  required. ``landscape.domain`` is optional (the landscape's own box when absent), one ``[lo, hi]``
  per dimension with finite ``lo < hi``.
* ``methods`` holds at least one method. ``params`` may be partial or absent: missing parameters get
  their defaults. Unknown parameter names are refused; values must be numbers (strings for choices)
  within the parameter's range. Saved files always list every parameter, so a later change of a
  default does not change a saved experiment.
* ``starts`` may be empty (an experiment that has no start points yet); each start has one number per
  dimension and lies within ``START_MARGIN`` domain widths of the domain.
* ``seed`` is a whole number >= 0 (``true``/``false`` are not numbers here); ``max_steps`` is a whole
  number from 1 to ``MAX_STEPS``.
* ``view`` is optional: free-form display options whose values are booleans, finite numbers or
  strings; keys this app does not know are kept.
* NaN and infinities are refused everywhere (Python's ``json`` would otherwise accept ``NaN``), as are
  unknown fields, repeated keys and files over ``MAX_FILE_BYTES``. Every error is an
  ``ExperimentFileError`` whose message starts with the field, e.g. ``starts[0]: has 1 coordinate(s);
  rosenbrock is 2-D``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.experiment.spec import Experiment, MethodSpec, method_spec
from core.files import TextFileError, atomic_write_text, read_text_limited
from core.landscape import Landscape
from core.landscapes.data import DataLandscape, Dataset
from core.landscapes.registry import get_landscape
from core.methods import METHODS
from core.params import ParamError

FORMAT = "minima-lab-experiment"
VERSION = 1
MAX_STEPS = 1_000_000
START_MARGIN = 10.0  # starts may lie this many domain widths outside the domain, no further
MAX_FILE_BYTES = 10 * 1024 * 1024

_TOP_FIELDS = ("format", "version", "landscape", "methods", "starts", "seed", "max_steps", "view")


class ExperimentFileError(ValueError):
    """An experiment file (or state) was refused; the message names the field and the problem."""


@dataclass(frozen=True)
class ExperimentState:
    """A saved experiment: like an Experiment, but it may have no starts yet, and it carries view options."""

    landscape: Landscape
    methods: tuple[MethodSpec, ...]
    starts: tuple[tuple[float, ...], ...]
    seed: int
    max_steps: int
    view: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "methods", tuple(self.methods))
        object.__setattr__(self, "starts", tuple(tuple(float(v) for v in s) for s in self.starts))
        object.__setattr__(self, "view", dict(self.view))

    def experiment(self) -> Experiment | None:
        """The experiment to run, or None while there are no starts."""
        if not self.starts:
            return None
        return Experiment(self.landscape, self.methods, self.starts, self.max_steps, self.seed)

    @classmethod
    def from_experiment(cls, exp: Experiment, view: Mapping[str, Any] | None = None) -> ExperimentState:
        """The state of ``exp`` (plus ``view`` options), validated as a file would be."""
        state = cls(
            exp.landscape,
            exp.methods,
            tuple(tuple(float(v) for v in row) for row in exp.starts),
            int(exp.seed),
            int(exp.max_steps),
            dict(view or {}),
        )
        return state_from_dict(state_to_dict(state))


# ---------------------------------------------------------------- writing


def _landscape_dict(land: Landscape) -> dict[str, Any]:
    out: dict[str, Any] = {"id": land.id, "domain": [[lo, hi] for lo, hi in land.domain]}
    if isinstance(land, DataLandscape):  # the samples themselves, so the file reproduces the runs
        ds = land.dataset
        out["data"] = {"x": ds.x.tolist(), "y": ds.y.tolist(), "source": ds.source}
    return out


def state_to_dict(state: ExperimentState) -> dict[str, Any]:
    """The JSON-ready form of ``state`` (every method parameter listed)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "landscape": _landscape_dict(state.landscape),
        "methods": [{"method": m.method, "params": dict(m.params)} for m in state.methods],
        "starts": [list(s) for s in state.starts],
        "seed": state.seed,
        "max_steps": state.max_steps,
        "view": dict(state.view),
    }


def state_to_json(state: ExperimentState) -> str:
    """``state`` as JSON text (indent 1, floats at full precision); refuses a state it could not load."""
    data = state_to_dict(state)
    state_from_dict(data)  # never write a file this module would refuse to read
    return json.dumps(data, indent=1, allow_nan=False) + "\n"


def save_state(path: str | os.PathLike, state: ExperimentState) -> None:
    """Write ``state`` to ``path`` atomically: a failed save leaves the previous file as it was.

    Raises ExperimentFileError for an invalid state or a failed write (``cannot write FILE: reason``).
    """
    text = state_to_json(state)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ExperimentFileError(f"cannot write {os.fspath(path)}: {exc.strerror or exc}") from exc


# ---------------------------------------------------------------- reading


def load_state(path: str | os.PathLike) -> ExperimentState:
    """Read and validate the experiment file at ``path``; ExperimentFileError says what is wrong."""
    name = os.fspath(path)
    try:
        text = read_text_limited(name, MAX_FILE_BYTES)
    except TextFileError as exc:
        messages = {
            "unreadable": f"cannot read {name}: {exc.detail}",
            "too-large": f"file: larger than {MAX_FILE_BYTES // 2**20} MB; not an experiment file",
            "not-utf8": f"file: not UTF-8 text (byte 0x{exc.byte:02x} at offset {exc.offset})",
        }
        raise ExperimentFileError(messages[exc.kind]) from None
    return state_from_json(text)


def state_from_json(text: str) -> ExperimentState:
    """Parse and validate experiment JSON text."""
    if len(text) > MAX_FILE_BYTES:
        raise ExperimentFileError(f"file: larger than {MAX_FILE_BYTES // 2**20} MB; not an experiment file")
    try:
        data = json.loads(text, object_pairs_hook=_no_repeated_keys)
    except json.JSONDecodeError as exc:
        msg = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
        raise ExperimentFileError(f"not JSON: {msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ExperimentFileError("not JSON: nested too deeply") from None
    except ExperimentFileError:  # a repeated key
        raise
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise ExperimentFileError(f"not JSON: {exc}") from None
    return state_from_dict(data)


def state_from_dict(data: Any) -> ExperimentState:
    """Validate parsed JSON ``data`` and build the state (defaults filled, domain applied)."""
    top = _object(data, "file")
    fmt = top.get("format", _MISSING)
    if fmt is _MISSING:
        raise ExperimentFileError(f'format: missing (expected "{FORMAT}"); not a Minima Lab experiment file')
    if fmt != FORMAT:
        raise ExperimentFileError(f'format: expected "{FORMAT}", got {_show(fmt)}')
    version = _whole(_field(top, "version", ""), "version", 0, None)
    if version != VERSION:
        raise ExperimentFileError(f"version: {version} is not supported (this app reads version {VERSION})")
    _no_unknown_keys(top, _TOP_FIELDS, "")
    land = _landscape(_field(top, "landscape", ""))
    methods = _methods(_field(top, "methods", ""))
    starts = _starts(_field(top, "starts", ""), land)
    seed = _whole(_field(top, "seed", ""), "seed", 0, None)
    max_steps = _whole(_field(top, "max_steps", ""), "max_steps", 1, MAX_STEPS)
    view = _view(top.get("view", {}))
    return ExperimentState(land, methods, starts, seed, max_steps, view)


# ---------------------------------------------------------------- validation helpers

_MISSING = object()


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ExperimentFileError(f"{key}: appears twice in one object")
        out[key] = value
    return out


def _show(value: Any) -> str:
    """A short JSON rendering of a value for messages (``"ten"``, ``NaN``, ``[1, 2]``)."""
    try:
        text = json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: Any) -> str:
    for kind, name in ((bool, "true/false"), (dict, "an object"), (list, "a list"), (str, "a string")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else "a number"


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ExperimentFileError(f"{where}: expected an object, got {_type_name(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ExperimentFileError(f"{where}: expected a list, got {_type_name(value)}")
    return value


def _field(obj: dict[str, Any], key: str, prefix: str) -> Any:
    if key not in obj:
        raise ExperimentFileError(f"{prefix}{key}: missing")
    return obj[key]


def _no_unknown_keys(obj: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    for key in obj:
        if key not in known:
            raise ExperimentFileError(f"{prefix}{key}: unknown field; valid: {', '.join(known)}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExperimentFileError(f"{where}: expected a number, got {_show(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ExperimentFileError(f"{where}: {_show(value)} is too large") from None
    if not math.isfinite(number):
        raise ExperimentFileError(f"{where}: {_show(value)} is not a finite number")
    return number


def _whole(value: Any, where: str, low: int, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        span = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ExperimentFileError(f"{where}: expected a whole number {span}, got {_show(value)}")
    if value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ExperimentFileError(f"{where}: {value} is out of range: expected a whole number {span}")
    return value


def _landscape(value: Any) -> Landscape:
    obj = _object(value, "landscape")
    _no_unknown_keys(obj, ("id", "domain", "data"), "landscape.")
    land = _landscape_by_id(obj)
    if "data" in obj:
        land = _with_data(land, obj["data"])
    return land


def _with_data(land: Landscape, value: Any) -> Landscape:
    if not isinstance(land, DataLandscape):
        raise ExperimentFileError(f"landscape.data: {land.id} is not a data landscape")
    data = _object(value, "landscape.data")
    _no_unknown_keys(data, ("x", "y", "source"), "landscape.data.")
    columns = []
    for name in ("x", "y"):
        items = _list(_field(data, name, "landscape.data."), f"landscape.data.{name}")
        columns.append([_number(v, f"landscape.data.{name}[{i}]") for i, v in enumerate(items)])
    source = data.get("source", "saved experiment")
    try:
        return land.with_dataset(Dataset(np.array(columns[0]), np.array(columns[1]), str(source)))
    except ValueError as exc:
        raise ExperimentFileError(f"landscape.data: {exc}") from None


def _landscape_by_id(obj: dict) -> Landscape:
    land_id = _field(obj, "id", "landscape.")
    if not isinstance(land_id, str):
        raise ExperimentFileError(f"landscape.id: expected a landscape id, got {_show(land_id)}")
    try:  # built-in, data landscape (default data) or expr:FORMULA
        land = get_landscape(land_id)
    except ValueError as exc:
        raise ExperimentFileError(f"landscape.id: {exc}") from None
    if "domain" not in obj:
        return land
    intervals = _list(obj["domain"], "landscape.domain")
    if len(intervals) != land.dim:
        raise ExperimentFileError(
            f"landscape.domain: has {len(intervals)} interval(s); {land.id} is {land.dim}-D"
        )
    domain = []
    for i, pair in enumerate(intervals):
        where = f"landscape.domain[{i}]"
        items = _list(pair, where)
        if len(items) != 2:
            raise ExperimentFileError(f"{where}: expected [lo, hi], got {_show(pair)}")
        lo, hi = _number(items[0], f"{where}[0]"), _number(items[1], f"{where}[1]")
        if not lo < hi or not math.isfinite(hi - lo):
            raise ExperimentFileError(f"{where}: [{lo:g}, {hi:g}] is not an interval: lo must be below hi")
        domain.append((lo, hi))
    try:
        return get_landscape(land_id, tuple(domain))
    except ValueError as exc:
        raise ExperimentFileError(f"landscape.domain: {exc}") from None


def _methods(value: Any) -> tuple[MethodSpec, ...]:
    items = _list(value, "methods")
    if not items:
        raise ExperimentFileError("methods: at least one method is needed")
    return tuple(_method(item, f"methods[{i}]") for i, item in enumerate(items))


def _method(value: Any, where: str) -> MethodSpec:
    obj = _object(value, where)
    _no_unknown_keys(obj, ("method", "params"), f"{where}.")
    method_id = _field(obj, "method", f"{where}.")
    if not isinstance(method_id, str) or method_id not in METHODS:
        shown = repr(method_id) if isinstance(method_id, str) else _show(method_id)
        raise ExperimentFileError(f"{where}.method: unknown method {shown}; valid: {', '.join(METHODS)}")
    given = _object(obj.get("params", {}), f"{where}.params")
    specs = {s.name: s for s in METHODS[method_id].params()}
    params: dict[str, Any] = {}
    for name, raw in given.items():
        at = f"{where}.params.{name}"
        spec = specs.get(name)
        if spec is None:
            raise ExperimentFileError(
                f"{at}: unknown parameter for {method_id}; valid: {', '.join(specs) or '(none)'}"
            )
        if spec.kind == "choice" and not isinstance(raw, str):
            raise ExperimentFileError(f"{at}: expected a string, {spec.describe_range()}; got {_show(raw)}")
        if spec.kind != "choice":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ExperimentFileError(
                    f"{at}: expected a number, {spec.describe_range()}; got {_show(raw)}"
                )
            _number(raw, at)
        try:
            params[name] = spec.coerce(raw)
        except ParamError as exc:
            message = str(exc).removeprefix(f"{name}=")
            raise ExperimentFileError(f"{at}: {message}") from None
    try:
        return method_spec(method_id, params)
    except ValueError as exc:  # pragma: no cover - every value was checked above
        raise ExperimentFileError(f"{where}: {exc}") from None


def _starts(value: Any, land: Landscape) -> tuple[tuple[float, ...], ...]:
    items = _list(value, "starts")
    lower, upper = land.lower, land.upper
    starts = []
    for i, item in enumerate(items):
        where = f"starts[{i}]"
        coords = _list(item, where)
        if len(coords) != land.dim:
            raise ExperimentFileError(f"{where}: has {len(coords)} coordinate(s); {land.id} is {land.dim}-D")
        point = tuple(_number(c, f"{where}[{j}]") for j, c in enumerate(coords))
        for j, x in enumerate(point):
            width = upper[j] - lower[j]
            if not lower[j] - START_MARGIN * width <= x <= upper[j] + START_MARGIN * width:
                raise ExperimentFileError(
                    f"{where}: {_show(list(point))} is far outside the domain "
                    f"{[list(d) for d in land.domain]} (more than {START_MARGIN:g} domain widths)"
                )
        starts.append(point)
    return tuple(starts)


def _view(value: Any) -> dict[str, Any]:
    obj = _object(value, "view")
    view: dict[str, Any] = {}
    for key, item in obj.items():
        where = f"view.{key}"
        if not isinstance(key, str):
            raise ExperimentFileError(f"view: key {key!r} is not a string")
        if isinstance(item, bool | str):
            view[key] = item
        elif isinstance(item, int | float):
            _number(item, where)
            view[key] = item
        else:
            raise ExperimentFileError(
                f"{where}: expected true/false, a number or a string, got {_show(item)}"
            )
    return view
