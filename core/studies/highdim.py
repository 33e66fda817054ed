"""High-dimensional random landscapes: most critical points are saddles, minima are all about as good.

Two claims about non-convex losses in many dimensions (Dauphin et al. 2014, "Identifying and attacking the
saddle point problem"; Choromanska et al. 2015, "The loss surfaces of multilayer networks"), shown with
computations on one family of random smooth functions built the same way in every dimension d:

    f(x) = sqrt(d) · Σ_k a_k cos(ω_k·x + φ_k) / sqrt(K)  +  ½ c ‖x‖²,

    ω_k ~ N(0, I_d / ℓ²),  a_k ~ N(0, 1),  φ_k ~ U(0, 2π),  ℓ = ℓ₀ sqrt(d).

The random part is a random-Fourier-feature draw of a Gaussian field with squared-exponential covariance;
the quadratic term confines it so that minima exist.  The random part's variance (d/2) and length scale
(ℓ₀ sqrt(d)) both grow with d — the scaling of Bray & Dean (2007) and Fyodorov (2004) — so that the loss per
dimension f/d and the Hessian's eigenvalue spread stay of order one and the dimensions can be compared.
Reported losses are per dimension (``f(x) / d``).

* ``find_critical_points`` minimizes ½‖∇f‖² from many random starts (gradient H∇f, as analytic
  Hessian-vector products), polishes with damped Newton steps on ∇f = 0, and classifies each critical point
  by its Hessian index (fraction of negative eigenvalues).
* ``study`` measures, per d, the share of minima among the critical points found, how the index goes with
  the loss, and the spread of the final losses of gradient descent from many random starts.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from core.progress import Progress, report

MAX_DIM = 100
MAX_DIMS_LISTED = 20


class RandomLandscape:
    """A random smooth function of d variables (see the module docstring); vectorized and analytic."""

    def __init__(
        self,
        d: int,
        n_features: int = 512,
        seed: int = 0,
        length_scale: float = 0.3,
        curvature: float = 1.0,
    ) -> None:
        if d < 1 or n_features < 1:
            raise ValueError("d and n_features must be positive")
        rng = np.random.default_rng([seed, d])
        self.d = int(d)
        self.n_features = int(n_features)
        self.length_scale = float(length_scale) * np.sqrt(d)  # ℓ = ℓ₀ sqrt(d)
        self.curvature = float(curvature)
        self.omega = rng.normal(0.0, 1.0 / self.length_scale, size=(n_features, d))  # (K, d)
        self.phase = rng.uniform(0.0, 2.0 * np.pi, size=n_features)  # (K,)
        # amplitude sqrt(d) / sqrt(K) folded into the coefficients
        self.coef = rng.normal(0.0, 1.0, size=n_features) * np.sqrt(d / n_features)  # (K,)

    # --- evaluation ---------------------------------------------------------------------------
    def _theta(self, X: np.ndarray) -> np.ndarray:
        return X @ self.omega.T + self.phase  # (N, K)

    def value(self, X: np.ndarray) -> np.ndarray:
        """f at each row of X (N, d) -> (N,)."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return np.cos(self._theta(X)) @ self.coef + 0.5 * self.curvature * np.sum(X * X, axis=1)

    def grad(self, X: np.ndarray) -> np.ndarray:
        """∇f at each row of X (N, d) -> (N, d)."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return -(np.sin(self._theta(X)) * self.coef) @ self.omega + self.curvature * X

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """∇²f at one point x (d,) -> (d, d)."""
        x = np.asarray(x, dtype=float).reshape(self.d)
        w = self.coef * np.cos(self.omega @ x + self.phase)  # (K,)
        return -(self.omega.T * w) @ self.omega + self.curvature * np.eye(self.d)

    def hessians(self, X: np.ndarray) -> np.ndarray:
        """∇²f at each row of X (N, d) -> (N, d, d)."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        W = self.coef * np.cos(self._theta(X))  # (N, K)
        H = -np.matmul(self.omega.T[None] * W[:, None, :], self.omega)
        return H + self.curvature * np.eye(self.d)

    def grad_and_hvp(self, X: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(∇f, ∇²f·v) at each row of X, for the matching row of V; both (N, d)."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        theta = self._theta(X)
        g = -(np.sin(theta) * self.coef) @ self.omega + self.curvature * X
        hv = -((np.cos(theta) * self.coef) * (V @ self.omega.T)) @ self.omega + self.curvature * V
        return g, hv

    def grad_hvp_self(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(∇f, ∇²f·∇f) at each row of X — the gradient of ½‖∇f‖² is the second; one pass over features."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        theta = self._theta(X)
        g = -(np.sin(theta) * self.coef) @ self.omega + self.curvature * X
        hg = -((np.cos(theta) * self.coef) * (g @ self.omega.T)) @ self.omega + self.curvature * g
        return g, hg

    def start_points(self, n: int, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
        """n random starts from N(0, scale² / c · I_d): coordinates where the quadratic term matters."""
        sigma = scale * np.sqrt(1.0 / self.curvature) if self.curvature > 0 else scale
        return rng.normal(0.0, sigma, size=(n, self.d))


# --- Hessian index --------------------------------------------------------------------------------
def hessian_index(H: np.ndarray, tol: float = 0.0) -> float:
    """Fraction of the eigenvalues of the symmetric matrix H that are negative (below −tol)."""
    H = np.asarray(H, dtype=float)
    if H.ndim == 0:
        H = H.reshape(1, 1)
    eig = np.linalg.eigvalsh(0.5 * (H + H.T))
    return float(np.mean(eig < -tol))


# --- critical points ------------------------------------------------------------------------------
@dataclass
class CriticalPoints:
    points: np.ndarray  # (M, d)
    losses: np.ndarray  # (M,) per dimension, f/d
    indices: np.ndarray  # (M,) fraction of negative Hessian eigenvalues
    grad_norms: np.ndarray  # (M,)
    n_starts: int = 0
    n_converged: int = 0  # starts that reached ‖∇f‖ < tol (before deduplication)


def _hessians(f, X: np.ndarray) -> np.ndarray:
    if hasattr(f, "hessians"):
        return f.hessians(X)
    return np.stack([f.hessian(x) for x in X])


def find_critical_points(
    f: RandomLandscape,
    n_starts: int = 200,
    seed: int = 0,
    *,
    steps: int = 200,
    lr: float = 0.05,
    newton_steps: int = 30,
    tol: float = 1e-8,
    dedup_tol: float = 1e-4,
    start_scale: float = 1.0,
    starts: np.ndarray | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CriticalPoints:
    """Critical points of f found by minimizing ½‖∇f‖² from ``n_starts`` random starts.

    Stage 1: Adam on ½‖∇f‖² (its gradient is H∇f, computed as Hessian-vector products), all starts at once.
    Stage 2: damped Newton on ∇f = 0 (step −H⁻¹∇f, halved until ‖∇f‖ decreases), which converges to
    critical points of any index.  Points with ‖∇f‖ < tol are kept, duplicates (closer than
    ``dedup_tol`` · sqrt(d)) dropped; each is classified by its Hessian index.

    ``progress`` gets the fraction done (Adam counts 60 %, Newton 40 %); ``cancel`` is checked every
    few Adam steps and every Newton iteration (raises ``Cancelled``).  Neither changes the result.
    """
    rng = np.random.default_rng(seed)
    X = f.start_points(n_starts, rng, start_scale) if starts is None else np.array(starts, dtype=float)
    n, d = X.shape
    # Stage 1: Adam on q = ½‖g‖²
    m = np.zeros_like(X)
    v = np.zeros_like(X)
    b1, b2, eps = 0.9, 0.999, 1e-12
    for t in range(1, steps + 1):
        if t % 10 == 1:
            report(progress, cancel, 0.6 * (t - 1) / steps)
        _, hg = _grad_hvp(f, X)
        m = b1 * m + (1 - b1) * hg
        v = b2 * v + (1 - b2) * hg * hg
        X = X - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    # Stage 2: damped Newton on g = 0
    g = f.grad(X)
    gn = np.linalg.norm(g, axis=1)
    for k in range(newton_steps):
        report(progress, cancel, 0.6 + 0.4 * k / newton_steps)
        active = gn >= tol * 1e-2
        if not active.any():
            break
        idx = np.flatnonzero(active)
        H = _hessians(f, X[idx])
        try:
            step = np.linalg.solve(H, g[idx][..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(h, gi, rcond=None)[0] for h, gi in zip(H, g[idx], strict=True)])
        alpha = np.ones(len(idx))
        Xa, ga, gna = X[idx], g[idx], gn[idx]
        done = np.zeros(len(idx), bool)
        for _ in range(20):
            trial = Xa - alpha[:, None] * step
            gt = f.grad(trial)
            gnt = np.linalg.norm(gt, axis=1)
            ok = (gnt < gna) & ~done & np.isfinite(gnt)
            Xa = np.where(ok[:, None], trial, Xa)
            ga = np.where(ok[:, None], gt, ga)
            gna = np.where(ok, gnt, gna)
            done |= ok
            if done.all():
                break
            alpha = np.where(done, alpha, alpha * 0.5)
        X[idx], g[idx], gn[idx] = Xa, ga, gna
    conv = np.flatnonzero(gn < tol)
    kept: list[int] = []
    for i in conv:
        if all(np.linalg.norm(X[i] - X[j]) > dedup_tol * np.sqrt(d) for j in kept):
            kept.append(int(i))
    P = X[kept]
    indices = np.array([hessian_index(h) for h in _hessians(f, P)]) if kept else np.zeros(0)
    losses = f.value(P) / d if kept else np.zeros(0)
    report(progress, None, 1.0)
    return CriticalPoints(P, losses, indices, gn[kept], n, len(conv))


def _grad_hvp(f, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(g, H g) at each row of X."""
    if hasattr(f, "grad_hvp_self"):
        return f.grad_hvp_self(X)
    g = f.grad(X)
    return g, np.einsum("nij,nj->ni", _hessians(f, X), g)


# --- gradient descent ("retrain N times") ---------------------------------------------------------
def gradient_descent(
    f: RandomLandscape,
    X0: np.ndarray,
    steps: int = 300,
    lr0: float = 1.0,
    tol: float = 1e-5,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """GD with Armijo backtracking from each row of X0; returns (final points, final losses per dim).

    ``progress``/``cancel`` as in ``find_critical_points`` (checked every 10 steps).
    """
    X = np.array(X0, dtype=float)
    d = X.shape[1]
    fx = f.value(X)
    lr = np.full(len(X), lr0)
    for step in range(steps):
        if step % 10 == 0:
            report(progress, cancel, step / steps)
        g = f.grad(X)
        gg = np.sum(g * g, axis=1)
        if np.all(np.sqrt(gg) < tol):
            break
        lr = np.minimum(lr * 1.5, lr0)
        pending = np.arange(len(X))
        for _ in range(30):
            trial = X[pending] - lr[pending, None] * g[pending]
            ft = f.value(trial)
            ok = ft <= fx[pending] - 0.5 * lr[pending] * gg[pending]
            acc = pending[ok]
            X[acc], fx[acc] = trial[ok], ft[ok]
            pending = pending[~ok]
            if not len(pending):
                break
            lr[pending] *= 0.5
    report(progress, None, 1.0)
    return X, fx / d


# --- the study ------------------------------------------------------------------------------------
@dataclass
class DimResult:
    d: int
    crit_indices: np.ndarray  # (M,)
    crit_losses: np.ndarray  # (M,) per dimension
    n_critical: int
    share_minima: float  # share of index-0 points among the critical points found
    index_loss_corr: float  # Pearson correlation of index and loss over the critical points (NaN if < 3)
    gd_losses: np.ndarray  # (n_starts,) per dimension
    gd_std: float
    gd_range: float  # max − min
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def study(
    dims=(1, 2, 5, 10, 50),
    n_starts: int = 200,
    seed: int = 0,
    *,
    n_features: int = 512,
    length_scale: float = 0.3,
    curvature: float = 1.0,
    crit_steps: int = 200,
    gd_steps: int = 300,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[DimResult]:
    """Per dimension: critical points (index, loss), share of minima, and the spread of GD final losses.

    ``progress`` gets the overall fraction done, each dimension weighted by ``d + 2`` (the cost grows
    with d); ``cancel`` is checked between and within the stages (raises ``Cancelled``, nothing is
    returned).  Neither changes the results.
    """
    dims = [int(d) for d in dims]
    weights = np.array([d + 2.0 for d in dims])
    before = np.concatenate([[0.0], np.cumsum(weights)])[:-1] / max(weights.sum(), 1.0)
    shares = weights / max(weights.sum(), 1.0)
    out = []
    for k, d in enumerate(dims):

        def part(fraction: float, lo: float = 0.0, hi: float = 1.0, k: int = k) -> None:
            if progress is not None:
                progress(float(before[k] + shares[k] * (lo + (hi - lo) * fraction)))

        report(part, cancel, 0.0)
        t0 = time.perf_counter()
        f = RandomLandscape(
            d, n_features=n_features, seed=seed, length_scale=length_scale, curvature=curvature
        )
        crit_progress = partial(part, lo=0.0, hi=0.75)
        cp = find_critical_points(
            f, n_starts, seed=seed, steps=crit_steps, progress=crit_progress, cancel=cancel
        )
        share = float(np.mean(cp.indices == 0)) if len(cp.indices) else float("nan")
        corr = float("nan")
        if len(cp.indices) >= 3 and np.std(cp.indices) > 0 and np.std(cp.losses) > 0:
            corr = float(np.corrcoef(cp.indices, cp.losses)[0, 1])
        rng = np.random.default_rng([seed, d, 1])
        starts = f.start_points(n_starts, rng)
        gd_progress = partial(part, lo=0.75, hi=1.0)
        _, losses = gradient_descent(f, starts, steps=gd_steps, progress=gd_progress, cancel=cancel)
        out.append(
            DimResult(
                d=int(d),
                crit_indices=cp.indices,
                crit_losses=cp.losses,
                n_critical=len(cp.indices),
                share_minima=share,
                index_loss_corr=corr,
                gd_losses=losses,
                gd_std=float(np.std(losses)),
                gd_range=float(np.ptp(losses)),
                seconds=time.perf_counter() - t0,
            )
        )
    if progress is not None:
        progress(1.0)
    return out


def parse_dims(text: str) -> tuple[int, ...]:
    """``"1,2,5,10"`` -> (1, 2, 5, 10): whole numbers 1..100, comma separated, sorted and deduplicated.

    Raises ValueError with a message saying what is wrong.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if parts == [""]:
        raise ValueError("no dimensions given: expected comma-separated whole numbers, e.g. 1,2,5,10")
    if "" in parts:
        raise ValueError(f"{text.strip()!r} has an empty item: expected comma-separated whole numbers")
    bad = [p for p in parts if not (p.isascii() and p.isdigit())]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a whole number: expected comma-separated whole numbers")
    dims = sorted({int(p) for p in parts})
    if dims[0] < 1 or dims[-1] > MAX_DIM:
        raise ValueError(f"{text.strip()!r}: each dimension must be 1..{MAX_DIM}")
    if len(dims) > MAX_DIMS_LISTED:
        raise ValueError(f"at most {MAX_DIMS_LISTED} dimensions at once (got {len(dims)})")
    return tuple(dims)
