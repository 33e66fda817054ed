"""Experiment files: round trips, refusals naming the field, and atomic saves."""

import json
import os

import numpy as np
import pytest

import core.files
from core.experiment.file_format import (
    FORMAT,
    MAX_FILE_BYTES,
    VERSION,
    ExperimentFileError,
    ExperimentState,
    load_state,
    save_state,
    state_from_dict,
    state_from_json,
    state_to_dict,
    state_to_json,
)
from core.experiment.presets import PRESETS
from core.experiment.spec import Experiment, method_spec, parse_method_spec
from core.landscapes.registry import get_landscape
from core.runs.engine import Engine
from core.runs.results import collect_results

VIEW = {
    "show_minima": True,
    "log_loss": False,
    "equal_aspect": False,
    "colour_scale": "log",
    "legend": "bottom-left",
    "trail": 40,
    "zoom": 1.25,
    "theme": "dark",
    "future": "kept",
}


def rosenbrock_state() -> ExperimentState:
    land = get_landscape("rosenbrock").with_domain(((-2.5, 2.0), (-1.0, 3.5)))
    methods = tuple(
        parse_method_spec(text)
        for text in ("gd:lr=0.001", "adam:lr=0.05", "annealing:temperature=3.3,sigma=0.1", "sgd:noise=0.7")
    )
    exp = Experiment(land, methods, np.array([[-1.5, 2.0], [0.1 + 0.2, -0.7]]), max_steps=300, seed=12345)
    return ExperimentState.from_experiment(exp, VIEW)


def valid_dict() -> dict:
    return json.loads(state_to_json(rosenbrock_state()))


def assert_same_runs(a: Experiment, b: Experiment) -> None:
    runs_a = collect_results(Engine(a).run())
    runs_b = collect_results(Engine(b).run())
    assert len(runs_a) == len(runs_b) == a.n_runs
    for ra, rb in zip(runs_a, runs_b, strict=True):
        assert (ra.spec, ra.start, ra.status, ra.steps, ra.final) == (
            rb.spec,
            rb.start,
            rb.status,
            rb.steps,
            rb.final,
        )
        np.testing.assert_array_equal(ra.positions, rb.positions)
        np.testing.assert_array_equal(ra.losses, rb.losses)


# ---------------------------------------------------------------- round trips


def test_state_round_trips_through_json_and_gives_identical_runs():
    state = rosenbrock_state()
    text = state_to_json(state)
    assert "NaN" not in text and text.startswith("{\n ")
    back = state_from_json(text)
    assert back == state
    assert back.landscape.domain == ((-2.5, 2.0), (-1.0, 3.5))
    assert back.starts[1] == (0.1 + 0.2, -0.7)  # full float precision
    assert back.view == VIEW and back.seed == 12345 and back.max_steps == 300
    assert state_to_json(back) == text
    assert_same_runs(state.experiment(), back.experiment())  # includes annealing and noisy SGD


def test_round_trip_through_a_file(tmp_path):
    path = tmp_path / "exp.json"
    state = rosenbrock_state()
    save_state(path, state)
    assert load_state(path) == state
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT
    assert os.listdir(tmp_path) == ["exp.json"]


@pytest.mark.parametrize("preset_id", list(PRESETS))
def test_presets_round_trip(preset_id):
    exp = PRESETS[preset_id].experiment()
    state = ExperimentState.from_experiment(exp)
    back = state_from_json(state_to_json(state))
    assert back == state
    rebuilt = back.experiment()
    assert rebuilt.methods == exp.methods and rebuilt.landscape == exp.landscape
    assert rebuilt.seed == exp.seed and rebuilt.max_steps == exp.max_steps
    np.testing.assert_array_equal(rebuilt.starts, exp.starts)


def test_preset_runs_are_identical_after_a_round_trip():
    exp = PRESETS["seed-lecture"].experiment()
    back = state_from_json(state_to_json(ExperimentState.from_experiment(exp))).experiment()
    assert_same_runs(exp, back)


def test_no_starts_is_a_saved_state_without_an_experiment():
    data = valid_dict()
    data["starts"] = []
    state = state_from_dict(data)
    assert state.starts == () and state.experiment() is None
    assert state_from_json(state_to_json(state)) == state


def test_partial_params_get_defaults_and_optional_fields_may_be_absent():
    data = {
        "format": FORMAT,
        "version": VERSION,
        "landscape": {"id": "sine-mix"},
        "methods": [{"method": "momentum", "params": {"lr": 0.2}}, {"method": "adam"}],
        "starts": [[0.5]],
        "seed": 0,
        "max_steps": 10,
    }
    state = state_from_dict(data)
    assert state.methods == (method_spec("momentum", {"lr": 0.2}), method_spec("adam"))
    assert state.landscape == get_landscape("sine-mix") and state.view == {}
    assert set(state_to_dict(state)["methods"][1]["params"]) == set(method_spec("adam").params)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + state_to_json(rosenbrock_state()).encode())
    assert load_state(path) == rosenbrock_state()


