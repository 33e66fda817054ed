"""What a step does (its ``run`` block) and what it says happened (its ``claim`` blocks), as read from
a lesson file and checked there.

```run
action: play        # play (default), step, sweep, highdim, retrain, roughness or basin-map
steps: 100          # play: steps to take (default: the experiment's max_steps)
```

```claim
says: GD from 1.0 stops at the local minimum x = π/2.
measure: final_x    # what is measured (MEASURES lists them per action)
method: gd          # which runs: a method id, or #2 for the experiment's second method
start: 1            # …and the first start (optional: every start)
near: 1.57079633    # the figure must be within `within` of `near`,
within: 1e-6        # …or at_least / at_most a bound
seeds: 1            # pooled over seeds seed, seed + 1, … (at least 5 for a stochastic method)
```
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from core.lessons.blocks import Block, Entry, LessonFileError, number, numbers, whole
from core.limits import MAX_STEPS

RUN_MEASURES = (
    "final_x",  # the mean final coordinate (`coordinate`: 1 by default)
    "final_loss",  # the mean final loss
    "best_loss",  # the mean best loss a run saw
    "global_share",  # the share of runs ending in the global minimum's basin
    "local_share",  # …in a local (not global) minimum's basin
    "escaped_share",  # the share of runs with at least one escape event
    "escapes",  # escape events per run
    "diverged_share",
    "steps",  # the mean number of steps a run took
    "accept_rate",  # the mean share of accepted proposals (Metropolis-type methods)
)
MEASURES: dict[str, tuple[str, ...]] = {
    "play": RUN_MEASURES,
    "step": RUN_MEASURES,  # as play, but the window takes the steps at once (no animation)
    "sweep": ("global_share", "escaped_share", "escapes", "final_loss", "diverged_share", "steps"),
    "highdim": ("minima_share", "loss_range", "loss_std", "index_loss_corr"),
    "retrain": ("near_best_share", "loss_std", "loss_best", "loss_mean", "loss_worst"),
    "roughness": ("local_minima", "curvature_ratio", "nonconvex_fraction"),
    "basin-map": ("global_share", "diverged_share"),
}
SHARES = (
    *("global_share", "local_share", "escaped_share", "diverged_share", "accept_rate", "minima_share"),
    *("near_best_share", "nonconvex_fraction"),
)
MAX_SEEDS = 50
MAX_CLAIM_COST = 60_000_000  # runs × steps × seeds of one claim (a few seconds of the engine)


@dataclass(frozen=True)
class RunAction:
    """The step's ``run`` block (``play`` with the experiment's steps when it has none)."""

    action: str = "play"  # or step, sweep, highdim, retrain, roughness, basin-map
    steps: int | None = None  # play: steps to take; retrain: steps of each run
    param: str = ""  # sweep: the swept parameter of the experiment's first method…
    values: tuple[float, ...] = ()  # …and its values
    dims: tuple[int, ...] = ()  # highdim: dimensions
    runs: int = 200  # highdim: starts per dimension; retrain: runs
    dim: int = 10  # retrain: the dimension
    grid: int = 101  # roughness, basin-map: grid points per axis
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Claim:
    """An observation and the machine check behind it."""

    says: str
    measure: str
    method: str | None = None
    start: int | None = None
    value: float | None = None  # sweep: the parameter value whose runs are measured
    dim: int | None = None  # highdim: the dimension measured
    coordinate: int = 1
    near: float | None = None
    within: float = 0.0
    at_least: float | None = None
    at_most: float | None = None
    seeds: int = 1
    line: int = field(default=0, compare=False)

    def holds(self, figure: float) -> bool:
        """Whether ``figure`` satisfies the claim's bounds (NaN never does)."""
        if not math.isfinite(figure):
            return False
        ok = self.near is None or abs(figure - self.near) <= self.within
        ok &= self.at_least is None or figure >= self.at_least
        return ok and (self.at_most is None or figure <= self.at_most)

    def wanted(self) -> str:
        """The bounds in words, e.g. ``1.5708 ± 1e-06`` or ``≥ 80 %``."""
        parts = [f"{self.show(self.near)} ± {self.within:g}"] if self.near is not None else []
        parts += [f"≥ {self.show(self.at_least)}"] if self.at_least is not None else []
        return " and ".join(parts + ([f"≤ {self.show(self.at_most)}"] if self.at_most is not None else []))

    def show(self, figure: float) -> str:
        """A figure as the claim speaks of it: shares in per cent, other figures to 6 significant digits
        (more when the claim's tolerance is finer)."""
        if not math.isfinite(figure):
            return str(figure)
        if self.measure in SHARES:
            return f"{100 * figure:.4g} %"
        digits = 6
        if self.near is not None and self.within > 0:
            digits = max(6, math.ceil(math.log10(max(abs(self.near), self.within) / self.within)) + 2)
        return f"{figure:.{min(digits, 15)}g}"


