"""The largest curvature L of a landscape and the stable learning rates derived from it
(core.methods.stability), checked by running the methods through the engine."""

from __future__ import annotations

import numpy as np
import pytest

import core.methods.stability as stability
from core.landscape import Landscape, Minimum
from core.landscapes.registry import get_landscape
from core.methods import largest_curvature, rate_advice, stable_rate, unstable
from core.methods.stability import LIMITS
from tests.core.method_runs import run_one


def quadratic(a: float, b: float) -> Landscape:
    """f = a x² + b y² on [−1, 1]²: its Hessian is diag(2a, 2b) everywhere."""
    return Landscape(
        "quadratic",
        "Quadratic",
        2,
        ((-1.0, 1.0), (-1.0, 1.0)),
        lambda p: a * p[:, 0] ** 2 + b * p[:, 1] ** 2,
        lambda p: np.column_stack([2 * a * p[:, 0], 2 * b * p[:, 1]]),
        minima=(Minimum((0.0, 0.0), 0.0, "global"),),
    )


def spec(method_id: str, lr: float, **params: float) -> str:
    return f"{method_id}:lr={lr!r}" + "".join(f",{k}={v!r}" for k, v in params.items())


def never_rises(losses: np.ndarray) -> bool:
    """Each step's loss is no higher than the one before (up to rounding)."""
    return bool(np.all(np.diff(losses) <= 1e-12 * np.abs(losses[:-1]) + 1e-12))


@pytest.mark.parametrize("a, b", [(3.0, 0.5), (0.25, 7.0), (1.0, 1.0)])
def test_curvature_of_a_quadratic_is_twice_its_largest_coefficient(a, b):
    assert largest_curvature(quadratic(a, b)) == pytest.approx(2 * max(a, b), rel=0.01)


def test_curvature_of_rastrigin_and_rosenbrock():
    # Rastrigin: 2 + 40π² at every integer point (its minimum (0, 0) is sampled).
    assert largest_curvature(get_landscape("rastrigin")) == pytest.approx(2 + 40 * np.pi**2, rel=1e-6)
    # Rosenbrock on [−2, 2] × [−1, 3]: the largest eigenvalue of [[2 − 400y + 1200x², −400x], [−400x, 200]]
    # is at the corners x = ±2, y = −1 (the grid holds them exactly).
    corner = np.array([[2 + 400 + 4800, -800.0], [-800.0, 200.0]])
    assert largest_curvature(get_landscape("rosenbrock")) == pytest.approx(
        np.linalg.eigvalsh(corner)[-1], rel=1e-6
    )


def test_curvature_is_cached_per_landscape(monkeypatch):
    land = get_landscape("rosenbrock").with_domain(((-2.0, 2.0), (-1.0, 3.5)))  # a fresh object
    first = largest_curvature(land)
    monkeypatch.setattr(stability, "_estimate", None)  # (a second estimate would fail)
    assert largest_curvature(land) == first


def test_ackleys_tip_is_left_out():
    """The gradient jumps at Ackley's tip: no finite curvature there, so it does not set L (a difference
    quotient across the tip would give ~4e4, depending only on the difference step)."""
    assert 20 < largest_curvature(get_landscape("ackley")) < 100


def test_rosenbrock_gd_diverges_above_the_limit_and_converges_at_the_stable_rate():
    land, start = get_landscape("rosenbrock"), (-1.5, 2.0)
    lr = stable_rate(land, "gd", {"lr": 0.01})
    assert lr == pytest.approx(1 / largest_curvature(land))
    assert unstable(land, "gd", {"lr": 0.01}) and not unstable(land, "gd", {"lr": lr})
    assert run_one(land, spec("gd", 0.01), start, max_steps=1000).status == "diverged"
    steady = run_one(land, spec("gd", lr), start, max_steps=50_000)
    assert steady.status != "diverged"
    assert never_rises(steady.losses)
    assert steady.final_loss < 1e-3 < steady.losses[0]
    assert np.allclose(steady.final, (1.0, 1.0), atol=0.03)


