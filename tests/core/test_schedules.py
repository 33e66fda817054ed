"""Learning-rate schedules against their closed forms and the reference sheet (algorithms.md §2).

Every expected value is either written out from the sheet or computed here from the closed formula
with plain Python/NumPy; nothing is taken from ``core.methods.schedules`` itself.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from core.methods.schedules import SCHEDULE_PARAMS, SCHEDULES, learning_rates, sgdr_position, sgdr_restarts
from core.params import ParamError, resolve_params


def params(**given) -> dict:
    return resolve_params(SCHEDULE_PARAMS, given, "test")


# ---- constant, step, exponential ---------------------------------------------------------------------------
def test_constant_is_flat_and_the_default() -> None:
    p = params()
    assert p["schedule"] == "constant"
    rates = learning_rates(0.037, p, 0, 250)
    assert rates.dtype == np.float64 and rates.shape == (250,)
    assert np.all(rates == 0.037)


@pytest.mark.parametrize("step_size, gamma", [(50, 0.1), (7, 0.5), (1, 0.9)])
def test_step_decay_closed_form(step_size: int, gamma: float) -> None:
    rates = learning_rates(0.1, params(schedule="step", step_size=step_size, gamma=gamma), 0, 200)
    expected = [0.1 * gamma ** (k // step_size) for k in range(200)]
    np.testing.assert_allclose(rates, expected, rtol=1e-14, atol=0)


def test_step_decay_changes_exactly_at_multiples_of_step_size() -> None:
    rates = learning_rates(0.1, params(schedule="step", step_size=50, gamma=0.1), 0, 151)
    assert rates[0] == rates[49] == 0.1
    assert rates[50] == pytest.approx(0.01, rel=1e-14) and rates[99] == pytest.approx(0.01, rel=1e-14)
    assert rates[100] == pytest.approx(0.001, rel=1e-14) and rates[150] == pytest.approx(1e-4, rel=1e-14)
    # constant within each block
    for block in (rates[:50], rates[50:100], rates[100:150]):
        assert np.all(block == block[0])


def test_step_decay_default_gamma_is_the_parameter_default() -> None:
    rates = learning_rates(1.0, params(schedule="step", step_size=3), 0, 7)
    np.testing.assert_allclose(rates, [1, 1, 1, 0.5, 0.5, 0.5, 0.25], rtol=1e-15)


@pytest.mark.parametrize("decay", [0.99, 0.9, 0.5])
def test_exponential_closed_form(decay: float) -> None:
    rates = learning_rates(0.2, params(schedule="exponential", decay=decay), 0, 120)
    expected = [0.2 * decay**k for k in range(120)]
    np.testing.assert_allclose(rates, expected, rtol=1e-13, atol=0)
    assert rates[0] == 0.2
    assert np.all(np.diff(rates) < 0)


# ---- cosine ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("eta_min", [0.0, 0.001])
def test_cosine_closed_form(eta_min: float) -> None:
    lr, t_max = 0.1, 50
    rates = learning_rates(lr, params(schedule="cosine", t_max=t_max, eta_min=eta_min), 0, 301)
    expected = [eta_min + 0.5 * (lr - eta_min) * (1 + math.cos(math.pi * k / t_max)) for k in range(301)]
    np.testing.assert_allclose(rates, expected, rtol=0, atol=1e-16)


def test_cosine_reference_points_and_period() -> None:
    # Sheet §2.4: η_50 = η_min and η_100 = η_0 for T_max = 50; periodic with period 2·T_max past T_max.
    lr, eta_min = 0.1, 0.001
    rates = learning_rates(lr, params(schedule="cosine", t_max=50, eta_min=eta_min), 0, 401)
    assert rates[0] == pytest.approx(lr, abs=1e-16)
    assert rates[25] == pytest.approx((lr + eta_min) / 2, abs=1e-16)
    assert rates[50] == pytest.approx(eta_min, abs=1e-16)
    assert rates[100] == pytest.approx(lr, abs=1e-16)
    assert rates[150] == pytest.approx(eta_min, abs=1e-16)
    np.testing.assert_allclose(rates[100:300], rates[0:200], rtol=0, atol=1e-15)
    np.testing.assert_allclose(rates[200:401], rates[0:201], rtol=0, atol=1e-15)
    # decreasing on the way down, increasing on the way back up
    assert np.all(np.diff(rates[:51]) < 0) and np.all(np.diff(rates[50:101]) > 0)
    assert rates.min() >= eta_min - 1e-16 and rates.max() <= lr + 1e-16


def test_cosine_rises_back_after_t_max_as_its_text_says() -> None:
    # η_k for T_max = 40: down to η_min at k = 40, back up through the midpoint at k = 60 to lr at k = 80.
    lr, eta_min = 0.2, 0.02
    rates = learning_rates(lr, params(schedule="cosine", t_max=40, eta_min=eta_min), 0, 81)
    assert rates[40] == pytest.approx(0.02, abs=1e-16) and rates[60] == pytest.approx(0.11, abs=1e-16)
    assert rates[80] == pytest.approx(0.2, abs=1e-16) and rates[41] > rates[40]
    text = next(s for s in SCHEDULE_PARAMS if s.name == "t_max").description
    assert "anneals from lr down to eta_min over t_max steps, then rises back" in text
    assert "period 2·t_max" in text and "CosineAnnealingLR" in text and "sgdr for restarts" in text


# ---- a method's own rate decay: AdaGrad's lr_decay ---------------------------------------------------------
def test_adagrad_folds_its_lr_decay_into_the_applied_rates() -> None:
    # PyTorch's Adagrad: step t uses η(k = t − 1) / (1 + (t − 1)·lr_decay), on top of any schedule.
    from core.methods.gradient import AdaGrad

    p = {**params(schedule="exponential", decay=0.9), "lr_decay": 0.5}
    rates = AdaGrad.applied_rates(learning_rates(0.1, p, 0, 4), p)
    np.testing.assert_allclose(rates, [0.1, 0.09 / 1.5, 0.081 / 2.0, 0.0729 / 2.5], rtol=1e-15)
    np.testing.assert_array_equal(learning_rates(0.1, p, 0, 4), 0.1 * 0.9 ** np.arange(4))


# ---- SGDR --------------------------------------------------------------------------------------------------
SGDR_REFERENCE = [
    0.1,
    0.097577,
    0.090546,
    0.079595,
    0.065796,
    0.0505,
    0.035204,
    0.021405,
    0.010454,
    0.003423,
    0.1,
    0.099391,
]


def sgdr_params(t0: int = 10, tmult: int = 2, eta_min: float = 0.001) -> dict:
    return params(schedule="sgdr", t0=t0, tmult=tmult, eta_min=eta_min)


def test_sgdr_reference_values() -> None:
    # Sheet §2.5: T_0 = 10, T_mult = 2, η_min = 0.001, η_0 = 0.1, k = 0…11.
    rates = learning_rates(0.1, sgdr_params(), 0, 12)
    np.testing.assert_allclose(rates, SGDR_REFERENCE, rtol=0, atol=5e-7)
    assert rates[9] == pytest.approx(0.00342270, abs=5e-9)  # η_min is never reached on integer steps
    assert rates[10] == 0.1


def test_sgdr_restart_steps() -> None:
    assert sgdr_restarts(10, 2, 400) == [10, 30, 70, 150, 310]
    assert sgdr_restarts(10, 2, 310) == [10, 30, 70, 150, 310]
    assert sgdr_restarts(10, 2, 309) == [10, 30, 70, 150]
    assert sgdr_restarts(10, 1, 45) == [10, 20, 30, 40]
    assert sgdr_restarts(1, 10, 2000) == [1, 11, 111, 1111]


def test_sgdr_rate_jumps_to_lr_exactly_at_restarts() -> None:
    lr, eta_min = 0.1, 0.001
    rates = learning_rates(lr, sgdr_params(eta_min=eta_min), 0, 400)
    restarts = [10, 30, 70, 150, 310]
    at_max = np.flatnonzero(rates == lr).tolist()
    assert at_max == [0, *restarts]
    for k in restarts:
        assert rates[k - 1] < rates[k]
        assert eta_min < rates[k - 1] < 0.01  # the last rate of a cycle is close to, but above, η_min


def test_sgdr_closed_form_within_each_cycle() -> None:
    lr, eta_min = 0.1, 0.001
    rates = learning_rates(lr, sgdr_params(eta_min=eta_min), 0, 400)
    bounds = [0, 10, 30, 70, 150, 310, 630]
    for start, end in itertools.pairwise(bounds):
        length = end - start
        for k in range(start, min(end, 400)):
            t_cur = k - start
            expected = eta_min + 0.5 * (lr - eta_min) * (1 + math.cos(math.pi * t_cur / length))
            assert rates[k] == pytest.approx(expected, abs=1e-16), k
    t_cur, t_i = sgdr_position(np.array([0, 9, 10, 29, 30, 69, 70, 149, 150, 309, 310, 399]), 10, 2)
    assert t_cur.tolist() == [0, 9, 0, 19, 0, 39, 0, 79, 0, 159, 0, 89]
    assert t_i.tolist() == [10, 10, 20, 20, 40, 40, 80, 80, 160, 160, 320, 320]


def test_sgdr_tmult_1_restarts_every_t0() -> None:
    lr, eta_min, t0 = 0.1, 0.001, 7
    rates = learning_rates(lr, sgdr_params(t0=t0, tmult=1, eta_min=eta_min), 0, 70)
    expected = [eta_min + 0.5 * (lr - eta_min) * (1 + math.cos(math.pi * (k % t0) / t0)) for k in range(70)]
    np.testing.assert_allclose(rates, expected, rtol=0, atol=1e-16)
    assert np.flatnonzero(rates == lr).tolist() == list(range(0, 70, t0))
    for cycle in range(10):
        np.testing.assert_array_equal(rates[cycle * t0 : (cycle + 1) * t0], rates[:t0])


def test_sgdr_float_log_pitfall_is_avoided() -> None:
    # Sheet §2.5 pitfall: T_0 = 1, T_mult = 10; k = 111 is a restart boundary. PyTorch's math.log path
    # gives η_min there; the integer recurrence must give η_max.
    lr, eta_min = 0.1, 0.001
    p = sgdr_params(t0=1, tmult=10, eta_min=eta_min)
    assert learning_rates(lr, p, 111, 1)[0] == lr
    rates = learning_rates(lr, p, 0, 1200)
    assert rates[111] == lr and rates[1111] == lr and rates[11] == lr and rates[1] == lr
    assert rates[110] == pytest.approx(
        eta_min + 0.5 * (lr - eta_min) * (1 + math.cos(math.pi * 99 / 100)), abs=1e-16
    )
    assert rates[112] == pytest.approx(
        eta_min + 0.5 * (lr - eta_min) * (1 + math.cos(math.pi / 1000)), abs=1e-16
    )
    assert np.flatnonzero(rates == lr).tolist() == [0, 1, 11, 111, 1111]


# ---- cyclic ------------------------------------------------------------------------------------------------
def test_cyclic_triangular_reference_values() -> None:
    # Sheet §2.6: base 0.01, max 0.1, step 10 → 0.01, 0.019, …, 0.1 (k = 10), …, 0.01 (k = 20).
    rates = learning_rates(0.01, params(schedule="cyclic", max_lr=0.1, step_up=10), 0, 21)
    up = [0.01 + 0.009 * k for k in range(11)]
    expected = up + up[-2::-1]
    assert len(expected) == 21
    np.testing.assert_allclose(rates, expected, rtol=0, atol=1e-15)
    assert rates[1] == pytest.approx(0.019, abs=1e-16)
    assert rates[10] == pytest.approx(0.1, abs=1e-16)
    assert rates[20] == pytest.approx(0.01, abs=1e-16)


def test_cyclic_is_periodic_and_matches_smith() -> None:
    base, peak, step = 0.01, 0.1, 10
    rates = learning_rates(base, params(schedule="cyclic", max_lr=peak, step_up=step), 0, 100)
    for k in range(100):  # Smith's CLR reference code
        cycle = math.floor(1 + k / (2 * step))
        x = abs(k / step - 2 * cycle + 1)
        assert rates[k] == pytest.approx(base + (peak - base) * max(0.0, 1 - x), abs=1e-16), k
    np.testing.assert_allclose(rates[20:40], rates[0:20], rtol=0, atol=1e-15)
    assert rates[30] == pytest.approx(peak, abs=1e-16) and rates[40] == pytest.approx(base, abs=1e-16)


# ---- offsets and general behaviour -------------------------------------------------------------------------
ALL_SCHEDULE_CASES = [
    params(),
    params(schedule="step", step_size=3, gamma=0.5),
    params(schedule="exponential", decay=0.9),
    params(schedule="cosine", t_max=4, eta_min=0.001),
    params(schedule="sgdr", t0=2, tmult=2, eta_min=0.001),
    params(schedule="sgdr", t0=3, tmult=1),
    params(schedule="cyclic", max_lr=0.5, step_up=3),
]


@pytest.mark.parametrize("p", ALL_SCHEDULE_CASES, ids=lambda p: f"{p['schedule']}")
def test_k_start_offsets(p: dict) -> None:
    whole = learning_rates(0.1, p, 0, 10)
    np.testing.assert_array_equal(learning_rates(0.1, p, 5, 3), whole[5:8])
    for start in range(10):
        np.testing.assert_array_equal(learning_rates(0.1, p, start, 10 - start), whole[start:])
    assert learning_rates(0.1, p, 4, 0).shape == (0,)


def test_every_schedule_is_covered_and_unknown_is_refused() -> None:
    assert {p["schedule"] for p in ALL_SCHEDULE_CASES} == set(SCHEDULES)
    with pytest.raises(ValueError, match="bogus"):
        learning_rates(0.1, {"schedule": "bogus"}, 0, 3)


def test_schedule_params_validation() -> None:
    with pytest.raises(ParamError, match="schedule"):
        params(schedule="linear")
    with pytest.raises(ParamError, match="t0"):
        params(schedule="sgdr", t0=0)
    with pytest.raises(ParamError, match="tmult"):
        params(schedule="sgdr", tmult=2.5)
    with pytest.raises(ParamError, match="gamma"):
        params(schedule="step", gamma=1.5)
    with pytest.raises(ParamError, match="warmup"):
        params(warmup=3)
    p = params(schedule="sgdr", t0="10", tmult="2")
    assert p["t0"] == 10 and isinstance(p["t0"], int) and p["tmult"] == 2
