"""Running one method through the engine, and the sheet's gradients written out independently of core/."""

from __future__ import annotations

import numpy as np

from core.experiment.spec import Experiment, parse_method_spec
from core.landscape import Landscape
from core.landscapes.registry import get_landscape
from core.runs.engine import Engine
from core.runs.results import RunResult, collect_results


def run(
    landscape: str | Landscape,
    specs: list[str],
    starts,
    max_steps: int = 100,
    seed: int = 0,
) -> list[RunResult]:
    land = get_landscape(landscape) if isinstance(landscape, str) else landscape
    exp = Experiment(
        land,
        tuple(parse_method_spec(s) for s in specs),
        np.array(starts, dtype=float),
        max_steps=max_steps,
        seed=seed,
    )
    return collect_results(Engine(exp, record="full").run())


def run_one(landscape: str | Landscape, spec: str, start, max_steps: int = 100, seed: int = 0) -> RunResult:
    (result,) = run(landscape, [spec], [start], max_steps, seed)
    return result


# Gradients written out from the sheet (§3.1a, §3.2), independent of core/landscapes_*.
def sine_grad(x: np.ndarray) -> np.ndarray:
    return np.cos(x) + 1.5 * np.cos(3 * x)


def himmelblau_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array(
        [4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)]
    )