def test_rosenbrock_stable_rate_descends_from_every_corner():
    """1/L is the descent lemma's step: from anywhere in the box, GD never goes up."""
    land = get_landscape("rosenbrock")
    lr = stable_rate(land, "gd", {"lr": 0.1})
    for start in [(-2.0, -1.0), (2.0, -1.0), (2.0, 3.0), (-2.0, 3.0)]:
        run = run_one(land, spec("gd", lr), start, max_steps=3000)
        assert never_rises(run.losses)
        assert run.final_loss < run.losses[0] / 10


def test_rastrigin_gd_diverges_above_the_limit_and_settles_at_the_stable_rate():
    land, start = get_landscape("rastrigin"), (2.3, -3.6)
    limit = 2 / largest_curvature(land)
    # Just above 2/L the bowl (curvature 2) still holds the run: it never settles but stays bounded.
    wanders = run_one(land, spec("gd", 0.01), start, max_steps=2000)
    assert 0.01 > limit and wanders.status == "max-steps"
    # Above 2/2 = 1 the bowl itself is unstable: the run diverges.
    assert unstable(land, "gd", {"lr": 1.5})
    assert run_one(land, spec("gd", 1.5), start, max_steps=2000).status == "diverged"
    lr = stable_rate(land, "gd", {"lr": 1.5})
    assert lr == pytest.approx(limit / 2)
    steady = run_one(land, spec("gd", lr), start, max_steps=2000)
    assert steady.status == "converged" and never_rises(steady.losses)
    assert np.isfinite(steady.final_loss) and steady.final_loss < steady.losses[0]
    assert np.allclose(steady.final, (1.9899122, -3.9797839), atol=1e-6)  # the lattice minimum near (2, −4)


@pytest.mark.parametrize(
    "method_id, params, limit_times_l",
    [
        ("gd", {}, 2.0),
        ("momentum", {"beta": 0.9}, 3.8),
        ("momentum", {"beta": 0.5}, 3.0),
        ("nesterov", {"mu": 0.9}, 3.8 / 2.8),
        ("nesterov", {"mu": 0.3}, 2.6 / 1.6),
    ],
)
def test_limits_are_sharp_on_a_quadratic(method_id, params, limit_times_l):
    """The derived bounds: 3 % below the limit the run converges, 3 % above it diverges."""
    land = quadratic(3.0, 0.5)
    advice = rate_advice(land, method_id, {"lr": 1.0, **params})
    assert advice.limit == pytest.approx(limit_times_l / 6.0, rel=1e-6)
    assert advice.suggestion == pytest.approx(advice.limit / 2)
    for factor, status in ((0.5, "converged"), (0.97, "converged"), (1.03, "diverged")):
        run = run_one(land, spec(method_id, factor * advice.limit, **params), (0.9, 0.9), max_steps=20_000)
        assert run.status == status, (factor, run.status)


def test_the_gd_family_shares_gds_limit():
    land = get_landscape("rastrigin")
    family = ("gd", "sgd", "perturbed-gd", "langevin", "restarts", "basin-hopping")
    rates = {mid: stable_rate(land, mid, {"lr": 0.1}) for mid in family}
    assert len(set(rates.values())) == 1


@pytest.mark.parametrize(
    "method_id",
    [
        "adam",
        "rmsprop",
        "adagrad",
        "annealing",
        "metropolis",
        "mala",
        "minibatch-mh",
    ],
)
def test_no_stable_rate_where_the_notion_does_not_apply(method_id):
    land = get_landscape("rosenbrock")
    assert method_id not in LIMITS
    assert stable_rate(land, method_id, {"lr": 100.0}) is None
    assert not unstable(land, method_id, {"lr": 100.0})


def test_no_limit_without_positive_curvature():
    concave = Landscape("cap", "Cap", 1, ((-1.0, 1.0),), lambda p: -(p[:, 0] ** 2), lambda p: -2 * p)
    assert largest_curvature(concave) == pytest.approx(-2.0)
    assert stable_rate(concave, "gd", {"lr": 10.0}) is None
    assert not unstable(concave, "gd", {"lr": 10.0})


def test_data_landscapes_have_a_finite_positive_curvature():
    for land_id in ("fit-frequency", "fit-frequency-phase", "tiny-net"):
        land = get_landscape(land_id)
        curvature = largest_curvature(land)
        assert np.isfinite(curvature) and curvature > 0
