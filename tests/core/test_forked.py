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
