"""Parameter sweeps: how a method's outcome depends on one of its parameters (batch size, momentum,
temperature, learning rate, …), over many starts and seeds, with 95 % intervals.

One engine pass: every (method, value, seed) is one method group of a single engine, so a sweep of
K values × N starts × R seeds advances K·N·R runs together. Each group is seeded as the same method
alone would be (seed + r for replicate r, the basin maps' rule), so a run inside a sweep is bit for
bit the run made alone with that value, those starts and seed + r.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.experiment.spec import Experiment, MethodSpec, method_spec
from core.forked import call_in_child
from core.landscape import Landscape
from core.limits import MAX_RUNS, check_count
from core.methods import get_method
from core.minima.basins import DIVERGED as DIVERGED_LABEL
from core.minima.basins import BasinLabeller, labeller_for
from core.params import ParamSpec
from core.progress import Progress, check_cancel
from core.runs.engine import CONVERGED, DIVERGED, Engine
from core.runs.escapes import UNSEEN
from core.studies.basin_report import KEY_NAMES, minimum_name
from core.studies.basins import CHUNK_STEPS, runs_per_start

MAX_VALUES = 100  # values of one swept parameter
CHECK_EVERY = 20  # steps between settling checks (the engine's for final states; the same with escapes)
Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval


def parse_values(text: str) -> tuple[float, ...]:
    """``1,2,4,8``, ``log:LOW:HIGH:COUNT`` (geometric) or ``lin:LOW:HIGH:COUNT``; ValueError names the
    problem (empty, not a number, a log range through zero, more than ``MAX_VALUES``)."""
    text = text.strip()
    kind, _, rest = text.partition(":")
    if kind in ("log", "lin"):
        values = _range(kind, rest.split(":"), text)
    else:
        values = [_number(part, text) for part in text.split(",") if part.strip()]
    if not len(values):
        raise ValueError(f"--values {text!r}: no values")
    check_count("values", len(values), MAX_VALUES)
    return tuple(float(v) for v in values)


def default_values(param: ParamSpec, current: float, count: int = 8) -> str:
    """A first range to try for ``param`` around its ``current`` value, inside its bounds: a decade
    each way on a log scale for a log parameter, else its whole range (or ±100 % of the value)."""
    low = param.low if param.low is not None else -abs(current) * 2 - 1
    high = param.high if param.high is not None else abs(current) * 2 + 1
    inset = (high - low) / (2 * count)  # (inside an open bound)
    low, high = low + inset * param.low_open, high - inset * param.high_open
    if param.log and current > 0:
        lo, hi = max(current / 10, low, 1e-12), min(current * 10, high)
        return f"log:{lo:.3g}:{hi:.3g}:{count}"
    if param.kind == "int":  # (whole numbers, listed: a range would give fractions)
        lo, hi = int(math.ceil(low)), int(min(high, max(2 * current, low + count)))
        return ",".join(str(int(v)) for v in dict.fromkeys(np.round(np.linspace(lo, hi, count))))
    return f"lin:{low:.6g}:{high:.6g}:{count}"


def values_text(values: Sequence[float]) -> str:
    """A text ``parse_values`` reads back as ``values``: ``log:…`` or ``lin:…`` when they are such a
    range, else the list (each number in its shortest exact form)."""
    values = tuple(float(v) for v in values)
    for kind in ("log", "lin") if len(values) > 2 else ():
        for digits in (6, 17):
            text = f"{kind}:{values[0]:.{digits}g}:{values[-1]:.{digits}g}:{len(values)}"
            if _reads_back(text, values):
                return text
    return ",".join(f"{v:g}" if float(f"{v:g}") == v else repr(v) for v in values)


def _reads_back(text: str, values: tuple[float, ...]) -> bool:
    try:
        return bool(np.allclose(parse_values(text), values, rtol=1e-12, atol=0))
    except ValueError:  # (a log range through zero)
        return False


def is_log_range(text: str) -> bool:
    """Whether plots of the values ``text`` asks for read best on a log axis: a ``log:`` range, or a
    list of positive values spread geometrically over a decade or more (1,2,4,8,…)."""
    if text.strip().startswith("log:"):
        return True
    try:
        values = np.array(parse_values(text))
    except ValueError:
        return False
    if len(values) < 3 or (values <= 0).any() or values.max() / values.min() < 10:
        return False
    ratios = np.diff(np.log(np.sort(values)))
    return bool(ratios.min() > 0 and ratios.max() / ratios.min() < 1.5)


def _range(kind: str, parts: list[str], text: str) -> np.ndarray:
    if len(parts) != 3:
        raise ValueError(f"--values {text!r}: expected {kind}:LOW:HIGH:COUNT")
    low, high = _number(parts[0], text), _number(parts[1], text)
    count = _number(parts[2], text)
    if count != int(count) or not 1 <= count <= MAX_VALUES:
        raise ValueError(f"--values {text!r}: the count must be a whole number 1..{MAX_VALUES}")
    if kind == "log" and (low <= 0 or high <= 0):
        raise ValueError(f"--values {text!r}: a log range needs positive bounds")
    space = np.geomspace if kind == "log" else np.linspace
    return space(low, high, int(count))


def _number(part: str, text: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise ValueError(f"--values {text!r}: {part.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"--values {text!r}: {part.strip()!r} is not a finite number")
    return value


def swept_specs(base: MethodSpec, param: str, values: Sequence[float]) -> list[MethodSpec]:
    """``base`` with ``param`` set to each value (validated: a value out of range raises ParamError)."""
    _check_numeric(base, param)
    return [method_spec(base.method, {**base.params, param: value}) for value in values]


def swept_pairs(
    base: MethodSpec, param: str, values: Sequence[float], param2: str, values2: Sequence[float]
) -> list[tuple[float, float, MethodSpec]]:
    """``base`` with ``param`` and ``param2`` set to every pair of values (row-major), validated."""
    _check_numeric(base, param)
    _check_numeric(base, param2)
    if param2 == param:
        raise ValueError(f"--param2 {param2!r} is the swept parameter already: choose another")
    given = base.params
    return [(v, w, method_spec(base.method, {**given, param: v, param2: w})) for v in values for w in values2]


def _check_numeric(base: MethodSpec, param: str) -> None:
    numeric = [s.name for s in get_method(base.method).params() if s.kind != "choice"]
    if param not in numeric:
        raise ValueError(
            f"{base.method} has no numeric parameter {param!r} (it has: {', '.join(numeric) or 'none'})"
        )


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (Wilson 1927): ``successes`` of ``n``."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class SweepCell:
    """The outcomes of one (method, value): every start × seed."""

    method: str  # the swept method's label (its other parameters included)
    value: float
    spec: MethodSpec
    labels: np.ndarray  # (runs,) basin labels as in a basin map (minimum index, or a KEY_NAMES key)
    is_global: np.ndarray  # (runs,) bool
    statuses: np.ndarray  # (runs,)
    steps: np.ndarray  # (runs,)
    final_loss: np.ndarray  # (runs,)
    final_x: np.ndarray  # (runs, dim)
    value2: float = math.nan  # the second parameter's value (a two-parameter sweep)
    escapes: np.ndarray | None = None  # (runs,) escape events of each run, if they were counted

    @property
    def runs(self) -> int:
        return self.labels.size

    @property
    def success(self) -> float:
        """The share of runs that ended in a global minimum."""
        return float(self.is_global.mean()) if self.runs else math.nan

    @property
    def success_interval(self) -> tuple[float, float]:
        return wilson_interval(int(self.is_global.sum()), self.runs)

    @property
    def mean_escapes(self) -> float:
        """The mean number of escape events per run (NaN if they were not counted)."""
        return float(self.escapes.mean()) if self.escapes is not None and self.runs else math.nan

    @property
    def diverged_share(self) -> float:
        return float((self.statuses == DIVERGED).mean()) if self.runs else math.nan

    def loss_quartiles(self) -> tuple[float, float, float]:
        """The first quartile, median and third quartile of the finite final losses (NaN if none)."""
        finite = self.final_loss[np.isfinite(self.final_loss)]
        return (
            tuple(float(q) for q in np.quantile(finite, (0.25, 0.5, 0.75)))
            if finite.size
            else (math.nan,) * 3
        )

    @property
    def median_steps(self) -> float:
        """The median steps of the runs that settled (NaN if none did)."""
        settled = self.steps[self.statuses == CONVERGED]
        return float(np.median(settled)) if settled.size else math.nan


@dataclass(frozen=True)
class Sweep:
    landscape: Landscape
    param: str
    values: tuple[float, ...]
    cells: tuple[SweepCell, ...]  # method-major: every value (pair) of the first method, then the next
    minima_names: dict[int, str]  # label -> "global min at (0, 0)", "diverged", …
    param2: str | None = None  # a two-parameter sweep's second parameter, and its values
    values2: tuple[float, ...] = ()

    def shares(self, cell: SweepCell) -> dict[str, float]:
        """The share of the cell's runs ending in each basin (by name), most frequent first."""
        labels, counts = np.unique(cell.labels, return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return {self.minima_names[int(labels[k])]: float(counts[k] / cell.runs) for k in order}


def run_sweep(
    land: Landscape,
    bases: Sequence[MethodSpec],
    param: str,
    values: Sequence[float],
    starts: np.ndarray,
    seeds: int = 1,
    seed: int = 0,
    max_steps: int = 1000,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    param2: str | None = None,
    values2: Sequence[float] = (),
    count_escapes: bool = False,
) -> Sweep:
    """Every base method with ``param`` at each value (and ``param2`` at each of ``values2``: every
    pair), from every start, ``seeds`` times if stochastic (seeds seed, seed + 1, …), in one engine
    pass; limits are checked before any work. ``count_escapes``: also count each run's escape events
    (every step labelled with its basin: slower)."""
    cells = _cells(bases, param, values, param2, values2)
    replicas = [runs_per_start(spec, seeds) for *_, spec in cells]
    check_count("runs in the sweep", sum(replicas) * len(starts), MAX_RUNS, "fewer values, starts or seeds")
    methods = tuple(spec for (*_, spec), r in zip(cells, replicas, strict=True) for _ in range(r))
    group_seeds = [seed + k for r in replicas for k in range(r)]
    exp = Experiment(land, methods, starts, max_steps, seed)
    # (recording every step checks for settling as often as recording final states: the same runs)
    record = {"record": "full", "keep_chunks": False} if count_escapes else {"record": "final"}
    engine = Engine(exp, check_every=CHECK_EVERY, group_seeds=group_seeds, **record)
    counter = EscapeCounter(labeller_for(land), engine.start_positions) if count_escapes else None
    while not engine.done:
        check_cancel(cancel)
        chunk = engine.advance(CHUNK_STEPS)
        if counter is not None and chunk is not None:
            counter.feed(chunk.positions)
        if progress is not None:
            progress(engine.t / max_steps)
    counts = counter.count if counter is not None else None
    sweep = _outcomes(land, param, values, cells, replicas, engine, counts)
    return replace(sweep, param2=param2, values2=tuple(float(w) for w in values2)) if param2 else sweep


def _cells(bases, param, values, param2, values2) -> list[tuple[MethodSpec, float, float, MethodSpec]]:
    """(base, value, value2, spec) for every base and value (pair); value2 NaN in a one-parameter sweep."""
    if param2 is None:
        return [
            (base, v, math.nan, spec)
            for base in bases
            for v, spec in zip(values, swept_specs(base, param, values), strict=True)
        ]
    return [(base, *pair) for base in bases for pair in swept_pairs(base, param, values, param2, values2)]


def run_sweep_apart(land: Landscape, *args, progress=None, cancel=None, **options) -> Sweep:
    """``run_sweep`` in a forked child: the same sweep, and ``cancel`` ends the child at once."""
    sweep = call_in_child(_sweep_without_landscape, land, args, options, progress=progress, cancel=cancel)
    return replace(sweep, landscape=land)


def _sweep_without_landscape(land: Landscape, args: tuple, options: dict, progress: Progress) -> Sweep:
    """The sweep, sent back without its landscape (the caller has it; a formula's may not pickle)."""
    return replace(run_sweep(land, *args, progress=progress, **options), landscape=None)


class EscapeCounter:
    """Escape events of every run (a change of basin between consecutive rows, as ``EscapeTracker``
    counts them), a chunk of rows at a time, vectorized; a row that is not finite (a run diverging)
    keeps the basin before it."""

    def __init__(self, labeller: BasinLabeller, starts: np.ndarray):
        self.labeller = labeller
        self.last = self._labels(starts[None])[0]
        self.count = np.zeros(len(starts), dtype=int)

    def feed(self, positions: np.ndarray) -> None:
        """The next rows of every run: (steps, runs, dim)."""
        labels = np.vstack([self.last[None], self._labels(positions)])
        for k in range(1, len(labels)):
            unseen = labels[k] == UNSEEN
            labels[k, unseen] = labels[k - 1, unseen]
        self.count += ((labels[1:] != labels[:-1]) & (labels[:-1] != UNSEEN)).sum(axis=0)
        self.last = labels[-1]

    def _labels(self, positions: np.ndarray) -> np.ndarray:
        steps, runs, dim = positions.shape
        flat = positions.reshape(-1, dim)
        finite = np.isfinite(flat).all(axis=1)
        labels = np.full(len(flat), UNSEEN)
        labels[finite] = self.labeller.label(flat[finite])
        return labels.reshape(steps, runs)


def _outcomes(land, param, values, cells, replicas, engine: Engine, escapes=None) -> Sweep:
    labeller = labeller_for(land)
    diverged = engine.status == DIVERGED
    labels = np.full(engine.n_runs, DIVERGED_LABEL)
    labels[~diverged] = labeller.label(engine.final_x[~diverged])
    minima = list(labeller.minima)
    is_global = np.array([m.kind == "global" for m in minima] + [False, True, False, False])[labels]
    bounds = np.cumsum([0] + [r * len(engine.exp.starts) for r in replicas])
    out = []
    for (base, value, value2, spec), lo, hi in zip(cells, bounds[:-1], bounds[1:], strict=True):
        part = slice(int(lo), int(hi))
        out.append(
            SweepCell(
                base.label,
                float(value),
                spec,
                labels[part],
                is_global[part],
                engine.status[part],
                engine.steps[part],
                engine.final_f[part],
                engine.final_x[part],
                float(value2),
                None if escapes is None else escapes[part],
            )
        )
    names = {k: minimum_name(m) for k, m in enumerate(minima)} | KEY_NAMES
    return Sweep(land, param, tuple(float(v) for v in values), tuple(out), names)
