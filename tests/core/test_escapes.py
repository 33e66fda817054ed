"""Basin labelling and escape events."""

import numpy as np

from core.experiment.spec import Experiment, parse_method_spec
from core.landscapes.registry import get_landscape
from core.minima.basins import BasinLabeller
from core.runs.engine import Engine
from core.runs.escapes import EscapeTracker, escape_events
from core.runs.results import collect_results

SINE_MAXIMA = (-3.8432667774, -1.5707963268, 0.7016741238, 2.4399185298, 4.7123889804)


def test_one_d_basins_are_the_intervals_between_local_maxima():
    land = get_landscape("sine-mix")
    labeller = BasinLabeller(land)
    np.testing.assert_allclose(labeller.maxima, SINE_MAXIMA, atol=1e-7)
    eps = 1e-6
    for maximum in SINE_MAXIMA[:-1]:
        left, right = labeller.label(np.array([[maximum - eps], [maximum + eps]]))
        assert left != right
    minima_x = [m.location[0] for m in labeller.minima]
    assert [labeller.label(np.array([[x]]))[0] for x in minima_x] == list(range(len(minima_x)))


def test_two_d_basins_give_each_himmelblau_minimum_a_region():
    labeller = BasinLabeller(get_landscape("himmelblau"))
    points = np.array([m.location for m in labeller.minima])
    assert list(labeller.label(points)) == [0, 1, 2, 3]


def trajectory(spec: str, start: float, seed: int = 0):
    land = get_landscape("sine-mix")
    return collect_results(Engine(Experiment(land, (parse_method_spec(spec),), [[start]], 1000, seed)).run())[
        0
    ]


def test_gd_never_escapes_and_annealing_does():
    labeller = BasinLabeller(get_landscape("sine-mix"))
    gd = trajectory("gd:lr=0.1", 1.0)
    assert escape_events(labeller, gd.positions, gd.losses).steps == ()
    sa = trajectory("annealing", 1.0)
    events = escape_events(labeller, sa.positions, sa.losses)
    assert len(events.steps) >= 1 and events.first_global_step is not None
    assert events.highest_barrier > 0
    # The first event is where the run first leaves the local basin around π/2.
    k = events.steps[0]
    assert labeller.label(sa.positions[k - 1 : k]) != labeller.label(sa.positions[k : k + 1])


def test_grid_flow_follows_the_grid_downhill():
    from core.minima.basins import grid_flow_ends

    x = np.linspace(-2, 2, 41)
    X, Y = np.meshgrid(x, x, indexing="ij")
    bowl = (X - 0.5) ** 2 + Y**2
    assert set(grid_flow_ends(bowl)) == {25 * 41 + 20}  # every cell flows to the cell at (0.5, 0)
    wells = (X**2 - 1) ** 2 + Y**2  # minima at (±1, 0)
    ends = grid_flow_ends(wells).reshape(X.shape)
    assert set(np.unique(ends)) == {10 * 41 + 20, 30 * 41 + 20}
    assert np.all(ends[:20] == 10 * 41 + 20) and np.all(ends[21:] == 30 * 41 + 20)


def test_escapes_found_piece_by_piece_match_those_of_the_whole_trajectory():
    """What the window does as rows arrive: feeding each run's rows in pieces (a loss range, a first
    global step and the events carried between them) gives exactly the events of the whole run."""
    land = get_landscape("rastrigin")
    labeller = BasinLabeller(land)
    rng = np.random.default_rng(1)
    walks = []
    for run in range(12):
        n = int(rng.integers(5, 300))
        positions = np.cumsum(rng.normal(scale=0.3, size=(n, 2)), axis=0) + rng.uniform(-3, 3, 2)
        losses = land.value(positions)
        if run % 3 == 0:
            losses[rng.integers(0, n, 3)] = np.nan  # a NaN loss neither starts nor hides a climb
        walks.append((positions, losses, np.arange(n) * 2))
    tracker = EscapeTracker(len(walks), dim=2, marks=5)
    cuts = [np.sort(rng.choice(np.arange(1, len(w[0])), size=6, replace=False)) for w in walks]
    for piece in range(7):
        rows = []
        for (positions, losses, steps), cut in zip(walks, cuts, strict=True):
            bounds = np.r_[0, cut, len(positions)]
            part = slice(bounds[piece], bounds[piece + 1])
            rows.append((positions[part], losses[part], steps[part]))
        tracker.feed(labeller, range(len(walks)), rows)
    escaped = 0
    for run, (positions, losses, steps) in enumerate(walks):
        whole = escape_events(labeller, positions, losses, steps)
        assert tracker.summary(run) == whole
        at = np.searchsorted(steps, whole.steps[-5:])
        np.testing.assert_array_equal(
            tracker.event_points([run]), np.column_stack([positions[at], losses[at]])
        )
        escaped += len(whole.steps) > 0
    assert escaped >= 6  # the walks do cross basin boundaries
