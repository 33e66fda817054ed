"""Engine throughput: a large Adam sweep and the interactive case.

Run: ``python benchmarks/bench_engine.py`` (prints the figures recorded in docs/benchmarks.md).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.experiment.spec import Experiment, parse_method_spec  # noqa: E402
from core.landscapes.registry import get_landscape  # noqa: E402
from core.runs.engine import Engine, Tolerances  # noqa: E402


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def plain_adam(starts: np.ndarray, steps: int) -> None:
    """The baseline: a straightforward vectorized NumPy Adam loop on Rastrigin, nothing recorded."""
    land = get_landscape("rastrigin")
    x, m, v = starts.copy(), np.zeros_like(starts), np.zeros_like(starts)
    for t in range(1, steps + 1):
        g = land.grad_fn(x)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        x = x - 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)


def sweep(n_starts: int = 10_000, steps: int = 1_000) -> None:
    land = get_landscape("rastrigin")
    starts = np.random.default_rng(0).uniform(land.lower, land.upper, (n_starts, 2))
    exp = Experiment(land, (parse_method_spec("adam:lr=0.01"),), starts, max_steps=steps, seed=0)
    never_settle = Tolerances(window=10**9)  # measure the full budget: no particle stops early
    engines = []
    engine_time = best_of(
        3, lambda: engines.append(Engine(exp, record="final", tolerances=never_settle).run(steps))
    )
    plain_time = best_of(3, lambda: plain_adam(starts, steps))
    particle_steps = int(engines[-1].steps.sum())  # runs that settle early stop costing time
    print(f"  particle-steps taken: {particle_steps:,} of {n_starts * steps:,}")
    print(f"sweep: adam on rastrigin, {n_starts} starts x {steps} steps (record=final)")
    print(f"  engine: {engine_time:.3f} s = {particle_steps / engine_time / 1e6:.1f} M particle-steps/s")
    print(
        f"  plain NumPy Adam loop: {plain_time:.3f} s = "
        f"{particle_steps / plain_time / 1e6:.1f} M particle-steps/s"
    )


def interactive(steps: int = 2_000) -> None:
    land = get_landscape("sine-mix")
    methods = tuple(
        parse_method_spec(t)
        for t in ("gd:lr=0.01", "momentum:lr=0.01", "nesterov:lr=0.01", "adam:lr=0.01", "rmsprop:lr=0.001")
    )
    starts = np.linspace(-4.5, 4.5, 10)[:, None]
    # Small rates so no run settles early: every engine step advances all 50 runs.
    exp = Experiment(land, methods, starts, max_steps=steps, seed=0)
    elapsed = best_of(3, lambda: Engine(exp, record="full").run(chunk_steps=100))
    print(f"interactive: 5 methods x 10 starts on sine-mix, {steps} steps, record=full, chunks of 100")
    print(f"  {steps / elapsed:,.0f} engine steps/s (each advances all 50 runs)")


def memory(n_starts: int = 10_000, steps: int = 3_000) -> None:
    """Peak memory allocated by NumPy during a summary-style sweep (tracemalloc sees NumPy buffers)."""
    import tracemalloc

    land = get_landscape("rastrigin")
    starts = np.random.default_rng(1).uniform(land.lower, land.upper, (n_starts, 2))
    methods = (parse_method_spec("adam:lr=0.01"), parse_method_spec("annealing"))
    exp = Experiment(land, methods, starts, max_steps=steps, seed=0)
    tracemalloc.start()
    Engine(exp, record="final").run(500)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"memory: adam + annealing, {n_starts} starts x {steps} steps (record=final): "
        f"peak {peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    sweep()
    interactive()
    memory()
