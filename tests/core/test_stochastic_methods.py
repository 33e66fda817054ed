"""Noisy, sampling and multi-start methods (algorithms.md §1), reproducibility, divergence, parameter
specs and recorded extras."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from core.experiment.spec import Experiment, parse_method_spec
from core.landscape import Landscape
from core.landscapes.registry import get_landscape
from core.methods import METHODS
from core.methods.schedules import learning_rates
from core.params import ParamError, ParamSpec, resolve_params
from core.runs.engine import Engine
from core.runs.results import RunResult, collect_results
from tests.core.method_runs import run, run_one, sine_grad


def common_prefix(a: RunResult, b: RunResult) -> int:
    return min(a.positions.shape[0], b.positions.shape[0])


@pytest.mark.parametrize(
    "land, start", [("sine-mix", [0.5]), ("himmelblau", [0.0, 0.0]), ("rosenbrock", [-1.5, 2.0])]
)
def test_sgd_without_noise_and_langevin_at_zero_temperature_equal_gd(land: str, start: list) -> None:
    lr = 0.001 if land == "rosenbrock" else 0.01
    gd, sgd, lang = run(
        land,
        [f"gd:lr={lr}", f"sgd:lr={lr},noise=0", f"langevin:lr={lr},temperature=0"],
        [start],
        max_steps=50,
        seed=11,
    )
    for other in (sgd, lang):
        n = common_prefix(gd, other)
        assert n == 51
        np.testing.assert_array_equal(other.positions[:n], gd.positions[:n])
        np.testing.assert_array_equal(other.losses[:n], gd.losses[:n])
    np.testing.assert_array_equal(sgd.extras["noise_scales"], 0.0)
    np.testing.assert_array_equal(lang.extras["temperatures"], 0.0)


@pytest.mark.parametrize(
    "spec",
    [
        "annealing:temperature=0",
        "metropolis:temperature=0",
        "annealing:temperature=0,sigma=0.1",
        "metropolis:temperature=0,sigma=2",
    ],
)
def test_random_walks_at_zero_temperature_never_go_uphill(spec: str) -> None:
    for land, start in [("himmelblau", [0.0, 0.0]), ("sine-mix", [1.0]), ("rastrigin", [2.2, -3.1])]:
        res = run_one(land, spec, start, max_steps=300, seed=5)
        assert np.all(np.diff(res.losses) <= 0), (land, spec)
        accepted = res.extras["accepted"].astype(bool)
        assert 0 < accepted.sum() < res.steps  # some moves accepted, some refused
        moved = np.any(res.positions[1:] != res.positions[:-1], axis=1)
        np.testing.assert_array_equal(moved, accepted)
        assert res.final_loss == pytest.approx(res.losses.min(), abs=1e-15)


def test_saddle_showcase_gd() -> None:
    # Sheet §1.10: x_t = 0.8^t, y_t = 1e-3·1.2^t; after 20 steps (0.01152922, 0.03833760).
    res = run_one("saddle", "gd:lr=0.1", [1.0, 1e-3], max_steps=20)
    np.testing.assert_allclose(res.final, (0.01152922, 0.03833760), rtol=0, atol=1e-8)
    t = np.arange(21)
    np.testing.assert_allclose(res.positions[:, 0], 0.8**t, rtol=1e-13)
    np.testing.assert_allclose(res.positions[:, 1], 1e-3 * 1.2**t, rtol=1e-13)


def test_perturbed_gd_leaves_the_saddle_that_gd_converges_to() -> None:
    gd, pgd = run("saddle", ["gd:lr=0.1", "perturbed-gd:lr=0.1"], [[1.0, 0.0]], max_steps=200, seed=2)
    # GD on the stable manifold y = 0 converges to the saddle point (0, 0).
    assert gd.status == "converged" and gd.steps < 200
    assert np.all(gd.positions[:, 1] == 0.0)
    assert abs(gd.final[0]) < 1e-8 and gd.final[1] == 0.0 and abs(gd.final_loss) < 1e-15
    # PGD follows GD until the gradient norm 2·0.8^t first drops to g_thres = 1e-3 (t = 35), then kicks.
    kick = int(np.ceil(np.log(5e-4) / np.log(0.8)))
    assert kick == 35
    np.testing.assert_array_equal(pgd.positions[: kick + 1], gd.positions[: kick + 1])
    assert pgd.positions[kick + 1, 1] != 0.0
    assert abs(pgd.final[1]) > 1.0 and pgd.final_loss < -1.0
    assert pgd.status in ("diverged", "max-steps")  # the saddle is unbounded below
    assert np.isfinite(pgd.positions).all() and np.isfinite(pgd.losses).all()


def test_perturbed_gd_returns_the_kick_point_at_a_minimum() -> None:
    # At a true minimum the kick does not lower f by f_thres, so the run stops at x̃ (sheet §1.10).
    res = run_one("sine-mix", "perturbed-gd:lr=0.1", [1.0], max_steps=300, seed=0)
    assert res.status == "converged"
    assert abs(sine_grad(np.array(res.final))[0]) <= 1e-3
    assert res.final[0] == pytest.approx(np.pi / 2, abs=1e-3)
    # x̃ is a point of the plain-GD prefix of the trajectory
    gd = run_one("sine-mix", "gd:lr=0.1", [1.0], max_steps=60)
    assert any(res.final[0] == p for p in gd.positions[:, 0])


# ---- restarts and basin hopping ----------------------------------------------------------------------------
def descent_ends(res: RunResult, local_steps: int) -> np.ndarray:
    """The point each local descent reached: the row that ends it (the next row is the jump)."""
    period = local_steps + 1
    n_descents = (res.steps + 1) // period
    return res.positions[[k * period - 1 for k in range(1, n_descents + 1)]]


def test_random_restarts() -> None:
    land, lr, steps, restarts = get_landscape("sine-mix"), 0.1, 25, 6
    period = steps + 1
    res = run_one(
        land, f"restarts:lr={lr},restarts={restarts},local_steps={steps}", [1.0], max_steps=1000, seed=7
    )
    assert res.status == "converged" and res.steps == restarts * period - 1
    gd = run_one(land, f"gd:lr={lr}", [1.0], max_steps=steps)
    # The first descent starts at the given start and is plain GD.
    np.testing.assert_array_equal(res.positions[:period], gd.positions[:period])
    ends = descent_ends(res, steps)
    assert ends[0][0] == pytest.approx(gd.positions[steps, 0], abs=1e-15)
    # Later descents start inside the domain, at distinct random points, and follow GD from there.
    starts = res.positions[[k * period for k in range(1, restarts)], 0]
    assert np.all((starts >= -5.0) & (starts <= 5.0))
    assert len(set(starts.tolist())) == restarts - 1
    for k in range(1, restarts):
        block = res.positions[k * period : (k + 1) * period]
        np.testing.assert_allclose(block[1:], block[:-1] - lr * land.grad(block[:-1]), rtol=1e-15, atol=1e-15)
    # The reported point is the best of the descent ends.
    end_losses = land.value(ends)
    best = int(np.argmin(end_losses))
    assert res.final[0] == pytest.approx(ends[best][0], abs=1e-15)
    assert res.final_loss == pytest.approx(end_losses.min(), abs=1e-15)
    assert res.final_loss <= land.value(ends[0])[0]
    assert res.best_loss == pytest.approx(end_losses.min(), abs=1e-15)


def test_basin_hopping_at_zero_temperature_only_goes_down() -> None:
    land, lr, steps, hops, s = get_landscape("rastrigin"), 0.002, 40, 15, 1.0
    period = steps + 1
    spec = f"basin-hopping:lr={lr},local_steps={steps},hops={hops},temperature=0,stepsize={s}"
    res = run_one(land, spec, [3.2, -2.1], max_steps=10_000, seed=0)
    assert res.status == "converged" and res.steps == (hops + 1) * period - 1
    accepted = res.extras["accepted"]
    assert accepted.shape == (res.steps,)
    boundary_rows = [k * period - 2 for k in range(1, hops + 2)]  # extras row of the step that ends a descent
    others = np.setdiff1d(np.arange(res.steps), boundary_rows)
    assert np.all(accepted[others] == 0)
    decisions = accepted[boundary_rows].astype(bool)
    assert decisions[0]  # the initial descent is always taken
    ends = descent_ends(res, steps)
    energies = land.value(ends)
    cur_x, cur_e = ends[0], energies[0]
    for hop in range(1, hops + 1):
        # the trial starts within ±stepsize of the current minimum (no adaptation: interval 50 > hops)
        trial = res.positions[hop * period]
        assert np.all(np.abs(trial - cur_x) <= s)
        assert decisions[hop] == (energies[hop] <= cur_e)
        if decisions[hop]:
            cur_x, cur_e = ends[hop], energies[hop]
    assert 1 <= decisions[1:].sum() < hops  # the test exercises both outcomes
    assert not decisions[1]  # with this seed the first hop already lands in a worse minimum
    assert res.final_loss == pytest.approx(energies.min(), abs=1e-12)
    np.testing.assert_allclose(res.final, ends[int(np.argmin(energies))], rtol=0, atol=1e-15)
    assert res.final_loss == pytest.approx(cur_e, abs=1e-12)  # at T = 0 the current minimum is the best


# ---- Langevin stationary variance -------------------------------------------------------------------------
def test_langevin_stationary_variance_on_a_quadratic() -> None:
    # Sheet §1.9: for f = x²/2 with η = 0.1, T = 1 the stationary variance is 1/(1 − η/2) = 1.0526316.
    quad = Landscape(
        "quadratic",
        "Quadratic",
        1,
        ((-10.0, 10.0),),
        value_fn=lambda p: 0.5 * p[:, 0] ** 2,
        grad_fn=lambda p: p.copy(),
    )
    starts = np.zeros((2000, 1))
    exp = Experiment(
        quad,
        (parse_method_spec("langevin:lr=0.1,temperature=1,patience=10000000"),),
        starts,
        max_steps=400,
        seed=1,
    )
    results = collect_results(Engine(exp, record="full").run())
    assert all(r.status == "max-steps" and r.steps == 400 for r in results)
    samples = np.stack([r.positions[200:, 0] for r in results])  # burn-in: 0.81^200 ≈ 0
    assert abs(samples.mean()) < 0.05
    assert samples.var() == pytest.approx(1 / (1 - 0.1 / 2), rel=0.03)
    finals = np.array([r.final[0] for r in results])
    assert finals.var() == pytest.approx(1.0526316, rel=0.1)


# ---- reproducibility ---------------------------------------------------------------------------------------
STOCHASTIC = [
    ("sgd:lr=0.05", "sine-mix", [[0.5], [1.0]]),
    ("perturbed-gd:lr=0.1", "sine-mix", [[1.0], [-0.5]]),
    ("langevin", "sine-mix", [[0.5], [1.0]]),
    ("annealing", "himmelblau", [[0.0, 0.0], [1.0, -1.0]]),
    ("metropolis", "himmelblau", [[0.0, 0.0], [1.0, -1.0]]),
    ("mala", "sine-mix", [[0.5], [1.0]]),
    ("minibatch-mh", "fit-frequency", [[2.5], [3.0]]),
    ("restarts:local_steps=20,restarts=4", "sine-mix", [[0.5], [1.0]]),
    ("basin-hopping:local_steps=20,hops=4", "six-hump-camel", [[1.0, 1.0], [-1.0, 0.5]]),
]


def test_every_stochastic_method_is_listed() -> None:
    assert {s.split(":")[0] for s, _, _ in STOCHASTIC} == {m for m, cls in METHODS.items() if cls.stochastic}


@pytest.mark.parametrize("spec, land, starts", STOCHASTIC, ids=[s[0].split(":")[0] for s in STOCHASTIC])
def test_same_seed_same_trajectory_other_seed_different(spec: str, land: str, starts: list) -> None:
    first = run(land, ["gd:lr=0.01", spec], starts, max_steps=150, seed=42)
    again = run(land, ["gd:lr=0.01", spec], starts, max_steps=150, seed=42)
    other = run(land, ["gd:lr=0.01", spec], starts, max_steps=150, seed=43)
    for a, b, c in zip(first[2:], again[2:], other[2:], strict=True):
        assert a.status == b.status and a.steps == b.steps and a.final == b.final
        np.testing.assert_array_equal(a.positions, b.positions)
        np.testing.assert_array_equal(a.losses, b.losses)
        assert a.extras.keys() == b.extras.keys()
        for name in a.extras:
            np.testing.assert_array_equal(a.extras[name], b.extras[name])
        n = common_prefix(a, c)
        assert not np.array_equal(a.positions[:n], c.positions[:n])
    # the deterministic run in the same experiment is unaffected by the seed
    np.testing.assert_array_equal(first[0].positions, other[0].positions)


# ---- divergence --------------------------------------------------------------------------------------------
def test_divergence_is_contained() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bad, good = run("rosenbrock", ["gd:lr=100", "gd:lr=0.001"], [[-1.5, 2.0]], max_steps=100)
        alone = run_one("rosenbrock", "gd:lr=0.001", [-1.5, 2.0], max_steps=100)
    assert bad.status == "diverged"
    assert bad.steps < 100
    assert bad.positions.shape == (bad.steps + 1, 2)
    assert np.isfinite(bad.positions).all() and np.isfinite(bad.losses).all()
    assert np.isfinite(bad.final).all() and np.isfinite(bad.final_loss)
    assert bad.final_loss > 1e6  # it really ran away
    assert good.status == alone.status == "max-steps" and good.steps == alone.steps == 100
    np.testing.assert_array_equal(good.positions, alone.positions)
    np.testing.assert_array_equal(good.losses, alone.losses)
    assert good.final == alone.final
    np.testing.assert_allclose(good.final, (-1.36376679, 1.86749875), rtol=0, atol=1e-7)


# ---- parameter specs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("method_id", list(METHODS))
def test_parameter_specs(method_id: str) -> None:
    specs = METHODS[method_id].params()
    names = [s.name for s in specs]
    assert len(names) == len(set(names))
    defaults = resolve_params(specs, {}, method_id)
    for s in specs:
        assert defaults[s.name] == s.default
        if s.kind == "choice":
            assert s.default in s.choices
            with pytest.raises(ParamError, match=s.name):
                resolve_params(specs, {s.name: "no-such-choice"}, method_id)
            continue
        assert s.kind in ("float", "int")
        assert s.low is None or s.low <= s.default, s.name
        assert s.high is None or s.default <= s.high, s.name
        assert s.coerce(s.default) == s.default
        if s.kind == "int":
            assert isinstance(s.default, int)
        if s.low is not None:
            if not s.low_open:
                assert resolve_params(specs, {s.name: s.low}, method_id)[s.name] == s.low
            with pytest.raises(ParamError, match=f"{s.name}=.*out of range"):
                resolve_params(specs, {s.name: s.low - 1}, method_id)
        if s.high is not None:
            with pytest.raises(ParamError, match=f"{s.name}=.*out of range"):
                resolve_params(specs, {s.name: s.high * 2 + 1}, method_id)
        assert_range_text_is_exact(s)
    with pytest.raises(ParamError, match="'bogus_param'"):
        resolve_params(specs, {"bogus_param": 1}, method_id)
    with pytest.raises(ParamError, match="'bogus_param'"):
        parse_method_spec(f"{method_id}:bogus_param=1")


def assert_range_text_is_exact(s: ParamSpec) -> None:
    """The printed range's bounds are the real ones, and its brackets say whether each bound is accepted."""
    text = s.describe_range()
    left, lo, hi, right = re.fullmatch(r"\w+ in ([\[(])(\S+), (\S+)([\])])", text).groups()
    for bound, shown, bracket, open_ in ((s.low, lo, left, "("), (s.high, hi, right, ")")):
        if bound is None:
            continue
        assert float(shown) == bound, (s.name, text)
        accepted = s.in_range(bound)
        assert accepted == (bracket != open_), (s.name, text)
        if accepted:
            assert s.coerce(bound) == bound
        else:
            with pytest.raises(ParamError, match=re.escape(text)):
                s.coerce(bound)


