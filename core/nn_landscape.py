"""A 2-D slice through the loss landscape of a small neural network (Li et al. 2018, "Visualizing
the Loss Landscape of Neural Nets").

An MLP (2 inputs → ``depth`` hidden layers of ``width`` tanh units → 1 logit, mean binary
cross-entropy) is trained with full-batch Adam on the two-moons dataset to get ``w*``. Two random
directions ``d1``, ``d2`` are *filter-normalized*: every row of a weight matrix of ``d`` (the weights
into one output unit) is rescaled to the norm of the same row of ``w*``. Biases get 0 in the
directions (Li et al. ignore biases and batch-norm parameters; here the slice then moves only the
weights, and the scale of the picture does not depend on the bias magnitudes). The landscape is

    L(α, β) = loss(w* + α·d1 + β·d2),   ∇L(α, β) = (∇loss(w)·d1, ∇loss(w)·d2)

with the gradient from backpropagation. Variants (same width and depth):

* ``plain``: ``h₁ = tanh(W₀x + b₀)``, ``h_{k+1} = tanh(W_k h_k + b_k)``.
* ``skip``:  ``h₁ = tanh(W₀x + b₀)``, ``h_{k+1} = h_k + tanh(W_k h_k + b_k)`` for k ≥ 1 (residual).

Parameters are a list ``[W₀, b₀, W₁, b₁, …, W_out, b_out]`` with ``W`` of shape (out, in); a flat
vector concatenates them in that order (row-major).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from core.landscape import Landscape
from core.minima_search import _grid_local_minima, find_minima

VARIANTS = ("plain", "skip")
DEFAULT_DEPTH = 6
DEFAULT_WIDTH = 12
DEFAULT_SAMPLES = 200
DEFAULT_NOISE = 0.15  # slightly overlapping moons: the trained loss stays above 0 (no flat zero plateau)
TRAIN_STEPS = 400
TRAIN_LR = 0.01
MAX_CHUNK_ELEMENTS = 2_000_000  # points × samples × width per chunk of a batched evaluation

Progress = Callable[[float], None]


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
        self, X: np.ndarray, y: np.ndarray, seed: int = 0, steps: int = TRAIN_STEPS, lr: float = TRAIN_LR
    ) -> tuple[np.ndarray, list[float]]:
        """Full-batch Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) from ``init(seed)``: w* and the loss history."""
        w = self.init(seed)
        m = np.zeros_like(w)
        v = np.zeros_like(w)
        history = []
        for t in range(1, steps + 1):
            loss, g = self.loss_and_grad(w, X, y)
            history.append(loss)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w = w - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        history.append(self.loss(w, X, y))
        return w, history


def filter_normalized_direction(mlp: MLP, center: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction whose every weight row has the norm of that row of ``center``; biases 0."""
    ref = mlp.unflatten(center)
    out = []
    for p in ref:
        if p.ndim == 1:
            out.append(np.zeros_like(p))
            continue
        d = rng.standard_normal(p.shape)
        d *= (np.linalg.norm(p, axis=1) / np.maximum(np.linalg.norm(d, axis=1), 1e-300))[:, None]
        out.append(d)
    return mlp.flatten(out)


# --- the slice, batched over points ----------------------------------------------------------------


def _slice_eval(
    mlp: MLP,
    center: np.ndarray,
    d1: np.ndarray,
    d2: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    ab: np.ndarray,
    grad: bool,
) -> np.ndarray:
    """L (C,) or ∇L (C, 2) at the slice points ``ab`` (C, 2), all C networks at once.

    Each point gets its own weights ``W* + αD₁ + βD₂`` (shape (C, out, in)); the forward and backward
    passes are batched matrix products over them. The backward pass forms each point's full weight
    gradient ``G = gzᵀ h`` (C, out, in) and bias gradient, and contracts them with the directions.
    """
    n = len(X)
    a2, b2 = ab[:, 0:1], ab[:, 1:2]
    a3, b3 = a2[:, :, None], b2[:, :, None]
    P0, P1, P2 = mlp.unflatten(center), mlp.unflatten(d1), mlp.unflatten(d2)
    Ws = [P0[2 * k] + a3 * P1[2 * k] + b3 * P2[2 * k] for k in range(mlp.n_layers)]  # (C, out, in)
    bs = [P0[2 * k + 1] + a2 * P1[2 * k + 1] + b2 * P2[2 * k + 1] for k in range(mlp.n_layers)]  # (C, out)
    h = np.broadcast_to(X, (len(ab),) + X.shape)
    inputs, acts = [], []
    for k in range(mlp.n_layers):
        inputs.append(h)
        z = np.matmul(h, Ws[k].transpose(0, 2, 1))
        z += bs[k][:, None, :]
        if k == mlp.depth:
            logit = z[..., 0]
            break
        t = np.tanh(z, out=z)
        acts.append(t)
        h = h + t if mlp.residual(k) else t
    if not grad:
        return _bce(logit, y)
    out = np.zeros((len(ab), 2))
    gz = ((_sigmoid(logit) - y) / n)[..., None]  # (C, n, 1)
    gh_out = np.zeros(0)
    for k in range(mlp.depth, -1, -1):
        G = np.matmul(gz.transpose(0, 2, 1), inputs[k])  # (C, out, in)
        gb = gz.sum(axis=1)  # (C, out)
        out[:, 0] += np.einsum("coi,oi->c", G, P1[2 * k]) + gb @ P1[2 * k + 1]
        out[:, 1] += np.einsum("coi,oi->c", G, P2[2 * k]) + gb @ P2[2 * k + 1]
        if k == 0:
            break
        gh = np.matmul(gz, Ws[k])  # dloss/d(input of layer k)
        if mlp.residual(k):
            gh += gh_out
        gh_out = gh  # dloss/d(output of layer k - 1)
        gz = gh * (1.0 - acts[k - 1] ** 2)
    return out


