"""Learning-rate schedules (reference sheet §2), evaluated in closed form for a range of steps.

``k`` counts scheduler steps from 0: optimizer step ``t`` (1-based) uses ``η(k = t − 1)``. A method
may change the scheduled rate further (``Method.applied_rates``: AdaGrad's ``lr_decay``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from core.params import ParamSpec

SCHEDULES = ("constant", "step", "exponential", "cosine", "sgdr", "cyclic")

SCHEDULE_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("schedule", "choice", "constant", "Learning-rate schedule", choices=SCHEDULES),
    ParamSpec(
        "step_size",
        "int",
        50,
        "Step decay: multiply the rate by gamma every step_size steps",
        1,
        1_000_000,
        shown_when=("schedule", ("step",)),
    ),
    ParamSpec(
        "gamma",
        "float",
        0.5,
        "Step decay: factor applied every step_size steps",
        1e-6,
        1.0,
        shown_when=("schedule", ("step",)),
    ),
    ParamSpec(
        "decay",
        "float",
        0.99,
        "Exponential: factor applied every step",
        1e-6,
        1.0,
        shown_when=("schedule", ("exponential",)),
    ),
    ParamSpec(
        "t_max",
        "int",
        100,
        "Cosine: anneals from lr down to eta_min over t_max steps, then rises back to lr "
        "(period 2·t_max, as PyTorch's CosineAnnealingLR); use sgdr for restarts",
        1,
        1_000_000,
        shown_when=("schedule", ("cosine",)),
    ),
    ParamSpec(
        "eta_min",
        "float",
        0.0,
        "Cosine / SGDR: the lowest rate of a cycle",
        0.0,
        1e3,
        shown_when=("schedule", ("cosine", "sgdr")),
    ),
    ParamSpec(
        "t0",
        "int",
        50,
        "SGDR: length of the first cosine cycle, in steps",
        1,
        1_000_000,
        shown_when=("schedule", ("sgdr",)),
    ),
    ParamSpec(
        "tmult",
        "int",
        1,
        "SGDR: each cycle is tmult times longer than the previous one",
        1,
        100,
        shown_when=("schedule", ("sgdr",)),
    ),
    ParamSpec(
        "max_lr",
        "float",
        0.5,
        "Cyclic: the peak rate (the base rate is lr)",
        0.0,
        1e3,
        log=True,
        shown_when=("schedule", ("cyclic",)),
    ),
    ParamSpec(
        "step_up",
        "int",
        50,
        "Cyclic: steps from base to peak (and back down)",
        1,
        1_000_000,
        shown_when=("schedule", ("cyclic",)),
    ),
)


def learning_rates(lr: float, params: Mapping[str, Any], k_start: int, count: int) -> np.ndarray:
    """The learning rate for scheduler steps ``k_start … k_start + count − 1`` (float64 array)."""
    k = np.arange(k_start, k_start + count, dtype=np.int64)
    name = params.get("schedule", "constant")
    if name == "constant":
        return np.full(count, float(lr))
    if name == "step":
        return lr * params["gamma"] ** (k // params["step_size"]).astype(float)
    if name == "exponential":
        return lr * params["decay"] ** k.astype(float)
    if name == "cosine":
        eta_min = params["eta_min"]
        return eta_min + 0.5 * (lr - eta_min) * (1 + np.cos(np.pi * k / params["t_max"]))
    if name == "sgdr":
        t_cur, t_i = sgdr_position(k, params["t0"], params["tmult"])
        eta_min = params["eta_min"]
        return eta_min + 0.5 * (lr - eta_min) * (1 + np.cos(np.pi * t_cur / t_i))
    if name == "cyclic":
        return _triangular(k, lr, params["max_lr"], params["step_up"])
    raise ValueError(f"unknown schedule {name!r}; valid: {', '.join(SCHEDULES)}")


def sgdr_position(k: np.ndarray, t0: int, tmult: int) -> tuple[np.ndarray, np.ndarray]:
    """SGDR's ``(T_cur, T_i)`` for integer steps ``k``, by the integer recurrence.

    Uses integer restart boundaries, not PyTorch's ``math.log`` path, which puts η_min at some
    restart boundaries (reference sheet §2.5, pitfall).
    """
    k = np.asarray(k, dtype=np.int64)
    if tmult == 1:
        return k % t0, np.full(k.shape, t0, dtype=np.int64)
    starts, lengths = [0], [t0]
    last = int(k.max()) if k.size else 0
    while starts[-1] + lengths[-1] <= last:
        starts.append(starts[-1] + lengths[-1])
        lengths.append(lengths[-1] * tmult)
    cycle = np.searchsorted(np.asarray(starts), k, side="right") - 1
    return k - np.asarray(starts)[cycle], np.asarray(lengths)[cycle]


def sgdr_restarts(t0: int, tmult: int, up_to: int) -> list[int]:
    """Scheduler steps at which SGDR restarts (the rate jumps back to its maximum), up to ``up_to``."""
    restarts, start, length = [], 0, t0
    while start + length <= up_to:
        start += length
        length *= tmult
        restarts.append(start)
    return restarts


def _triangular(k: np.ndarray, base_lr: float, max_lr: float, step: int) -> np.ndarray:
    """Smith's triangular cyclical rate (CLR reference code, sheet §2.6)."""
    cycle = np.floor(1 + k / (2 * step))
    x = np.abs(k / step - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * np.maximum(0.0, 1 - x)
