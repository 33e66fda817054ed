"""Basin maps and success rates."""

import threading
import time

import numpy as np
import pytest

from core.experiment.spec import parse_method_spec
from core.landscapes.registry import get_landscape
from core.progress import Cancelled
from core.studies.basin_report import steps_text, summary_text
from core.studies.basins import (
    DIVERGED,
    GLOBAL_ELSEWHERE,
    compute_basin_map,
    compute_basin_maps,
    compute_basin_maps_apart,
    grid_starts,
    success_row,
)

SINE_MAXIMA = (-3.8432667774, -1.5707963268, 0.7016741238, 2.4399185298, 4.7123889804)


def test_gd_basin_map_of_sine_mix_changes_exactly_at_the_local_maxima():
    land = get_landscape("sine-mix")
    bmap = compute_basin_map(land, parse_method_spec("gd:lr=0.1"), 2000)
    labels, xs = bmap.labels[:, 0], bmap.starts[:, 0]
    changes = np.flatnonzero(np.diff(labels) != 0)
    cell = xs[1] - xs[0]
    assert len(changes) == len(SINE_MAXIMA)
    for k, maximum in zip(changes, SINE_MAXIMA, strict=True):
        assert xs[k] <= maximum <= xs[k + 1] and xs[k + 1] - xs[k] <= cell + 1e-12
    # Between two maxima every start reaches the minimum of that interval.
    minima_x = [m.location[0] for m in bmap.minima]
    for k in range(len(changes) - 1):
        segment = labels[changes[k] + 1 : changes[k + 1] + 1]
        assert len(set(segment)) == 1
        assert SINE_MAXIMA[k] < minima_x[segment[0]] < SINE_MAXIMA[k + 1]
    assert labels[-1] == GLOBAL_ELSEWHERE  # beyond 4.71 GD leaves the domain for the minimum at 2π − a


def test_himmelblau_gd_map_gives_each_minimum_its_own_region():
    land = get_landscape("himmelblau")
    bmap = compute_basin_map(land, parse_method_spec("gd:lr=0.01"), 64, max_steps=2000)
    labels = bmap.labels[:, 0].reshape(bmap.shape)
    assert set(np.unique(labels)) >= {0, 1, 2, 3}
    for index, minimum in enumerate(bmap.minima):
        cell = tuple(
            int(round((v - lo) / (hi - lo) * 63))
            for v, (lo, hi) in zip(minimum.location, land.domain, strict=True)
        )
        assert labels[cell] == index  # the region of each minimum contains the minimum itself
        assert (labels == index).sum() > 200


def test_same_seed_same_map_and_rates():
    land, spec = get_landscape("sine-mix"), parse_method_spec("annealing")
    a = compute_basin_map(land, spec, 100, seeds=5, seed=3)
    b = compute_basin_map(land, spec, 100, seeds=5, seed=3)
    c = compute_basin_map(land, spec, 100, seeds=5, seed=4)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert success_row(a) == success_row(b)
    assert not np.array_equal(a.final_loss, c.final_loss)


# Measured on 2026-11-24 (docs/basins.md): 2000 starts, 20 seeds, 1000 steps.
RATES = {
    "gd:lr=0.1": (0.69, 0.73),
    "momentum:lr=0.1": (0.65, 0.77),
    "annealing": (0.98, 1.0),
    "restarts": (0.98, 1.0),
}


@pytest.mark.parametrize("spec_text", list(RATES))
def test_success_rates_on_sine_mix_match_the_measured_ranges(spec_text):
    bmap = compute_basin_map(get_landscape("sine-mix"), parse_method_spec(spec_text), 400, seeds=5)
    low, high = RATES[spec_text]
    assert low <= success_row(bmap).global_share <= high


def test_diverged_runs_are_labelled_and_counted():
    bmap = compute_basin_map(get_landscape("rosenbrock"), parse_method_spec("gd:lr=1"), 8, max_steps=200)
    assert (bmap.labels == DIVERGED).mean() > 0.5 and success_row(bmap).diverged_share > 0.5


def test_cancel_stops_and_bad_sizes_are_refused():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        compute_basin_map(
            get_landscape("sine-mix"), parse_method_spec("annealing"), 100, seeds=3, cancel=cancel
        )
    with pytest.raises(ValueError, match="grid size 300 is out of range"):
        grid_starts(get_landscape("himmelblau"), 300)


def test_basins_command_summary_and_csv(tmp_path, capsys):
    from core.cli import main as cli_main

    assert (
        cli_main(["basins", "-f", "sine-mix", "-m", "gd", "-m", "annealing", "--grid", "200", "--seeds", "3"])
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["method", "global"] and out[1].startswith("gd") and "100.0%" in out[2]
    assert (
        cli_main(["basins", "-m", "gd", "--grid", "50", "--format", "csv", "-o", str(tmp_path / "b.csv")])
        == 0
    )
    rows = (tmp_path / "b.csv").read_text().splitlines()
    assert len(rows) == 51 and rows[0].startswith("method,start_id,x,reached")
    assert cli_main(["basins", "-f", "himmelblau", "-m", "gd", "--grid", "300"]) == 2
    assert "grid size 300 is out of range" in capsys.readouterr().err


def test_median_steps_of_no_converged_run_is_shown_as_a_dash(capsys):
    from core.cli import main as cli_main

    # 5 steps of GD at lr 0.1 settle nowhere: every run ends at max-steps, none converged
    bmap = compute_basin_map(get_landscape("sine-mix"), parse_method_spec("gd:lr=0.1"), 20, max_steps=5)
    assert set(bmap.statuses.ravel()) == {"max-steps"} and np.isnan(success_row(bmap).median_steps)
    converged = compute_basin_map(get_landscape("sine-mix"), parse_method_spec("gd:lr=0.1"), 20)
    assert success_row(converged).median_steps > 10
    lines = summary_text([bmap, converged]).splitlines()
    assert lines[1].split()[2] == "—" and "nan" not in lines[1]
    assert lines[2].split()[2] == f"{success_row(converged).median_steps:.0f}"
    assert steps_text(float("nan")) == "—" and steps_text(12.5) == "12" and steps_text(87.0) == "87"
    assert cli_main(["basins", "-f", "sine-mix", "-m", "gd", "--grid", "20", "--steps", "5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[2] == "—" and "nan" not in out[1]


def test_maps_computed_apart_equal_maps_computed_here_and_cancel_ends_the_child_at_once():
    land = get_landscape("himmelblau")
    specs = [parse_method_spec("gd:lr=0.01"), parse_method_spec("sgd:lr=0.01,noise=1")]
    here = compute_basin_maps(land, specs, size=12, seeds=2, seed=3, max_steps=300)
    fractions: list[float] = []
    apart = compute_basin_maps_apart(land, specs, 12, 2, 3, 300, progress=fractions.append)
    for mine, theirs in zip(here, apart, strict=True):
        assert theirs.landscape is land and theirs.spec == mine.spec
        np.testing.assert_array_equal(theirs.labels, mine.labels)
        np.testing.assert_array_equal(theirs.final_loss, mine.final_loss)
    assert fractions and all(0 <= f <= 1 for f in fractions)  # (reports are spaced out in time)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    began = time.perf_counter()
    with pytest.raises(Cancelled):  # a 200 × 200 map of 20,000 steps: minutes, if it were not ended
        compute_basin_maps_apart(land, [parse_method_spec("annealing")], 200, 4, 0, 20_000, cancel=cancel)
    assert time.perf_counter() - began < 5  # generous: the child is killed, not waited for
