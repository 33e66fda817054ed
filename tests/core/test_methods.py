"""Optimization methods, run through the engine, against the reference sheet (algorithms.md §1, §4).

Reference numbers are copied from the sheet; hand-computed expectations are derived here from the
sheet's formulas with NumPy (with gradients written out from the sheet's §3), not from core/.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from core.experiment.spec import Experiment, parse_method_spec
from core.landscape import Landscape
from core.landscapes.registry import get_landscape
from core.methods import METHODS
from core.methods.schedules import learning_rates
from core.params import ParamError, resolve_params
from core.runs.engine import Engine
from core.runs.results import RunResult, collect_results


def run(
    landscape: str | Landscape,
    specs: list[str],
    starts,
    max_steps: int = 100,
    seed: int = 0,
) -> list[RunResult]:
    land = get_landscape(landscape) if isinstance(landscape, str) else landscape
    exp = Experiment(
        land,
        tuple(parse_method_spec(s) for s in specs),
        np.array(starts, dtype=float),
        max_steps=max_steps,
        seed=seed,
    )
    return collect_results(Engine(exp, record="full").run())


def run_one(landscape: str | Landscape, spec: str, start, max_steps: int = 100, seed: int = 0) -> RunResult:
    (result,) = run(landscape, [spec], [start], max_steps, seed)
    return result


# Gradients written out from the sheet (§3.1a, §3.2), independent of core/landscapes_*.
def sine_grad(x: np.ndarray) -> np.ndarray:
    return np.cos(x) + 1.5 * np.cos(3 * x)


def himmelblau_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array(
        [4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)]
    )


# ---- §4.1: first three iterates --------------------------------------------------------------------------
FIRST_THREE = [
    ("gd:lr=0.1", 0.5, [0.40163116, 0.25591983, 0.05125646]),
    ("gd:lr=0.1", 1.0, [1.09446864, 1.19711097, 1.29569009]),
    ("momentum:lr=0.1,beta=0.9", 0.5, [0.40163116, 0.16738788, -0.27351489]),
    ("momentum:lr=0.1,beta=0.9", 1.0, [1.09446864, 1.28213275, 1.53682394]),
    ("nesterov:lr=0.1,mu=0.9", 0.5, [0.31309921, -0.11559362, -0.79286118]),
    ("nesterov:lr=0.1,mu=0.9", 1.0, [1.17949042, 1.44639233, 1.67676045]),
    ("adam:lr=0.1", 0.5, [0.4, 0.30087003, 0.20186953]),
    ("adam:lr=0.1", 1.0, [1.1, 1.20013072, 1.30019731]),
]


@pytest.mark.parametrize("spec, x0, expected", FIRST_THREE, ids=[f"{s}@{x}" for s, x, _ in FIRST_THREE])
def test_first_three_iterates(spec: str, x0: float, expected: list[float]) -> None:
    res = run_one("sine-mix", spec, [x0], max_steps=3)
    assert res.status == "max-steps" and res.steps == 3
    assert res.positions.shape == (4, 1) and res.losses.shape == (4,)
    assert res.positions[0, 0] == x0
    np.testing.assert_allclose(res.positions[1:, 0], expected, rtol=0, atol=1e-8)
    x = res.positions[:, 0]
    np.testing.assert_allclose(res.losses, np.sin(x) + 0.5 * np.sin(3 * x), rtol=0, atol=1e-15)


# ---- §4.1: x_100 -------------------------------------------------------------------------------------------
X100 = [
    # spec, (x_100, f) from 0.5, (x_100, f) from 1.0
    ("gd:lr=0.1", (-0.70167412, -1.07582871), (1.57079633, 0.50000000)),
    ("momentum:lr=0.1", (-2.43947199, -1.07582826), (1.57307943, 0.50000912)),
    ("nesterov:lr=0.1", (-0.70167412, -1.07582871), (1.57079633, 0.50000000)),
    ("adam:lr=0.1", (-0.69860142, -1.07580735), (1.56932119, 0.50000381)),
    ("rmsprop", (-0.69780288, -1.07579479), (1.57079632, 0.50000000)),
    ("rmsprop:lr=0.1", (-0.76331285, -1.06750446), (1.53845362, 0.50182879)),
    ("adagrad:lr=0.1", (-0.69095170, -1.07556773), (1.57079587, 0.50000000)),
    ("adagrad", (0.29133090, 0.67067602), (1.18799097, 0.72265408)),
]


@pytest.mark.parametrize("spec, from_half, from_one", X100, ids=[row[0] for row in X100])
def test_x100_reference_table(spec: str, from_half: tuple, from_one: tuple) -> None:
    results = run("sine-mix", [spec], [[0.5], [1.0]], max_steps=100)
    for res, (x_ref, f_ref) in zip(results, (from_half, from_one), strict=True):
        assert res.status in ("max-steps", "converged")
        assert res.steps == 100 if res.status == "max-steps" else res.steps <= 100
        assert res.final[0] == pytest.approx(x_ref, abs=1e-8)
        assert res.final_loss == pytest.approx(f_ref, abs=1e-8)
        assert res.positions.shape == (res.steps + 1, 1)
        assert res.positions[-1, 0] == res.final[0]


def test_defaults_are_pytorch_defaults() -> None:
    # The sheet's "RMSprop (PyTorch defaults), lr = 0.01" and "Adagrad (PyTorch default), lr = 0.01".
    cases = [
        ("rmsprop", dict(lr=0.01, alpha=0.99, eps=1e-8, momentum=0.0, centered="false")),
        ("adagrad", dict(lr=0.01, lr_decay=0.0, initial_accumulator_value=0.0, eps=1e-10)),
        ("adam", dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, amsgrad="false")),
    ]
    for method_id, expected in cases:
        params = parse_method_spec(method_id).params
        for name, value in expected.items():
            assert params[name] == value, (method_id, name)


def test_adagrad_initial_accumulator_reference() -> None:
    res = run_one("sine-mix", "adagrad:lr=0.1,initial_accumulator_value=0.1", [0.5], max_steps=100)
    assert res.final[0] == pytest.approx(-0.69063330, abs=1e-8)


def test_momentum_with_step_decay_is_the_classic_form() -> None:
    # Sheet §1.2/§4.1: η = 0.1 for steps 1–50 and 0.01 afterwards; classic −2.44771890, PyTorch −2.43941261.
    res = run_one("sine-mix", "momentum:lr=0.1,beta=0.9,schedule=step,step_size=50,gamma=0.1", [0.5], 100)
    assert res.status == "max-steps"
    assert res.final[0] == pytest.approx(-2.44771890, abs=1e-8)
    assert abs(res.final[0] - (-2.43941261)) > 1e-3
    np.testing.assert_allclose(res.learning_rates[:50], 0.1, rtol=1e-15)
    np.testing.assert_allclose(res.learning_rates[50:], 0.01, rtol=1e-15)


# ---- §4.2: two-dimensional table -------------------------------------------------------------------------
TABLE_2D = [
    ("himmelblau", (0.0, 0.0), "gd:lr=0.01", (3.00000000, 2.00000000), 0.00000000),
    ("himmelblau", (0.0, 0.0), "momentum:lr=0.01,beta=0.9", (3.57776108, -1.85124189), 0.00261110),
    ("himmelblau", (0.0, 0.0), "adam:lr=0.1", (3.00015447, 2.01701045), 0.00501203),
    ("rosenbrock", (-1.5, 2.0), "gd:lr=0.001", (-1.36376679, 1.86749875), 5.59322870),
    ("rosenbrock", (-1.5, 2.0), "momentum:lr=0.001,beta=0.9", (-0.58654918, 0.35102168), 2.52201278),
    ("rosenbrock", (-1.5, 2.0), "adam:lr=0.1", (-1.12461908, 1.27096225), 4.51784301),
]


@pytest.mark.parametrize("land, start, spec, xy, f", TABLE_2D, ids=[f"{r[0]}-{r[2]}" for r in TABLE_2D])
def test_two_dimensional_reference_table(land: str, start: tuple, spec: str, xy: tuple, f: float) -> None:
    res = run_one(land, spec, start, max_steps=100)
    assert res.status in ("max-steps", "converged")
    np.testing.assert_allclose(res.final, xy, rtol=0, atol=1e-7)
    assert res.final_loss == pytest.approx(f, abs=1e-7)


# ---- hand-computed steps -----------------------------------------------------------------------------------
def rmsprop_reference(
    x0: np.ndarray,
    grad,
    steps: int,
    lr: float,
    alpha: float = 0.99,
    eps: float = 1e-8,
    momentum: float = 0.0,
    centered: bool = False,
) -> np.ndarray:
    """Sheet §1.5, written out directly."""
    x = np.array(x0, dtype=float)
    v, gbar, b = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    out = [x.copy()]
    for _ in range(steps):
        g = grad(x)
        v = alpha * v + (1 - alpha) * g**2
        v_tilde = v
        if centered:
            gbar = alpha * gbar + (1 - alpha) * g
            v_tilde = v - gbar**2
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            x = x - lr * b
        else:
            x = x - lr * g / (np.sqrt(v_tilde) + eps)
        out.append(x.copy())
    return np.array(out)


def adagrad_reference(
    x0: np.ndarray, grad, steps: int, lr: float, lr_decay: float = 0.0, s0: float = 0.0, eps: float = 1e-10
) -> np.ndarray:
    """Sheet §1.4, written out directly."""
    x = np.array(x0, dtype=float)
    s = np.full_like(x, s0)
    out = [x.copy()]
    for t in range(1, steps + 1):
        g = grad(x)
        s = s + g**2
        x = x - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s) + eps)
        out.append(x.copy())
    return np.array(out)


RMSPROP_CASES = [
    ("rmsprop:lr=0.01", {"lr": 0.01}),
    ("rmsprop:lr=0.05,alpha=0.9", {"lr": 0.05, "alpha": 0.9}),
    ("rmsprop:lr=0.01,centered=true", {"lr": 0.01, "centered": True}),
    ("rmsprop:lr=0.01,momentum=0.5", {"lr": 0.01, "momentum": 0.5}),
    (
        "rmsprop:lr=0.01,momentum=0.9,centered=true,alpha=0.95",
        {"lr": 0.01, "momentum": 0.9, "centered": True, "alpha": 0.95},
    ),
]


@pytest.mark.parametrize("spec, kwargs", RMSPROP_CASES, ids=[c[0] for c in RMSPROP_CASES])
def test_rmsprop_hand_computed(spec: str, kwargs: dict) -> None:
    res = run_one("sine-mix", spec, [0.5], max_steps=8)
    expected = rmsprop_reference(np.array([0.5]), sine_grad, 8, **kwargs)
    np.testing.assert_allclose(res.positions, expected, rtol=1e-12, atol=1e-13)
    res2 = run_one("himmelblau", spec, [0.5, -1.0], max_steps=8)
    expected2 = rmsprop_reference(np.array([0.5, -1.0]), himmelblau_grad, 8, **kwargs)
    np.testing.assert_allclose(res2.positions, expected2, rtol=1e-12, atol=1e-13)


def test_rmsprop_first_step_jumps_about_ten_lr() -> None:
    # Sheet §1.5: with η = 0.1 the point jumps from 0.5 to −0.4999999 (|Δx_1| = η/√(1−α)).
    res = run_one("sine-mix", "rmsprop:lr=0.1", [0.5], max_steps=1)
    assert res.positions[1, 0] == pytest.approx(-0.4999999, abs=1e-7)
    # centred: v − ḡ² = (1−α)α g² on the first step, so the jump is ≈ η/√((1−α)α)
    res = run_one("sine-mix", "rmsprop:lr=0.1,centered=true", [0.5], max_steps=1)
    g = sine_grad(np.array([0.5]))[0]
    assert res.positions[1, 0] == pytest.approx(
        0.5 - 0.1 * g / (np.sqrt(0.01 * 0.99) * abs(g) + 1e-8), abs=1e-13
    )
    assert res.positions[1, 0] == pytest.approx(0.5 - 0.1 / np.sqrt(0.01 * 0.99), abs=2e-7)


@pytest.mark.parametrize(
    "spec, kwargs",
    [
        ("adagrad:lr=0.1,lr_decay=0.5", {"lr": 0.1, "lr_decay": 0.5}),
        (
            "adagrad:lr=0.2,lr_decay=0.1,initial_accumulator_value=0.3",
            {"lr": 0.2, "lr_decay": 0.1, "s0": 0.3},
        ),
        ("adagrad:lr=0.1", {"lr": 0.1}),
    ],
)
def test_adagrad_hand_computed(spec: str, kwargs: dict) -> None:
    res = run_one("sine-mix", spec, [0.5], max_steps=8)
    np.testing.assert_allclose(
        res.positions, adagrad_reference(np.array([0.5]), sine_grad, 8, **kwargs), rtol=1e-12, atol=1e-13
    )
    res2 = run_one("himmelblau", spec, [0.5, -1.0], max_steps=8)
    np.testing.assert_allclose(
        res2.positions,
        adagrad_reference(np.array([0.5, -1.0]), himmelblau_grad, 8, **kwargs),
        rtol=1e-12,
        atol=1e-13,
    )


def test_nesterov_plots_the_sutskever_look_ahead_point() -> None:
    mu, lr, x, v = 0.9, 0.1, 1.0, 0.0
    expected = [x]
    for _ in range(6):  # NAG eqs. (3)–(4); the plotted point is y = x + μ v
        v = mu * v - lr * sine_grad(np.array([x + mu * v]))[0]
        x = x + v
        expected.append(x + mu * v)
    res = run_one("sine-mix", "nesterov:lr=0.1,mu=0.9", [1.0], max_steps=6)
    np.testing.assert_allclose(res.positions[:, 0], expected, rtol=1e-13)


def test_learning_rate_of_step_t_is_schedule_at_k_t_minus_1() -> None:
    # GD with a step schedule: step t uses η(k = t − 1); the rate changes after step 5.
    res = run_one("sine-mix", "gd:lr=0.1,schedule=step,step_size=5,gamma=0.1", [0.5], max_steps=10)
    x, expected = 0.5, [0.5]
    for t in range(1, 11):
        eta = 0.1 * 0.1 ** ((t - 1) // 5)
        x = x - eta * sine_grad(np.array([x]))[0]
        expected.append(x)
    np.testing.assert_allclose(res.positions[:, 0], expected, rtol=1e-13)


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


SEED_BH = 0


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
    res = run_one(land, spec, [3.2, -2.1], max_steps=10_000, seed=SEED_BH)
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
            assert resolve_params(specs, {s.name: s.low}, method_id)[s.name] == s.low
            with pytest.raises(ParamError, match=f"{s.name}=.*out of range"):
                resolve_params(specs, {s.name: s.low - 1}, method_id)
        if s.high is not None:
            with pytest.raises(ParamError, match=f"{s.name}=.*out of range"):
                resolve_params(specs, {s.name: s.high * 2 + 1}, method_id)
    with pytest.raises(ParamError, match="'bogus_param'"):
        resolve_params(specs, {"bogus_param": 1}, method_id)
    with pytest.raises(ParamError, match="'bogus_param'"):
        parse_method_spec(f"{method_id}:bogus_param=1")


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
