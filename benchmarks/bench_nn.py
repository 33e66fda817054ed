"""Preparing neural-network loss slices (figures in docs/benchmarks.md).

Run: ``python benchmarks/bench_nn.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.landscapes.network import make_nn_landscape  # noqa: E402
from core.studies.slice_compare import grid_slice, roughness  # noqa: E402

if __name__ == "__main__":
    for variant in ("plain", "skip"):
        t0 = time.perf_counter()
        land = make_nn_landscape(variant, seed=0)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        grid_slice(land, 101)
        sliced = time.perf_counter() - t0
        r = roughness(land)
        print(
            f"nn-{variant}: train + directions + minima {built:.2f} s; 101x101 slice {sliced:.2f} s "
            f"(together {built + sliced:.2f} s, target < 10 s); grid local minima {r['local_minima']}"
        )
