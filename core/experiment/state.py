"""The one experiment model: everything the window shows, a file holds and a run needs.

``ExperimentState`` is what experiment files, presets, the command line, the window's model and the
remembered session all use (its JSON form is ``core.experiment.file_format``). It may be incomplete
(no start or no method yet); ``experiment()`` gives the runnable ``Experiment`` once it is not.
``check()`` applies the rules every source shares (start dimensions and distance from the domain, seed
and step ranges, method parameters, view values) and raises ``StateError`` naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from core.experiment.spec import Experiment, MethodSpec
from core.landscape import Landscape
from core.limits import MAX_RUNS, MAX_SEED, MAX_STARTS, MAX_STEPS, LimitError, check_count, show_whole
from core.methods import get_method
from core.methods.batching import check_batch_size
from core.params import ParamError, resolve_params

START_MARGIN = 10.0  # starts may lie this many domain widths outside the domain, no further


def uniform_starts(land: Landscape, count: int, seed: int) -> np.ndarray:
    """``count`` starts drawn uniformly in the domain from ``seed`` (the rule of ``--random-starts``)."""
    rng = np.random.default_rng([seed, 2**31 - 1])
    return land.lower + (land.upper - land.lower) * rng.random((count, land.dim))


class StateError(ValueError):
    """An experiment state (or file) was refused; the message starts with the field, e.g. ``seed: …``."""


class ViewOptions(Mapping[str, Any]):
    """How the window shows an experiment (not what runs): the options a file or the window set.

    A read-only mapping; an option not set takes its default (``DEFAULTS``), read through the typed
    properties. Keys this version does not know are kept, so a file written by a newer version keeps
    them when saved again."""

    DEFAULTS: Mapping[str, Any] = {
        "show_minima": True,
        "log_loss": False,
        "batch_contours": False,
        "equal_aspect": True,  # a 2-D view draws x and y to the same scale
        "colour_scale": "auto",
        "legend": "right",
    }
    # Options that take one of a few words; the others in DEFAULTS are true/false.
    CHOICES: Mapping[str, tuple[str, ...]] = {
        "colour_scale": ("auto", "linear", "log"),  # auto: log where f spans decades (Rosenbrock)
        "legend": ("right", "top-right", "top-left", "bottom-left", "bottom-right", "hidden"),
    }

    def __init__(self, values: Mapping[str, Any] | None = None, **changes: Any):
        self._values = {**(values or {}), **changes}

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __repr__(self) -> str:
        return f"ViewOptions({self._values!r})"

    def option(self, name: str) -> Any:
        """The option's value, or its default when it is not set."""
        return self._values.get(name, self.DEFAULTS[name])

    def with_options(self, **changes: Any) -> ViewOptions:
        return ViewOptions(self._values, **changes)

    @property
    def show_minima(self) -> bool:
        return self.option("show_minima")

    @property
    def log_loss(self) -> bool:
        return self.option("log_loss")

    @property
    def batch_contours(self) -> bool:
        return self.option("batch_contours")

    @property
    def equal_aspect(self) -> bool:
        return self.option("equal_aspect")

    @property
    def colour_scale(self) -> str:
        return self.option("colour_scale")

    @property
    def legend(self) -> str:
        return self.option("legend")

    def check(self) -> None:
        """Known options are true/false or one of their words; others are true/false, finite numbers or
        strings."""
        for key, value in self._values.items():
            if not isinstance(key, str):
                raise StateError(f"view: key {key!r} is not a string")
            if key in self.CHOICES:
                if value not in self.CHOICES[key]:
                    words = ", ".join(self.CHOICES[key])
                    raise StateError(f"view.{key}: expected one of {words}, got {value!r}")
            elif key in self.DEFAULTS:
                if not isinstance(value, bool):
                    raise StateError(f"view.{key}: expected true/false, got {value!r}")
            elif not isinstance(value, bool | str) and not (
                isinstance(value, int | float) and math.isfinite(value)
            ):
                raise StateError(
                    f"view.{key}: expected true/false, a finite number or a string, got {value!r}"
                )


