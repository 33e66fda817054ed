"""Deterministic first-order methods: GD, momentum, Nesterov, AdaGrad, RMSProp, Adam (sheet §1.1–1.6)."""

from __future__ import annotations

import numpy as np

from core.landscape import Landscape
from core.methods.base import Method, Params, State, lr_param
from core.params import ParamSpec


class GradientDescent(Method):
    id = "gd"
    name = "Gradient descent"
    description = (
        "Plain gradient descent: step downhill by lr × gradient; stops in the first basin it enters."
    )
    rule = "x_t = x_{t-1} - η ∇f(x_{t-1})"
    own_params = (lr_param(0.1),)

    def step(self, x, state, t, lr, land, p, rng):
        g = land.grad_fn(x)
        x -= lr * g
        return x


class Momentum(Method):
    """Classic heavy-ball momentum (sheet §1.2), NAG eqs. (1)–(2).

    Equal to PyTorch's ``SGD(momentum=β)`` only at a constant rate: with a schedule each past
    gradient keeps the rate it was taken with, while PyTorch rescales its whole buffer by the
    current rate.
    """

    id = "momentum"
    name = "Momentum"
    description = (
        "Heavy-ball momentum: velocity accumulates past gradients and can roll over small bumps. "
        "Equals PyTorch's SGD(momentum) only at a constant learning rate; with a schedule the app "
        "keeps the classic form, where each past gradient keeps the rate it was taken with "
        "(sheet §1.2: up to ~0.008 apart in the sheet's step-decay example; can be larger)."
    )
    rule = "v_t = β v_{t-1} - η ∇f(x_{t-1});  x_t = x_{t-1} + v_t"
    own_params = (lr_param(0.1), ParamSpec("beta", "float", 0.9, "Momentum coefficient β", 0.0, 0.9999))

    def init(self, x0, land, p, rng):
        return {"v": np.zeros_like(x0)}

    def step(self, x, state, t, lr, land, p, rng):
        g = land.grad_fn(x)
        v = state["v"]
        v *= p["beta"]
        v -= lr * g
        x += v
        return x


class Nesterov(Method):
    """Sutskever's NAG in velocity form, plotted at the look-ahead point y = x + μv.

    With a constant rate, y_t is exactly PyTorch's ``SGD(nesterov=True)`` iterate (sheet §1.3);
    with a schedule it is not: like the app's momentum, each past gradient keeps the rate it was
    taken with, while PyTorch rescales its whole buffer by the current rate.
    """

    id = "nesterov"
    name = "Nesterov"
    description = (
        "Nesterov momentum: the gradient is taken at the look-ahead point, so it brakes earlier. "
        "Equals PyTorch's SGD(nesterov=True) only at a constant learning rate; with a schedule the app "
        "keeps the classic (Sutskever) form, where each past gradient keeps the rate it was taken with "
        "(sheet §1.2: momentum ends up to ~0.008 apart in the sheet's step-decay example; can be larger)."
    )
    rule = "v_t = μ v_{t-1} - η ∇f(x_{t-1} + μ v_{t-1});  x_t = x_{t-1} + v_t  (shown: x_t + μ v_t)"
    own_params = (lr_param(0.1), ParamSpec("mu", "float", 0.9, "Momentum coefficient μ", 0.0, 0.9999))

    def init(self, x0, land, p, rng):
        return {"v": np.zeros_like(x0)}

    def step(self, x, state, t, lr, land, p, rng):
        mu, v = p["mu"], state["v"]
        g = land.grad_fn(x)  # x is the look-ahead point y_{t-1}
        x -= mu * v
        v *= mu
        v -= lr * g
        x += (1 + mu) * v
        return x


class AdaGrad(Method):
    """PyTorch's Adagrad (sheet §1.4).

    The rate ``lr`` passed to ``step`` is already the applied one, η_t / (1 + (t−1)·lr_decay) with
    η_t the scheduled rate (``applied_rates``), so the engine records the rate the update uses.
    """

    id = "adagrad"
    name = "AdaGrad"
    description = "AdaGrad: per-coordinate rates shrink with the sum of squared gradients (PyTorch rule)."
    rule = "s_t = s_{t-1} + g_t²;  x_t = x_{t-1} - η/(1+(t-1)·decay) · g_t / (√s_t + ε)"
    own_params = (
        lr_param(0.01),
        ParamSpec(
            "lr_decay",
            "float",
            0.0,
            "Rate decay: step t uses η / (1 + (t−1)·lr_decay); the recorded rate is this applied one",
            0.0,
            1e3,
        ),
        ParamSpec(
            "initial_accumulator_value", "float", 0.0, "Starting value of the squared-gradient sum", 0.0, 1e6
        ),
        ParamSpec("eps", "float", 1e-10, "ε added to √s for stability", 0.0, 1.0, log=True),
    )

    @staticmethod
    def applied_rates(rates: np.ndarray, p: Params) -> np.ndarray:
        """PyTorch's Adagrad divides the (scheduled) rate of step t by 1 + (t − 1)·lr_decay."""
        return rates / (1 + np.arange(len(rates)) * p["lr_decay"]) if p["lr_decay"] else rates

    def init(self, x0, land, p, rng):
        return {"s": np.full_like(x0, p["initial_accumulator_value"])}

    def step(self, x, state, t, lr, land, p, rng):
        g = land.grad_fn(x)
        s = state["s"]
        s += g * g
        x -= lr * g / (np.sqrt(s) + p["eps"])  # lr already includes lr_decay (see the class docstring)
        return x