def test_exclusive_bounds_are_printed_and_refused_exactly() -> None:
    beta2 = next(s for s in METHODS["adam"].params() if s.name == "beta2")
    assert beta2.describe_range() == "float in [0, 1)"
    with pytest.raises(ParamError, match=re.escape("beta2=1 is out of range: expected float in [0, 1)")):
        beta2.coerce(1)
    assert beta2.coerce("0.9999999999") == 0.9999999999 and beta2.coerce(0) == 0.0
    with pytest.raises(ParamError, match=re.escape("[0, 1)")):
        parse_method_spec("adam:beta2=1")
    for method_id, name in (("adam", "beta1"), ("rmsprop", "alpha")):
        spec = next(s for s in METHODS[method_id].params() if s.name == name)
        assert spec.describe_range() == "float in [0, 1)" and spec.coerce(0.999999) == 0.999999
        with pytest.raises(ParamError, match=name):
            spec.coerce(1.0)
    lower_open = ParamSpec("w", "float", 0.5, "a weight", 0.0, 1.0, low_open=True)
    assert lower_open.describe_range() == "float in (0, 1]"
    assert lower_open.coerce(1) == 1.0 and lower_open.coerce(1e-300) == 1e-300
    with pytest.raises(ParamError, match=re.escape("w=0 is out of range: expected float in (0, 1]")):
        lower_open.coerce(0)
    # a bound that %g would round is printed exactly
    assert ParamSpec("b", "float", 0.5, "b", 0.0, 0.99999999).describe_range() == "float in [0, 0.99999999]"


