"""Parameter sweeps: each cell is exactly the runs of that value made alone; intervals, seeds, refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.experiment.spec import Experiment, method_spec, parse_method_spec
from core.landscapes.registry import get_landscape
from core.limits import LimitError
from core.methods import METHODS, get_method
from core.minima.basins import labeller_for
from core.params import ParamError
from core.runs.engine import Engine
from core.runs.escapes import escape_events
from core.studies.sweep_report import CSV_COLUMNS, csv_text, summary_text
from core.studies.sweeps import (
    default_values,
    is_log_range,
    parse_values,
    run_sweep,
    swept_specs,
    wilson_interval,
)

ROOT = Path(__file__).resolve().parents[2]


def _starts(land, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return land.lower + (land.upper - land.lower) * rng.random((n, land.dim))


@pytest.mark.parametrize(
    ("landscape", "methods", "param", "values", "seeds"),
    [
        ("fit-frequency", ["sgd:lr=0.5,noise=0"], "batch_size", (1, 4, 16), 3),
        ("himmelblau", ["momentum:lr=0.005", "gd:lr=0.005"], "lr", (0.001, 0.01, 0.03), 2),
        ("sine-mix", ["annealing"], "alpha", (0.9, 0.99), 2),
        ("sine-mix", ["sgd:lr=0.1,noise=0.5,schedule=sgdr"], "t0", (20, 50), 2),
    ],
)
def test_each_cell_is_exactly_its_value_run_alone(landscape, methods, param, values, seeds):
    land = get_landscape(landscape)
    starts = _starts(land, 12)
    bases = [parse_method_spec(text) for text in methods]
    sweep = run_sweep(land, bases, param, values, starts, seeds=seeds, seed=7, max_steps=300)
    assert len(sweep.cells) == len(bases) * len(values)
    for cell in sweep.cells:
        replicas = cell.runs // len(starts)
        alone = [
            Engine(Experiment(land, (cell.spec,), starts, 300, 7 + r), record="final").run()
            for r in range(replicas)
        ]
        assert cell.spec.params[param] == pytest.approx(cell.value)
        np.testing.assert_array_equal(cell.final_x, np.concatenate([e.final_x for e in alone]))
        np.testing.assert_array_equal(cell.final_loss, np.concatenate([e.final_f for e in alone]))
        np.testing.assert_array_equal(cell.steps, np.concatenate([e.steps for e in alone]))
        assert list(cell.statuses) == [s for e in alone for s in e.status]


def test_deterministic_methods_make_one_run_per_start_whatever_the_seeds():
    land = get_landscape("sine-mix")
    sweep = run_sweep(land, [parse_method_spec("gd")], "lr", (0.05, 0.1), _starts(land, 9), seeds=4)
    assert [cell.runs for cell in sweep.cells] == [9, 9]


def test_the_wilson_interval_matches_a_hand_computed_case():
    # 3 successes of 10, z = 1.96: centre (0.3 + 1.96²/20) / (1 + 1.96²/10) = 0.3555,
    # half-width 1.96 √(0.021 + 1.96²/400) / 1.3842 = 0.2477 (Wilson 1927; Agresti & Coull 1998, table 1).
    low, high = wilson_interval(3, 10)
    assert low == pytest.approx(0.1078, abs=1e-4) and high == pytest.approx(0.6032, abs=1e-4)
    assert wilson_interval(0, 20)[0] == 0.0 and wilson_interval(20, 20)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_the_same_seed_gives_the_same_sweep_and_another_seed_another():
    land = get_landscape("fit-frequency")
    starts = _starts(land, 10)
    spec = [parse_method_spec("sgd:lr=0.5,noise=0")]
    first, again = (run_sweep(land, spec, "batch_size", (2, 8), starts, 3, 5, 200) for _ in range(2))
    other = run_sweep(land, spec, "batch_size", (2, 8), starts, 3, 6, 200)
    assert csv_text(first) == csv_text(again) and csv_text(first) != csv_text(other)
    for a, b in zip(first.cells, again.cells, strict=True):
        np.testing.assert_array_equal(a.final_x, b.final_x)


def test_log_axes_for_log_ranges_and_geometric_lists():
    assert (
        is_log_range("log:1e-4:1:3") and is_log_range("1,2,4,8,16,32,64") and is_log_range("0.001,0.01,0.1")
    )
    assert not is_log_range("lin:0:0.9:5") and not is_log_range("1,2,3,4,5,6,7,8,9,10")
    assert not is_log_range("0,1,2,4") and not is_log_range("1,2") and not is_log_range("x")


def test_default_values_of_every_numeric_parameter_are_accepted():
    for method_id in METHODS:
        base = method_spec(method_id)
        for param in get_method(method_id).params():
            if param.kind != "choice":
                text = default_values(param, base.params[param.name])
                assert len(swept_specs(base, param.name, parse_values(text))) >= 2, (method_id, text)


def test_values_lists_and_ranges():
    assert parse_values("1, 2,4") == (1.0, 2.0, 4.0)
    assert parse_values("log:1e-4:1:5") == pytest.approx((1e-4, 1e-3, 1e-2, 1e-1, 1.0))
    assert (
        parse_values("lin:0:0.99:12")[-1] == pytest.approx(0.99) and len(parse_values("lin:0:0.99:12")) == 12
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no values"),
        (" , ", "no values"),
        ("1,x", "'x' is not a number"),
        ("1,inf", "not a finite number"),
        ("log:0:1:5", "positive bounds"),
        ("lin:0:1", "expected lin:LOW:HIGH:COUNT"),
        ("lin:0:1:0", "count must be a whole number"),
        ("lin:0:1:2.5", "count must be a whole number"),
        ("lin:0:1:1000", "count must be a whole number 1..100"),
        (",".join(["1"] * 101), "101 values: at most 100"),
    ],
)
def test_bad_values_are_refused_with_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_values(text)


def test_bad_parameters_and_values_out_of_range_are_refused():
    momentum = parse_method_spec("momentum")
    with pytest.raises(ValueError, match="no numeric parameter 'betta'.*beta"):
        swept_specs(momentum, "betta", (0.5,))
    with pytest.raises(ValueError, match="no numeric parameter 'schedule'"):
        swept_specs(momentum, "schedule", (1.0,))  # a choice, not a number
    with pytest.raises(ParamError, match="beta=1.5 is out of range"):
        swept_specs(momentum, "beta", (0.5, 1.5))
    with pytest.raises(ParamError, match="whole number"):
        swept_specs(parse_method_spec("sgd"), "batch_size", (2.5,))
    land = get_landscape("himmelblau")
    with pytest.raises(LimitError, match="runs in the sweep"):
        run_sweep(
            land, [parse_method_spec("sgd")], "lr", parse_values("lin:0.001:0.01:20"), _starts(land, 1000), 10
        )


def test_reports_name_every_value_and_basin():
    land = get_landscape("sine-mix")
    momentum = [parse_method_spec("momentum:lr=0.05")]
    sweep = run_sweep(land, momentum, "beta", (0.0, 0.9), _starts(land, 20), 1, 0, 300)
    text = summary_text(sweep)
    assert "sweep of beta on sine-mix" in text and "momentum lr=0.05" in text
    rows = csv_text(sweep).splitlines()
    assert rows[0].split(",") == list(CSV_COLUMNS) and len(rows) == 3
    assert "min at x = " in rows[1]


def _cli(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "main.py", "sweep", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_sweep_command_prints_a_table_and_refuses_bad_input_in_one_line():
    good = _cli("-f", "sine-mix", "-m", "momentum:lr=0.1", "--param", "beta", "--values", "lin:0:0.9:4")
    assert good.returncode == 0, good.stderr
    assert good.stdout.count("\n") >= 6 and "success [95% CI]" in good.stdout
    for bad in (
        ["-m", "momentum", "--param", "betta", "--values", "0.5"],
        ["-m", "momentum", "--param", "beta", "--values", "log:0:1:3"],
        ["-m", "momentum", "--param", "beta", "--values", "0.5", "--seeds", "0"],
        ["-m", "momentum", "--param", "beta", "--values", "0.5", "--random-starts", "0"],
        ["-m", "momentum", "--param", "beta", "--values", "0.5", "--grid", "5", "--random-starts", "5"],
    ):
        result = _cli("-f", "sine-mix", *bad)
        assert result.returncode == 2, bad
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


def test_a_two_parameter_sweep_has_every_pair_each_exactly_its_run_alone():
    land = get_landscape("himmelblau")
    starts = _starts(land, 8)
    base = parse_method_spec("momentum")
    sweep = run_sweep(
        land, [base], "lr", (0.001, 0.03), starts, 1, 3, 400, param2="beta", values2=(0.0, 0.9, 0.98)
    )
    assert sweep.param2 == "beta" and sweep.values2 == (0.0, 0.9, 0.98)
    assert [(c.value, c.value2) for c in sweep.cells] == [
        (v, w) for v in (0.001, 0.03) for w in (0.0, 0.9, 0.98)
    ]
    for cell in sweep.cells:
        assert cell.spec.params["lr"] == cell.value and cell.spec.params["beta"] == cell.value2
        alone = Engine(Experiment(land, (cell.spec,), starts, 400, 3), record="final").run()
        np.testing.assert_array_equal(cell.final_x, alone.final_x)
    grid = summary_text(sweep).splitlines()
    assert "lr (rows) × beta (columns)" in grid[0] and len(grid) == 1 + 1 + 1 + 1 + 2
    rows = csv_text(sweep).splitlines()
    assert rows[0].startswith("method,param,value,param2,value2,runs,") and rows[1].split(",")[3:5] == [
        "beta",
        "0.0",
    ]
    with pytest.raises(ValueError, match="the swept parameter already"):
        run_sweep(land, [base], "lr", (0.01,), starts, param2="lr", values2=(0.1,))
    bad = _cli("-f", "himmelblau", "-m", "momentum", "--param", "lr", "--values", "0.01", "--param2", "beta")
    assert bad.returncode == 2 and "--param2 and --values2 go together" in bad.stderr


@pytest.mark.parametrize(
    ("landscape", "method", "param", "values"),
    [
        ("sine-mix", "sgd:lr=0.1", "noise", (10.0, 30.0)),
        ("himmelblau", "langevin", "temperature", (1.0, 5.0)),
    ],
)
def test_escape_counts_are_the_events_of_each_run_alone(landscape, method, param, values):
    land = get_landscape(landscape)
    starts = _starts(land, 6)
    base = parse_method_spec(method)
    sweep = run_sweep(land, [base], param, values, starts, 2, 0, 300, count_escapes=True)
    labeller = labeller_for(land)
    counted = 0
    for cell in sweep.cells:
        expected = []
        for r in range(2):
            alone = Engine(
                Experiment(land, (cell.spec,), starts, 300, r), record="full", check_every=20
            ).run()
            positions = np.concatenate([alone.start_positions[None], *[c.positions for c in alone.chunks]])
            losses = np.concatenate([alone.start_losses[None], *[c.losses for c in alone.chunks]])
            expected += [len(escape_events(labeller, positions[:, k], losses[:, k]).steps) for k in range(6)]
        assert cell.escapes.tolist() == expected
        counted += sum(expected)
    assert counted > 0  # (the check means something: these runs do escape)
    assert "escapes" in summary_text(sweep) and csv_text(sweep).splitlines()[0].endswith(",mean_escapes")


def test_values_text_reads_back_as_the_values():
    from core.studies.sweeps import parse_values, values_text

    for text in ("log:0.1:10:5", "lin:0:1:11", "0,0.5,0.8,0.9,0.95", "1,2,4,8", "3e-05,7"):
        values = parse_values(text)
        assert parse_values(values_text(values)) == pytest.approx(values, rel=1e-12)
    assert values_text(parse_values("log:0.1:10:5")) == "log:0.1:10:5"
    assert values_text(parse_values("lin:0:1:11")) == "lin:0:1:11"
    assert values_text((0.0, 0.5, 0.8)) == "0,0.5,0.8"