def read_run(block: Block, source: str) -> RunAction:
    """The ``run`` block, every field checked."""
    given: dict[str, object] = {"line": block.line}
    for e in block.entries(source):
        given[e.key] = _run_field(e, source)
    action = given.get("action", "play")
    if action == "sweep" and not (given.get("param") and given.get("values")):
        raise LessonFileError(source, block.line, "run", "a sweep needs param and values")
    if action == "highdim" and not given.get("dims"):
        raise LessonFileError(source, block.line, "run.dims", "a highdim run needs dims")
    return RunAction(**given)


def _run_field(e: Entry, source: str) -> object:
    where = f"run.{e.key}"
    if e.key == "action":
        if e.value not in MEASURES:
            raise LessonFileError(
                source, e.line, where, f"{e.value!r}: expected one of {', '.join(MEASURES)}"
            )
        return e.value
    if e.key == "param":
        return e.value
    if e.key == "values":
        return numbers(e, source, where)
    if e.key == "dims":
        return tuple(int(v) for v in numbers(e, source, where)) if _whole_list(e, source) else ()
    bounds = {"steps": (1, MAX_STEPS), "runs": (1, 5000), "dim": (1, 500), "grid": (5, 301)}
    if e.key not in bounds:
        valid = ", ".join(f.name for f in fields(RunAction) if f.name != "line")
        raise LessonFileError(source, e.line, where, f"unknown field; valid: {valid}")
    return whole(e, source, where, *bounds[e.key])


def _whole_list(e: Entry, source: str) -> bool:
    for value in numbers(e, source, f"run.{e.key}"):
        if value != int(value) or not 1 <= value <= 500:
            raise LessonFileError(source, e.line, f"run.{e.key}", f"{value:g}: expected whole numbers 1…500")
    return True


def read_claim(block: Block, source: str, action: RunAction) -> Claim:
    """The ``claim`` block, every field checked against the step's ``action``."""
    given: dict[str, object] = {"line": block.line}
    for e in block.entries(source):
        given[e.key] = _claim_field(e, source)
    for required in ("says", "measure"):
        if required not in given:
            raise LessonFileError(source, block.line, f"claim.{required}", "missing")
    if given["measure"] not in MEASURES[action.action]:
        valid = ", ".join(MEASURES[action.action])
        problem = f"{given['measure']!r} is not measured by a {action.action} run; valid: {valid}"
        raise LessonFileError(source, block.line, "claim.measure", problem)
    if not {"near", "at_least", "at_most"} & set(given):
        raise LessonFileError(source, block.line, "claim", "give near (with within), at_least or at_most")
    return Claim(**given)


def _claim_field(e: Entry, source: str) -> object:
    where = f"claim.{e.key}"
    if e.key in ("says", "measure", "method"):
        if not e.value:
            raise LessonFileError(source, e.line, where, "empty")
        return e.value
    if e.key in ("near", "at_least", "at_most", "value"):
        return number(e, source, where)
    if e.key == "within":
        return number(e, source, where, 0.0)
    bounds = {"start": (1, 10_000), "dim": (1, 500), "coordinate": (1, 2), "seeds": (1, MAX_SEEDS)}
    if e.key not in bounds:
        valid = ", ".join(f.name for f in fields(Claim) if f.name != "line")
        raise LessonFileError(source, e.line, where, f"unknown field; valid: {valid}")
    return whole(e, source, where, *bounds[e.key])


def claim_text(claim: Claim) -> str:
    """The claim block's lines (fields at their defaults left out)."""
    defaults = Claim("", "")
    lines = []
    for f in fields(Claim):
        value = getattr(claim, f.name)
        if f.name == "line" or (value == getattr(defaults, f.name) and f.name not in ("says", "measure")):
            continue
        lines.append(f"{f.name}: {value!r}" if isinstance(value, float) else f"{f.name}: {value}")
    return "\n".join(lines)


def run_text(action: RunAction) -> str:
    """The run block's lines (fields at their defaults left out)."""
    defaults, lines = RunAction(), []
    for f in fields(RunAction):
        value = getattr(action, f.name)
        if f.name == "line" or value == getattr(defaults, f.name):
            continue
        shown = (
            ", ".join(f"{v!r}" if isinstance(v, float) else str(v) for v in value)
            if isinstance(value, tuple)
            else value
        )
        lines.append(f"{f.name}: {shown}")
    return "\n".join(lines) or "action: play"
