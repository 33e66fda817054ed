"""Experiment files: the JSON form of ``ExperimentState``, versioned (also the remembered session's form).

Schema (version 2; version 1 files are read as well)::

    {
     "format": "minima-lab-experiment",
     "version": 2,
     "landscape": {"id": "rosenbrock", "domain": [[-2.0, 2.0], [-1.0, 3.0]]},
     "methods": [{"method": "gd", "params": {"lr": 0.001}},
                 {"method": "adam", "params": {}},
                 {"method": "rmsprop", "params": {"lr": 0.02}, "enabled": false}],
     "starts": [[-1.5, 2.0]],
     "seed": 0,
     "max_steps": 2000,
     "view": {"show_minima": true, "log_loss": false, "batch_contours": false}
    }

* ``format``, ``version``, ``landscape.id``, ``methods``, ``starts``, ``seed`` and ``max_steps`` are
  required. ``landscape.domain`` is optional (the landscape's own box when absent), one ``[lo, hi]``
  per dimension with finite ``lo < hi``. A data landscape carries its samples in ``landscape.data``
  (``x``, ``y`` and a ``source`` text), so the file reproduces its runs.
* ``methods`` holds at least one method, run in the order listed. ``params`` may be partial or absent:
  missing parameters get their defaults. Unknown parameter names are refused; values must be numbers
  (strings for choices) within the parameter's range. Saved files always list every parameter, so a
  later change of a default does not change a saved experiment. ``"enabled": false`` (version 2) marks
  a method that is not run but whose parameters the window keeps (an unticked method you edited).
* ``starts`` may be empty (an experiment that has no start points yet); each start has one number per
  dimension and lies within ``START_MARGIN`` domain widths of the domain.
* ``seed`` is a whole number from 0 to ``MAX_SEED`` (2³¹ − 1; ``true``/``false`` are not numbers here);
  ``max_steps`` is a whole number from 1 to ``MAX_STEPS``. Sizes are limited (``core.limits``): at most
  ``MAX_STARTS`` starts, ``MAX_RUNS`` methods × starts, ``MAX_SAMPLES`` data samples.
* ``view`` is optional: display options. ``show_minima``, ``log_loss`` and ``batch_contours`` are
  true/false; other keys are kept as they are, with values that are booleans, finite numbers or strings.
* NaN and infinities are refused everywhere (Python's ``json`` would otherwise accept ``NaN``), as are
  unknown fields, repeated keys and files over ``MAX_FILE_BYTES``. Every error is an
  ``ExperimentFileError`` whose message starts with the field, e.g. ``starts[0]: has 1 coordinate(s);
  rosenbrock is 2-D``.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import threading
from typing import Any

import numpy as np

from core.experiment import json_fields as jf
from core.experiment.spec import MethodSpec, method_spec
from core.experiment.state import ExperimentState, StateError, ViewOptions
from core.files import TextFileError, atomic_write_text, read_text_limited, write_problem
from core.forked import call_in_child
from core.landscape import Landscape
from core.landscapes.data import DataLandscape, Dataset
from core.landscapes.registry import get_landscape
from core.limits import MAX_SAMPLES, MAX_SEED, MAX_STARTS, MAX_STEPS
from core.methods import METHODS
from core.params import ParamError
from core.progress import Progress

FORMAT = "minima-lab-experiment"
VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_FILE_BYTES = 10 * 1024 * 1024

_TOP_FIELDS = ("format", "version", "landscape", "methods", "starts", "seed", "max_steps", "view")


ExperimentFileError = StateError  # one error for one model: a file is refused as its state would be


# ---------------------------------------------------------------- writing


def _landscape_dict(land: Landscape) -> dict[str, Any]:
    out: dict[str, Any] = {"id": land.id, "domain": [[lo, hi] for lo, hi in land.domain]}
    if isinstance(land, DataLandscape):  # the samples themselves, so the file reproduces the runs
        ds = land.dataset
        out["data"] = {"x": ds.x.tolist(), "y": ds.y.tolist(), "source": ds.source}
    return out


def _method_dict(spec: MethodSpec, enabled: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"method": spec.method, "params": dict(spec.params)}
    return entry if enabled else {**entry, "enabled": False}


def state_to_dict(state: ExperimentState) -> dict[str, Any]:
    """The JSON-ready form of ``state`` (every method parameter listed)."""
    methods = [_method_dict(m, True) for m in state.methods] + [_method_dict(m, False) for m in state.parked]
    return {
        "format": FORMAT,
        "version": VERSION,
        "landscape": _landscape_dict(state.landscape),
        "methods": methods,
        "starts": [list(s) for s in state.starts],
        "seed": state.seed,
        "max_steps": state.max_steps,
        "view": dict(state.view),
    }


def state_to_json(state: ExperimentState) -> str:
    """``state`` as JSON text (see ``_dumps``); refuses a state it could not load."""
    try:
        state.check()
    except StateError as exc:
        raise ExperimentFileError(str(exc)) from None
    return _dumps(state_to_dict(state), "") + "\n"


def _dumps(value: Any, indent: str) -> str:
    """JSON with one key per line, and lists of numbers (starts, domains, data) on one line, so a
    file stays readable in a text editor. Floats keep full precision; NaN is refused."""
    if isinstance(value, dict):
        inner = indent + " "
        items = [f"{inner}{json.dumps(k)}: {_dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}" if items else "{}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        inner = indent + " "
        return "[\n" + ",\n".join(inner + _dumps(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, allow_nan=False)


def save_state(path: str | os.PathLike, state: ExperimentState) -> None:
    """Write ``state`` to ``path`` atomically: a failed save leaves the previous file as it was.

    Raises ExperimentFileError for an invalid state or a failed write (``cannot write FILE: reason``).
    """
    text = state_to_json(state)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ExperimentFileError(f"cannot write {os.fspath(path)}: {write_problem(exc)}") from exc


# ---------------------------------------------------------------- reading


def read_experiment_text(path: str | os.PathLike) -> str:
    """The text of an experiment file (at most ``MAX_FILE_BYTES``, UTF-8), or ExperimentFileError."""
    name = os.fspath(path)
    try:
        return read_text_limited(name, MAX_FILE_BYTES)
    except TextFileError as exc:
        messages = {
            "unreadable": f"cannot read {name}: {exc.detail}",
            "too-large": f"file: larger than {MAX_FILE_BYTES // 2**20} MB; not an experiment file",
            "not-utf8": f"file: not UTF-8 text (byte 0x{exc.byte:02x} at offset {exc.offset})",
        }
        raise ExperimentFileError(messages[exc.kind]) from None


def load_state(
    path: str | os.PathLike, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ExperimentState:
    """Read and validate the experiment file at ``path``; ExperimentFileError says what is wrong.

    ``progress``/``cancel`` reach a landscape that takes long to build (a network slice trains)."""
    return state_from_json(read_experiment_text(path), progress, cancel)


def state_from_json(
    text: str, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ExperimentState:
    """Parse and validate experiment JSON text (see ``load_state``)."""
    if len(text) > MAX_FILE_BYTES:
        raise ExperimentFileError(f"file: larger than {MAX_FILE_BYTES // 2**20} MB; not an experiment file")
    with jf.no_collection():  # a big file: millions of objects, none in a cycle (see no_collection)
        try:
            data = jf.parse_json(text)
        except jf.FieldError as exc:
            raise ExperimentFileError(str(exc)) from None
        try:
            return state_from_dict(data, progress, cancel)
        except BaseException:  # refused (too many starts, say): what was parsed is garbage now
            jf.release_gradually(data)
            raise


def state_from_json_apart(
    text: str, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ExperimentState:
    """``state_from_json(text)`` checked in a forked child (``core.forked``), so a big file never holds
    the caller's interpreter lock (and so its window) while it is parsed or refused. The child sends
    the state back when it pickles (data landscapes, the big ones, do); otherwise (a built-in whose
    functions are local) the file, known to be valid and small, is read again here."""
    sent = call_in_child(_pickled_state, text, progress=progress, cancel=cancel)
    if sent is not None:
        return pickle.loads(sent)
    return state_from_json(text, progress, cancel)


def _pickled_state(text: str, progress: Progress | None = None) -> bytes | None:
    state = state_from_json(text, progress)
    try:
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):
        return None


def landscape_id_of(text: str) -> str | None:
    """The landscape id named by experiment JSON text, or None if the text does not name one (the
    caller decides, e.g., to build an expensive landscape in a worker; reading checks the rest)."""
    try:
        land_id = jf.parse_json(text)["landscape"]["id"]
    except (jf.FieldError, KeyError, TypeError):
        return None
    return land_id if isinstance(land_id, str) else None


def state_from_dict(
    data: Any, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ExperimentState:
    """Validate parsed JSON ``data`` and build the state (defaults filled, domain applied)."""
    try:
        return _state(data, progress, cancel)
    except (jf.FieldError, StateError) as exc:
        raise ExperimentFileError(str(exc)) from None


def _state(data: Any, progress: Progress | None, cancel: threading.Event | None) -> ExperimentState:
    top = jf.as_object(data, "file")
    if "format" not in top:
        raise jf.FieldError(f'format: missing (expected "{FORMAT}"); not a Minima Lab experiment file')
    if top["format"] != FORMAT:
        raise jf.FieldError(f'format: expected "{FORMAT}", got {jf.show(top["format"])}')
    version = jf.as_whole(jf.required(top, "version", ""), "version", 0, None)
    if version not in READABLE_VERSIONS:
        raise jf.FieldError(f"version: {version} is not supported (this app reads versions 1 and 2)")
    jf.refuse_unknown_keys(top, _TOP_FIELDS, "")
    land = _landscape(jf.required(top, "landscape", ""), progress, cancel)
    entries = _methods(jf.required(top, "methods", ""), version)
    starts = _starts(jf.required(top, "starts", ""), land)
    seed = jf.as_whole(jf.required(top, "seed", ""), "seed", 0, MAX_SEED)
    max_steps = jf.as_whole(jf.required(top, "max_steps", ""), "max_steps", 1, MAX_STEPS)
    view = _view(top.get("view", {}))
    methods = tuple(spec for spec, enabled in entries if enabled)
    parked = tuple(spec for spec, enabled in entries if not enabled)
    return ExperimentState(land, methods, starts, seed, max_steps, view, parked).check()


def _landscape(value: Any, progress: Progress | None, cancel: threading.Event | None) -> Landscape:
    obj = jf.as_object(value, "landscape")
    jf.refuse_unknown_keys(obj, ("id", "domain", "data"), "landscape.")
    land = _landscape_by_id(obj, progress, cancel)
    if "data" in obj:
        land = _with_data(land, obj["data"])
    return land


def _with_data(land: Landscape, value: Any) -> Landscape:
    if not isinstance(land, DataLandscape):
        raise jf.FieldError(f"landscape.data: {land.id} is not a data landscape")
    data = jf.as_object(value, "landscape.data")
    jf.refuse_unknown_keys(data, ("x", "y", "source"), "landscape.data.")
    columns = []
    for name in ("x", "y"):
        items = jf.as_list(jf.required(data, name, "landscape.data."), f"landscape.data.{name}")
        if len(items) > MAX_SAMPLES:  # before converting a million numbers
            raise jf.FieldError(f"landscape.data.{name}: {len(items):,} samples; at most {MAX_SAMPLES:,}")
        columns.append([jf.as_number(v, f"landscape.data.{name}[{i}]") for i, v in enumerate(items)])
    source = data.get("source", "saved experiment")
    if not isinstance(source, str):
        raise jf.FieldError(f"landscape.data.source: expected a string, got {jf.show(source)}")
    try:
        return land.with_dataset(Dataset(np.array(columns[0]), np.array(columns[1]), str(source)))
    except ValueError as exc:
        raise jf.FieldError(f"landscape.data: {exc}") from None


def _landscape_by_id(obj: dict, progress: Progress | None, cancel: threading.Event | None) -> Landscape:
    land_id = jf.required(obj, "id", "landscape.")
    if not isinstance(land_id, str):
        raise jf.FieldError(f"landscape.id: expected a landscape id, got {jf.show(land_id)}")
    try:  # built-in, data landscape (default data), network slice or expr:FORMULA
        land = get_landscape(land_id, progress=progress, cancel=cancel)
    except ValueError as exc:
        raise jf.FieldError(f"landscape.id: {exc}") from None
    if "domain" not in obj:
        return land
    domain = _domain(obj["domain"], land)
    try:
        return get_landscape(land_id, domain)
    except ValueError as exc:
        raise jf.FieldError(f"landscape.domain: {exc}") from None


def _domain(value: Any, land: Landscape) -> tuple[tuple[float, float], ...]:
    intervals = jf.as_list(value, "landscape.domain")
    if len(intervals) != land.dim:
        raise jf.FieldError(f"landscape.domain: has {len(intervals)} interval(s); {land.id} is {land.dim}-D")
    domain = []
    for i, pair in enumerate(intervals):
        where = f"landscape.domain[{i}]"
        items = jf.as_list(pair, where)
        if len(items) != 2:
            raise jf.FieldError(f"{where}: expected [lo, hi], got {jf.show(pair)}")
        lo, hi = jf.as_number(items[0], f"{where}[0]"), jf.as_number(items[1], f"{where}[1]")
        if not lo < hi or not math.isfinite(hi - lo):
            raise jf.FieldError(f"{where}: [{lo:g}, {hi:g}] is not an interval: lo must be below hi")
        domain.append((lo, hi))
    return tuple(domain)


def _methods(value: Any, version: int) -> list[tuple[MethodSpec, bool]]:
    items = jf.as_list(value, "methods")
    if not items:
        raise jf.FieldError("methods: at least one method is needed")
    return [_method(item, f"methods[{i}]", version) for i, item in enumerate(items)]


def _method(value: Any, where: str, version: int) -> tuple[MethodSpec, bool]:
    obj = jf.as_object(value, where)
    known = ("method", "params", "enabled") if version >= 2 else ("method", "params")
    jf.refuse_unknown_keys(obj, known, f"{where}.")
    method_id = jf.required(obj, "method", f"{where}.")
    if not isinstance(method_id, str) or method_id not in METHODS:
        shown = repr(method_id) if isinstance(method_id, str) else jf.show(method_id)
        raise jf.FieldError(f"{where}.method: unknown method {shown}; valid: {', '.join(METHODS)}")
    given = jf.as_object(obj.get("params", {}), f"{where}.params")
    params = {name: _param(method_id, name, raw, f"{where}.params.{name}") for name, raw in given.items()}
    enabled = jf.as_bool(obj.get("enabled", True), f"{where}.enabled")
    return method_spec(method_id, params), enabled


def _param(method_id: str, name: str, raw: Any, at: str) -> Any:
    specs = {s.name: s for s in METHODS[method_id].params()}
    spec = specs.get(name)
    if spec is None:
        raise jf.FieldError(f"{at}: unknown parameter for {method_id}; valid: {', '.join(specs) or '(none)'}")
    if spec.kind == "choice" and not isinstance(raw, str):
        raise jf.FieldError(f"{at}: expected a string, {spec.describe_range()}; got {jf.show(raw)}")
    if spec.kind != "choice":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise jf.FieldError(f"{at}: expected a number, {spec.describe_range()}; got {jf.show(raw)}")
        jf.as_number(raw, at)
    try:
        return spec.coerce(raw)
    except ParamError as exc:
        raise jf.FieldError(f"{at}: {str(exc).removeprefix(f'{name}=')}") from None


def _starts(value: Any, land: Landscape) -> tuple[tuple[float, ...], ...]:
    items = jf.as_list(value, "starts")
    if len(items) > MAX_STARTS:  # before checking 300,000 points one by one
        raise jf.FieldError(f"starts: {len(items):,} starts; at most {MAX_STARTS:,}")
    starts = []
    for i, item in enumerate(items):
        where = f"starts[{i}]"
        coords = jf.as_list(item, where)
        if len(coords) != land.dim:
            raise jf.FieldError(f"{where}: has {len(coords)} coordinate(s); {land.id} is {land.dim}-D")
        starts.append(tuple(jf.as_number(c, f"{where}[{j}]") for j, c in enumerate(coords)))
    return tuple(starts)


def _view(value: Any) -> ViewOptions:
    obj = jf.as_object(value, "view")
    for key, item in obj.items():
        if key in ViewOptions.CHOICES:
            if item not in ViewOptions.CHOICES[key]:
                choices = ", ".join(ViewOptions.CHOICES[key])
                raise jf.FieldError(f"view.{key}: expected one of {choices}, got {jf.show(item)}")
        elif key in ViewOptions.DEFAULTS:
            jf.as_bool(item, f"view.{key}")
        elif isinstance(item, int | float) and not isinstance(item, bool):
            jf.as_number(item, f"view.{key}")
        elif not isinstance(item, bool | str):
            raise jf.FieldError(f"view.{key}: expected true/false, a number or a string, got {jf.show(item)}")
    return ViewOptions(obj)
