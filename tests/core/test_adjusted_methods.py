"""MALA (sheet §1.16) and minibatch Metropolis–Hastings (sheet §1.13): their stationary laws, limits,
minibatch draws and numerical safety.

Stationary laws are checked on the final points of many independent chains (independent samples) by
Kolmogorov–Smirnov statistics, with the asymptotic critical values at α = 0.001: D < 1.95/√n against a
known law (one sample of n), D < 1.95·√(2/n) between two samples of n each. A correct sampler fails such a
check about once in a thousand seeds; the tests also show that their check notices a wrong law.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest

from core.experiment.spec import Experiment, parse_method_spec
from core.landscape import Landscape
from core.landscapes.data import Dataset
from core.landscapes.registry import get_landscape
from core.methods import METHODS, adjusted
from core.methods.adjusted import batch_estimate, draw_more, later_repeats
from core.params import resolve_params
from core.runs.engine import Engine
from tests.core.method_runs import run, run_one, sine_grad

CHAINS = 2000
ONE_SAMPLE_BOUND = 1.95 / np.sqrt(CHAINS)  # 0.0436: KS critical value at α = 0.001, one sample of n
TWO_SAMPLE_BOUND = 1.95 * np.sqrt(2 / CHAINS)  # 0.0617: the same for two samples of n each
SETTLED = "patience=10000000"  # no run stops early: every chain takes every step


def final_points(land: Landscape, spec: str, starts: np.ndarray, steps: int, seed: int = 0) -> np.ndarray:
    """The last point of each chain, one chain per start (the engine keeps only final states)."""
    exp = Experiment(land, (parse_method_spec(spec),), starts, max_steps=steps, seed=seed)
    engine = Engine(exp, record="final").run()
    assert np.all(engine.status == "max-steps") and np.all(engine.steps == steps)
    return engine.final_x[:, 0].copy()


def boltzmann_cdf(land: Landscape, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """The CDF of exp(−f/T) on a 1-D landscape's domain, on a fine grid (trapezoid rule)."""
    ((lo, hi),) = land.domain
    grid = np.linspace(lo, hi, 100_001)
    f = land.value(grid[:, None])
    density = np.exp(-(f - f.min()) / temperature)
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(grid))])
    return grid, cdf / cdf[-1]


def ks_one_sample(samples: np.ndarray, grid: np.ndarray, cdf: np.ndarray) -> float:
    """sup |F_n − F| for the sample against the CDF given on a grid."""
    s = np.sort(samples)
    f = np.interp(s, grid, cdf)
    i = np.arange(1, s.size + 1)
    return float(max((i / s.size - f).max(), (f - (i - 1) / s.size).max()))


def ks_two_sample(a: np.ndarray, b: np.ndarray) -> float:
    """sup |F_a − F_b| over the pooled sample."""
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    fa = np.searchsorted(a, points, side="right") / a.size
    fb = np.searchsorted(b, points, side="right") / b.size
    return float(np.abs(fa - fb).max())


def quadratic() -> Landscape:
    return Landscape(
        "quadratic",
        "Quadratic",
        1,
        ((-10.0, 10.0),),
        value_fn=lambda p: 0.5 * p[:, 0] ** 2,
        grad_fn=lambda p: p.copy(),
    )


# ---- MALA ---------------------------------------------------------------------------------------------
def test_mala_samples_exp_minus_f_over_t_on_the_double_well() -> None:
    # f = (x² − 1)² + 0.3x on [−2, 2] at T = 0.3: the local well (f = 0.29) holds about 14 % of the mass,
    # and 1500 steps of η = 0.1 cross the barrier (f = 1.01) many times.
    land = get_landscape("double-well")
    starts = np.linspace(-2.0, 2.0, CHAINS)[:, None]
    finals = final_points(land, f"mala:lr=0.1,temperature=0.3,{SETTLED}", starts, 1500, seed=1)
    assert 0.08 < np.mean(finals > 0.0754) < 0.2  # beyond the barrier top: the local well's share
    grid, cdf = boltzmann_cdf(land, 0.3)
    assert ks_one_sample(finals, grid, cdf) < ONE_SAMPLE_BOUND  # measured: 0.017
    # the check notices a wrong law: unadjusted Langevin's O(η) bias at the same η (measured: 0.17)
    langevin = final_points(land, f"langevin:lr=0.1,temperature=0.3,{SETTLED}", starts, 1500, seed=1)
    assert ks_one_sample(langevin, grid, cdf) > 2 * ONE_SAMPLE_BOUND


