"""Per-run results of a finished (or stopped) engine, and their JSON / CSV / summary forms."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.experiment.spec import Experiment, MethodSpec
from core.files import atomic_write_text
from core.limits import MAX_EXPORT_VALUES, LimitError
from core.minima.basins import GLOBAL_ELSEWHERE, LOCAL_ELSEWHERE, BasinLabeller, labeller_for
from core.minima.match import MinimumMatch, match_minima
from core.runs.engine import DIVERGED, Engine
from core.runs.escapes import EscapeSummary, escape_events

JSON_SCHEMA_VERSION = 2


@dataclass(frozen=True)
class RunResult:
    """One (method, start) run. Trajectory arrays are present only for ``record="full"`` engines.

    ``positions`` and ``losses`` have ``steps + 1`` rows (the start first); ``learning_rates`` and
    each extra have ``steps`` rows (the value used by step 1, 2, …). A diverged run has no
    ``minimum``, ``basin`` or ``escapes`` (None): where it ended says nothing about the landscape.
    ``escapes`` needs the trajectory (None for ``record="final"`` engines).
    """

    index: int
    method_index: int
    start_index: int
    spec: MethodSpec
    start: tuple[float, ...]
    status: str
    steps: int
    final: tuple[float, ...]
    final_loss: float
    best_loss: float
    minimum: MinimumMatch | None
    basin: MinimumMatch | None
    escapes: EscapeSummary | None = None
    positions: np.ndarray | None = field(default=None, repr=False)
    losses: np.ndarray | None = field(default=None, repr=False)
    learning_rates: np.ndarray | None = field(default=None, repr=False)
    extras: dict[str, np.ndarray] = field(default_factory=dict, repr=False)


def collect_results(engine: Engine) -> list[RunResult]:
    """A RunResult for every run of ``engine`` (finished or not), in run order."""
    exp = engine.exp
    n_starts = len(exp.starts)
    traj = _stacked_trajectories(engine) if engine.record == "full" else None
    finals = np.where((engine.status != "running")[:, None], engine.final_x, engine.current_x)
    labeller = labeller_for(exp.landscape)
    minima, basins = match_minima(exp.landscape, finals), basin_matches(labeller, finals)
    results = []
    for r in range(engine.n_runs):
        m, s = divmod(r, n_starts)
        finished = engine.status[r] != "running"
        steps = int(engine.steps[r]) if finished else engine.t
        final = engine.final_x[r] if finished else engine.current_x[r]
        final_loss = float(engine.final_f[r] if finished else engine.current_f[r])
        method_extras = _method_extra_names(exp.methods[m])
        diverged = engine.status[r] == DIVERGED
        kwargs = {}
        if traj is not None:
            pos, losses, lrs, extras = traj
            kwargs = dict(
                positions=pos[: steps + 1, r],
                losses=losses[: steps + 1, r],
                learning_rates=lrs[:steps, r],
                extras={k: extras[k][:steps, r] for k in method_extras},
            )
            if not diverged:
                kwargs["escapes"] = escape_events(labeller, kwargs["positions"], kwargs["losses"])
        results.append(
            RunResult(
                index=r,
                method_index=m,
                start_index=s,
                spec=exp.methods[m],
                start=tuple(map(float, exp.starts[s])),
                status=str(engine.status[r]),
                steps=steps,
                final=tuple(map(float, final)),
                final_loss=final_loss,
                best_loss=float(min(engine.best_f[r], final_loss)),
                minimum=None if diverged else minima[r],
                basin=None if diverged else basins[r],
                **kwargs,
            )
        )
    return results


def basin_matches(labeller: BasinLabeller, points: np.ndarray) -> list[MinimumMatch]:
    """The minimum whose basin of attraction holds each point, as a match (distance to it given)."""
    points = np.asarray(points, dtype=float).reshape(-1, labeller.land.dim)
    out = []
    for point, label in zip(points, labeller.label(points), strict=True):
        if label >= 0:
            m = labeller.minima[label]
            out.append(
                MinimumMatch(m.kind, tuple(m.location), m.value, float(np.linalg.norm(point - m.location)))
            )
        else:
            out.append(
                MinimumMatch({GLOBAL_ELSEWHERE: "global", LOCAL_ELSEWHERE: "local"}.get(int(label), "none"))
            )
    return out


def _method_extra_names(spec: MethodSpec) -> tuple[str, ...]:
    from core.methods import get_method

    return get_method(spec.method).extras


def _stacked_trajectories(engine: Engine):
    chunks = engine.chunks
    pos = np.concatenate([engine.start_positions[None]] + [c.positions for c in chunks])
    losses = np.concatenate([engine.start_losses[None]] + [c.losses for c in chunks])
    empty = np.empty((0, engine.n_runs))
    lrs = np.concatenate([empty] + [c.learning_rates for c in chunks])
    extras = {
        name: np.concatenate([empty] + [c.extras[name] for c in chunks]) for name in engine._extra_names
    }
    return pos, losses, lrs, extras


# ---- output formats -------------------------------------------------------------------------------------
def _num(x: float) -> float | None:
    """JSON has no NaN/inf: they become null."""
    return float(x) if math.isfinite(x) else None


def _nums(a: np.ndarray) -> list:
    if a.dtype == bool:
        return [bool(v) for v in a]
    return [_num(v) for v in a.tolist()] if not np.isfinite(a).all() else a.tolist()


def results_to_dict(engine: Engine, results: list[RunResult]) -> dict:
    """The documented JSON document (README, "JSON output")."""
    land = engine.exp.landscape
    runs = []
    for res in results:
        run = {
            "method": res.spec.method,
            "params": dict(res.spec.params),
            "start": list(res.start),
            "start_index": res.start_index,
            "status": res.status,
            "steps": res.steps,
            "final": list(res.final),
            "final_loss": _num(res.final_loss),
            "best_loss": _num(res.best_loss),
            "minimum": None if res.minimum is None else res.minimum.to_dict(),
            "basin": None if res.basin is None else res.basin.to_dict(),
            **_escape_fields(res.escapes),
        }
        if res.positions is not None:
            run["positions"] = res.positions.tolist()
            run["losses"] = _nums(res.losses)
            run["learning_rates"] = _nums(res.learning_rates)
            for name, values in res.extras.items():
                run[name] = _nums(values.astype(bool) if name == "accepted" else values)
        runs.append(run)
    return {
        "version": JSON_SCHEMA_VERSION,
        "landscape": {
            "id": land.id,
            "name": land.name,
            "dim": land.dim,
            "formula": land.formula,
            "domain": [list(d) for d in land.domain],
            "minima": [
                {"location": list(m.location), "value": m.value, "kind": m.kind}
                for m in land.minima_in_domain()
            ],
        },
        "seed": engine.exp.seed,
        "max_steps": engine.exp.max_steps,
        "runs": runs,
    }


def _escape_fields(escapes: EscapeSummary | None) -> dict:
    """The results table's escape columns (null when unknown: a diverged run, or no trajectory)."""
    if escapes is None:
        return {"escapes": None, "escape_steps": None, "first_global_step": None, "max_barrier": None}
    return {**escapes.to_dict(), "max_barrier": _num(escapes.highest_barrier)}


