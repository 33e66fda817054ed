"""Property-based tests near and past every limit: generated experiment files, formulas and CSV data
are either accepted or refused with a message (a ValueError), within 5 s, and never print a warning."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.experiment.file_format import state_from_json
from core.landscapes.data import load_csv_dataset
from core.landscapes.formula import MAX_LENGTH, formula_landscape
from core.limits import MAX_DOMAIN_ABS, MAX_SAMPLES, MAX_SEED, MAX_STARTS, MAX_STEPS

ROOT = Path(__file__).resolve().parents[2]
BASE = json.loads((ROOT / "resources" / "examples" / "escape-rastrigin.json").read_text())
DATA_BASE = json.loads((ROOT / "resources" / "examples" / "minibatch-noise.json").read_text())
HANG = 5.0  # seconds
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def near(limit: int | float) -> st.SearchStrategy:
    """Values at, just inside and just past a limit, and absurd ones."""
    return st.sampled_from([limit, limit - 1, limit + 1, 0, -1, -limit, 10 * limit, 2**63, 10**40])


odd_values = st.sampled_from([float("nan"), float("inf"), -float("inf"), None, "7", [], {}, True, 1e308])


def accepted_or_refused(action) -> None:
    """Run ``action``: it returns or raises ValueError, quickly and without any warning."""
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            action()
        except ValueError as exc:
            assert str(exc) and "Traceback" not in str(exc)
    assert time.perf_counter() - started < HANG


@st.composite
def experiment_texts(draw) -> str:
    doc = json.loads(json.dumps(BASE))
    field = draw(st.sampled_from(["seed", "max_steps", "starts", "domain", "odd", "methods"]))
    if field == "seed":
        doc["seed"] = draw(near(MAX_SEED))
    elif field == "max_steps":
        doc["max_steps"] = draw(near(MAX_STEPS))
    elif field == "starts":
        count = draw(st.sampled_from([0, 1, MAX_STARTS, MAX_STARTS + 1]))
        doc["starts"] = [[0.5, 0.5]] * count
    elif field == "domain":
        bound = draw(st.sampled_from([MAX_DOMAIN_ABS, MAX_DOMAIN_ABS * 1.0001, 1e308, 0.0]))
        doc["landscape"]["domain"] = [[-bound, bound], [-1.0, 1.0]]
    elif field == "odd":
        place = draw(st.sampled_from(["seed", "max_steps", "starts", "landscape"]))
        doc[place] = draw(odd_values)
    else:
        doc["methods"] = doc["methods"] * draw(st.sampled_from([1, 200, 2000]))
    return json.dumps(doc, allow_nan=True)


@PROPERTY
@given(experiment_texts())
def test_experiment_files_near_the_limits(text):
    accepted_or_refused(lambda: state_from_json(text))


@st.composite
def data_texts(draw) -> str:
    doc = json.loads(json.dumps(DATA_BASE))
    count = draw(st.sampled_from([1, 2, MAX_SAMPLES, MAX_SAMPLES + 1]))
    value = draw(st.sampled_from([0.5, 1e308, -1e308, 5e-324, float("nan"), "0.5", None]))
    doc["landscape"]["data"]["x"] = [0.001 * i for i in range(count)]
    doc["landscape"]["data"]["y"] = [value] * count
    return json.dumps(doc, allow_nan=True)


@PROPERTY
@given(data_texts())
def test_data_landscapes_in_files_near_the_limits(text):
    accepted_or_refused(lambda: state_from_json(text))


terms = st.sampled_from(
    ["x", "y", "sqrt(x)", "log(x)", "x**0.5", "e**(1e300*x)", "1/x", "x/y", "exp(x**2)", "tanh(y)", "0"]
)


@st.composite
def formulas(draw) -> str:
    parts = draw(st.lists(terms, min_size=1, max_size=60))
    joiner = draw(st.sampled_from([" + ", "/", "*", " - "]))
    text = joiner.join(parts)
    if draw(st.booleans()):  # right at the length limit, or just past it
        text = (text + " + x" * MAX_LENGTH)[: MAX_LENGTH + draw(st.sampled_from([0, 1]))]
    return text


@PROPERTY
@given(formulas())
def test_formulas_near_the_limits(text):
    domain = ((-2.0, 2.0), (-2.0, 2.0)) if "y" in text else ((-2.0, 2.0),)
    accepted_or_refused(lambda: formula_landscape(text, domain))


@st.composite
def csv_texts(draw) -> str:
    rows = draw(st.sampled_from([0, 1, 2, MAX_SAMPLES, MAX_SAMPLES + 1]))
    cell = draw(st.sampled_from(["0.5", "1e308", "-1e309", "nan", "", "x", "1,2", "0x10"]))
    header = draw(st.sampled_from(["", "x,y\n", "# comment\n"]))
    return header + "".join(f"{i * 1e-3:.3f},{cell}\n" for i in range(rows))


@PROPERTY
@given(csv_texts())
def test_csv_data_near_the_limits(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_text(text)
    accepted_or_refused(lambda: load_csv_dataset(path))
