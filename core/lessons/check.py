"""Measuring what a lesson's claims say: the step's run made headless (the same engine, studies and
seeds as the window), each claim's figure computed and compared with its bounds."""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from core.experiment.state import ExperimentState
from core.lessons.blocks import LessonFileError
from core.lessons.claims import MAX_CLAIM_COST, Claim, RunAction
from core.lessons.lesson import Lesson
from core.lessons.setup import StepSetup, check_setup
from core.progress import Cancelled, Progress
from core.runs.engine import Engine
from core.runs.results import RunResult, collect_results


@dataclass(frozen=True)
class ClaimResult:
    """A claim, the figure measured for it and whether the figure meets its bounds."""

    step: int  # index in the lesson
    claim: Claim
    figure: float
    runs: int  # how many runs (or points, dimensions) the figure is over

    @property
    def holds(self) -> bool:
        return self.claim.holds(self.figure)

    def line(self) -> str:
        """One line: the measured figure against the bounds, then what the claim says."""
        verdict = "holds" if self.holds else "DOES NOT HOLD"
        figure = self.claim.show(self.figure)
        return (
            f"{self.claim.measure} = {figure} (wanted {self.claim.wanted()}): {verdict} — {self.claim.says}"
        )


def check_lesson(lesson: Lesson, cancel: threading.Event | None = None) -> Iterator[ClaimResult]:
    """Every claim of every step, measured (yields as each is done)."""
    for index, step in enumerate(lesson.steps):
        for claim in step.claims:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            yield measure_claim(lesson, index, claim)


def measure_step(lesson: Lesson, index: int, progress: Progress | None = None) -> list[ClaimResult]:
    """Every claim of step ``index`` measured (``progress`` hears the share done)."""
    results = []
    claims = lesson.steps[index].claims
    for k, claim in enumerate(claims):
        if progress is not None:
            progress(k / len(claims))
        results.append(measure_claim(lesson, index, claim))
    return results


def measure_claim(lesson: Lesson, index: int, claim: Claim) -> ClaimResult:
    """The figure of ``claim`` of step ``index`` (its run made for each of the claim's seeds)."""
    setup, step = lesson.setup_at(index), lesson.steps[index]
    state = check_setup(setup, lesson.source)
    action = step.run or RunAction()
    check_cost(state, action, claim, lesson.source)
    figure, count = MEASURERS[action.action](state, setup, action, claim, lesson.source)
    return ClaimResult(index, claim, figure, count)


def check_cost(state: ExperimentState, action: RunAction, claim: Claim, source: str) -> None:
    """Refuse a claim whose runs would take too long, before any work."""
    if action.action not in ("play", "sweep"):
        return
    steps = min(action.steps or state.max_steps, state.max_steps)
    cost = len(state.methods) * len(state.starts) * steps * claim.seeds * max(1, len(action.values))
    if cost > MAX_CLAIM_COST:
        problem = f"{cost:,} run-steps (runs × steps × seeds): at most {MAX_CLAIM_COST:,}"
        raise LessonFileError(source, claim.line, "claim.seeds", problem)


def played_runs(state: ExperimentState, action: RunAction, seed: int) -> list[RunResult]:
    """The experiment played for the step's steps with ``seed`` (every run's trajectory recorded)."""
    exp = state.experiment()
    steps = min(action.steps or exp.max_steps, exp.max_steps)
    return collect_results(Engine(dataclasses.replace(exp, seed=seed, max_steps=steps)).run())


def chosen(results: list[RunResult], state: ExperimentState, claim: Claim, source: str) -> list[RunResult]:
    """The runs a claim speaks of: its method (id or ``#k``) and start (1-based), else all."""
    picked = results
    if claim.method is not None:
        index = _method_index(state, claim, source)
        picked = [r for r in picked if r.method_index == index]
    if claim.start is not None:
        if claim.start > len(state.starts):
            problem = f"start {claim.start}: the experiment has {len(state.starts)} start(s)"
            raise LessonFileError(source, claim.line, "claim.start", problem)
        picked = [r for r in picked if r.start_index == claim.start - 1]
    return picked


def _method_index(state: ExperimentState, claim: Claim, source: str) -> int:
    ids = [spec.method for spec in state.methods]
    if claim.method.startswith("#") and claim.method[1:].isdigit() and 1 <= int(claim.method[1:]) <= len(ids):
        return int(claim.method[1:]) - 1
    if claim.method in ids:
        return ids.index(claim.method)
    problem = f"{claim.method!r} is not a method of the experiment ({', '.join(ids)}; or #1…#{len(ids)})"
    raise LessonFileError(source, claim.line, "claim.method", problem)


