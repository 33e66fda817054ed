"""Methods that run many local descents: random restarts and basin hopping (sheet §1.14–1.15).

Both use fixed-budget gradient descent (``local_steps`` steps at rate ``lr``) as the local
minimiser, so every step is visible (plus one step per jump to a new start); SciPy's basin
hopping uses BFGS and also requires the local minimisation to report success.
Both report the best point found.
"""

from __future__ import annotations

import numpy as np

from core.methods.base import Method, uniform_in_box
from core.methods.sampling import metropolis_accept
from core.params import ParamSpec


def _local_steps(default: int) -> ParamSpec:
    return ParamSpec("local_steps", "int", default, "Gradient-descent steps per local descent", 1, 1_000_000)


class _LocalDescents(Method):
    """Descents of ``local_steps`` GD steps, each followed by one step that jumps to the next start.

    The row that ends a descent shows the minimum it reached; the next row shows the jump.
    """

    stochastic = True
    convergence = "self"
    reports_best = True

    def init(self, x0, land, p, rng):
        n = x0.shape[0]
        return {
            "best_x": x0.copy(),
            "best_f": np.full(n, np.inf),
            "finished": np.zeros(n, dtype=bool),
            "descents": 0,
            "next_x": None,
        }

    def step(self, x, state, t, lr, land, p, rng):
        phase = (t - 1) % (p["local_steps"] + 1)
        if phase == p["local_steps"]:  # the jump to the next descent's start
            x, state["next_x"] = state["next_x"], None
            return x
        x -= lr * land.grad_fn(x)
        if phase == p["local_steps"] - 1:
            state["descents"] += 1
            state["next_x"] = self.end_of_descent(x, state, land.value_fn(x), p, land, rng)
        return x

    def end_of_descent(self, x, state, f, p, land, rng):
        """Record the descent's end; return the next start (ignored once ``finished`` is set)."""
        raise NotImplementedError


def _keep_best(state: dict, x: np.ndarray, f: np.ndarray) -> None:
    better = f < state["best_f"]
    state["best_x"][better] = x[better]
    state["best_f"] = np.where(better, f, state["best_f"])


class RandomRestarts(_LocalDescents):
    id = "restarts"
    name = "Random restarts"
    description = "Random restarts: descend from the start, then from random points; keep the best minimum."
    rule = "for r = 1..R: x ← LocalGD(x0 if r = 1 else U(domain));  return the best"
    own_params = (
        ParamSpec("lr", "float", 0.1, "Learning rate of the local gradient descent", 1e-9, 1e3, log=True),
        ParamSpec(
            "restarts", "int", 10, "Number of local descents R (the first from the start point)", 1, 100_000
        ),
        _local_steps(100),
    )

    def end_of_descent(self, x, state, f, p, land, rng):
        _keep_best(state, x, f)
        if state["descents"] >= p["restarts"]:
            state["finished"][:] = True
        return uniform_in_box(rng, land.lower, land.upper, x.shape[0])


class BasinHopping(_LocalDescents):
    id = "basin-hopping"
    name = "Basin hopping"
    description = "Basin hopping: jump randomly from the current local minimum, descend, Metropolis-accept."
    rule = "x' = LocalGD(x + U(−s, s)^d);  accept if u ≤ exp(min(0, −(E' − E)/T));  adapt s every 50 hops"
    extras = ("accepted",)
    own_params = (
        ParamSpec("lr", "float", 0.1, "Learning rate of the local gradient descent", 1e-9, 1e3, log=True),
        ParamSpec(
            "hops", "int", 30, "Number of hops after the first local descent (SciPy's niter)", 1, 100_000
        ),
        _local_steps(50),
        ParamSpec("stepsize", "float", 0.5, "Initial half-width s of the uniform jump", 1e-9, 1e4),
        ParamSpec(
            "temperature", "float", 1.0, "Temperature T of the acceptance test (0: only downhill)", 0.0, 1e6
        ),
        ParamSpec("interval", "int", 50, "Adapt the jump size every this many hops", 1, 100_000),
    )

    def init(self, x0, land, p, rng):
        state = super().init(x0, land, p, rng)
        n = x0.shape[0]
        state.update(
            cur_x=x0.copy(), cur_f=np.full(n, np.inf), step=np.full(n, p["stepsize"]), n_accepted=np.zeros(n)
        )
        return state

    def step(self, x, state, t, lr, land, p, rng):
        state["extras"] = {"accepted": np.zeros(x.shape[0], dtype=bool)}
        return super().step(x, state, t, lr, land, p, rng)

    def end_of_descent(self, x, state, f, p, land, rng):
        hop = state["descents"] - 1  # descent 1 is the initial minimisation, not a hop
        if hop == 0:
            accept = np.ones(x.shape[0], dtype=bool)
        else:
            with np.errstate(invalid="ignore"):
                accept = metropolis_accept(f - state["cur_f"], p["temperature"], rng)
            state["n_accepted"] += accept
        state["cur_x"][accept] = x[accept]
        state["cur_f"] = np.where(accept, f, state["cur_f"])
        state["extras"]["accepted"] = accept
        _keep_best(state, x, f)
        if hop >= p["hops"]:
            state["finished"][:] = True
        calls = hop + 1
        if calls % p["interval"] == 0:  # SciPy: adapt before stepping, on the cumulative acceptance rate
            rate = state["n_accepted"] / calls
            state["step"] = np.where(rate > 0.5, state["step"] / 0.9, state["step"] * 0.9)
        s = state["step"][:, None]
        return state["cur_x"] + rng.uniform(-1.0, 1.0, x.shape) * s
