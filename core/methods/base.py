"""The method interface: a vectorized update rule over N runs at once, plus its parameter descriptions."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from core.landscape import Landscape
from core.methods.schedules import SCHEDULE_PARAMS
from core.params import ParamSpec

State = dict[str, Any]
Params = dict[str, Any]


# Gradient methods on data landscapes: 0 means the full dataset (exact gradient).
BATCH_PARAM = ParamSpec(
    "batch_size",
    "int",
    0,
    "Minibatch size on data landscapes (0 = full batch); each gradient uses the next batch",
    0,
    1_000_000,
)


def lr_param(default: float, description: str = "Learning rate (step size) η") -> ParamSpec:
    """The learning-rate parameter every gradient method has."""
    return ParamSpec("lr", "float", default, description, 1e-9, 1e3, log=True)


def patience_param(default: int = 300) -> ParamSpec:
    """Steps without a new best loss after which a stochastic run counts as settled."""
    return ParamSpec(
        "patience",
        "int",
        default,
        "Settled when the best loss has not improved for this many steps",
        1,
        10_000_000,
    )


class Method:
    """A method: ``init`` builds the state for N runs, ``step`` advances all of them by one step.

    Class attributes describe it for the CLI, the GUI and the engine:

    - ``convergence``: how the engine decides a run has settled: ``"gradient"`` (small steps and a
      small gradient for a window), ``"patience"`` (no new best loss for ``patience`` steps) or
      ``"self"`` (the method sets ``state["finished"]``).
    - ``reports_best``: the final point is the best point found (``state["best_x"]``), not the
      current one (simulated annealing, restarts, basin hopping).
    - ``extras``: per-step records besides position, loss and learning rate, which ``step`` leaves
      in ``state["extras"]`` as ``(N,)`` arrays.
    - ``batch_param``: the ``batch_size`` parameter of methods with a schedule (a method may
      describe it in its own words).
    """

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    rule: ClassVar[str] = ""
    own_params: ClassVar[tuple[ParamSpec, ...]] = ()
    uses_schedule: ClassVar[bool] = True
    stochastic: ClassVar[bool] = False
    convergence: ClassVar[str] = "gradient"
    reports_best: ClassVar[bool] = False
    extras: ClassVar[tuple[str, ...]] = ()
    batch_param: ClassVar[ParamSpec] = BATCH_PARAM

    @classmethod
    def params(cls) -> tuple[ParamSpec, ...]:
        """Every parameter of this method, the learning-rate schedule's included."""
        return cls.own_params + ((*SCHEDULE_PARAMS, cls.batch_param) if cls.uses_schedule else ())

    @staticmethod
    def applied_rates(rates: np.ndarray, p: Params) -> np.ndarray:
        """The rates step t really applies, given the schedule's ``rates`` for k = t − 1 = 0, 1, …
        (what the engine passes to ``step`` and records). Most methods apply the schedule as it is."""
        return rates

    def init(self, x0: np.ndarray, land: Landscape, p: Params, rng: np.random.Generator) -> State:
        """State for the runs starting at the rows of ``x0`` (shape ``(N, dim)``)."""
        return {}

    def step(
        self,
        x: np.ndarray,
        state: State,
        t: int,
        lr: float,
        land: Landscape,
        p: Params,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Advance every run one step (``t`` counts from 1); may update ``x`` in place; returns it."""
        raise NotImplementedError


def uniform_in_box(rng: np.random.Generator, lower: np.ndarray, upper: np.ndarray, n: int) -> np.ndarray:
    """``n`` points drawn uniformly in the box ``[lower, upper]``."""
    return lower + (upper - lower) * rng.random((n, lower.size))


def inside_box(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Which rows of ``x`` lie in the box (inclusive)."""
    return np.all((x >= lower) & (x <= upper), axis=1)


def compact_state(state: State, keep: np.ndarray) -> None:
    """Drop the rows of finished runs from every per-run array in ``state`` (in place)."""
    n = keep.size
    for key, value in state.items():
        if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n:
            state[key] = value[keep]
        elif isinstance(value, dict):
            compact_state(value, keep)
