"""Gradient-free samplers: simulated annealing and random-walk Metropolis–Hastings (sheet §1.11–1.12).

Proposals that leave the domain box are rejected (the sheet leaves domain handling open;
rejecting keeps detailed balance).
"""

from __future__ import annotations

import numpy as np

from core.methods.base import Method, inside_box, patience_param
from core.params import ParamSpec

COOLINGS = ("exponential", "linear", "logarithmic", "fast")


def temperature_at(p: dict, k: int) -> float:
    """Cooling schedule T_k for k = 0, 1, … (sheet §1.11)."""
    t0, cooling = p["temperature"], p["cooling"]
    if cooling == "exponential":
        return t0 * p["alpha"] ** k
    if cooling == "linear":
        return t0 * max(0.0, 1.0 - k / p["cooling_steps"])
    if cooling == "logarithmic":
        return t0 / np.log(k + 2.0)
    return t0 / (k + 1.0)


def metropolis_accept(delta: np.ndarray, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """Metropolis rule: accept if Δ ≤ 0 or u < exp(−Δ/T); at T = 0 only non-increasing moves."""
    u = rng.random(delta.shape)
    if temperature <= 0:
        return delta <= 0
    with np.errstate(over="ignore"):
        return (delta <= 0) | (u < np.exp(-delta / temperature))


class _RandomWalk(Method):
    uses_schedule = False
    stochastic = True
    convergence = "patience"
    extras = ("temperatures", "accepted")

    def init(self, x0, land, p, rng):
        f = land.value_fn(x0)
        return {"f": f, "best_x": x0.copy(), "best_f": f.copy()}

    def temperature(self, p: dict, t: int) -> float:
        raise NotImplementedError

    def step(self, x, state, t, lr, land, p, rng):
        temperature = self.temperature(p, t - 1)
        proposal = x + p["sigma"] * rng.standard_normal(x.shape)
        inside = inside_box(proposal, land.lower, land.upper)
        f_new = np.where(inside, land.value_fn(np.where(inside[:, None], proposal, x)), np.inf)
        with np.errstate(invalid="ignore"):
            accept = metropolis_accept(f_new - state["f"], temperature, rng) & inside
        x[accept] = proposal[accept]
        state["f"] = np.where(accept, f_new, state["f"])
        better = state["f"] < state["best_f"]
        state["best_x"][better] = x[better]
        state["best_f"] = np.where(better, state["f"], state["best_f"])
        state["extras"] = {"temperatures": np.full(x.shape[0], temperature), "accepted": accept}
        return x


class SimulatedAnnealing(_RandomWalk):
    id = "annealing"
    name = "Simulated annealing"
    description = "Simulated annealing: accepts uphill moves with probability exp(−Δ/T) while T cools."
    rule = "x' = x + σξ;  accept if Δf ≤ 0 or u < exp(−Δf/T_k);  T_k cools (exp / linear / log / fast)"
    reports_best = True
    own_params = (
        ParamSpec("temperature", "float", 2.0, "Initial temperature T0", 0.0, 1e6, log=True),
        ParamSpec(
            "cooling",
            "choice",
            "exponential",
            "Cooling schedule: T0·α^k, T0·(1−k/K), T0/ln(k+2), T0/(k+1)",
            choices=COOLINGS,
        ),
        ParamSpec(
            "alpha",
            "float",
            0.99,
            "Exponential cooling factor α",
            0.5,
            0.999999,
            shown_when=("cooling", ("exponential",)),
        ),
        ParamSpec(
            "cooling_steps",
            "int",
            1000,
            "Linear cooling: steps K until T reaches 0",
            1,
            10_000_000,
            shown_when=("cooling", ("linear",)),
        ),
        ParamSpec(
            "sigma", "float", 0.5, "Standard deviation σ of the Gaussian proposal", 1e-9, 1e4, log=True
        ),
        patience_param(),
    )

    def temperature(self, p, k):
        return temperature_at(p, k)


class MetropolisHastings(_RandomWalk):
    id = "metropolis"
    name = "Metropolis–Hastings"
    description = "Random-walk Metropolis–Hastings at a fixed T: samples exp(−f/T); rejected moves repeat x."
    rule = "x' = x + σξ;  accept with probability min(1, exp(−(f(x') − f(x))/T)); else repeat x"
    own_params = (
        ParamSpec("temperature", "float", 0.5, "Temperature T of the target exp(−f/T)", 0.0, 1e6, log=True),
        ParamSpec("sigma", "float", 0.5, "Proposal step σ (aim for 20–50 % acceptance)", 1e-9, 1e4, log=True),
        patience_param(),
    )

    def temperature(self, p, k):
        return p["temperature"]
