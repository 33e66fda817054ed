"""The window's run buffer: exact rows for short runs, thinned history with an exact end for long ones."""

import numpy as np
import pytest

from core.experiment.spec import Experiment, parse_method_spec
from core.landscapes.registry import get_landscape
from core.runs.engine import Engine
from core.runs.results import collect_results
from gui.view.run_buffer import RunBuffer


def experiment(steps: int) -> Experiment:
    methods = (
        parse_method_spec("gd:lr=0.1"),
        parse_method_spec("momentum:lr=0.0001,beta=0.5"),
        parse_method_spec("annealing"),
    )
    return Experiment(get_landscape("sine-mix"), methods, [[1.0], [0.5]], steps, seed=3)


def fill(engine: Engine, buffer: RunBuffer, chunk: int) -> None:
    while not engine.done:
        buffer.append(engine.advance(chunk))


@pytest.mark.parametrize("chunk", [1, 7, 500])
def test_short_runs_are_stored_exactly(chunk):
    reference = collect_results(Engine(experiment(900)).run())
    engine = Engine(experiment(900), keep_chunks=False)
    buffer = RunBuffer(engine)
    fill(engine, buffer, chunk)
    for res in reference:
        np.testing.assert_array_equal(buffer.trajectory(res.index), res.positions)
        np.testing.assert_array_equal(buffer.series("losses", res.index), res.losses)
        np.testing.assert_array_equal(buffer.row_steps(res.index), np.arange(res.steps + 1))
        np.testing.assert_array_equal(buffer.series("learning_rates", res.index)[1:], res.learning_rates)
    assert engine.chunks == []  # streaming only: the engine kept no copy


@pytest.mark.parametrize("chunk", [3, 64])
def test_long_runs_are_thinned_but_end_exactly(chunk):
    reference = collect_results(Engine(experiment(3000)).run())
    engine = Engine(experiment(3000), keep_chunks=False)
    buffer = RunBuffer(engine, max_rows=500)
    fill(engine, buffer, chunk)
    assert buffer.stride == 8 and buffer.stored <= 500
    for res in reference:
        steps = buffer.row_steps(res.index)
        traj = buffer.trajectory(res.index)
        assert steps[0] == 0 and steps[-1] == res.steps and np.all(np.diff(steps) > 0)
        np.testing.assert_array_equal(traj, res.positions[steps])
        np.testing.assert_array_equal(buffer.series("losses", res.index), res.losses[steps])
        if "temperatures" in res.extras:
            np.testing.assert_array_equal(
                buffer.series("temperatures", res.index)[1:], res.extras["temperatures"][steps[1:] - 1]
            )


@pytest.mark.parametrize("steps, max_rows", [(900, 20_000), (5000, 300)])
def test_all_runs_at_once_equal_each_run_alone(steps, max_rows):
    """``padded`` (used to draw thousands of runs without a loop) gives exactly what the per-run
    methods give, thinned or not, finished or still running."""
    engine = Engine(experiment(steps), keep_chunks=False)
    buffer = RunBuffer(engine, max_rows=max_rows)
    for _ in range(steps // 400):
        buffer.append(engine.advance(400))
    runs = np.arange(engine.n_runs)
    for name in ("positions", "losses", "learning_rates", "temperatures"):
        values, steps_, counts = buffer.padded(name, runs)
        for k, run in enumerate(runs):
            alone = buffer.trajectory(run) if name == "positions" else buffer.series(name, run)
            if alone.size == 0:  # a series this run's method does not record
                assert np.isnan(values[k]).all()
                continue
            np.testing.assert_array_equal(values[k, : counts[k]], alone)
            np.testing.assert_array_equal(steps_[k, : counts[k]], buffer.row_steps(run))
            assert (steps_[k, counts[k] :] == -1).all()


def test_thinning_keeps_every_kth_row_and_the_last_for_every_length():
    from gui.style import thin_matrix

    def every_kth_and_last(n: int, limit: int) -> np.ndarray:  # the rule, written out
        if n <= limit:
            return np.arange(n)
        kept = np.arange(0, n, int(np.ceil(n / limit)))
        return kept if kept[-1] == n - 1 else np.append(kept, n - 1)

    lengths = np.array([0, 1, 2, 5, 6, 7, 11, 250, 251, 499, 500, 501, 1000, 20_001])
    for limit in (5, 250):
        index, used = thin_matrix(lengths, limit)
        for k, n in enumerate(lengths):
            np.testing.assert_array_equal(index[k][used[k]], every_kth_and_last(int(n), limit))
            assert used[k].sum() <= limit + 1
