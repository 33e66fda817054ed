"""Data landscapes: the loss of a small model over a dataset, with analytic gradients.

``L(θ) = mean_i ½ (model(θ, xᵢ) − yᵢ)²`` over the samples ``(xᵢ, yᵢ)`` of a :class:`Dataset`. The
full-data loss is the landscape's ``value_fn``/``grad_fn``; ``batch_value``/``batch_grad`` give the
loss of each point over its own minibatch, drawn by ``core.methods.batching.MinibatchSampler``.

Models (``DataLandscape.model``):

* ``sine``: ``ŷ = sin(w·x)``, θ = (w,) — fitting a frequency is multimodal in w.
* ``sine-phase``: ``ŷ = sin(w·x + b)``, θ = (w, b).
* ``rbf``: ``ŷ = c·exp(−(x − a)²)``, θ = (a, c) — a one-unit radial-basis network: centre a and
  output weight c. Its data are two bumps of heights 1 and 0.6 at x = −1.5 and x = +1.5: putting
  the unit on the big bump is the global minimum, on the small bump a genuine local one.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from core.files import TextFileError, read_text_limited
from core.forked import call_in_child
from core.landscape import in_chunks
from core.landscapes.searched import SearchedLandscape
from core.limits import MAX_SAMPLES, check_count

MAX_CHUNK_ELEMENTS = 5_000_000  # the full loss evaluates N×n predictions in chunks at most this big
MAX_DATA_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_SAMPLES = 64
DEFAULT_NOISE = 0.1
DEFAULT_SEED = 0

# A model maps θ columns (each (N, 1)) and inputs x ((N or 1, B)) to predictions (N, B) and, when
# asked, the derivative of the prediction by each parameter (a list of dim arrays broadcastable to it).
ModelFn = Callable[[np.ndarray, np.ndarray, bool], tuple[np.ndarray, list[np.ndarray] | None]]


def _sine(theta: np.ndarray, x: np.ndarray, jac: bool) -> tuple[np.ndarray, list[np.ndarray] | None]:
    z = theta[:, 0:1] * x
    return np.sin(z), ([x * np.cos(z)] if jac else None)


def _sine_phase(theta: np.ndarray, x: np.ndarray, jac: bool) -> tuple[np.ndarray, list[np.ndarray] | None]:
    z = theta[:, 0:1] * x + theta[:, 1:2]
    if not jac:
        return np.sin(z), None
    cos = np.cos(z)
    return np.sin(z), [x * cos, cos]


def _rbf(theta: np.ndarray, x: np.ndarray, jac: bool) -> tuple[np.ndarray, list[np.ndarray] | None]:
    d = x - theta[:, 0:1]
    bump = np.exp(-d * d)
    pred = theta[:, 1:2] * bump
    return pred, ([2.0 * d * pred, bump] if jac else None)


# id -> the names of its parameters (the view's axes)
PARAMETER_NAMES = {"sine": ("w",), "sine-phase": ("w", "b"), "rbf": ("a", "c")}
# id -> (number of parameters, model function)
MODELS: dict[str, tuple[int, ModelFn]] = {
    "sine": (1, _sine),
    "sine-phase": (2, _sine_phase),
    "rbf": (2, _rbf),
}


def _loss(model: str, theta: np.ndarray, x: np.ndarray, y: np.ndarray, grad: bool) -> np.ndarray:
    """The loss (N,) or its gradient (N, dim) of each θ row over the samples in its row of x and y."""
    with np.errstate(all="ignore"):  # data near 1e308 overflows to inf: a value, not a warning
        pred, jac = MODELS[model][1](theta, x, grad)
        r = pred - y
        if not grad:
            return 0.5 * np.mean(r * r, axis=1)
        out = np.empty(theta.shape, dtype=float)
        for k, dk in enumerate(jac):  # a loop over the (≤ 2) parameters only
            out[:, k] = np.mean(r * dk, axis=1)
    return out


@dataclass(frozen=True, eq=False)
class _FullLoss:
    """The full-data loss (or gradient) as a picklable callable, chunked over points to bound memory."""

    model: str
    x: np.ndarray
    y: np.ndarray
    grad: bool

    def __call__(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        rows = max(1, MAX_CHUNK_ELEMENTS // max(1, self.x.size))
        x, y = self.x[None, :], self.y[None, :]
        return in_chunks(lambda block: _loss(self.model, block, x, y, self.grad), points, rows)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Samples ``(x[i], y[i])`` as read-only float arrays of shape (n,), and where they came from."""

    x: np.ndarray
    y: np.ndarray
    source: str = ""

    def __post_init__(self) -> None:
        x = np.array(self.x, dtype=float).reshape(-1)
        y = np.array(self.y, dtype=float).reshape(-1)
        if x.shape != y.shape or x.size == 0:
            raise ValueError(f"a dataset needs as many x as y values (at least 1): got {x.size} and {y.size}")
        check_count("samples", x.size, MAX_SAMPLES)
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("a dataset's values must be finite numbers")
        x.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return int(self.x.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        same_data = np.array_equal(self.x, other.x) and np.array_equal(self.y, other.y)
        return self.source == other.source and same_data

    def __hash__(self) -> int:
        return hash((self.source, self.x.size, self.x.tobytes()[:64], self.y.tobytes()[:64]))


@dataclass(frozen=True)
class DataLandscape(SearchedLandscape):
    """The loss of ``model`` over ``dataset`` as a landscape in θ.

    ``value_fn``/``grad_fn`` are always derived from ``model`` and ``dataset`` (anything passed for
    them is replaced), so ``dataclasses.replace`` keeps them consistent with the data.
    """

    value_fn: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)
    grad_fn: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False, compare=False)
    dataset: Dataset | None = field(default=None, compare=False, repr=False)
    model: str = "sine"

    def __post_init__(self) -> None:
        if not isinstance(self.dataset, Dataset):
            raise TypeError("a DataLandscape needs a Dataset")
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; valid: {', '.join(MODELS)}")
        if MODELS[self.model][0] != self.dim:
            raise ValueError(f"model {self.model!r} has {MODELS[self.model][0]} parameter(s), not {self.dim}")
        x, y = self.dataset.x, self.dataset.y
        object.__setattr__(self, "grid_cache", {})  # a copy with other data must not see the old grids
        object.__setattr__(self, "value_fn", _FullLoss(self.model, x, y, grad=False))
        object.__setattr__(self, "grad_fn", _FullLoss(self.model, x, y, grad=True))

    @property
    def axis_names(self) -> tuple[str, ...]:
        return PARAMETER_NAMES[self.model]

    @property
    def value_name(self) -> str:
        return "L"

    def predict(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The model's prediction at inputs ``x`` (B,) for parameters ``theta`` (dim,): (B,)."""
        theta = np.asarray(theta, dtype=float).reshape(1, self.dim)
        with np.errstate(all="ignore"):
            return MODELS[self.model][1](theta, np.asarray(x, dtype=float)[None, :], False)[0][0]

    @property
    def n_samples(self) -> int:
        """The number of samples in the dataset."""
        return len(self.dataset)

    def _batch(self, theta: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        theta = np.asarray(theta, dtype=float).reshape(-1, self.dim)
        idx = np.asarray(idx)
        if idx.ndim != 2 or idx.shape[0] != theta.shape[0] or idx.shape[1] == 0:
            raise ValueError(f"idx must have shape ({theta.shape[0]}, B) with B ≥ 1, got {idx.shape}")
        return theta, self.dataset.x[idx], self.dataset.y[idx]

    def batch_value(self, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The loss (N,) of each row r of ``theta`` (N, dim) over its own samples ``idx[r]`` (idx: (N, B))."""
        theta, x, y = self._batch(theta, idx)
        return _loss(self.model, theta, x, y, grad=False)

    def sample_losses(self, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Each sample's own loss ½(model(θ, xᵢ) − yᵢ)² (N, B) for row r of ``theta`` (N, dim) over the
        samples ``idx[r]`` (idx: (N, B)); ``batch_value`` is its row mean. Overflow gives inf, never a
        warning."""
        theta, x, y = self._batch(theta, idx)
        with np.errstate(all="ignore"):
            r = MODELS[self.model][1](theta, x, False)[0] - y
            return 0.5 * r * r

    def batch_grad(self, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The exact gradient (N, dim) of ``batch_value`` with respect to each row of ``theta``."""
        theta, x, y = self._batch(theta, idx)
        return _loss(self.model, theta, x, y, grad=True)

    def per_sample_grads(self, theta: np.ndarray) -> np.ndarray:
        """The gradient (n, dim) of each sample's own loss ½(model(θ, xᵢ) − yᵢ)² at one point θ (dim,)."""
        theta = np.asarray(theta, dtype=float).reshape(1, self.dim)
        pred, jac = MODELS[self.model][1](theta, self.dataset.x[None, :], True)
        r = (pred - self.dataset.y[None, :])[0]
        return np.column_stack([r * np.broadcast_to(dk, pred.shape)[0] for dk in jac])

    def with_dataset(self, dataset: Dataset) -> DataLandscape:
        """The same model and domain over another dataset (at least 2 samples), minima searched anew."""
        if not isinstance(dataset, Dataset):
            raise TypeError("with_dataset needs a Dataset")
        if len(dataset) < 2:
            raise ValueError(f"the dataset has {len(dataset)} sample(s); at least 2 are needed")
        return replace(self, dataset=dataset, minima=()).searched()


# --- the built-in data landscapes ------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    name: str
    model: str
    domain: tuple[tuple[float, float], ...]
    target: Callable[[np.ndarray], np.ndarray]  # the noise-free y of an x
    description: str
    formula: str
    x_range: tuple[float, float] = (-3.0, 3.0)


def _bumps(x: np.ndarray) -> np.ndarray:
    return np.exp(-((x + 1.5) ** 2)) + 0.6 * np.exp(-((x - 1.5) ** 2))


_SPECS: dict[str, _Spec] = {
    "fit-frequency": _Spec(
        "Fit a frequency: sin(w·x)",
        "sine",
        ((-1.0, 6.0),),
        lambda x: np.sin(2.0 * x),
        "fit the frequency w of y = sin(2x) + noise (x in [−5, 5]): a row of local minima around the "
        "global one near w = 2, and a trap near w = 0 where the model predicts ≈ 0",
        "L(w) = mean ½(sin(w·xᵢ) − yᵢ)²",
        x_range=(-5.0, 5.0),
    ),
    "fit-frequency-phase": _Spec(
        "Fit frequency and phase: sin(w·x + b)",
        "sine-phase",
        ((-1.0, 6.0), (-np.pi, np.pi)),
        lambda x: np.sin(2.0 * x + 0.5),
        "fit w and b of y = sin(2x + 0.5) + noise (x in [−3, 3]): the global minimum near (2, 0.5), "
        "local ones around it, and a mirrored pair near w = 0 where the model predicts ≈ 0",
        "L(w, b) = mean ½(sin(w·xᵢ + b) − yᵢ)²",
    ),
    "tiny-net": _Spec(
        "Tiny network: c·exp(−(x − a)²)",
        "rbf",
        ((-4.0, 4.0), (-1.0, 2.0)),
        _bumps,
        "one radial-basis unit (centre a, output weight c) fitting two bumps, of heights 1 at x = −1.5 "
        "and 0.6 at x = +1.5: the big bump is the global minimum, the small one a local minimum",
        "L(a, c) = mean ½(c·exp(−(xᵢ − a)²) − yᵢ)²",
    ),
}

DATA_LANDSCAPE_IDS: tuple[str, ...] = tuple(_SPECS)


def generate_dataset(
    landscape_id: str, n: int = DEFAULT_SAMPLES, noise: float = DEFAULT_NOISE, seed: int = DEFAULT_SEED
) -> Dataset:
    """The generated dataset of a data landscape: x uniform on its range, y = target(x) + noise·N(0, 1)."""
    spec = _spec(landscape_id)
    if isinstance(n, bool) or int(n) != n or not 2 <= n <= 1_000_000:
        raise ValueError(f"n={n} samples is out of range: expected a whole number in 2..1000000")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise={noise} must be a finite number ≥ 0")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"seed={seed} must be a non-negative whole number")
    n, seed, noise = int(n), int(seed), float(noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(*spec.x_range, size=n)
    y = spec.target(x) + noise * rng.standard_normal(n)
    return Dataset(x, y, f"generated: n={n}, noise={noise:g}, seed={seed}")


@functools.lru_cache(maxsize=32)
def make_data_landscape(
    landscape_id: str, n: int = DEFAULT_SAMPLES, noise: float = DEFAULT_NOISE, seed: int = DEFAULT_SEED
) -> DataLandscape:
    """The data landscape ``landscape_id`` over its generated dataset, minima found numerically (cached)."""
    spec = _spec(landscape_id)
    land = DataLandscape(
        id=landscape_id,
        name=spec.name,
        dim=len(spec.domain),
        domain=spec.domain,
        description=spec.description,
        formula=spec.formula,
        dataset=generate_dataset(landscape_id, n, noise, seed),
        model=spec.model,
    )
    return land.searched()


def data_landscape_info(landscape_id: str) -> tuple[str, str, str]:
    """A data landscape's name, description and formula, without building it (no data, no search)."""
    spec = _spec(landscape_id)
    return spec.name, spec.description, spec.formula


def _spec(landscape_id: str) -> _Spec:
    try:
        return _SPECS[landscape_id]
    except KeyError:
        raise ValueError(f"unknown data landscape {landscape_id!r}; valid: {', '.join(_SPECS)}") from None


# --- datasets from CSV files -----------------------------------------------------------------------


class DataFileError(ValueError):
    """A data file that cannot be used, with a message naming the line and the problem."""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _fields(line: str) -> list[str]:
    sep = "," if "," in line else ";" if ";" in line else None
    return [f.strip().strip('"').strip() for f in line.split(sep)]


def load_csv_dataset(path: str | os.PathLike) -> Dataset:
    """Read x,y pairs from a text file, one per line (comma, semicolon, tab or space separated).

    An optional header (a first line with no number in it), blank lines and ``#`` comments are
    skipped. Raises :class:`DataFileError` naming the 1-based line for a wrong column count, a
    non-number, NaN or infinity, and for fewer than 2 rows, an unreadable, non-UTF-8 or too big file.
    """
    name = os.fspath(path)
    try:
        text = read_text_limited(name, MAX_DATA_FILE_BYTES)
    except TextFileError as exc:
        messages = {
            "unreadable": f"cannot read {name}: {exc.detail}",
            "too-large": f"{name} is larger than {MAX_DATA_FILE_BYTES // (1024 * 1024)} MB",
            "not-utf8": f"line {exc.line}: {name} is not UTF-8 text (byte 0x{exc.byte:02x})",
        }
        raise DataFileError(messages[exc.kind]) from None
    rows: list[tuple[float, float]] = []
    seen_content = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = _fields(stripped)
        values = [_number(f) for f in fields]
        if not seen_content and all(v is None for v in values):
            seen_content = True  # a header line
            continue
        seen_content = True
        rows.append(_row(number, fields, values))
        if len(rows) > MAX_SAMPLES:
            raise DataFileError(f"line {number}: more than {MAX_SAMPLES:,} data rows (the limit of samples)")
    if len(rows) < 2:
        count = "no data rows" if not rows else "1 data row"
        raise DataFileError(f"the file has {count}; at least 2 are needed")
    data = np.array(rows, dtype=float)
    return Dataset(data[:, 0], data[:, 1], name)


def load_csv_dataset_apart(path: str | os.PathLike, cancel: threading.Event | None = None) -> Dataset:
    """``load_csv_dataset(path)`` read in a forked child process (``core.forked``): parsing a big file
    would hold the caller's interpreter lock (and so its window) for a tenth of a second and more."""
    return call_in_child(_read_csv, path, cancel=cancel)


def _read_csv(path: str | os.PathLike, progress=None) -> Dataset:
    return load_csv_dataset(path)


def _row(number: int, fields: list[str], values: list[float | None]) -> tuple[float, float]:
    if len(fields) != 2:
        raise DataFileError(f"line {number}: expected 2 numbers, got {len(fields)}")
    for text, value in zip(fields, values, strict=True):
        if not text:
            raise DataFileError(f"line {number}: a value is missing")
        if value is None:
            raise DataFileError(f"line {number}: {text!r} is not a number")
        if np.isnan(value):
            raise DataFileError(f"line {number}: NaN is not allowed")
        if np.isinf(value):
            raise DataFileError(f"line {number}: {text!r} is infinite; only finite numbers are allowed")
    return values[0], values[1]
