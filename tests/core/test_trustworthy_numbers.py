"""The reading of the results: verified minima, honest edges, basins, escapes and diverged runs."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from core.cli import main as cli_main
from core.experiment.spec import Experiment, parse_method_spec
from core.landscapes.data import make_data_landscape
from core.landscapes.registry import LANDSCAPES, get_landscape
from core.minima.basins import BasinLabeller
from core.runs.engine import Engine
from core.runs.escapes import escape_events
from core.runs.results import collect_results, results_to_csv, results_to_json
from core.runs.status import StatusTracker

FORMULAS = (
    "(1-x)**2 + 100*(y-x**2)**2",
    "sin(3*x)*cos(2*y) + 0.1*(x**2 + y**2)",
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "x**4 - 3*x**2 + y**2 + 0.5*x",
    "sin(x) + 0.5*sin(3*x)",
    "x**3 - x",
    "(x**2 - 1)**2 + 0.3*x",
    "abs(x - 1) + (y - 2)**2 + 0.1*x**2",
    "exp(-(x**2 + y**2)) * -2 + 0.05*(x**2 + y**2)",
    "cos(x) * exp(-0.1*x**2)",
)


def run(land, spec: str, starts, steps: int = 1000, seed: int = 0, record: str = "full"):
    exp = Experiment(land, (parse_method_spec(spec),), np.array(starts, dtype=float), steps, seed)
    engine = Engine(exp, record=record).run()
    return engine, collect_results(engine)


def spread_and_size(land) -> tuple[float, float]:
    axes = [np.linspace(lo, hi, 201) for lo, hi in land.domain]
    points = np.column_stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")])
    with np.errstate(all="ignore"):
        values = land.value(points)
    finite = values[np.isfinite(values)]
    return float(np.percentile(finite, 95) - np.percentile(finite, 5)), land.scale


def assert_verified_minimum(land, location) -> None:
    """Gradient under 1e-6 × spread / size; Hessian (central differences) PSD to 1e-6 × spread / size²."""
    spread, size = spread_and_size(land)
    p = np.asarray(location, dtype=float)
    assert np.abs(land.grad(p)[0]).max() <= 1e-6 * spread / size
    h, dim = 1e-5 * size, land.dim
    hess = np.array([(land.grad(p + h * e)[0] - land.grad(p - h * e)[0]) / (2 * h) for e in np.eye(dim)])
    assert np.linalg.eigvalsh(0.5 * (hess + hess.T)).min() >= -1e-6 * spread / size**2


# ---- minima --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("landscape_id", list(LANDSCAPES))
def test_every_listed_minimum_of_a_built_in_is_a_verified_minimum(landscape_id):
    land = LANDSCAPES[landscape_id]
    for m in land.minima:
        assert_verified_minimum(land, m.location)


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_listed_minimum_of_a_typed_formula_is_a_verified_minimum(formula):
    land = get_landscape("expr:" + formula)
    assert land.minima or land.lowest_edge is not None
    for m in land.minima:
        assert_verified_minimum(land, m.location)


def test_typed_rosenbrock_lists_exactly_one_minimum():
    land = get_landscape("expr:(1-x)**2 + 100*(y-x**2)**2", ((-2.0, 2.0), (-1.0, 3.0)))
    assert len(land.minima) == 1 and land.minima[0].kind == "global"
    np.testing.assert_allclose(land.minima[0].location, (1.0, 1.0), atol=1e-6)


def test_a_lower_edge_means_no_interior_point_is_global():
    land = get_landscape("expr:x**3 - x", ((-2.0, 2.0),))
    assert [m.kind for m in land.minima] == ["local"]
    assert land.minima[0].location[0] == pytest.approx(1 / np.sqrt(3), abs=1e-7)
    assert land.lowest_edge.location == (-2.0,) and land.lowest_edge.value == pytest.approx(-6.0)
    assert land.global_value is None and land.lowest_value == pytest.approx(-6.0)


def test_widening_sine_mix_finds_the_new_minima():
    wide = LANDSCAPES["sine-mix"].with_domain(((-10.0, 5.0),))
    found = sorted(m.location[0] for m in wide.minima if m.kind == "global")
    assert found[:2] == pytest.approx([-8.7231, -6.9849], abs=1e-4)
    assert len(found) == 5 and [m.kind for m in wide.minima].count("local") == 2  # π/2 − 2π and π/2
    assert wide.lowest_edge is None


def test_widening_on_the_command_line_finds_them_too(capsys):
    code = cli_main(["run", "-m", "gd:lr=0.1", "-s", "-8", "--domain", "-10,5", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    minima = sorted(m["location"][0] for m in data["landscape"]["minima"] if m["kind"] == "global")
    assert minima[:2] == pytest.approx([-8.7231, -6.9849], abs=1e-4)
    assert data["runs"][0]["minimum"]["kind"] == "global"  # GD from −8 settles at −8.72: now listed


# ---- basins and escapes -----------------------------------------------------------------------------------
def test_a_monotone_descent_on_a_data_landscape_has_no_escape():
    land = make_data_landscape("fit-frequency")
    _, (res,) = run(land, "gd:lr=0.5", [[0.5]])
    assert np.all(np.diff(res.losses) <= 1e-12)  # the loss falls monotonically…
    assert res.escapes.steps == () and res.escapes.first_global_step is None  # …so no escape
    assert res.minimum.kind == res.basin.kind == "local"
    assert res.basin.location[0] == pytest.approx(res.final[0], abs=1e-6) == pytest.approx(0.6176, abs=1e-4)


def test_data_landscape_basins_lie_between_its_maxima():
    labeller = BasinLabeller(make_data_landscape("fit-frequency"))
    minima = np.array([m.location[0] for m in labeller.minima])
    assert len(labeller.maxima) == len(minima) - 1  # a maximum between each pair of neighbouring minima
    assert not np.any(np.isclose(labeller.maxima[:, None], minima[None, :], atol=1e-3))


def gd_rate(land) -> float:
    """A stable GD rate: 0.2 / the largest curvature found on a grid."""
    axes = [np.linspace(lo, hi, 31) for lo, hi in land.domain]
    points = np.column_stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")])
    h = 1e-5 * land.scale
    curvature = max(
        np.abs((land.grad(points + h * e) - land.grad(points - h * e)) / (2 * h)).max()
        for e in np.eye(land.dim)
    )
    return 0.2 / curvature


@pytest.mark.parametrize("landscape_id", list(LANDSCAPES))
def test_gd_escape_counts_equal_the_basin_boundaries_its_path_crosses(landscape_id):
    land = LANDSCAPES[landscape_id]
    labeller = BasinLabeller(land)
    starts = land.lower + (land.upper - land.lower) * np.array([[0.3] * land.dim, [0.77] * land.dim])
    _, results = run(land, f"gd:lr={gd_rate(land):.6g}", starts, steps=200)
    for res in results:
        if res.status == "diverged":
            continue
        escapes = escape_events(labeller, res.positions, res.losses)
        if land.dim == 1:  # crossings of the local maxima
            side = np.searchsorted(labeller.maxima, res.positions[:, 0])
            crossings = int((side[1:] != side[:-1]).sum())
        else:  # changes of the exact gradient-flow label of each point
            flow = labeller.flow_labels(res.positions)
            crossings = int((flow[1:] != flow[:-1]).sum())
        assert len(escapes.steps) == crossings


def test_rosenbrock_runs_ending_in_the_valley_are_in_the_basin_of_one_one():
    land = LANDSCAPES["rosenbrock"]
    _, results = run(land, "gd:lr=0.001", [[-1.5, 2.0], [-1.0, 0.5], [1.8, 2.8]], steps=2000)
    for res in results:
        assert res.status == "max-steps" and res.minimum.kind == "none"  # still crawling in the valley
        assert res.basin.kind == "global" and res.basin.location == (1.0, 1.0)


# ---- diverged runs and the JSON / CSV ---------------------------------------------------------------------
def test_a_diverged_run_has_no_minimum_basin_or_escapes_anywhere():
    engine, (res,) = run(LANDSCAPES["rosenbrock"], "gd:lr=0.01", [[-1.5, 2.0]], steps=500)
    assert res.status == "diverged"
    assert res.minimum is None and res.basin is None and res.escapes is None
    (run_json,) = json.loads(results_to_json(engine, [res]))["runs"]
    assert run_json["minimum"] is None and run_json["basin"] is None
    assert all(run_json[k] is None for k in ("escapes", "first_global_step", "max_barrier"))
    rows = list(csv.DictReader(io.StringIO(results_to_csv(engine, [res]))))
    assert {r["status"] for r in rows} == {"diverged"}
    assert all(
        r[k] == "" for r in rows for k in ("reached", "basin", "escapes", "first_global_step", "max_barrier")
    )
    (live,) = StatusTracker(engine).snapshot()  # what the window's table shows: "—"
    assert live.status == "diverged" and live.minimum == "" and live.basin == ""


def test_the_json_carries_every_column_of_the_results_table():
    engine, results = run(LANDSCAPES["sine-mix"], "annealing", [[1.0]], seed=3)
    (run_json,) = json.loads(results_to_json(engine, results))["runs"]
    esc = results[0].escapes
    assert run_json["basin"]["kind"] == results[0].basin.kind and run_json["minimum"]["kind"] == "global"
    assert run_json["escapes"] == len(esc.steps) >= 1 and run_json["escape_steps"] == list(esc.steps)
    assert run_json["first_global_step"] == esc.first_global_step is not None
    assert run_json["max_barrier"] == pytest.approx(esc.highest_barrier) and run_json["max_barrier"] > 0


@pytest.mark.parametrize("landscape_id", ["himmelblau", "six-hump-camel", "levy"])
def test_the_basin_map_agrees_with_the_exact_flow_along_a_wandering_path(landscape_id):
    land = LANDSCAPES[landscape_id]
    labeller = BasinLabeller(land)
    _, (res,) = run(land, "annealing", [(land.lower + land.upper) / 2], seed=1)
    np.testing.assert_array_equal(labeller.label(res.positions), labeller.flow_labels(res.positions))
    assert len(res.escapes.steps) >= 3  # it does cross basins: 3, 26 and 10 times