def test_parse_method_spec_refuses_bad_values() -> None:
    with pytest.raises(ParamError, match="lr"):
        parse_method_spec("gd:lr=-1")
    with pytest.raises(ParamError, match="beta"):
        parse_method_spec("momentum:beta=1.5")
    with pytest.raises(ParamError, match="restarts"):
        parse_method_spec("restarts:restarts=2.5")
    with pytest.raises(ValueError, match="nosuch"):
        parse_method_spec("nosuch:lr=0.1")


# ---- per-method extras and recorded rates ------------------------------------------------------------------
def test_annealing_records_temperatures_and_acceptance() -> None:
    res = run_one("himmelblau", "annealing:temperature=3,alpha=0.9", [0.0, 0.0], max_steps=60, seed=9)
    assert res.steps == 60
    np.testing.assert_allclose(res.extras["temperatures"], 3 * 0.9 ** np.arange(60), rtol=1e-13)
    accepted = res.extras["accepted"]
    assert set(np.unique(accepted).tolist()) == {0.0, 1.0}
    moved = np.any(res.positions[1:] != res.positions[:-1], axis=1)
    np.testing.assert_array_equal(moved, accepted.astype(bool))
    assert np.all(np.isnan(res.learning_rates))  # no learning rate for a gradient-free method
    # reports the best point visited
    assert res.final_loss == pytest.approx(res.losses.min(), abs=1e-15)