class RMSProp(Method):
    id = "rmsprop"
    name = "RMSProp"
    description = "RMSProp: divides by a running RMS of gradients; no bias correction (PyTorch rule)."
    rule = "v_t = α v_{t-1} + (1-α) g_t²;  x_t = x_{t-1} - η g_t / (√v_t + ε)"
    own_params = (
        lr_param(0.01),
        ParamSpec(
            "alpha",
            "float",
            0.99,
            "Smoothing constant α of the squared-gradient average",
            0.0,
            1.0,
            high_open=True,
        ),
        ParamSpec("eps", "float", 1e-8, "ε added to the root for stability", 0.0, 1.0, log=True),
        ParamSpec("momentum", "float", 0.0, "Momentum μ on the normalised step", 0.0, 0.9999),
        ParamSpec(
            "centered",
            "choice",
            "false",
            "Divide by the centred (variance) estimate",
            choices=("false", "true"),
        ),
    )

    def init(self, x0, land, p, rng):
        z = np.zeros_like(x0)
        return {"v": z.copy(), "gbar": z.copy(), "b": z.copy()}

    def step(self, x, state, t, lr, land, p, rng):
        g = land.grad_fn(x)
        a, v = p["alpha"], state["v"]
        v *= a
        v += (1 - a) * g * g
        avg = v
        if p["centered"] == "true":
            gbar = state["gbar"]
            gbar *= a
            gbar += (1 - a) * g
            avg = v - gbar * gbar
        step = g / (np.sqrt(avg) + p["eps"])
        if p["momentum"] > 0:
            b = state["b"]
            b *= p["momentum"]
            b += step
            step = b
        x -= lr * step
        return x


class Adam(Method):
    """PyTorch's Adam (sheet §1.6).

    AMSGrad follows PyTorch, not the sheet's ``max(v̂)``: it keeps the running maximum of the raw
    ``v`` and divides it by the current step's ``1 − β2^t``.
    """

    id = "adam"
    name = "Adam"
    description = (
        "Adam: momentum plus per-coordinate scaling, with bias correction (PyTorch rule). "
        "AMSGrad (as PyTorch) keeps the running maximum of the raw v and divides it by 1 − β2^t afterwards."
    )
    rule = (
        "m_t = β1 m + (1-β1) g;  v_t = β2 v + (1-β2) g²;  "
        "x_t = x_{t-1} - η m̂_t / (√v̂_t + ε),  m̂ = m/(1-β1^t), v̂ = v/(1-β2^t);  "
        "AMSGrad: v̂ = max(v_1, …, v_t)/(1-β2^t)"
    )
    own_params = (
        lr_param(0.001),
        ParamSpec("beta1", "float", 0.9, "Decay β1 of the gradient average", 0.0, 1.0, high_open=True),
        ParamSpec(
            "beta2", "float", 0.999, "Decay β2 of the squared-gradient average", 0.0, 1.0, high_open=True
        ),
        ParamSpec("eps", "float", 1e-8, "ε added to the root for stability", 0.0, 1.0, log=True),
        ParamSpec(
            "amsgrad",
            "choice",
            "false",
            "AMSGrad: use the running maximum of the raw v, divided by 1 − β2^t after (as PyTorch)",
            choices=("false", "true"),
        ),
    )

    def init(self, x0, land, p, rng):
        z = np.zeros_like(x0)
        return {"m": z.copy(), "v": z.copy(), "vmax": z.copy()}

    def step(
        self,
        x: np.ndarray,
        state: State,
        t: int,
        lr: float,
        land: Landscape,
        p: Params,
        rng: np.random.Generator,
    ) -> np.ndarray:
        b1, b2 = p["beta1"], p["beta2"]
        g = land.grad_fn(x)
        m, v = state["m"], state["v"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        g *= g  # grad_fn returns a fresh array, so it serves as scratch
        g *= 1 - b2
        v += g
        if p["amsgrad"] == "true":
            np.maximum(state["vmax"], v, out=state["vmax"])
            v = state["vmax"]
        denom = np.sqrt(v)
        denom *= 1 / np.sqrt(1 - b2**t)
        denom += p["eps"]
        np.divide(m, denom, out=denom)
        denom *= lr / (1 - b1**t)
        x -= denom
        return x
