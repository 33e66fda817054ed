"""Basin-map computation time and memory (figures in docs/benchmarks.md).

Run: ``python benchmarks/bench_basins.py``.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.experiment.spec import parse_method_spec  # noqa: E402
from core.landscapes.registry import get_landscape  # noqa: E402
from core.studies.basins import compute_basin_map  # noqa: E402

SEVEN = (
    "gd:lr=0.1",
    "momentum:lr=0.1",
    "nesterov:lr=0.1",
    "adam:lr=0.1",
    "rmsprop:lr=0.01",
    "annealing",
    "langevin",
)


def measure(label: str, fn, target: float) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{label}: {elapsed:.2f} s (target < {target:g} s), peak traced memory {peak / 2**20:.0f} MiB "
        f"(target < 1024 MiB)"
    )


def grid_2d() -> None:
    compute_basin_map(get_landscape("rastrigin"), parse_method_spec("gd:lr=0.002"), 256, max_steps=500)


def sweep_1d() -> None:
    land = get_landscape("sine-mix")
    for text in SEVEN:
        compute_basin_map(land, parse_method_spec(text), 2000, max_steps=1000)


if __name__ == "__main__":
    measure("2-D: GD on rastrigin, 256 x 256 starts x 500 steps", grid_2d, 5)
    measure("1-D: sine-mix, 2000 starts x 7 methods x 1000 steps (one seed)", sweep_1d, 3)
