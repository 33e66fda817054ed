"""Work in other processes: the engine's child gives the same runs as one process; forked calls return
results, say errors in words, hear progress and stop on Cancel."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from core.experiment.presets import get_preset
from core.forked import call_in_child
from core.landscapes.registry import get_landscape
from core.minima.basins import labeller_built_apart, labeller_for
from core.progress import Cancelled
from core.runs.engine import Engine
from core.runs.remote import EngineProcess
from core.runs.status import StatusTracker


def _square(x, progress):
    progress(0.5)
    return x * x


def _fails(progress):
    raise ValueError("no good")


def _slow(progress):
    time.sleep(30)


def test_a_forked_call_returns_its_result_and_progress():
    heard = []
    assert call_in_child(_square, 7, progress=heard.append) == 49
    assert heard == [0.5]


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not this one")


def _fails_oddly(progress):
    raise _Unpicklable("odd")


def test_a_forked_call_raises_what_went_wrong():
    with pytest.raises(ValueError, match="^no good$"):
        call_in_child(_fails)
    with pytest.raises(RuntimeError, match="_Unpicklable: odd"):
        call_in_child(_fails_oddly)


def test_a_forked_call_stops_on_cancel():
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    began = time.perf_counter()
    with pytest.raises(Cancelled):
        call_in_child(_slow, cancel=cancel)
    assert time.perf_counter() - began < 2


def test_the_engines_child_runs_exactly_what_one_process_runs():
    exp = get_preset("escape-rastrigin").state().experiment()
    alone = Engine(exp, record="full")
    alone.advance(120)
    process = EngineProcess(Engine(exp, record="full", keep_chunks=False))
    try:
        first, second = process.step(70), process.step(50)
    finally:
        process.close()
    assert second.step == 120 == alone.t
    rows = np.concatenate([first.chunk.positions, second.chunk.positions])
    assert np.array_equal(rows, np.concatenate([c.positions for c in alone.chunks]))
    assert second.statuses == StatusTracker(alone).snapshot()


def test_a_labeller_built_apart_labels_as_one_built_here():
    land = get_landscape("himmelblau")
    apart = labeller_built_apart(get_landscape("himmelblau"))
    here = labeller_for(land)
    points = np.random.default_rng(1).uniform(-5, 5, size=(500, 2))
    assert np.array_equal(apart.label(points), here.label(points))


def test_pausing_stops_new_steps_within_one_engine_call():
    """The streaming loop looks at its stop flag before every engine call: once Pause is asked, at
    most the call under way finishes (at most ``MAX_BATCH`` steps), and the last update is exact."""
    from core.runs.streaming import MAX_BATCH, EngineTask, Pacing

    exp = get_preset("escape-rastrigin").experiment()
    engine = Engine(exp, record="full", keep_chunks=False)
    task = EngineTask(engine, StatusTracker(engine), Pacing(0.0))
    asked, steps_when_asked = [], []

    def should_stop() -> bool:
        if engine.t >= 200 and not asked:  # Pause is pressed here
            asked.append(True)
            steps_when_asked.append(engine.t)
        return bool(asked)

    updates = list(task.stream(should_stop))
    assert engine.t - steps_when_asked[0] <= MAX_BATCH
    assert not updates[-1].streamed and updates[-1].step == engine.t  # the exact last one
    assert updates[-1].statuses == StatusTracker(engine).snapshot()