def test_mala_variance_on_a_quadratic_is_the_target_not_langevins() -> None:
    # Sheet §1.16: f = x²/2, T = 1, η = 0.5: MALA's variance is 1; unadjusted Langevin's 1/(1 − η/2) = 4/3.
    specs = [f"mala:lr=0.5,temperature=1,{SETTLED}", f"langevin:lr=0.5,temperature=1,{SETTLED}"]
    results = run(quadratic(), specs, np.zeros((CHAINS, 1)), max_steps=400, seed=1)
    mala, langevin = results[:CHAINS], results[CHAINS:]
    samples = np.stack([r.positions[100:, 0] for r in mala])  # burn-in: a few tens of steps suffice
    assert abs(samples.mean()) < 0.05
    assert samples.var() == pytest.approx(1.0, rel=0.03)
    assert np.array([r.final[0] for r in mala]).var() == pytest.approx(1.0, rel=0.1)
    assert np.stack([r.positions[100:, 0] for r in langevin]).var() == pytest.approx(4 / 3, rel=0.03)


@pytest.mark.parametrize(
    "land, start, lr",
    [("sine-mix", [0.5], 0.5), ("himmelblau", [0.0, 0.0], 0.04), ("rastrigin", [2.2, -3.1], 0.02)],
)
def test_mala_at_zero_temperature_is_gd_that_refuses_uphill_steps(land: str, start: list, lr: float) -> None:
    res = run_one(land, f"mala:lr={lr},temperature=0", start, max_steps=200, seed=5)
    assert np.all(np.diff(res.losses) <= 0)  # never uphill
    accepted = res.extras["accepted"].astype(bool)
    assert 0 < accepted.sum() < res.steps  # some steps taken, some overshoots refused
    moved = np.any(res.positions[1:] != res.positions[:-1], axis=1)
    np.testing.assert_array_equal(moved, accepted)
    grads = get_landscape(land).grad(res.positions[:-1])
    gd_steps = res.positions[:-1] - lr * grads  # an accepted step is exactly the GD step
    np.testing.assert_array_equal(res.positions[1:][accepted], gd_steps[accepted])
    np.testing.assert_array_equal(res.extras["temperatures"], 0.0)
    if land == "sine-mix":
        np.testing.assert_allclose(gd_steps[0, 0], 0.5 - lr * sine_grad(np.array([0.5]))[0], rtol=1e-15)


# ---- minibatch Metropolis–Hastings --------------------------------------------------------------------
def test_minibatch_mh_matches_full_data_metropolis_on_a_data_landscape() -> None:
    # Fit a frequency, L(w) = mean ½(sin(w·xᵢ) − yᵢ)² over 64 samples, at T = 0.15: the global minimum
    # near w = 2 and the trap near w = 0 both carry mass. Both samplers target exp(−L/T).
    land = get_landscape("fit-frequency")
    starts = np.linspace(-1.0, 6.0, CHAINS)[:, None]
    spec = f"temperature=0.15,sigma=0.3,{SETTLED}"
    mini = final_points(land, f"minibatch-mh:{spec},mh_batch=20", starts, 800, seed=3)
    full = final_points(land, f"metropolis:{spec}", starts, 800, seed=3)
    assert 0.05 < np.mean(mini < 1.0) < 0.5  # the trap holds a real share
    assert ks_two_sample(mini, full) < TWO_SAMPLE_BOUND  # measured: 0.023
    # the minibatch test really ran: mostly 20 samples, sometimes doubled to 40 or to all 64
    res = run_one(land, f"minibatch-mh:{spec},mh_batch=20", [2.5], max_steps=400, seed=3)
    sizes = set(np.unique(res.extras["batch_sizes"]).tolist())
    assert {20.0, 40.0} <= sizes <= {0.0, 20.0, 40.0, 64.0}
    # the check notices a wrong law: the full-data sample against exp(−L/(1.5 T))
    grid, cdf = boltzmann_cdf(land, 0.225)
    assert ks_one_sample(full, grid, cdf) > ONE_SAMPLE_BOUND  # measured: 0.13