@dataclass(frozen=True)
class ExperimentState:
    """See the module docstring. ``methods`` run in their order; ``parked`` are unticked methods whose
    edited parameters are kept (the window's Methods panel remembers them)."""

    landscape: Landscape
    methods: tuple[MethodSpec, ...]
    starts: tuple[tuple[float, ...], ...] = ()
    seed: int = 0
    max_steps: int = 1000
    view: ViewOptions = field(default_factory=ViewOptions)
    parked: tuple[MethodSpec, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "methods", tuple(self.methods))
        object.__setattr__(self, "parked", tuple(self.parked))
        object.__setattr__(self, "starts", tuple(tuple(float(v) for v in s) for s in self.starts))
        if not isinstance(self.view, ViewOptions):
            object.__setattr__(self, "view", ViewOptions(self.view))

    def check(self) -> ExperimentState:
        """Raise StateError (naming the field) unless every source would accept this state; returns it."""
        _check_whole(self.seed, "seed", 0, MAX_SEED)
        _check_whole(self.max_steps, "max_steps", 1, MAX_STEPS)
        try:
            check_count("starts", len(self.starts), MAX_STARTS)
            check_count("runs (methods × starts)", len(self.methods) * len(self.starts), MAX_RUNS)
        except LimitError as exc:
            raise StateError(f"starts: {exc}") from None
        for i in np.flatnonzero(refused_starts(self.landscape, self.starts))[:1]:
            check_start(self.landscape, self.starts[i], f"starts[{i}]")  # says what is wrong
        for where, specs in (("methods", self.methods), ("parked", self.parked)):
            for i, spec in enumerate(specs):
                _check_spec(spec, f"{where}[{i}]")
        self.view.check()
        return self

    def experiment(self, fit_batches: bool = False) -> Experiment | None:
        """The runs this state describes, or None while it has no start or no method.

        ``fit_batches``: a minibatch size the landscape cannot honour is narrowed (0 off data
        landscapes, at most the dataset's size) instead of refused: the window keeps a method's
        ``batch_size`` when the user moves to another landscape."""
        if not self.starts or not self.methods:
            return None
        methods = self.fitted_methods() if fit_batches else self.methods
        return Experiment(self.landscape, methods, self.starts, self.max_steps, self.seed)

    def fitted_methods(self) -> tuple[MethodSpec, ...]:
        """The methods with each minibatch size narrowed to what the landscape honours (see
        ``experiment``)."""
        return tuple(_fit_batch(s, self.landscape) for s in self.methods)

    @classmethod
    def from_experiment(cls, exp: Experiment, view: Mapping[str, Any] | None = None) -> ExperimentState:
        """The state of a runnable experiment (plus ``view`` options), checked."""
        starts = tuple(tuple(float(v) for v in row) for row in exp.starts)
        view = ViewOptions(view)
        return cls(exp.landscape, exp.methods, starts, int(exp.seed), int(exp.max_steps), view).check()

    def replace(self, **changes: Any) -> ExperimentState:
        """A copy with ``changes`` (field names as keywords)."""
        return replace(self, **changes)


def check_start(land: Landscape, point: tuple[float, ...], where: str = "start") -> None:
    """A start needs one finite number per dimension, within ``START_MARGIN`` domain widths."""
    if len(point) != land.dim:
        raise StateError(f"{where}: has {len(point)} coordinate(s); {land.id} is {land.dim}-D")
    if not all(math.isfinite(x) for x in point):
        raise StateError(f"{where}: {list(point)} is not a finite point")
    for x, (lo, hi) in zip(point, land.domain, strict=True):
        width = hi - lo
        if not lo - START_MARGIN * width <= x <= hi + START_MARGIN * width:
            raise StateError(
                f"{where}: {_show_point(point)} is far outside the domain "
                f"{[list(d) for d in land.domain]} (more than {START_MARGIN:g} domain widths)"
            )


def refused_starts(land: Landscape, starts: Sequence[Sequence[float]]) -> np.ndarray:
    """Whether ``check_start`` refuses each of ``starts``, for thousands at once (the same rule)."""
    refused = np.array([len(point) != land.dim for point in starts], dtype=bool)
    fitting = np.flatnonzero(~refused)
    points = np.array([starts[i] for i in fitting], dtype=float).reshape(-1, land.dim)
    lo, hi = np.array(land.domain, dtype=float).T
    width = hi - lo
    with np.errstate(invalid="ignore"):
        inside = (points >= lo - START_MARGIN * width) & (points <= hi + START_MARGIN * width)
    refused[fitting[~np.all(inside & np.isfinite(points), axis=1)]] = True
    return refused


def _show_point(point: tuple[float, ...]) -> str:
    return "[" + ", ".join(repr(float(x)) for x in point) + "]"


def _check_whole(value: Any, where: str, low: int, high: int | None) -> None:
    span = f"from {low} to {high}" if high is not None else f">= {low}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise StateError(f"{where}: expected a whole number {span}, got {value!r}")
    if value < low or (high is not None and value > high):
        raise StateError(f"{where}: {show_whole(value)} is out of range: expected a whole number {span}")


def _check_spec(spec: MethodSpec, where: str) -> None:
    try:
        resolved = resolve_params(get_method(spec.method).params(), spec.params, f"method {spec.method!r}")
    except (ParamError, ValueError) as exc:
        raise StateError(f"{where}: {exc}") from None
    if resolved != dict(spec.params):
        raise StateError(
            f"{where}: {spec.method} lacks parameters {sorted(set(resolved) - set(spec.params))}"
        )


def _fit_batch(spec: MethodSpec, land: Landscape) -> MethodSpec:
    size = spec.params.get("batch_size", 0)
    if not size:
        return spec
    try:
        check_batch_size(land, size, spec.method)
        return spec
    except ValueError:
        limit = getattr(land, "n_samples", 0)
        return MethodSpec(spec.method, {**spec.params, "batch_size": min(size, limit)})
