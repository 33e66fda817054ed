"""Optimization methods, run through the engine, against the reference sheet (algorithms.md §1, §4):
the deterministic methods' iterates and hand-computed steps.

Reference numbers are copied from the sheet; hand-computed expectations are derived here from the
sheet's formulas with NumPy (with gradients written out from the sheet's §3), not from core/.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.experiment.spec import parse_method_spec
from core.methods import METHODS
from tests.core.method_runs import himmelblau_grad, run, run_one, sine_grad

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


# ---- schedules with momentum: the app keeps the classic form (sheet §1.2, §1.3) --------------------------
def nesterov_forms(x0: float, etas: list[float], mu: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """The Sutskever look-ahead points y_t = x_t + μv_t and PyTorch's nesterov=True iterates p_t."""
    x, v, ys = x0, 0.0, [x0]
    for eta in etas:  # NAG eqs. (3)–(4): each gradient keeps the rate it was taken with
        v = mu * v - eta * sine_grad(np.array([x + mu * v]))[0]
        x = x + v
        ys.append(x + mu * v)
    p, b, ps = x0, None, [x0]
    for eta in etas:  # PyTorch: b_1 = g_1, b_t = μ b + g; p −= η_t (g + μ b), the whole buffer at η_t
        g = sine_grad(np.array([p]))[0]
        b = g if b is None else mu * b + g
        p = p - eta * (g + mu * b)
        ps.append(p)
    return np.array(ys), np.array(ps)


def test_nesterov_with_a_schedule_is_the_classic_form_not_pytorchs() -> None:
    etas = [0.1 * 0.1 ** ((t - 1) // 10) for t in range(1, 31)]  # step decay: 0.1, then 0.01 from t = 11
    classic, pytorch = nesterov_forms(1.0, etas)
    res = run_one("sine-mix", "nesterov:lr=0.1,mu=0.9,schedule=step,step_size=10,gamma=0.1", [1.0], 30)
    assert res.status == "max-steps"
    np.testing.assert_allclose(res.positions[:, 0], classic, rtol=1e-12)
    assert res.final[0] == pytest.approx(1.57569216, abs=1e-7)
    assert pytorch[-1] == pytest.approx(1.57259870, abs=1e-7)  # ~0.003 apart at the end, 0.054 on the way
    assert np.abs(classic - pytorch).max() > 0.05
    # with a constant rate the look-ahead point is exactly PyTorch's iterate
    same, torch_like = nesterov_forms(1.0, [0.1] * 30)
    np.testing.assert_allclose(same, torch_like, rtol=0, atol=1e-13)


def test_momentum_and_nesterov_texts_say_pytorch_only_at_a_constant_rate() -> None:
    for method_id, pytorch in (("momentum", "SGD(momentum)"), ("nesterov", "SGD(nesterov=True)")):
        text = METHODS[method_id].description
        assert f"Equals PyTorch's {pytorch} only at a constant learning rate" in text
        assert "with a schedule the app keeps the classic" in text and "~0.008" in text


# ---- AMSGrad: PyTorch's running maximum of the raw v ------------------------------------------------------
def amsgrad_reference(
    x0: float, steps: int, lr: float, raw_max: bool, b1=0.9, b2=0.999, eps=1e-8
) -> np.ndarray:
    """Adam with AMSGrad: ``raw_max`` keeps max(v) and bias-corrects after (PyTorch); else max(v̂)."""
    x, m, v, vmax, vhat_max, out = x0, 0.0, 0.0, 0.0, 0.0, [x0]
    for t in range(1, steps + 1):
        g = sine_grad(np.array([x]))[0]
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        vmax, vhat_max = max(vmax, v), max(vhat_max, v / (1 - b2**t))
        vhat = vmax / (1 - b2**t) if raw_max else vhat_max
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(vhat) + eps)
        out.append(x)
    return np.array(out)


def test_amsgrad_keeps_the_maximum_of_the_raw_v_like_pytorch() -> None:
    res = run_one("sine-mix", "adam:lr=0.1,amsgrad=true", [0.5], max_steps=100)
    pytorch_like = amsgrad_reference(0.5, 100, 0.1, raw_max=True)
    np.testing.assert_allclose(res.positions[:, 0], pytorch_like, rtol=1e-12, atol=1e-14)
    assert res.final[0] == pytest.approx(-0.69832303, abs=1e-8)
    max_of_vhat = amsgrad_reference(0.5, 100, 0.1, raw_max=False)  # the sheet's wording, not implemented
    assert max_of_vhat[-1] == pytest.approx(-0.70023833, abs=1e-8)
    assert np.abs(res.positions[:, 0] - max_of_vhat).max() > 0.05
    amsgrad = next(s for s in METHODS["adam"].params() if s.name == "amsgrad")
    for text in (amsgrad.description, METHODS["adam"].description):
        assert "maximum of the raw v" in text and "1 − β2^t" in text and "v̂" not in text


# ---- AdaGrad: the recorded learning rate is the applied one -----------------------------------------------
def test_adagrad_records_the_applied_rate() -> None:
    res = run_one("sine-mix", "adagrad:lr=0.1,lr_decay=0.5", [0.5], max_steps=20)
    t = np.arange(1, res.steps + 1)
    np.testing.assert_allclose(res.learning_rates, 0.1 / (1 + (t - 1) * 0.5), rtol=1e-15)
    np.testing.assert_allclose(res.learning_rates[:3], [0.1, 0.1 / 1.5, 0.05], rtol=1e-15)
    np.testing.assert_allclose(
        res.positions, adagrad_reference(np.array([0.5]), sine_grad, 20, 0.1, 0.5), rtol=1e-12, atol=1e-13
    )
    # with a schedule: PyTorch divides the scheduled rate η(k = t − 1) by 1 + (t − 1)·lr_decay
    spec = "adagrad:lr=0.1,lr_decay=0.25,schedule=step,step_size=4,gamma=0.5"
    res = run_one("sine-mix", spec, [0.5], max_steps=12)
    k = np.arange(12)
    np.testing.assert_allclose(res.learning_rates, 0.1 * 0.5 ** (k // 4) / (1 + 0.25 * k), rtol=1e-15)
    assert res.learning_rates[4] == pytest.approx(0.05 / 2.0, rel=1e-15)
