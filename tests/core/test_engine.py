"""The engine: chunked streaming, statuses, recording modes and result matching."""

import numpy as np
import pytest

from core.experiment.spec import Experiment, parse_method_spec
from core.landscapes.registry import get_landscape
from core.runs.engine import CONVERGED, DIVERGED, MAX_STEPS, Engine
from core.runs.results import collect_results, results_to_csv, results_to_dict

SINE = get_landscape("sine-mix")
MIXED = (
    "gd:lr=0.1",
    "momentum:lr=0.1",
    "adam:lr=0.1",
    "annealing",
    "sgd:noise=0.5",
    "restarts",
    "basin-hopping:local_steps=20,hops=5",
    "perturbed-gd",
)


def experiment(methods=MIXED, starts=((0.5,), (1.0,), (-3.0,)), steps=300, seed=7, land=SINE):
    return Experiment(land, tuple(parse_method_spec(m) for m in methods), np.array(starts), steps, seed)


def test_chunk_size_does_not_change_the_runs():
    whole = collect_results(Engine(experiment()).run(chunk_steps=10_000))
    pieces = collect_results(Engine(experiment()).run(chunk_steps=7))
    for a, b in zip(whole, pieces, strict=True):
        assert a.status == b.status and a.steps == b.steps
        np.testing.assert_array_equal(a.positions, b.positions)
        np.testing.assert_array_equal(a.losses, b.losses)


def test_final_recording_gives_the_same_final_states_as_full():
    full = collect_results(Engine(experiment(), record="full").run())
    final = collect_results(Engine(experiment(), record="final", check_every=10).run())
    for a, b in zip(full, final, strict=True):
        assert (a.status, a.steps, a.final) == (b.status, b.steps, b.final)
        assert b.positions is None


def test_chunks_stream_and_caller_can_stop_between_them():
    engine = Engine(experiment(steps=1000))
    chunk = engine.advance(25)
    assert chunk.first_step == 1 and chunk.n == 25 and chunk.positions.shape == (25, 24, 1)
    assert engine.t == 25 and not engine.done
    chunk.positions[:] = 99.0  # chunks are copies: the engine is unaffected
    second = engine.advance(25)
    assert second.first_step == 26 and np.all(np.abs(second.positions) < 50)
    partial = collect_results(engine)
    assert {r.status for r in partial} >= {"running"} and all(r.steps <= 50 for r in partial)


def test_finished_runs_repeat_their_last_row_and_stop_costing_time():
    engine = Engine(experiment(methods=("gd:lr=0.1", "momentum:lr=0.01,beta=0.5"), steps=2000))
    chunk = engine.advance(500)
    gd_run = 0
    steps = int(chunk.steps[gd_run])
    assert chunk.status[gd_run] == CONVERGED and steps < 100
    assert np.all(chunk.positions[steps:, gd_run] == chunk.positions[steps - 1, gd_run])
    assert engine.groups[0].size == 0  # every GD run settled and was dropped from the update


def test_max_steps_and_step_count():
    res = collect_results(Engine(experiment(methods=("momentum:lr=0.1",), steps=40)).run())
    assert all(r.status == MAX_STEPS and r.steps == 40 and len(r.positions) == 41 for r in res)


def test_divergence_is_a_status_and_other_runs_continue():
    rosen = get_landscape("rosenbrock")
    exp = experiment(methods=("gd:lr=100", "gd:lr=0.001"), starts=((-1.5, 2.0),), steps=100, land=rosen)
    for record in ("full", "final"):
        bad, good = collect_results(Engine(exp, record=record).run())
        assert bad.status == DIVERGED and np.isfinite(bad.final).all() and np.isfinite(bad.final_loss)
        assert good.status == MAX_STEPS and good.final == pytest.approx((-1.36376679, 1.86749875), abs=1e-8)
        if record == "full":
            assert np.isfinite(bad.positions).all() and np.isfinite(bad.losses).all()


def test_results_match_minima_and_track_best_loss():
    res = collect_results(Engine(experiment(methods=("gd:lr=0.1",), starts=((0.5,), (1.0,)))).run())
    assert [r.minimum.kind for r in res] == ["global", "local"]
    assert res[0].minimum.location == pytest.approx((-0.7016741238,))
    assert res[1].best_loss == pytest.approx(min(res[1].losses))


def test_unlisted_minimum_as_deep_as_the_global_one_counts_as_global():
    # From 4.9 GD leaves the domain [-5, 5] for the global minimum at 2π − a ≈ 5.58.
    res = collect_results(Engine(experiment(methods=("gd:lr=0.1",), starts=((4.9,),))).run())[0]
    assert res.final[0] == pytest.approx(2 * np.pi - 0.7016741238, abs=1e-7)
    assert res.minimum.kind == "global" and res.minimum.location is None


def test_json_and_csv_carry_the_same_numbers():
    engine = Engine(experiment(methods=("gd:lr=0.1", "annealing"), starts=((0.5,),), steps=20)).run()
    results = collect_results(engine)
    doc = results_to_dict(engine, results)
    csv_rows = [line.split(",") for line in results_to_csv(engine, results).splitlines()[1:]]
    gd_rows = [row for row in csv_rows if row[1] == "gd"]
    assert [float(row[5]) for row in gd_rows] == [p[0] for p in doc["runs"][0]["positions"]]
    assert [float(row[6]) for row in gd_rows] == doc["runs"][0]["losses"]
