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