@dataclass(frozen=True, eq=False)
class _SliceLoss:
    """L or ∇L on the slice as a picklable callable, chunked over points to bound memory."""

    mlp: MLP
    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    X: np.ndarray
    y: np.ndarray
    grad: bool

    def __call__(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        per_point = len(self.X) * self.mlp.width * (3 * self.mlp.depth if self.grad else 2)
        rows = max(1, MAX_CHUNK_ELEMENTS * (4 if not self.grad else 1) // per_point)
        args = (self.mlp, self.center, self.d1, self.d2, self.X, self.y)
        parts = [_slice_eval(*args, points[s : s + rows], self.grad) for s in range(0, len(points), rows)]
        if not parts:
            return np.zeros((0, 2)) if self.grad else np.zeros(0)
        return np.concatenate(parts)


@dataclass(frozen=True)
class NNSliceLandscape(Landscape):
    """``L(α, β) = loss(center + α·d1 + β·d2)`` of the network ``mlp`` over the samples (X, y).

    ``value_fn``/``grad_fn`` are always derived from the other fields (anything passed is replaced).
    """

    value_fn: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)
    grad_fn: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)
    mlp: MLP | None = field(default=None, compare=False, repr=False)
    center: np.ndarray | None = field(default=None, compare=False, repr=False)
    d1: np.ndarray | None = field(default=None, compare=False, repr=False)
    d2: np.ndarray | None = field(default=None, compare=False, repr=False)
    X: np.ndarray | None = field(default=None, compare=False, repr=False)
    y: np.ndarray | None = field(default=None, compare=False, repr=False)
    trained_loss: float | None = field(default=None, compare=False, repr=False)
    seed: int | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.mlp, MLP) or any(
            v is None for v in (self.center, self.d1, self.d2, self.X, self.y)
        ):
            raise TypeError("an NNSliceLandscape needs mlp, center, d1, d2, X and y")
        if self.dim != 2:
            raise ValueError(f"an NN slice is 2-D, not {self.dim}-D")
        arrays = {}
        for name in ("center", "d1", "d2", "X", "y"):
            arr = np.array(getattr(self, name), dtype=float)
            arr.setflags(write=False)
            arrays[name] = arr
            object.__setattr__(self, name, arr)
        for name in ("center", "d1", "d2"):
            if arrays[name].shape != (self.mlp.n_params,):
                raise ValueError(
                    f"{name} must have {self.mlp.n_params} entries, got shape {arrays[name].shape}"
                )
        object.__setattr__(self, "value_fn", _SliceLoss(self.mlp, *arrays.values(), grad=False))
        object.__setattr__(self, "grad_fn", _SliceLoss(self.mlp, *arrays.values(), grad=True))

    def params_at(self, alpha: float, beta: float) -> np.ndarray:
        """The flat network parameters at slice point (α, β)."""
        return self.center + alpha * self.d1 + beta * self.d2

    def with_domain(self, domain: tuple[tuple[float, float], ...]) -> NNSliceLandscape:
        """The same slice on another box, minima searched anew on it."""
        land = super().with_domain(domain)
        return replace(land, minima=find_minima(land))


