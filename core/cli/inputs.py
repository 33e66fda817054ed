"""Turning command-line arguments into the app's experiment state (checked as a file would be)."""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from core.cli.parser import CliError
from core.experiment.file_format import load_state
from core.experiment.presets import get_preset
from core.experiment.spec import Experiment, MethodSpec, parse_method_spec
from core.experiment.state import ExperimentState, StateError, uniform_starts
from core.landscape import Landscape
from core.landscapes.data import DataLandscape, load_csv_dataset
from core.landscapes.registry import FORMULA_PREFIX, data_landscape_ids, get_landscape
from core.limits import MAX_DOMAIN_ABS, MAX_SEED, MAX_STARTS, MAX_STEPS, show_whole
from core.methods import METHODS


def _floats(text: str, what: str) -> list[float]:
    if not text.strip() or "" in [v.strip() for v in text.split(",")]:
        raise CliError(f"{what} {text!r} has an empty value: expected comma-separated numbers")
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise CliError(f"malformed {what} {text!r}: expected comma-separated numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise CliError(f"{what} {text!r} must be finite numbers")
    return values


def parse_domain(text: str, dim: int | None = None) -> tuple[tuple[float, float], ...]:
    """``lo,hi`` or ``lo,hi,lo,hi``; with ``dim``, exactly that many intervals."""
    values = _floats(text, "domain")
    if len(values) not in (2, 4) or (dim is not None and len(values) != 2 * dim):
        need = f"{2 * dim} numbers" if dim is not None else "2 or 4 numbers"
        raise CliError(f"domain {text!r} needs {need} (lo,hi per dimension)")
    pairs = tuple((values[2 * i], values[2 * i + 1]) for i in range(len(values) // 2))
    if any(lo >= hi for lo, hi in pairs):
        raise CliError(f"domain {text!r}: each lower bound must be below its upper bound")
    if any(max(abs(lo), abs(hi)) > MAX_DOMAIN_ABS for lo, hi in pairs):
        raise CliError(f"domain {text!r}: its bounds must lie within ±{MAX_DOMAIN_ABS:g} (the limit)")
    return pairs


def parse_starts(texts: Sequence[str], land: Landscape) -> tuple[tuple[float, ...], ...]:
    starts = []
    for text in texts:
        point = _floats(text, "start")
        if len(point) != land.dim:
            raise CliError(f"start {text!r} has {len(point)} coordinate(s); {land.id} is {land.dim}-D")
        starts.append(tuple(point))
    return tuple(starts)


def load_landscape(function: str, domain: str | None, data: str | None) -> Landscape:
    """The landscape named on the command line, with ``--domain`` and ``--data`` applied."""
    if function.startswith(FORMULA_PREFIX):
        land = get_landscape(function, parse_domain(domain) if domain is not None else None)
    else:
        land = get_landscape(function)
        if domain is not None:
            land = land.with_domain(parse_domain(domain, land.dim))
    if data:
        if not isinstance(land, DataLandscape):
            raise CliError(
                f"--data applies to data landscapes ({', '.join(data_landscape_ids())}), not {land.id}"
            )
        land = land.with_dataset(load_csv_dataset(data))
    return land


def method_specs(texts: Sequence[str]) -> tuple[MethodSpec, ...]:
    if not texts:
        raise CliError(f"give at least one method with -m; valid: {', '.join(METHODS)}")
    return tuple(parse_method_spec(text) for text in texts)


def random_starts(land: Landscape, count: int, seed: int) -> np.ndarray:
    """``count`` uniform starts in the domain drawn from ``seed`` (the rule of ``--random-starts``)."""
    if not 0 <= count <= MAX_STARTS:
        raise CliError(f"--random-starts must be between 0 and {MAX_STARTS} (the limit of starts)")
    return uniform_starts(land, count, seed)


def check_run_settings(steps: int, seed: int) -> None:
    if not 1 <= steps <= MAX_STEPS:
        raise CliError(f"--steps {show_whole(steps)} is out of range: expected 1..{MAX_STEPS}")
    if not 0 <= seed <= MAX_SEED:
        span = f"expected a whole number from 0 to {MAX_SEED}"
        raise CliError(f"--seed {show_whole(seed)} is out of range: {span}")


def run_state(args: argparse.Namespace) -> ExperimentState:
    """The experiment of ``run``: an experiment file, or the landscape, methods and starts given."""
    if args.experiment:
        return _with_overrides(load_state(args.experiment), args)
    land = load_landscape(args.function, args.domain, args.data)
    specs = method_specs(args.method)
    check_run_settings(args.steps, args.seed)
    drawn = random_starts(land, args.random_starts, args.seed)
    starts = parse_starts(args.start, land) + tuple(tuple(p) for p in drawn)
    if not starts:
        raise CliError("give at least one start point with -s (or --random-starts N)")
    return _checked(ExperimentState(land, specs, starts, args.seed, args.steps))


def _with_overrides(state: ExperimentState, args: argparse.Namespace) -> ExperimentState:
    """A file's state with ``--steps``/``--seed`` applied when they differ from their defaults."""
    changes = {}
    if args.steps != 1000:
        changes["max_steps"] = args.steps
    if args.seed != 0:
        changes["seed"] = args.seed
    return _checked(state.replace(**changes))


def _checked(state: ExperimentState) -> ExperimentState:
    try:
        return state.check()
    except StateError as exc:
        raise CliError(str(exc)) from None


def runnable(state: ExperimentState, source: str) -> Experiment:
    exp = state.experiment()
    if exp is None:
        raise CliError(f"{source}: the experiment has no start points or no method")
    return exp


def export_experiment(args: argparse.Namespace) -> Experiment:
    """The experiment ``export`` renders: a file or a preset, with ``--steps`` applied."""
    if bool(args.experiment) == bool(args.preset):
        raise CliError("give either an experiment file or --preset NAME")
    if args.preset:
        exp = get_preset(args.preset).experiment()
    else:
        exp = runnable(load_state(args.experiment), args.experiment)
    if args.steps is not None:
        if not 1 <= args.steps <= MAX_STEPS:
            raise CliError(f"--steps {args.steps} is out of range: expected 1..{MAX_STEPS}")
        exp = dataclasses.replace(exp, max_steps=args.steps)
    return exp
