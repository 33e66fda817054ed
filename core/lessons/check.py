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
from core.lessons.setup import check_setup
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
    """Every claim of every step, measured (yields as each is done; a step's runs are made once)."""
    for index, step in enumerate(lesson.steps):
        runs = StepRuns(lesson, index) if step.claims else None
        for claim in step.claims:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            yield measure_claim(lesson, index, claim, runs)


@dataclass(frozen=True)
class StepOutcome:
    """What a step's run gave: each claim's result, and the study to show in its window (a ``Sweep``,
    a list of ``DimResult`` or of ``BasinMap``; None for other runs)."""

    results: list[ClaimResult]
    shown: object | None


def measure_step(lesson: Lesson, index: int, progress: Progress | None = None) -> StepOutcome:
    """Every claim of step ``index`` measured (``progress`` hears the share done)."""
    runs, results = StepRuns(lesson, index), []
    claims = lesson.steps[index].claims
    for k, claim in enumerate(claims):
        if progress is not None:
            progress(k / len(claims))
        results.append(measure_claim(lesson, index, claim, runs))
    if not claims and runs.action.action in (
        "sweep",
        "highdim",
        "basin-map",
    ):  # (a study shown without a claim)
        runs.study(Claim("", "", seeds=1))
    return StepOutcome(results, without_landscape(runs.shown))


def without_landscape(study: object) -> object:
    """A sweep or basin maps without their landscape (sent back from a child process: the window has
    the landscape, and a formula's may not pickle); other studies as they are."""
    if isinstance(study, list) and study and hasattr(study[0], "landscape"):
        return [dataclasses.replace(item, landscape=None) for item in study]
    return dataclasses.replace(study, landscape=None) if hasattr(study, "landscape") else study


def measure_claim(lesson: Lesson, index: int, claim: Claim, runs: StepRuns | None = None) -> ClaimResult:
    """The figure of ``claim`` of step ``index`` (its run made for each of the claim's seeds, or taken
    from ``runs`` if made there before)."""
    runs = runs or StepRuns(lesson, index)
    check_cost(runs.state, runs.action, claim, lesson.source)
    figure, count = MEASURERS[runs.action.action](runs, claim)
    return ClaimResult(index, claim, figure, count)


class StepRuns:
    """The runs or the study of one step, made once for all its claims (per seed count)."""

    def __init__(self, lesson: Lesson, index: int):
        self.source, self.setup = lesson.source, lesson.setup_at(index)
        self.state = check_setup(self.setup, lesson.source)
        self.action = lesson.steps[index].run or RunAction()
        self.shown: object | None = None
        self._made: dict[tuple, object] = {}

    def _once(self, key: tuple, make: Callable[[], object]) -> object:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def played(self, seed: int) -> list[RunResult]:
        """The experiment played for the step's steps with ``seed``."""
        return self._once(("play", seed), lambda: played_runs(self.state, self.action, seed))

    def study(self, claim: Claim) -> object:
        """The step's study (sweep, highdim, retrain, roughness) as the claim needs it."""
        key = (self.action.action, claim.seeds, claim.measure in ("escaped_share", "escapes"))
        self.shown = self._once(key, lambda: STUDIES[self.action.action](self, claim))
        return self.shown


def check_cost(state: ExperimentState, action: RunAction, claim: Claim, source: str) -> None:
    """Refuse a claim whose runs would take too long, before any work."""
    if action.action not in ("play", "step", "sweep", "basin-map"):
        return
    steps = min(action.steps or state.max_steps, state.max_steps)
    starts = action.grid**state.landscape.dim if action.action == "basin-map" else len(state.starts)
    cost = len(state.methods) * starts * steps * claim.seeds * max(1, len(action.values))
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
    "local_share": lambda r, c: float(r.basin is not None and r.basin.kind == "local"),
    "escaped_share": lambda r, c: float(r.escapes is not None and len(r.escapes.steps) > 0),
    "escapes": lambda r, c: float(len(r.escapes.steps)) if r.escapes is not None else 0.0,
    "diverged_share": lambda r, c: float(r.status == "diverged"),
    "steps": lambda r, c: float(r.steps),
    "accept_rate": _accept_rate,
}


def measure_play(runs: StepRuns, claim: Claim) -> tuple[float, int]:
    state, seeds = runs.state, range(runs.state.seed, runs.state.seed + claim.seeds)
    chosen_runs = [r for seed in seeds for r in chosen(runs.played(seed), state, claim, runs.source)]
    return run_figure(chosen_runs, claim), len(chosen_runs)


