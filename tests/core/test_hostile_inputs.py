"""Hostile input, one test per case found by a hostile-input run: each is refused quickly with a
message naming the limit (exit 2 on the command line), or handled; no write ever loses a file."""

from __future__ import annotations

import json
import os
import stat
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from core.cli import main as cli_main
from core.experiment.file_format import load_state, save_state
from core.experiment.spec import Experiment, parse_method_spec
from core.landscapes.registry import get_landscape
from core.limits import MAX_SAMPLES, MAX_SEED, MAX_STARTS
from core.minima.basins import labeller_for
from core.runs.engine import Engine
from core.runs.results import collect_results
from tests.disk_faults import FAULTS, REASONS, break_disk

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"
REFUSED_WITHIN = 2.0  # seconds


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def write_doc(tmp_path: Path, doc: dict | str, name: str = "hostile.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, separators=(",", ":")))
    return str(path)


def refused(capsys, *args: str) -> str:
    """Run the CLI; assert it exits 2 within REFUSED_WITHIN seconds; its one-line message."""
    started = time.perf_counter()
    code = cli_main(list(args))
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert code == 2, err
    assert elapsed < REFUSED_WITHIN, f"refused after {elapsed:.1f} s"
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def many_starts_doc(count: int) -> dict:
    doc = example("escape-rastrigin")
    doc["starts"] = [
        [round(-5 + 10 * (i % 997) / 997, 2), round(-5 + (i % 991) / 99.1, 2)] for i in range(count)
    ]
    return doc


def test_a_file_with_300000_starts_is_refused_naming_the_limit(tmp_path, capsys):
    path = write_doc(tmp_path, many_starts_doc(300_000))
    assert os.path.getsize(path) < 10_000_000
    err = refused(capsys, "export", path, "-o", str(tmp_path / "out.json"))
    assert "300,000 starts" in err and f"at most {MAX_STARTS:,}" in err
    assert not (tmp_path / "out.json").exists()


def test_every_step_of_1000_long_metropolis_runs_is_refused_as_data(tmp_path, capsys):
    doc = many_starts_doc(1000)
    doc["methods"] = [{"method": "metropolis", "params": {}}]
    doc["max_steps"] = 1_000_000
    err = refused(capsys, "export", write_doc(tmp_path, doc), "-o", str(tmp_path / "out.json"))
    assert "at most 20,000,000" in err and "export limit" in err


def test_a_data_landscape_with_1_5_million_samples_is_refused(tmp_path):
    doc = example("minibatch-noise")
    doc["landscape"]["data"]["x"] = [0] * 1_500_000
    doc["landscape"]["data"]["y"] = [0] * 1_500_000
    path = write_doc(tmp_path, doc)
    started = time.perf_counter()
    with pytest.raises(ValueError, match=f"1,500,000 samples; at most {MAX_SAMPLES:,}"):
        load_state(path)
    assert time.perf_counter() - started < REFUSED_WITHIN


def test_seeds_outside_the_documented_range_are_refused_in_files_and_on_the_command_line(tmp_path, capsys):
    doc = example("escape-rastrigin")
    doc["seed"] = MAX_SEED + 1
    with pytest.raises(ValueError, match=f"expected a whole number from 0 to {MAX_SEED}"):
        load_state(write_doc(tmp_path, doc))
    err = refused(capsys, "run", "-f", "rastrigin", "-m", "gd", "-s", "1,1", "--seed", str(10**4000))
    assert "over 4,000 digits" in err and f"0 to {MAX_SEED}" in err and len(err) < 200


def test_nan_as_a_data_source_is_refused(tmp_path):
    doc = example("minibatch-noise")
    doc["landscape"]["data"]["source"] = float("nan")  # json writes NaN, as a hand-edited file may
    doc = json.dumps(doc)
    with pytest.raises(ValueError, match="landscape.data.source: expected a string, got NaN"):
        load_state(write_doc(tmp_path, doc))


@pytest.mark.parametrize(
    "args, needle",
    [
        (["highdim", "--dims", "1,,2"], "'1,,2' has an empty item"),
        (["run", "-f", "rastrigin", "-m", "gd", "--domain", ""], "domain '' has an empty value"),
        (["export", "--preset", "seed-lecture", "-o", ""], "-o: the file name is empty"),
        (
            ["run", "-f", "rastrigin", "-m", "gd", "--domain", "-1e308,1e308,-1,1"],
            "within ±1e+06 (the limit)",
        ),
        (["run", "-f", "rastrigin", "-m", "gd", "--random-starts", "100000"], "10000 (the limit of starts)"),
        (["run", "-f", "nn-skip:depth=10,width=32,samples=2000", "-m", "gd"], "at most 1.5e+11 (the limit"),
    ],
)
def test_empty_huge_or_costly_arguments_are_refused(capsys, args, needle):
    assert needle in refused(capsys, *args)


def test_list_promises_no_more_than_the_network_limit(capsys):
    assert cli_main(["list"]) == 0
    text = capsys.readouterr().out
    assert "a few seconds" not in text and "up to about a minute for the largest allowed" in text


def test_deeply_nested_json_is_refused_with_a_message(tmp_path, capsys):
    nested = "[" * 100_000 + "]" * 100_000
    doc = '{"format": "minima-lab-experiment", "version": 2, "landscape": {"id": "nn-plain", "settings": '
    doc += nested + '}, "methods": [], "starts": []}'
    err = refused(capsys, "export", write_doc(tmp_path, doc), "-o", str(tmp_path / "out.json"))
    assert "nested too deeply" in err


def test_a_formula_of_100_divisions_builds_and_runs_quickly():
    started = time.perf_counter()
    land = get_landscape("expr:" + "/".join(["x"] * 101), ((1.0, 2.0),))
    engine = Engine(Experiment(land, (parse_method_spec("gd"),), ((1.5,),), 1000, 0)).run()
    collect_results(engine)
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize("formula", ["sqrt(x)", "log(x)", "x**0.5", "e**(1e300*x)", "sqrt(x*y) + log(y)"])
def test_formulas_undefined_or_overflowing_somewhere_warn_nothing(formula):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        domain = ((-2.0, 2.0),) if "y" not in formula else ((-2.0, 2.0), (-2.0, 2.0))
        land = get_landscape("expr:" + formula, domain)
        start = (0.5,) * land.dim
        specs = (parse_method_spec("gd"), parse_method_spec("adam"), parse_method_spec("langevin"))
        engine = Engine(Experiment(land, specs, (start, (-1.5,) * land.dim), 300, 0), record="full").run()
        collect_results(engine)
        labeller_for(land).label(np.linspace(-3, 3, 50 * land.dim).reshape(-1, land.dim))


def test_data_with_huge_values_warns_nothing(tmp_path):
    doc = example("minibatch-noise")
    doc["landscape"]["data"]["y"] = [1e308] * len(doc["landscape"]["data"]["y"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        state = load_state(write_doc(tmp_path, doc))
        exp = Experiment(state.landscape, (parse_method_spec("sgd"),), state.starts, 200, 0)
        collect_results(Engine(exp, record="full").run())


# ---- writes -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_a_failed_data_export_says_why_and_keeps_the_previous_file(
    tmp_path, capsys, monkeypatch, kind, suffix
):
    folder = tmp_path / "out"
    folder.mkdir()
    previous = folder / f"runs{suffix}"
    previous.write_bytes(b"the previous export\n")
    target_folder = break_disk(monkeypatch, kind, folder)
    target = target_folder / f"runs{suffix}"
    code = cli_main(["export", "--preset", "seed-lecture", "--steps", "50", "-o", str(target)])
    err = capsys.readouterr().err
    assert code != 0 and REASONS[kind] in err and str(target) in err and ".tmp" not in err
    assert previous.read_bytes() == b"the previous export\n"
    assert sorted(p.name for p in folder.iterdir()) == [previous.name]  # no temporary file left


@pytest.mark.parametrize("kind", FAULTS)
def test_a_failed_experiment_save_says_why_and_keeps_the_previous_file(tmp_path, monkeypatch, kind):
    folder = tmp_path / "out"
    folder.mkdir()
    previous = folder / "experiment.json"
    previous.write_bytes(b'{"old": true}')
    state = load_state(EXAMPLES / "seed-lecture.json")
    target = break_disk(monkeypatch, kind, folder) / "experiment.json"
    with pytest.raises(ValueError) as failure:
        save_state(target, state)
    assert f"cannot write {target}: " in str(failure.value) and REASONS[kind] in str(failure.value)
    assert previous.read_bytes() == b'{"old": true}'
    assert sorted(p.name for p in folder.iterdir()) == ["experiment.json"]


def test_a_symlink_is_followed_and_stays_a_link(tmp_path, capsys):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert (
        cli_main(["run", "-f", "sine-mix", "-m", "gd", "-s", "1.0", "--format", "json", "-o", str(link)]) == 0
    )
    assert link.is_symlink() and json.loads(real.read_text())["runs"]


def test_a_device_is_written_through_never_replaced(capsys):
    assert (
        cli_main(["run", "-f", "sine-mix", "-m", "gd", "-s", "1.0", "--format", "json", "-o", "/dev/null"])
        == 0
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_missing_folder_is_named_not_the_temporary_file(tmp_path, capsys):
    target = tmp_path / "nowhere" / "runs.json"
    assert cli_main(["export", "--preset", "seed-lecture", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "nowhere") in err and ".minima-" not in err


def test_a_folder_as_target_is_refused(tmp_path, capsys):
    (tmp_path / "runs.json").mkdir()
    assert cli_main(
        [
            "run",
            "-f",
            "sine-mix",
            "-m",
            "gd",
            "-s",
            "1",
            "--format",
            "json",
            "-o",
            str(tmp_path / "runs.json"),
        ]
    )
    assert "it is a folder" in capsys.readouterr().err
