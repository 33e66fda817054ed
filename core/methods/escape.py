"""Noisy gradient methods that can leave a basin: noisy SGD, perturbed GD, Langevin (sheet §1.8–1.10)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.methods.base import BATCH_PARAM, Method, lr_param, patience_param
from core.params import ParamSpec

# Said the same way in every text about sgd (description, parameters, About dialog, README).
ON_TOP_OF_MINIBATCH = (
    "the Gaussian noise of [GN] is added on top of the minibatch gradient; "
    "set noise = 0 for plain minibatch SGD"
)


class NoisySGD(Method):
    """Gradient plus Gaussian noise with a decaying variance, Neelakantan et al. (sheet §1.8b).

    σ_t² = noise/(1+t)^γ with t = 1 at the first step. With ``batch_size > 0`` on a data landscape
    the Gaussian noise of [GN] is added on top of the minibatch gradient; set ``noise = 0`` for
    plain minibatch SGD.
    """

    id = "sgd"
    name = "Stochastic GD"
    description = (
        "SGD with the Gaussian gradient noise of Neelakantan et al. [GN], so it can hop barriers. "
        f"With batch_size > 0 on a data landscape, {ON_TOP_OF_MINIBATCH}."
    )
    rule = (
        "g̃_t = ∇f(x_{t-1}) + σ_t ξ,  σ_t² = noise / (1+t)^γ  (t = 1 at the first step);  "
        "x_t = x_{t-1} - η g̃_t  (∇f: the minibatch gradient when batch_size > 0)"
    )
    stochastic = True
    convergence = "patience"
    extras = ("noise_scales",)
    batch_param = replace(
        BATCH_PARAM,
        description=f"Minibatch size on data landscapes (0 = full batch); {ON_TOP_OF_MINIBATCH}",
    )
    own_params = (
        lr_param(0.1),
        ParamSpec(
            "noise",
            "float",
            1.0,
            "Gradient-noise scale η_n: σ² at step t is noise/(1+t)^γ, with t = 1 at the first step "
            "(so σ² = noise/2^γ there); noise is the variance the formula gives at t = 0 "
            f"([GN] uses 0.01, 0.3 or 1). With batch_size > 0, {ON_TOP_OF_MINIBATCH}",
            0.0,
            1e6,
            log=True,
        ),
        ParamSpec(
            "noise_decay", "float", 0.55, "Variance decays as (1+t)^−γ; γ = 0 keeps it constant", 0.0, 2.0
        ),
        patience_param(),
    )

    def step(self, x, state, t, lr, land, p, rng):
        sigma = np.sqrt(p["noise"] / (1 + t) ** p["noise_decay"])
        g = land.grad_fn(x)
        g += sigma * rng.standard_normal(x.shape)
        x -= lr * g
        state["extras"] = {"noise_scales": np.full(x.shape[0], sigma)}
        return x


class PerturbedGD(Method):
    """Jin et al.'s perturbed GD in the app form (sheet §1.10): thresholds exposed directly.

    When the gradient is small and no kick happened in the last ``t_thres`` steps, jump to a uniform
    point in a ball of radius ``radius``; if ``t_thres`` steps after a kick the loss has not dropped
    by ``f_thres`` below the kicked-from point x̃, the run returns x̃ and stops.
    """

    id = "perturbed-gd"
    name = "Perturbed GD"
    description = "Perturbed GD (Jin et al.): a random kick when the gradient is small, to leave saddles."
    rule = "if ‖∇f‖ ≤ g_thres and t − t_kick > t_thres: x += ξ, ξ ~ U(ball(r));  x_t = x_{t-1} - η ∇f"
    stochastic = True
    convergence = "self"
    own_params = (
        lr_param(0.1),
        ParamSpec("radius", "float", 0.5, "Radius r of the kick ball", 0.0, 1e3),
        ParamSpec(
            "g_thres", "float", 1e-3, "Kick when the gradient norm is at most this", 0.0, 1e3, log=True
        ),
        ParamSpec(
            "t_thres", "int", 50, "Escape window: steps between kicks and before judging one", 1, 100_000
        ),
        ParamSpec("f_thres", "float", 1e-3, "A kick must lower f by this much, else stop at x̃", 0.0, 1e6),
    )

    def init(self, x0, land, p, rng):
        n = x0.shape[0]
        return {
            "t_kick": np.full(n, -p["t_thres"] - 1),
            "x_tilde": x0.copy(),
            "f_tilde": np.zeros(n),
            "finished": np.zeros(n, dtype=bool),
        }

    def step(self, x, state, t, lr, land, p, rng):
        tt = t - 1  # the paper counts steps from 0
        g = land.grad_fn(x)
        done = state["finished"]
        kick = (np.linalg.norm(g, axis=1) <= p["g_thres"]) & (tt - state["t_kick"] > p["t_thres"]) & ~done
        if kick.any():
            state["x_tilde"][kick] = x[kick]
            state["f_tilde"][kick] = land.value_fn(x[kick])
            state["t_kick"][kick] = tt
            x[kick] += ball_sample(rng, p["radius"], int(kick.sum()), x.shape[1])
            g = land.grad_fn(x)
        judge = tt - state["t_kick"] == p["t_thres"]
        if judge.any():
            stuck = judge & (land.value_fn(x) - state["f_tilde"] > -p["f_thres"])
            x[stuck] = state["x_tilde"][stuck]
            g[stuck] = 0.0
            state["finished"] |= stuck
        g[done] = 0.0  # a finished run stays at x̃ until the engine collects it
        x -= lr * g
        return x


def ball_sample(rng: np.random.Generator, radius: float, n: int, dim: int) -> np.ndarray:
    """``n`` points uniform in the ``dim``-ball of ``radius``: r·u^{1/d}·z/‖z‖ (sheet §1.10)."""
    z = rng.standard_normal((n, dim))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    return radius * rng.random((n, 1)) ** (1.0 / dim) * z


class Langevin(Method):
    """Unadjusted Langevin dynamics targeting exp(−f/T) (sheet §1.9); T = 0 is exactly GD."""

    id = "langevin"
    name = "Langevin dynamics"
    description = "Langevin (SGLD): GD plus noise of size √(2ηT); samples exp(−f/T), visiting every basin."
    rule = "x_t = x_{t-1} - η ∇f(x_{t-1}) + √(2ηT) ξ"
    stochastic = True
    convergence = "patience"
    extras = ("temperatures",)
    own_params = (
        lr_param(0.05),
        ParamSpec("temperature", "float", 0.3, "Temperature T of the target exp(−f/T)", 0.0, 1e4),
        patience_param(),
    )

    def step(self, x, state, t, lr, land, p, rng):
        temperature = p["temperature"]
        g = land.grad_fn(x)
        x -= lr * g
        if temperature > 0:
            x += np.sqrt(2 * lr * temperature) * rng.standard_normal(x.shape)
        state["extras"] = {"temperatures": np.full(x.shape[0], temperature)}
        return x