# ---------------------------------------------------------------- refusals


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def edit(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def _drop(key):
    return lambda data: data.pop(key)


BAD_DICTS = [
    ("unknown version", _set("version", 7), "version: 7 is not supported (this app reads versions 1 and 2)"),
    ("wrong format tag", _set("format", "something-else"), 'format: expected "minima-lab-experiment"'),
    ("missing format", _drop("format"), "format: missing"),
    ("unknown landscape", _set("landscape", "id", "nope"), "landscape.id: unknown landscape 'nope'; valid: "),
    (
        "unknown method",
        _set("methods", 0, "method", "gdx"),
        "methods[0].method: unknown method 'gdx'; valid: ",
    ),
    ("unknown param", _set("methods", 1, "params", "lrr", 0.1), "methods[1].params.lrr: unknown parameter"),
    (
        "out-of-range param",
        _set("methods", 1, "params", "lr", 5000),
        "methods[1].params.lr: 5000 is out of range: expected float in [1e-09, 1000]",
    ),
    ("param as text", _set("methods", 0, "params", "lr", "0.1"), "methods[0].params.lr: expected a number"),
    ("bad choice", _set("methods", 0, "params", "schedule", "never"), "methods[0].params.schedule: 'never'"),
    ("wrong-dimension start", _set("starts", 0, [1.0]), "starts[0]: has 1 coordinate(s); rosenbrock is 2-D"),
    (
        "start far outside",
        _set("starts", 1, [0.0, 1e6]),
        "starts[1]: [0.0, 1000000.0] is far outside the domain",
    ),
    ("start not a number", _set("starts", 0, [1.0, "x"]), 'starts[0][1]: expected a number, got "x"'),
    ("missing field", _drop("seed"), "seed: missing"),
    ("missing methods", _drop("methods"), "methods: missing"),
    (
        "wrong type",
        _set("max_steps", "ten"),
        'max_steps: expected a whole number from 1 to 1000000, got "ten"',
    ),
    ("too many steps", _set("max_steps", 1_000_001), "max_steps: 1000001 is out of range"),
    ("fractional steps", _set("max_steps", 10.5), "max_steps: expected a whole number"),
    ("bool as seed", _set("seed", True), "seed: expected a whole number from 0 to 2147483647, got true"),
    ("huge seed", _set("seed", 2**31), "seed: 2147483648 is out of range: expected a whole number from 0 to"),
    ("negative seed", _set("seed", -1), "seed: -1 is out of range"),
    ("empty methods", _set("methods", []), "methods: at least one method is needed"),
    ("bad domain", _set("landscape", "domain", 0, [2.0, -2.0]), "landscape.domain[0]: "),
    ("domain wrong dimension", _set("landscape", "domain", [[0, 1]]), "landscape.domain: has 1 interval(s)"),
    ("unknown top field", _set("colour", "red"), "colour: unknown field"),
    ("nested view", _set("view", "panel", {"a": 1}), "view.panel: expected true/false, a number or a string"),
    (
        "unknown legend place",
        _set("view", "legend", "middle"),
        "view.legend: expected one of right, top-right",
    ),
    (
        "colour scale not a word",
        _set("view", "colour_scale", True),
        "view.colour_scale: expected one of auto, ",
    ),
    ("aspect not true/false", _set("view", "equal_aspect", "yes"), "view.equal_aspect: expected true/false"),
    ("missing landscape", _drop("landscape"), "landscape: missing"),
    (
        "landscape not an object",
        _set("landscape", "rosenbrock"),
        "landscape: expected an object, got a string",
    ),
]


@pytest.mark.parametrize("edit, expected", [row[1:] for row in BAD_DICTS], ids=[row[0] for row in BAD_DICTS])
def test_bad_files_are_refused_naming_the_field(tmp_path, edit, expected):
    data = valid_dict()
    edit(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExperimentFileError) as info:
        load_state(path)
    assert str(info.value).startswith(expected), str(info.value)


GOOD_TEXT = state_to_json(rosenbrock_state())
BAD_TEXTS = [
    (
        "not JSON",
        '{"format": "minima-lab-experiment",\n "version" 1}',
        "not JSON: Expecting ':' delimiter at line 2",
    ),
    ("truncated", GOOD_TEXT[: len(GOOD_TEXT) // 2], "not JSON: "),
    ("empty", "", "not JSON: Expecting value at line 1, column 1"),
    ("top-level list", "[1, 2]", "file: expected an object"),
    ("NaN start", GOOD_TEXT.replace("-0.7", "NaN"), "starts[1][1]: NaN is not a finite number"),
    (
        "Infinity param",
        GOOD_TEXT.replace('"lr": 0.001', '"lr": Infinity'),
        "methods[0].params.lr: Infinity is not",
    ),
    (
        "NaN in view",
        GOOD_TEXT.replace('"zoom": 1.25', '"zoom": NaN'),
        "view.zoom: NaN is not a finite number",
    ),
    ("huge number", GOOD_TEXT.replace("-0.7", "1e999"), "starts[1][1]: Infinity is not a finite number"),
    ("repeated key", GOOD_TEXT.replace('"seed": 12345', '"seed": 1, "seed": 2'), "seed: appears twice"),
    ("deep nesting", "[" * 200_000, "not JSON: "),
]


@pytest.mark.parametrize("text, expected", [row[1:] for row in BAD_TEXTS], ids=[row[0] for row in BAD_TEXTS])
def test_bad_json_text_is_refused(text, expected):
    with pytest.raises(ExperimentFileError) as info:
        state_from_json(text)
    assert str(info.value).startswith(expected), str(info.value)


def test_non_utf8_bytes_are_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(GOOD_TEXT.replace('"dark"', '"d\u00e9j\u00e0"').encode("latin-1"))
    with pytest.raises(ExperimentFileError, match=r"not UTF-8 text \(byte 0xe9"):
        load_state(path)


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(GOOD_TEXT.encode()[:-2] + b" " * MAX_FILE_BYTES + b"}\n")
    with pytest.raises(ExperimentFileError, match="larger than 10 MB"):
        load_state(path)


def test_unreadable_file_names_the_file(tmp_path):
    path = tmp_path / "absent.json"
    with pytest.raises(ExperimentFileError, match=r"cannot read .*absent\.json: No such file"):
        load_state(path)
    with pytest.raises(ExperimentFileError, match="cannot read"):
        load_state(tmp_path)  # a folder


def test_a_state_that_could_not_be_loaded_is_not_saved(tmp_path):
    good = rosenbrock_state()
    bad = ExperimentState(
        good.landscape, good.methods, good.starts, good.seed, good.max_steps, {"zoom": float("nan")}
    )
    with pytest.raises(ExperimentFileError, match="view.zoom"):
        save_state(tmp_path / "x.json", bad)
    assert os.listdir(tmp_path) == []


def test_from_experiment_refuses_what_a_file_could_not_hold():
    exp = Experiment(get_landscape("sine-mix"), (method_spec("gd"),), [[0.5]], max_steps=2_000_000)
    with pytest.raises(ExperimentFileError, match="max_steps: 2000000 is out of range"):
        ExperimentState.from_experiment(exp)


# ---------------------------------------------------------------- atomic saves


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "exp.json"
    save_state(path, rosenbrock_state())
    return path, path.read_bytes()


def _changed_state() -> ExperimentState:
    data = valid_dict()
    data["seed"] = 99
    return state_from_dict(data)


def test_failed_rename_leaves_the_old_file_and_no_temp_files(saved, monkeypatch):
    path, before = saved

    def fail_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail_replace)
    with pytest.raises(ExperimentFileError, match="cannot write .*exp.json: no space left on the disk"):
        save_state(path, _changed_state())
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["exp.json"]


def test_write_failing_halfway_leaves_the_old_file_and_no_temp_files(saved, monkeypatch):
    path, before = saved

    real_fdopen = os.fdopen

    class HalfWriter:
        """The temporary file, failing after half of what it is given (a disk error mid-write)."""

        def __init__(self, fd, *args, **kwargs):
            self.fh = real_fdopen(fd, *args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(core.files.os, "fdopen", HalfWriter)
    with pytest.raises(ExperimentFileError, match="Input/output error"):
        save_state(path, _changed_state())
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["exp.json"]


def test_failed_serialization_leaves_the_old_file(saved, monkeypatch):
    path, before = saved

    def boom(*args, **kwargs):
        raise TypeError("cannot serialize")

    monkeypatch.setattr(json, "dumps", boom)
    with pytest.raises(TypeError):
        save_state(path, _changed_state())
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["exp.json"]


def test_saving_into_a_missing_folder_creates_nothing(tmp_path):
    target = tmp_path / "missing" / "exp.json"
    with pytest.raises((OSError, ExperimentFileError)):
        save_state(target, rosenbrock_state())
    assert os.listdir(tmp_path) == []


def test_data_landscape_keeps_its_samples_and_reproduces_minibatch_runs():
    from core.landscapes.data import make_data_landscape

    land = make_data_landscape("fit-frequency", n=20, noise=0.3, seed=4)
    state = ExperimentState(land, (parse_method_spec("sgd:lr=0.3,batch_size=4"),), ((1.0,),), 3, 200, {})
    back = state_from_json(state_to_json(state))
    assert back.landscape.dataset.source == "generated: n=20, noise=0.3, seed=4"
    np.testing.assert_array_equal(back.landscape.dataset.y, land.dataset.y)
    first = collect_results(Engine(state.experiment()).run())[0]
    again = collect_results(Engine(back.experiment()).run())[0]
    np.testing.assert_array_equal(first.positions, again.positions)