def _sweep(runs: StepRuns, claim: Claim) -> object:
    from core.studies.sweeps import run_sweep

    state, action = runs.state, runs.action
    spec = state.methods[_method_index(state, claim, runs.source) if claim.method else 0]
    return run_sweep(
        state.landscape, [spec], action.param, action.values, np.asarray(state.starts), claim.seeds,
        state.seed, min(action.steps or state.max_steps, state.max_steps),
        count_escapes=claim.measure in ("escaped_share", "escapes"),
    )  # fmt: skip


def measure_sweep(runs: StepRuns, claim: Claim) -> tuple[float, int]:
    if claim.value is None or not any(math.isclose(claim.value, v) for v in runs.action.values):
        raise LessonFileError(runs.source, claim.line, "claim.value", "name one of the run's values")
    sweep = runs.study(claim)
    cell = next(c for c in sweep.cells if math.isclose(c.value, claim.value))
    per_run = {
        "global_share": lambda: cell.is_global.astype(float),
        "escaped_share": lambda: (cell.escapes > 0).astype(float),
        "escapes": lambda: cell.escapes,
        "final_loss": lambda: cell.final_loss,
        "diverged_share": lambda: (cell.statuses == "diverged").astype(float),
        "steps": lambda: cell.steps.astype(float),
    }[claim.measure]()
    return float(np.mean(per_run)), cell.runs


def _highdim(runs: StepRuns, claim: Claim) -> object:
    from core.studies.highdim import study

    return study(runs.action.dims, n_starts=runs.action.runs, seed=runs.state.seed)


def measure_highdim(runs: StepRuns, claim: Claim) -> tuple[float, int]:
    if claim.dim is None or claim.dim not in runs.action.dims:
        raise LessonFileError(runs.source, claim.line, "claim.dim", "name one of the run's dims")
    result = next(r for r in runs.study(claim) if r.d == claim.dim)
    figure = {
        "minima_share": result.share_minima,
        "loss_range": result.gd_range,
        "loss_std": result.gd_std,
        "index_loss_corr": result.index_loss_corr,
    }[claim.measure]
    return float(figure), result.n_critical if claim.measure == "minima_share" else runs.action.runs


def _retrain(runs: StepRuns, claim: Claim) -> object:
    from core.studies.highdim_retrain import retrain

    action = runs.action
    method = runs.state.methods[0].to_text()
    return retrain(action.dim, method, action.runs, action.steps or 1000, seed=runs.state.seed)


def measure_retrain(runs: StepRuns, claim: Claim) -> tuple[float, int]:
    result = runs.study(claim)
    figure = {
        "near_best_share": result.share_near_best,
        "loss_std": result.std,
        "loss_best": result.best,
        "loss_mean": result.mean,
        "loss_worst": result.worst,
    }[claim.measure]
    return float(figure), result.n


def _roughness(runs: StepRuns, claim: Claim) -> object:
    from core.studies.slice_compare import roughness

    if runs.state.landscape.dim != 2:
        raise LessonFileError(runs.source, claim.line, "claim.measure", "roughness needs a 2-D landscape")
    return roughness(runs.state.landscape, grid=runs.action.grid)


def measure_roughness(runs: StepRuns, claim: Claim) -> tuple[float, int]:
    return float(runs.study(claim)[claim.measure]), runs.action.grid**2


def _basin_maps(runs: StepRuns, claim: Claim) -> object:
    from core.studies.basins import compute_basin_maps

    state, action = runs.state, runs.action
    steps = min(action.steps or state.max_steps, state.max_steps)
    return compute_basin_maps(state.landscape, state.methods, action.grid, claim.seeds, state.seed, steps)


def measure_basin_map(runs: StepRuns, claim: Claim) -> tuple[float, int]:
    from core.studies.basins import success_row

    index = _method_index(runs.state, claim, runs.source) if claim.method else 0
    row = success_row(runs.study(claim)[index])
    return (row.global_share if claim.measure == "global_share" else row.diverged_share), row.runs


STUDIES = {
    "sweep": _sweep,
    "highdim": _highdim,
    "retrain": _retrain,
    "roughness": _roughness,
    "basin-map": _basin_maps,
}
MEASURERS = {
    "play": measure_play,
    "step": measure_play,
    "sweep": measure_sweep,
    "highdim": measure_highdim,
    "retrain": measure_retrain,
    "roughness": measure_roughness,
    "basin-map": measure_basin_map,
}
