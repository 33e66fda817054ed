"""Method specifications (a method id plus validated parameters) and experiments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.landscape import Landscape
from core.methods import get_method
from core.methods.batching import check_batch_size
from core.params import ParamError, resolve_params


@dataclass(frozen=True)
class MethodSpec:
    """A method with all of its parameters (defaults filled in, values validated)."""

    method: str
    params: Mapping[str, Any]

    @property
    def label(self) -> str:
        """Short label: the id and the parameters that differ from the defaults, e.g. ``gd lr=0.05``."""
        changed = [
            f"{s.name}={self.params[s.name]}"
            for s in get_method(self.method).params()
            if self.params[s.name] != s.default
        ]
        return " ".join([self.method, *changed])

    def to_text(self) -> str:
        """The CLI form, e.g. ``momentum:lr=0.1,beta=0.9`` (non-default parameters only)."""
        changed = [
            f"{s.name}={self.params[s.name]}"
            for s in get_method(self.method).params()
            if self.params[s.name] != s.default
        ]
        return self.method + (":" + ",".join(changed) if changed else "")


def method_spec(method_id: str, given: Mapping[str, Any] | None = None) -> MethodSpec:
    """Validate ``given`` for ``method_id`` and fill in defaults.

    Raises ParamError / ValueError with a message naming the problem.
    """
    cls = get_method(method_id)
    params = resolve_params(cls.params(), given or {}, f"method {method_id!r}")
    return MethodSpec(method_id, params)


def parse_method_spec(text: str) -> MethodSpec:
    """Parse ``id[:name=value,name=value…]``, e.g. ``sgd:lr=0.1,schedule=sgdr,t0=50``."""
    method_id, _, rest = text.strip().partition(":")
    given: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise ParamError(f"malformed parameter {item!r} in {text!r}: expected name=value")
        given[name.strip()] = value.strip()
    return method_spec(method_id.strip(), given)


@dataclass(frozen=True)
class Experiment:
    """Everything that determines a set of runs: one run per (method, start), method-major."""

    landscape: Landscape
    methods: tuple[MethodSpec, ...]
    starts: np.ndarray = field(compare=False)
    max_steps: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        starts = np.array(self.starts, dtype=float).reshape(-1, self.landscape.dim)
        starts.setflags(write=False)
        object.__setattr__(self, "starts", starts)
        if self.max_steps < 1:
            raise ValueError("max_steps must be at least 1")
        for spec in self.methods:
            check_batch_size(self.landscape, spec.params.get("batch_size", 0), spec.method)

    @property
    def n_runs(self) -> int:
        return len(self.methods) * len(self.starts)

    def run_index(self, method_index: int, start_index: int) -> int:
        """The position of run (method, start) in the engine's run order."""
        return method_index * len(self.starts) + start_index
