"""The headless command line: reference results, output formats and refusals of bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]


def run_main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_reference_notebook_results_through_main_py():
    """Acceptance: GD on sin(x) + 0.5 sin(3x), lr 0.1, 100 steps, ends at the notebook's numbers."""
    proc = run_main(
        "run",
        "-f",
        "sine-mix",
        "-m",
        "gd:lr=0.1",
        "-s",
        "1.0",
        "-s",
        "0.5",
        "--steps",
        "100",
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    finals = [run["final"][0] for run in doc["runs"]]
    assert round(finals[0], 8) == 1.57079633
    assert round(finals[1], 8) == -0.70167412
    assert [run["minimum"]["kind"] for run in doc["runs"]] == ["local", "global"]


def test_json_schema(capsys):
    assert (
        cli_main(
            [
                "run",
                "-m",
                "gd:lr=0.1",
                "-m",
                "annealing",
                "-s",
                "0.5",
                "--steps",
                "30",
                "--seed",
                "3",
                "--format",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["seed"] == 3 and doc["landscape"]["id"] == "sine-mix" and doc["landscape"]["dim"] == 1
    gd, sa = doc["runs"]
    assert gd["method"] == "gd" and gd["params"]["lr"] == 0.1 and gd["params"]["schedule"] == "constant"
    assert gd["start"] == [0.5] and gd["positions"][0] == [0.5]
    assert len(gd["positions"]) == len(gd["losses"]) == gd["steps"] + 1
    assert len(gd["learning_rates"]) == gd["steps"] and gd["learning_rates"][0] == 0.1
    assert gd["status"] in {"converged", "max-steps"} and gd["final"] == gd["positions"][-1]
    assert set(sa) >= {"temperatures", "accepted"} and len(sa["temperatures"]) == sa["steps"]
    assert sa["learning_rates"][0] is None  # annealing has no learning rate
    assert all(isinstance(a, bool) for a in sa["accepted"])


def test_two_d_starts_random_starts_and_csv(capsys):
    assert (
        cli_main(
            [
                "run",
                "-f",
                "himmelblau",
                "-m",
                "gd:lr=0.01",
                "-s",
                "1.5,-2",
                "--random-starts",
                "3",
                "--steps",
                "5",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:7] == ["run", "method", "params", "start_id", "step", "x", "y"]
    assert len(lines) == 1 + 4 * 6  # 4 starts × (start + 5 steps)
    assert lines[1].split(",")[5:7] == ["1.5", "-2.0"]


def test_negative_start_values_are_accepted(capsys):
    assert cli_main(["run", "-f", "himmelblau", "-m", "gd:lr=0.01", "-s", "-3,-3", "--steps", "3"]) == 0
    assert "(-3.00000000, -3.00000000)" in capsys.readouterr().out


def test_summary_has_one_line_per_run(capsys):
    assert (
        cli_main(
            ["run", "-m", "gd:lr=0.1", "-m", "momentum:lr=0.1", "-s", "0.5", "-s", "1", "--steps", "100"]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and "global min" in out[0] and "local min" in out[1]


def test_a_diverged_run_ends_in_the_summary_where_the_json_ends_it(capsys):
    args = ["run", "-f", "double-well", "-m", "momentum:lr=0.5", "-s", "1.5", "--steps", "100"]
    assert cli_main([*args, "--format", "json"]) == 0
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert run["status"] == "diverged" and run["steps"] == 5
    assert cli_main(args) == 0
    summary = capsys.readouterr().out
    assert "diverged after 5 steps" in summary and f"f={run['final_loss']:.8g}" in summary
    assert f"-> {run['final'][0]:.8g}" in summary  # (eight digits, not 150)


def test_list_names_every_landscape_method_and_parameter(capsys):
    assert cli_main(["list"]) == 0
    out = capsys.readouterr().out
    words = ("sine-mix", "rosenbrock", "monkey-saddle", "nn-skip:depth=", "basin-hopping", "t0 = 50")
    for word in (*words, "beta = 0.9"):
        assert word in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "-f", "nope", "-m", "gd", "-s", "1"], "unknown landscape 'nope'; valid: sine-mix"),
        (["run", "-m", "gdx", "-s", "1"], "unknown method 'gdx'; valid: gd, momentum"),
        (["run", "-m", "gd:foo=1", "-s", "1"], "unknown parameter 'foo' for method 'gd'; valid: lr"),
        (["run", "-m", "gd:lr=-1", "-s", "1"], "lr='-1' is out of range"),
        (["run", "-m", "gd:lr=abc", "-s", "1"], "lr='abc' is not a number"),
        (["run", "-m", "gd:lr", "-s", "1"], "malformed parameter 'lr'"),
        (["run", "-m", "sgd:schedule=warm", "-s", "1"], "one of constant, step"),
        (["run", "-m", "gd", "-s", "1,2"], "has 2 coordinate(s); sine-mix is 1-D"),
        (["run", "-m", "gd", "-s", "x"], "malformed start 'x'"),
        (["run", "-m", "gd", "-s", "1e9"], "far outside the domain"),
        (["run", "-m", "gd", "-s", "nan"], "must be finite"),
        (["run", "-m", "gd", "-s", "1", "--steps", "0"], "--steps 0 is out of range"),
        (["run", "-m", "gd", "-s", "1", "--steps", "ten"], "invalid int value: 'ten'"),
        (["run", "-m", "gd"], "at least one start point"),
        (["run", "-s", "1"], "at least one method"),
        (["run", "-m", "gd", "-s", "1", "--domain", "5,-5"], "lower bound must be below"),
        (["run", "-m", "gd", "-s", "1", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, needle):
    assert cli_main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]


def test_bad_input_through_main_py_has_no_traceback():
    proc = run_main("run", "-m", "adam:beta1=2", "-s", "0.5")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "beta1='2' is out of range" in proc.stderr


def test_unwritable_output_is_refused_and_leaves_nothing(tmp_path, capsys):
    target = tmp_path / "missing-folder" / "out.json"
    assert cli_main(["run", "-m", "gd", "-s", "1", "--steps", "3", "-o", str(target)]) == 2
    assert "cannot write output" in capsys.readouterr().err
    assert not target.exists()


def test_output_file_is_written(tmp_path):
    target = tmp_path / "out.json"
    args = ["run", "-m", "gd", "-s", "1", "--steps", "3", "--format", "json", "-o", str(target)]
    assert cli_main(args) == 0
    assert json.loads(target.read_text())["runs"][0]["steps"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_formula_and_data_landscapes_on_the_command_line(capsys, tmp_path):
    assert (
        cli_main(
            [
                "run",
                "-f",
                "expr:sin(x) + 0.5*sin(3*x)",
                "--domain",
                "-5,5",
                "-m",
                "gd:lr=0.1",
                "-s",
                "1.0",
                "--steps",
                "100",
                "--format",
                "json",
            ]
        )
        == 0
    )
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert round(run["final"][0], 6) == 1.570796 and run["minimum"]["kind"] == "local"
    data = tmp_path / "d.csv"
    data.write_text("x,y\n" + "\n".join(f"{x},{x * 0.5}" for x in range(-5, 6)))
    assert (
        cli_main(
            [
                "run",
                "-f",
                "fit-frequency",
                "--data",
                str(data),
                "-m",
                "sgd:lr=0.05,batch_size=4",
                "-s",
                "1",
                "--steps",
                "20",
                "--format",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["runs"][0]["params"]["batch_size"] == 4 and len(doc["runs"][0]["positions"]) == 21


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-f", "expr:sin(x) + z"], "unknown name 'z' at position 9"),
        (["-f", "expr:9**9**9"], "too large"),
        (["-f", "fit-frequency", "--data", "/no/such.csv"], "cannot read"),
        (["-f", "sine-mix", "-m", "gd:batch_size=4"], "applies to data landscapes only"),
        (["-f", "fit-frequency", "-m", "gd:batch_size=1000"], "larger than the dataset"),
    ],
)
def test_formula_and_data_errors_exit_2(capsys, args, needle):
    base = ["run", "-s", "1"] + (["-m", "gd"] if "-m" not in args else [])
    assert cli_main(base + args) == 2
    assert needle in capsys.readouterr().err
