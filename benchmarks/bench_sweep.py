"""A sweep against one plain run of as many runs (figures in docs/benchmarks.md).

Run: ``python benchmarks/bench_sweep.py`` (``--repeats N``, 3 by default; best of N each).

Target: a sweep of 20 values × 1,000 starts × 1,000 steps takes at most 1.3× one run of 20,000
starts × 1,000 steps of the same method (the sweep is one engine pass: 20 method groups of 1,000
runs against one group of 20,000).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.experiment.spec import Experiment, parse_method_spec  # noqa: E402
from core.landscapes.registry import get_landscape  # noqa: E402
from core.minima.basins import labeller_for  # noqa: E402
from core.runs.engine import Engine  # noqa: E402
from core.studies.sweeps import parse_values, run_sweep  # noqa: E402

CASES = (  # landscape, method, swept parameter, values
    ("rastrigin", "sgd:lr=0.002,noise=1", "noise", "log:0.1:10:20"),
    ("fit-frequency", "sgd:lr=0.5,noise=0,batch_size=8", "lr", "lin:0.1:1:20"),
)
TARGET = 1.3


def best_time(repeats: int, fn, *args, **kwargs) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - began)
    return min(times)


def plain_run(land, spec, starts) -> None:
    Engine(Experiment(land, (spec,), starts, 1000, 0), record="final").run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"bench_sweep {time.strftime('%Y-%m-%d')}: best of {args.repeats}, 1,000 steps")
    print("| landscape | method | sweep 20 × 1,000 starts | one run of 20,000 starts | ratio | target |")
    print("|---|---|---|---|---|---|")
    for landscape, method, param, values in CASES:
        land = get_landscape(landscape)
        spec = parse_method_spec(method)
        rng = np.random.default_rng(0)
        starts = land.lower + (land.upper - land.lower) * rng.random((1000, land.dim))
        many = land.lower + (land.upper - land.lower) * rng.random((20_000, land.dim))
        swept = parse_values(values)
        labeller_for(land)  # (built once and kept: a window or a basin map has usually built it already)
        sweep = best_time(args.repeats, run_sweep, land, [spec], param, swept, starts, max_steps=1000)
        plain = best_time(args.repeats, plain_run, land, spec, many)
        verdict = "PASS" if sweep <= TARGET * plain else "MISS"
        print(
            f"| {landscape} | {method}, {param} {values} | {sweep:.2f} s | {plain:.2f} s "
            f"| {sweep / plain:.2f} | ≤ {TARGET} {verdict} |"
        )


if __name__ == "__main__":
    main()