def results_to_json(engine: Engine, results: list[RunResult]) -> str:
    """JSON text; floats are written with full precision (they round-trip exactly)."""
    return json.dumps(results_to_dict(engine, results), indent=1)


def results_to_csv(engine: Engine, results: list[RunResult]) -> str:
    """One row per run and step: method, params, start id, step, position, loss, rate, extras, then
    the run's outcome (status, minimum reached, basin, escapes, first global step, max barrier; empty
    where unknown, e.g. for a diverged run) repeated on each of its rows."""
    dim = engine.exp.landscape.dim
    extra_names = sorted({name for r in results for name in r.extras})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    axes = ["x", "y"][:dim]
    writer.writerow(
        ["run", "method", "params", "start_id", "step", *axes, "loss", "learning_rate", *extra_names]
        + list(RUN_COLUMNS)
    )
    for res in results:
        if res.positions is None:
            continue
        label, outcome = res.spec.to_text(), _run_columns(res)
        for step in range(res.steps + 1):
            lr = res.learning_rates[step - 1] if step else math.nan
            extra = [
                _csv_value(res.extras[n][step - 1]) if (step and n in res.extras) else "" for n in extra_names
            ]
            writer.writerow(
                [
                    res.index,
                    res.spec.method,
                    label,
                    res.start_index,
                    step,
                    *map(repr, map(float, res.positions[step])),
                    repr(float(res.losses[step])),
                    "" if math.isnan(lr) else repr(float(lr)),
                    *extra,
                    *outcome,
                ]
            )
    return out.getvalue()