def test_minibatch_mh_runs_the_exact_barker_test_without_samples() -> None:
    # On a formula there is no minibatch: Barker's exact test on f, which samples exp(−f/T).
    land = get_landscape("sine-mix")
    starts = np.linspace(-5.0, 5.0, CHAINS)[:, None]
    finals = final_points(land, f"minibatch-mh:temperature=0.5,sigma=1,{SETTLED}", starts, 600, seed=2)
    assert ks_one_sample(finals, *boltzmann_cdf(land, 0.5)) < ONE_SAMPLE_BOUND  # measured: 0.022
    res = run_one(land, "minibatch-mh:temperature=0.5,sigma=1", [0.5], max_steps=100, seed=2)
    np.testing.assert_array_equal(res.extras["batch_sizes"], 0.0)
    assert 0 < res.extras["accepted"].sum() < 100


def test_minibatch_mh_batch_sizes() -> None:
    land = get_landscape("fit-frequency")
    exact = run_one(land, "minibatch-mh:mh_batch=500", [2.5], max_steps=100, seed=1)
    assert set(np.unique(exact.extras["batch_sizes"]).tolist()) <= {0.0, 64.0}  # b ≥ n: all samples
    single = run_one(land, "minibatch-mh:mh_batch=1,temperature=1", [2.5], max_steps=100, seed=1)
    assert 1.0 not in single.extras["batch_sizes"]  # one sample has no variance estimate: doubled
    moved = np.any(single.positions[1:] != single.positions[:-1], axis=1)
    np.testing.assert_array_equal(moved, single.extras["accepted"].astype(bool))


def test_minibatch_tests_run_in_chunks_of_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adjusted, "MAX_TEST_ELEMENTS", 3 * 64)  # 3 runs of 64 samples per chunk
    land, method = get_landscape("fit-frequency"), METHODS["minibatch-mh"]()
    params = resolve_params(method.params(), {"sigma": 0.3, "mh_batch": 8}, "minibatch-mh")
    x, state, rng = np.linspace(0.0, 5.0, 10)[:, None], {}, np.random.default_rng(0)
    accepted = 0
    for t in range(1, 21):
        before = x.copy()
        x = method.step(x, state, t, np.nan, land, params, rng)
        np.testing.assert_array_equal(np.any(x != before, axis=1), state["extras"]["accepted"])
        assert set(np.unique(state["extras"]["batch_sizes"]).tolist()) <= {0.0, 8.0, 16.0, 32.0, 64.0}
        accepted += state["extras"]["accepted"].sum()
    assert 0 < accepted < 200


def test_batch_estimate_uses_the_finite_population_correction() -> None:
    terms = np.array([[1.0, 2.0, 3.0, 6.0], [0.5, 0.5, 0.5, 0.5]])
    estimate, variance = batch_estimate(terms, 10)
    np.testing.assert_allclose(estimate, [3.0, 0.5])
    np.testing.assert_allclose(variance, [np.var([1, 2, 3, 6], ddof=1) / 4 * 0.6, 0.0])
    assert batch_estimate(terms, 4)[1].tolist() == [0.0, 0.0]  # the whole population: no error
    assert np.isinf(batch_estimate(terms[:, :1], 10)[1]).all()