@pytest.mark.parametrize(
    "cooling, expected",
    [
        ("linear", lambda k: 2.0 * np.maximum(0.0, 1 - k / 40)),
        ("logarithmic", lambda k: 2.0 / np.log(k + 2.0)),
        ("fast", lambda k: 2.0 / (k + 1.0)),
    ],
)
def test_annealing_other_coolings(cooling: str, expected) -> None:
    res = run_one(
        "himmelblau",
        f"annealing:temperature=2,cooling={cooling},cooling_steps=40",
        [0.0, 0.0],
        max_steps=50,
        seed=1,
    )
    np.testing.assert_allclose(res.extras["temperatures"], expected(np.arange(50)), rtol=1e-13, atol=0)


def test_metropolis_records_fixed_temperature() -> None:
    res = run_one("sine-mix", "metropolis:temperature=0.7", [0.5], max_steps=50, seed=1)
    np.testing.assert_array_equal(res.extras["temperatures"], 0.7)
    assert set(res.extras) == {"temperatures", "accepted"}


def test_sgd_records_noise_scales() -> None:
    res = run_one("sine-mix", "sgd:lr=0.05,noise=0.3,noise_decay=0.55", [0.5], max_steps=40, seed=1)
    t = np.arange(1, 41)
    np.testing.assert_allclose(res.extras["noise_scales"], np.sqrt(0.3 / (1 + t) ** 0.55), rtol=1e-14)
    # t = 1 at the first step, so its variance is noise/2^γ = 0.3/2^0.55 ≈ 0.2049060, not noise itself
    assert res.extras["noise_scales"][0] ** 2 == pytest.approx(0.3 / 2**0.55, rel=1e-14)
    assert res.extras["noise_scales"][0] ** 2 == pytest.approx(0.2049060, abs=1e-7)
    noise = next(s for s in METHODS["sgd"].params() if s.name == "noise")
    assert "σ² at step t is noise/(1+t)^γ, with t = 1 at the first step" in noise.description
    assert "noise is the variance the formula gives at t = 0" in noise.description
    # the noise really enters the update: x_t = x_{t-1} − η (∇f + σ_t ξ_t) with a non-zero ξ
    x = res.positions[:, 0]
    xi = ((x[:-1] - x[1:]) / 0.05 - sine_grad(x[:-1])) / res.extras["noise_scales"]
    assert 0.3 < np.std(xi) < 2.0