def run_figure(runs: list[RunResult], claim: Claim) -> float:
    """The claim's measure over ``runs`` (NaN if there are none)."""
    if not runs:
        return math.nan
    return float(np.mean([RUN_VALUES[claim.measure](r, claim) for r in runs]))


def _accept_rate(r: RunResult, _claim: Claim) -> float:
    accepted = r.extras.get("accepted")
    return float(np.nanmean(accepted)) if accepted is not None and len(accepted) else math.nan


RUN_VALUES: dict[str, Callable[[RunResult, Claim], float]] = {
    "final_x": lambda r, c: r.final[min(c.coordinate, len(r.final)) - 1],
    "final_loss": lambda r, c: r.final_loss,
    "best_loss": lambda r, c: r.best_loss,
    "global_share": lambda r, c: float(r.basin is not None and r.basin.kind == "global"),
    "local_share": lambda r, c: float(r.basin is not None and r.basin.kind != "global"),
    "escaped_share": lambda r, c: float(r.escapes is not None and len(r.escapes.steps) > 0),
    "escapes": lambda r, c: float(len(r.escapes.steps)) if r.escapes is not None else 0.0,
    "diverged_share": lambda r, c: float(r.status == "diverged"),
    "steps": lambda r, c: float(r.steps),
    "accept_rate": _accept_rate,
}


def measure_play(state, setup: StepSetup, action: RunAction, claim: Claim, source: str) -> tuple[float, int]:
    runs = [
        r
        for seed in range(state.seed, state.seed + claim.seeds)
        for r in chosen(played_runs(state, action, seed), state, claim, source)
    ]
    return run_figure(runs, claim), len(runs)


def measure_sweep(state, setup: StepSetup, action: RunAction, claim: Claim, source: str) -> tuple[float, int]:
    from core.studies.sweeps import run_sweep

    if claim.value is None or not any(math.isclose(claim.value, v) for v in action.values):
        raise LessonFileError(source, claim.line, "claim.value", "name one of the run's values")
    spec = state.methods[_method_index(state, claim, source) if claim.method else 0]
    counting = claim.measure in ("escaped_share", "escapes")
    sweep = run_sweep(
        state.landscape, [spec], action.param, action.values, np.asarray(state.starts), claim.seeds,
        state.seed, min(action.steps or state.max_steps, state.max_steps), count_escapes=counting,
    )  # fmt: skip
    cell = next(c for c in sweep.cells if math.isclose(c.value, claim.value))
    per_run = {
        "global_share": cell.is_global.astype(float),
        "escaped_share": (cell.escapes > 0).astype(float) if counting else None,
        "escapes": cell.escapes if counting else None,
        "final_loss": cell.final_loss,
        "diverged_share": (cell.statuses == "diverged").astype(float),
        "steps": cell.steps.astype(float),
    }[claim.measure]
    return float(np.mean(per_run)), cell.runs


def measure_highdim(
    state, setup: StepSetup, action: RunAction, claim: Claim, source: str
) -> tuple[float, int]:
    from core.studies.highdim import study

    if claim.dim is None or claim.dim not in action.dims:
        raise LessonFileError(source, claim.line, "claim.dim", "name one of the run's dims")
    result = study((claim.dim,), n_starts=action.runs, seed=state.seed)[0]
    figure = {
        "minima_share": result.share_minima,
        "loss_range": result.gd_range,
        "loss_std": result.gd_std,
        "index_loss_corr": result.index_loss_corr,
    }[claim.measure]
    return float(figure), result.n_critical if claim.measure == "minima_share" else action.runs


def measure_retrain(
    state, setup: StepSetup, action: RunAction, claim: Claim, source: str
) -> tuple[float, int]:
    from core.studies.highdim_retrain import retrain

    method = setup.methods[0]
    result = retrain(action.dim, method, action.runs, action.steps or 1000, seed=state.seed)
    figure = {
        "near_best_share": result.share_near_best,
        "loss_std": result.std,
        "loss_best": result.best,
        "loss_mean": result.mean,
        "loss_worst": result.worst,
    }[claim.measure]
    return float(figure), result.n


def measure_roughness(
    state, setup: StepSetup, action: RunAction, claim: Claim, source: str
) -> tuple[float, int]:
    from core.studies.slice_compare import roughness

    if state.landscape.dim != 2:
        raise LessonFileError(source, claim.line, "claim.measure", "roughness is measured on 2-D landscapes")
    return float(roughness(state.landscape, grid=action.grid)[claim.measure]), action.grid**2


MEASURERS = {
    "play": measure_play,
    "sweep": measure_sweep,
    "highdim": measure_highdim,
    "retrain": measure_retrain,
    "roughness": measure_roughness,
}