@pytest.mark.parametrize("n, first, more", [(1000, 20, 30), (64, 20, 20), (64, 0, 64), (10, 3, 7)])
def test_draw_more_adds_distinct_uniform_samples(n: int, first: int, more: int) -> None:
    rng = np.random.default_rng(0)
    rows = 4000
    taken = draw_more(rng, n, np.empty((rows, 0), dtype=np.intp), first)
    new = draw_more(rng, n, taken, more)
    assert new.shape == (rows, more)
    both = np.concatenate([taken, new], axis=1)
    assert not later_repeats(both).any() and both.min() >= 0 and both.max() < n
    counts = np.bincount(both.ravel(), minlength=n)  # each sample equally often: expected rows·(b/n)
    expected = rows * (first + more) / n
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected) + 1e-9)


def test_later_repeats_marks_all_but_the_first() -> None:
    idx = np.array([[3, 1, 3, 3, 0], [0, 1, 2, 3, 4]])
    np.testing.assert_array_equal(later_repeats(idx), [[0, 0, 1, 1, 0], [0, 0, 0, 0, 0]])


# ---- numerical safety ---------------------------------------------------------------------------------
def overflowing() -> Landscape:
    """f = exp(x²) on [−40, 40] for x ≥ 0 (f and ∇f overflow to inf beyond x ≈ 26.6), NaN for x < 0."""

    def value(p: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.where(p[:, 0] < 0, np.nan, np.exp(p[:, 0] ** 2))

    def grad(p: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.where(p < 0, np.nan, 2 * p * np.exp(p**2))

    return Landscape("overflow", "Overflow", 1, ((-40.0, 40.0),), value_fn=value, grad_fn=grad)


SAFETY_SPECS = ["mala:lr=0.5,temperature=1", "mala:lr=1e-3,temperature=0", "minibatch-mh:sigma=30"]


def test_overflow_and_nan_proposals_are_refused_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = run(overflowing(), SAFETY_SPECS, [[0.3], [26.0]], max_steps=100, seed=0)
        rosen = run_one("rosenbrock", "mala:lr=100", [-1.5, 2.0], max_steps=50)
    for res in [*results, rosen]:
        assert np.isfinite(res.positions).all() and np.isfinite(res.losses).all()
    assert all(np.all(res.positions >= 0) for res in results)  # never into the NaN half
    assert results[0].extras["accepted"].any()  # near 0.3 some proposals are fine
    assert not results[1].extras["accepted"].any()  # from 26: x − η·5e294 leaves the box
    assert rosen.status == "max-steps" and not rosen.extras["accepted"].any()  # every overshoot refused


@pytest.mark.parametrize("spec", SAFETY_SPECS)
def test_steps_outside_the_engine_do_not_warn(spec: str) -> None:
    # The engine silences floating-point warnings; the methods must not need it.
    method_spec = parse_method_spec(spec)
    method, land, rng = METHODS[method_spec.method](), overflowing(), np.random.default_rng(1)
    x = np.array([[0.3], [5.0], [26.0], [26.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        state = method.init(x.copy(), land, method_spec.params, rng)
        for t in range(1, 51):
            x = method.step(x, state, t, method_spec.params.get("lr", np.nan), land, method_spec.params, rng)
    assert np.isfinite(x).all() and np.all(x >= 0) and np.isfinite(land.value(x)).all()


def test_minibatch_test_refuses_overflowing_sample_losses_without_warnings() -> None:
    # y = 1e200: every sample's loss overflows to inf, so each term is inf − inf: the estimate asks for
    # more data up to all samples, whose exact test (inf − inf again) refuses.
    land = replace(
        get_landscape("fit-frequency"), dataset=Dataset(np.linspace(-5, 5, 64), np.full(64, 1e200))
    )
    method = METHODS["minibatch-mh"]()
    params = resolve_params(method.params(), {"mh_batch": 4}, "minibatch-mh")
    x, state = np.linspace(0.0, 5.0, 50)[:, None], {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = method.step(x.copy(), state, 1, np.nan, land, params, np.random.default_rng(0))
    np.testing.assert_array_equal(out, x)
    assert not state["extras"]["accepted"].any()
    assert set(np.unique(state["extras"]["batch_sizes"]).tolist()) <= {0.0, 64.0}
    assert 64.0 in state["extras"]["batch_sizes"]