@pytest.mark.parametrize(
    "spec",
    [
        "gd:lr=0.05,schedule=sgdr,t0=10,tmult=2,eta_min=0.001",
        "momentum:lr=0.05,schedule=cosine,t_max=20,eta_min=0.001",
        "adam:lr=0.1,schedule=cyclic,max_lr=0.3,step_up=7",
        "sgd:lr=0.05,schedule=exponential,decay=0.97",
        "langevin:lr=0.05,schedule=step,step_size=9,gamma=0.5",
        "rmsprop:lr=0.01",
    ],
)
def test_recorded_learning_rates_follow_the_schedule(spec: str) -> None:
    res = run_one("six-hump-camel", spec, [1.5, 0.5], max_steps=60, seed=0)
    assert res.learning_rates.shape == (res.steps,)
    p = res.spec.params
    np.testing.assert_array_equal(res.learning_rates, learning_rates(p["lr"], p, 0, res.steps))
    if p["schedule"] == "sgdr":
        assert res.learning_rates[0] == res.learning_rates[10] == res.learning_rates[30] == 0.05
        assert res.learning_rates[9] < 0.01


# ---- sgd with minibatches: the Gaussian noise is added on top ---------------------------------------------
def minibatch_residuals(spec_text: str, steps: int = 40, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Per step: (x_{t-1} − x_t)/η minus the minibatch gradient at x_{t-1}, and the recorded σ_t."""
    land = get_landscape("fit-frequency")
    spec = parse_method_spec(spec_text)
    # one step more than used: a chunk carries no batch for a run that ends at max_steps
    engine = Engine(Experiment(land, (spec,), [[3.0]], max_steps=steps + 1, seed=seed))
    x_prev, residuals, sigmas = np.array([3.0]), [], []
    for _ in range(steps):
        chunk = engine.advance(1)
        x = chunk.positions[0, 0]
        batch_grad = land.batch_grad(x_prev[None, :], chunk.batches[0][None, :])[0]
        residuals.append((x_prev - x)[0] / spec.params["lr"] - batch_grad[0])
        sigmas.append(chunk.extras["noise_scales"][0, 0])
        x_prev = x
    return np.array(residuals), np.array(sigmas)


def test_sgd_adds_its_gaussian_noise_on_top_of_the_minibatch_gradient() -> None:
    residuals, sigmas = minibatch_residuals("sgd:lr=0.05,batch_size=8,noise=1")
    t = np.arange(1, 41)
    np.testing.assert_allclose(sigmas, np.sqrt(1.0 / (1 + t) ** 0.55), rtol=1e-14)
    xi = residuals / sigmas  # the standard normal draws of the Gaussian noise
    assert np.all(np.abs(residuals) > 1e-9) and 0.5 < np.std(xi) < 1.6
    plain, zero = minibatch_residuals("sgd:lr=0.05,batch_size=8,noise=0")
    np.testing.assert_allclose(plain, 0.0, atol=1e-10)  # noise = 0: plain minibatch SGD
    np.testing.assert_array_equal(zero, 0.0)
    said = (
        "the Gaussian noise of [GN] is added on top of the minibatch gradient; "
        "set noise = 0 for plain minibatch SGD"
    )
    texts = {s.name: s.description for s in METHODS["sgd"].params()}
    for text in (METHODS["sgd"].description, texts["noise"], texts["batch_size"]):
        assert said in text
    assert "instead" not in METHODS["sgd"].description
