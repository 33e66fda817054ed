"""A small multilayer perceptron in NumPy, forward and backward written out, and the two-moons data.

Used by ``core.landscapes.network`` (Li et al. 2018 loss slices). Parameters are a list
``[W₀, b₀, W₁, b₁, …, W_out, b_out]`` with ``W`` of shape (out, in); a flat vector concatenates
them in that order (row-major).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

VARIANTS = ("plain", "skip")
DEFAULT_DEPTH = 6
DEFAULT_WIDTH = 12
DEFAULT_SAMPLES = 200
DEFAULT_NOISE = 0.15  # slightly overlapping moons: the trained loss stays above 0 (no flat zero plateau)
TRAIN_STEPS = 400
TRAIN_LR = 0.01


# --- data ------------------------------------------------------------------------------------------


def make_moons(
    n: int = DEFAULT_SAMPLES, noise: float = DEFAULT_NOISE, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: X (n, 2) and labels y (n,) in {0, 1} (as floats), seeded.

    Like scikit-learn's ``make_moons``: ``n // 2`` points on the upper arc (label 0), the rest on the
    lower, shifted arc (label 1), plus Gaussian noise of standard deviation ``noise``.
    """
    if n < 2:
        raise ValueError(f"n={n} must be at least 2")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    perm = rng.permutation(n)
    return X[perm], y[perm]


# --- the network -----------------------------------------------------------------------------------


def _bce(logit: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean binary cross-entropy with logits over the last axis (numerically stable)."""
    return np.mean(np.logaddexp(0.0, logit) - y * logit, axis=-1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass(frozen=True)
class MLP:
    """The architecture: ``depth`` hidden tanh layers of ``width`` units, ``plain`` or ``skip``."""

    variant: str = "plain"
    depth: int = DEFAULT_DEPTH
    width: int = DEFAULT_WIDTH
    n_in: int = 2

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown variant {self.variant!r}; valid: {', '.join(VARIANTS)}")
        if self.depth < 1 or self.width < 1:
            raise ValueError(f"depth={self.depth} and width={self.width} must be at least 1")

    @property
    def n_layers(self) -> int:
        """The number of weight matrices (hidden layers + the output layer)."""
        return self.depth + 1

    @property
    def shapes(self) -> list[tuple[int, ...]]:
        """The shapes of ``[W₀, b₀, …, W_out, b_out]``."""
        sizes = [self.n_in] + [self.width] * self.depth + [1]
        out: list[tuple[int, ...]] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            out += [(fan_out, fan_in), (fan_out,)]
        return out

    @property
    def n_params(self) -> int:
        return int(sum(np.prod(s) for s in self.shapes))

    def residual(self, k: int) -> bool:
        """Whether layer ``k`` (0 = input layer, depth = output layer) adds its input back."""
        return self.variant == "skip" and 1 <= k < self.depth

    def init(self, seed: int = 0) -> np.ndarray:
        """Seeded initial parameters as a flat vector: W ~ N(0, 1/fan_in), b = 0."""
        rng = np.random.default_rng(seed)
        params = [rng.standard_normal(s) / np.sqrt(s[1]) if len(s) == 2 else np.zeros(s) for s in self.shapes]
        return self.flatten(params)

    def flatten(self, params: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([np.asarray(p, dtype=float).ravel() for p in params])

    def unflatten(self, vec: np.ndarray) -> list[np.ndarray]:
        vec = np.asarray(vec, dtype=float)
        if vec.shape != (self.n_params,):
            raise ValueError(f"expected a vector of {self.n_params} parameters, got shape {vec.shape}")
        out, start = [], 0
        for s in self.shapes:
            size = int(np.prod(s))
            out.append(vec[start : start + size].reshape(s).copy())
            start += size
        return out

    def loss(self, vec: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
        return self.loss_and_grad(vec, X, y, grad=False)[0]

    def loss_and_grad(
        self, vec: np.ndarray, X: np.ndarray, y: np.ndarray, grad: bool = True
    ) -> tuple[float, np.ndarray | None]:
        """The mean BCE over (X, y) at the flat parameters ``vec`` and its gradient (backprop)."""
        params = self.unflatten(vec)
        Ws, bs = params[0::2], params[1::2]
        h, inputs, acts = np.asarray(X, dtype=float), [], []
        for k in range(self.n_layers):
            inputs.append(h)
            z = h @ Ws[k].T + bs[k]
            if k == self.depth:
                logit = z[:, 0]
                break
            t = np.tanh(z)
            acts.append(t)
            h = h + t if self.residual(k) else t
        loss = float(_bce(logit, y))
        if not grad:
            return loss, None
        grads: list[np.ndarray] = [np.empty(0)] * (2 * self.n_layers)
        gz = ((_sigmoid(logit) - y) / len(y))[:, None]  # dloss/dz of the output layer
        gh_out = np.zeros(0)
        for k in range(self.depth, -1, -1):
            grads[2 * k] = gz.T @ inputs[k]
            grads[2 * k + 1] = gz.sum(axis=0)
            if k == 0:
                break
            gh = gz @ Ws[k]  # dloss/d(input of layer k) through the weights
            if self.residual(k):
                gh = gh + gh_out
            gh_out = gh  # dloss/d(output of layer k - 1)
            gz = gh * (1.0 - acts[k - 1] ** 2)
        return loss, self.flatten(grads)

    def train(
        self,
        X: np.ndarray,
        y: np.ndarray,
        seed: int = 0,
        steps: int = TRAIN_STEPS,
        lr: float = TRAIN_LR,
        progress: Callable[[float], None] | None = None,
    ) -> tuple[np.ndarray, list[float]]:
        """Full-batch Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) from ``init(seed)``: w* and the loss history."""
        w = self.init(seed)
        m = np.zeros_like(w)
        v = np.zeros_like(w)
        history = []
        for t in range(1, steps + 1):
            if progress is not None and t % 20 == 0:
                progress(t / steps)
            loss, g = self.loss_and_grad(w, X, y)
            history.append(loss)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        history.append(self.loss(w, X, y))
        return w, history