def make_nn_landscape(
    variant: str = "plain",
    depth: int = DEFAULT_DEPTH,
    width: int = DEFAULT_WIDTH,
    seed: int = 0,
    n: int = DEFAULT_SAMPLES,
    progress: Progress | None = None,
    search_minima: bool = True,
) -> NNSliceLandscape:
    """Train the ``variant`` MLP on two moons (seeded), slice its loss along two filter-normalized
    directions through w*, and find the slice's minima on [−1, 1]² (unless ``search_minima`` is False).
    ``progress`` gets fractions 0..1."""
    mlp = MLP(variant, depth, width)
    X, y = make_moons(n, DEFAULT_NOISE, seed)
    if progress is not None:
        progress(0.0)
    center, history = mlp.train(X, y, seed=seed)
    if progress is not None:
        progress(0.3)
    rng = np.random.default_rng([seed, 1])
    d1 = filter_normalized_direction(mlp, center, rng)
    d2 = filter_normalized_direction(mlp, center, rng)
    kind = "residual (skip) connections" if variant == "skip" else "no skip connections"
    land = NNSliceLandscape(
        id=f"nn-{variant}",
        name=f"Network slice: {variant} MLP, depth {depth}, width {width}",
        dim=2,
        domain=((-1.0, 1.0), (-1.0, 1.0)),
        description=(
            f"the training loss of a tanh MLP ({depth} hidden layers of {width} units, {kind}) on {n} "
            f"two-moons points, on the plane through the trained weights w* (α = β = 0, loss "
            f"{history[-1]:.3f}) spanned by two filter-normalized random directions (Li et al. 2018)"
        ),
        formula="L(α, β) = mean BCE(net(w* + α·d₁ + β·d₂; xᵢ), yᵢ)",
        mlp=mlp,
        center=center,
        d1=d1,
        d2=d2,
        X=X,
        y=y,
        trained_loss=history[-1],
        seed=seed,
    )
    if search_minima:
        land = replace(land, minima=find_minima(land))
    if progress is not None:
        progress(1.0)
    return land


# --- analysis --------------------------------------------------------------------------------------


def grid_slice(land: Landscape, n: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """α (n,), β (n,) over the domain and the loss Z (n, n) with ``Z[i, j] = L(α_i, β_j)``."""
    (a0, a1), (b0, b1) = land.domain
    alphas, betas = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
    A, B = np.meshgrid(alphas, betas, indexing="ij")
    Z = land.value(np.column_stack([A.ravel(), B.ravel()])).reshape(n, n)
    return alphas, betas, Z


def roughness(land: Landscape, grid: int = 101) -> dict[str, float]:
    """How rough a 2-D slice is on a ``grid``×``grid`` grid over its domain.

    * ``local_minima``: grid cells no higher than their 8 neighbours and strictly below one
      (``core.minima_search._grid_local_minima``).
    * ``curvature_ratio``: the mean over grid points of ``|λ_min| / |λ_max|``, where λ_min ≤ λ_max
      are the eigenvalues of the 2×2 Hessian of the slice (central differences, step 1e-4 × domain,
      of the analytic gradient, symmetrized). Near 0 where the slice is convex and one direction
      dominates, ≈ 1 or more where negative curvature is as strong as positive (Li et al. use
      |λ_min/λ_max| as a measure of non-convexity).
    * ``nonconvex_fraction``: the fraction of grid points with λ_min < 0.
    """
    alphas, betas, Z = grid_slice(land, grid)
    A, B = np.meshgrid(alphas, betas, indexing="ij")
    pts = np.column_stack([A.ravel(), B.ravel()])
    h = 1e-4 * land.scale
    H = np.empty((len(pts), 2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        H[:, :, j] = (land.grad(pts + e) - land.grad(pts - e)) / (2 * h)
    H = 0.5 * (H + H.transpose(0, 2, 1))
    lam = np.linalg.eigvalsh(H)  # ascending
    lo, hi = lam[:, 0], lam[:, 1]
    ratio = np.abs(lo) / np.maximum(np.abs(hi), 1e-300)
    return {
        "local_minima": int(len(_grid_local_minima(Z))),
        "curvature_ratio": float(np.mean(ratio)),
        "nonconvex_fraction": float(np.mean(lo < 0)),
    }


if __name__ == "__main__":  # timing and roughness for a few seeds
    for s in range(3):
        for var in VARIANTS:
            t0 = time.perf_counter()
            nl = make_nn_landscape(var, seed=s)
            t1 = time.perf_counter()
            grid_slice(nl, 101)
            t2 = time.perf_counter()
            r = roughness(nl)
            print(
                f"seed {s} {var:5s}: make {t1 - t0:5.2f}s, 101² slice {t2 - t1:5.2f}s, trained loss "
                f"{nl.trained_loss:.3f}, {len(nl.minima)} minima, roughness {r}"
            )