RUN_COLUMNS = ("status", "reached", "basin", "escapes", "first_global_step", "max_barrier")


def _run_columns(res: RunResult) -> list[str]:
    esc = res.escapes
    return [
        res.status,
        "" if res.minimum is None else res.minimum.kind,
        "" if res.basin is None else res.basin.kind,
        "" if esc is None else str(len(esc.steps)),
        "" if esc is None or esc.first_global_step is None else str(esc.first_global_step),
        "" if esc is None else repr(float(esc.highest_barrier)),
    ]


def _csv_value(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(int(v))
    return "" if math.isnan(v) else repr(float(v))


def check_export_size(exp: Experiment) -> None:
    """Refuse (LimitError, before running) an export of every step that would hold more than
    ``MAX_EXPORT_VALUES`` numbers: runs × (steps + 1) × (coordinates, loss, rate and extras)."""
    extras = {name for spec in exp.methods for name in _method_extra_names(spec)}
    values = exp.n_runs * (exp.max_steps + 1) * (exp.landscape.dim + 2 + len(extras))
    if values > MAX_EXPORT_VALUES:
        raise LimitError(
            f"every step of {exp.n_runs:,} run(s) × {exp.max_steps:,} steps is {values:,} numbers: at most "
            f"{MAX_EXPORT_VALUES:,} (the export limit; use fewer runs or steps, or the summary)"
        )


def write_run_data(
    exp: Experiment, path: str | os.PathLike, progress: Callable[[float], None] | None = None
) -> None:
    """Run ``exp`` to the end and write every step of every run as CSV, or the JSON document (by the
    file's extension), atomically. Refused before running when it is over the export limit.
    ``progress`` hears the fraction of steps run (and may raise to cancel; nothing is written then)."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in (".csv", ".json"):
        raise ValueError(f"data export writes .csv or .json, not {suffix or 'no extension'}")
    check_export_size(exp)
    engine = Engine(exp, record="full")
    for _ in engine.iter_chunks(500):
        if progress is not None:
            progress(0.9 * engine.t / max(exp.max_steps, 1))
    results = collect_results(engine)
    text = results_to_csv(engine, results) if suffix == ".csv" else results_to_json(engine, results)
    atomic_write_text(path, text)


def format_number(v: float) -> str:
    """Eight decimals, or eight significant digits past a million (a diverging run's numbers)."""
    return f"{v:.8f}" if abs(v) < 1e6 else f"{v:.8g}"


def format_point(p: tuple[float, ...]) -> str:
    return "(" + ", ".join(map(format_number, p)) + ")" if len(p) > 1 else format_number(p[0])


def results_to_summary(engine: Engine, results: list[RunResult]) -> str:
    """One line per run: method, start, final point and loss, status, steps, minimum reached."""
    lines = []
    for res in results:
        where = _summary_place(res)
        lines.append(
            f"{res.spec.label:<28} start {format_point(res.start):<26} -> {format_point(res.final)}"
            f"  f={format_number(res.final_loss)}  {res.status} after {res.steps} steps  [{where}]"
        )
    return "\n".join(lines) + "\n"


def _summary_place(res: RunResult) -> str:
    if res.minimum is None:
        return "diverged: no minimum"
    where = res.minimum.kind
    if res.minimum.location is not None:
        where += f" min at {format_point(res.minimum.location)}"
    if res.basin.kind != res.minimum.kind or res.minimum.kind == "none":
        where += f"; in a {res.basin.kind} minimum's basin"
    if res.escapes is not None:
        where += f"; {len(res.escapes.steps)} escape(s)"
    return where
