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

The network and the data are in ``core.landscapes.mlp``; the roughness measures and the side-by-side
comparison in ``core.studies.slice_compare``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from core.landscape import in_chunks
from core.landscapes.mlp import (
    DEFAULT_DEPTH,
    DEFAULT_NOISE,
    DEFAULT_SAMPLES,
    DEFAULT_WIDTH,
    MLP,
    TRAIN_STEPS,
    VARIANTS,
    _bce,
    _sigmoid,
    make_moons,
)
from core.landscapes.searched import SearchedLandscape
from core.limits import MAX_NETWORK_COST, LimitError
from core.minima.grid import SLOW_GRID
from core.progress import Progress, checked_progress

__all__ = ["MLP", "VARIANTS", "NNConfig", "NNSliceLandscape", "make_moons", "make_nn_landscape"]

MAX_CHUNK_ELEMENTS = 2_000_000  # points × samples × width per chunk of a batched evaluation

ID_PREFIX = "nn-"
# (name, min, max) of each editable setting
SETTINGS = (("depth", 1, 10), ("width", 2, 32), ("seed", 0, 2**31 - 1), ("samples", 10, 2000))
SETTING_NAMES = tuple(name for name, _, _ in SETTINGS)


@dataclass(frozen=True)
class NNConfig:
    """Which network slice: the variant, depth, width and seed (data, initial weights, directions).

    Its ``id`` is ``nn-plain`` or ``nn-skip`` for the defaults, else e.g. ``nn-skip:depth=4,seed=2``
    (only the settings that differ from the defaults): the landscape id that files and the CLI use.
    """

    variant: str = "plain"
    depth: int = DEFAULT_DEPTH
    width: int = DEFAULT_WIDTH
    seed: int = 0
    samples: int = DEFAULT_SAMPLES

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown network variant {self.variant!r}; valid: {', '.join(VARIANTS)}")
        for name, lo, hi in SETTINGS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise ValueError(
                    f"network {name} {value!r} is out of range: expected a whole number {lo}..{hi}"
                )
        if self.cost > MAX_NETWORK_COST:
            raise LimitError(
                f"network depth {self.depth}, width {self.width}, {self.samples} samples: about "
                f"{self.cost:.2g} operations to train and slice, at most {MAX_NETWORK_COST:.2g} (the limit: "
                "about a minute); use fewer samples, layers or units"
            )

    @property
    def cost(self) -> float:
        """Operations to prepare the slice: the training steps and the slice's grid each evaluate the
        network (its weights) over every sample."""
        weights = 3 * self.width + (self.depth - 1) * self.width**2 + self.width + 1
        return float((TRAIN_STEPS + SLOW_GRID**2) * self.samples * weights)

    @property
    def id(self) -> str:
        defaults = NNConfig(self.variant)
        options = [
            f"{n}={getattr(self, n)}" for n in SETTING_NAMES if getattr(self, n) != getattr(defaults, n)
        ]
        return ID_PREFIX + self.variant + (":" + ",".join(options) if options else "")

    @classmethod
    def from_id(cls, landscape_id: str) -> NNConfig:
        """Parse ``nn-VARIANT[:depth=D,width=W,seed=S]``; ValueError says what is wrong."""
        head, _, rest = landscape_id.strip().partition(":")
        if not head.startswith(ID_PREFIX):
            raise ValueError(f"{landscape_id!r} is not a network landscape id (nn-plain or nn-skip)")
        values: dict[str, int] = {}
        for item in filter(None, (part.strip() for part in rest.split(","))):
            name, eq, value = (part.strip() for part in item.partition("="))
            if not eq or name not in SETTING_NAMES:
                raise ValueError(
                    f"bad network setting {item!r} in {landscape_id!r}: use {', '.join(SETTING_NAMES)}"
                )
            try:
                values[name] = int(value)
            except ValueError:
                raise ValueError(f"network {name} {value!r} is not a whole number") from None
        return cls(head.removeprefix(ID_PREFIX), **values)


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
        return in_chunks(lambda block: _slice_eval(*args, block, self.grad), points, rows)


@dataclass(frozen=True)
class NNSliceLandscape(SearchedLandscape):
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
    expensive: ClassVar[bool] = True

    @property
    def axis_names(self) -> tuple[str, ...]:
        return ("α (direction d₁)", "β (direction d₂)")

    @property
    def value_name(self) -> str:
        return "loss"

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


def make_nn_landscape(
    variant: str = "plain",
    depth: int = DEFAULT_DEPTH,
    width: int = DEFAULT_WIDTH,
    seed: int = 0,
    n: int = DEFAULT_SAMPLES,
    progress: Progress | None = None,
    search_minima: bool = True,
    cancel: threading.Event | None = None,
) -> NNSliceLandscape:
    """Train the ``variant`` MLP on two moons (seeded), slice its loss along two filter-normalized
    directions through w*, and find the slice's minima on [−1, 1]² (unless ``search_minima`` is False).

    ``progress`` gets fractions 0..1; setting ``cancel`` stops the work with ``Cancelled``.
    """
    config = NNConfig(variant, depth, width, seed, n)
    mlp = MLP(variant, depth, width)
    X, y = make_moons(n, DEFAULT_NOISE, seed)
    train_share = 0.1 if search_minima else 1.0
    report = checked_progress(progress, cancel, 0.0, train_share)
    report(0.0)
    center, history = mlp.train(X, y, seed=seed, progress=report)
    rng = np.random.default_rng([seed, 1])
    d1 = filter_normalized_direction(mlp, center, rng)
    d2 = filter_normalized_direction(mlp, center, rng)
    kind = "residual (skip) connections" if variant == "skip" else "no skip connections"
    land = NNSliceLandscape(
        id=config.id,
        name=f"Network slice: {variant} MLP, depth {depth}, width {width}, seed {seed}",
        dim=2,
        domain=((-1.0, 1.0), (-1.0, 1.0)),
        description=(
            f"the training loss of a tanh MLP ({depth} hidden layers of {width} units, {kind}) on {n} "
            f"two-moons points, on the plane through the trained weights w* (α = β = 0, loss "
            f"{history[-1]:.3g}) spanned by two filter-normalized random directions (Li et al. 2018)"
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
        search_progress = checked_progress(progress, cancel, train_share)
        land = land.searched(progress=search_progress)
    checked_progress(progress, cancel)(1.0)
    return land
