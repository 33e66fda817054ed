"""Escape rates on sin(x) + 0.5 sin(3x) from x = 1.0 over seeds 0–19 (the table in docs/escape.md).

Run: ``python benchmarks/escape_rates.py [SPEC …]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.experiment.presets import SGDR_NOISY_SGD  # noqa: E402
from core.experiment.spec import Experiment, parse_method_spec  # noqa: E402
from core.landscapes.registry import get_landscape  # noqa: E402
from core.runs.engine import Engine  # noqa: E402
from core.runs.results import collect_results  # noqa: E402

DEFAULT_SPECS = (
    "gd:lr=0.1",
    "annealing",
    "restarts",
    SGDR_NOISY_SGD,
    "sgd:lr=0.1,noise=4,noise_decay=0,patience=100000",
    "basin-hopping:stepsize=1.5",
    "langevin",
    "metropolis",
    "perturbed-gd:radius=1.5",
)


def rates(spec_text: str, start: float = 1.0, seeds: int = 20, steps: int = 1000) -> tuple[int, int]:
    """(runs ending in a global minimum's basin, runs settled at a global minimum)."""
    land, spec = get_landscape("sine-mix"), parse_method_spec(spec_text)
    basin = settled = 0
    for seed in range(seeds):
        exp = Experiment(land, (spec,), [[start]], max_steps=steps, seed=seed)
        result = collect_results(Engine(exp, record="final").run())[0]
        basin += result.basin.kind == "global"
        settled += result.minimum.kind == "global"
    return basin, settled


if __name__ == "__main__":
    for text in sys.argv[1:] or DEFAULT_SPECS:
        basin, settled = rates(text)
        print(f"{text}: basin {basin}/20, settled {settled}/20")
