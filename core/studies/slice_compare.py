"""How rough a network's loss slice is, and the plain-vs-skip comparison on one colour scale.

Claim (a) of issue #7 (Li et al. 2018): skip connections smooth the loss landscape. ``compare_slices``
prepares both variants' slices (same depth, width, seed and grid) and measures each with ``roughness``.
Run ``python -m core.studies.slice_compare`` for the figures in docs/nn.md.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from core.landscape import Landscape
from core.landscapes.network import (
    VARIANTS,
    NNConfig,
    NNSliceLandscape,
    Progress,
    checked_progress,
    make_nn_landscape,
)
from core.minima.grid import evaluate_grid
from core.minima.search import grid_local_minima

CURVATURE_GRID = 51  # the Hessian ratio is averaged over at most this many points per axis
ROWS_PER_PART = 8  # the curvature grid reports progress after this many rows


def grid_slice(
    land: Landscape, n: int = 101, progress: Progress | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """α (n,), β (n,) over the domain and the loss Z (n, n) with ``Z[i, j] = L(α_i, β_j)`` (read-only
    arrays, kept in the slice's grid cache: ``core.minima.grid.evaluate_grid``)."""
    return evaluate_grid(land, n, progress)


def hessian_eigenvalues(land: Landscape, points: np.ndarray) -> np.ndarray:
    """(N, 2) ascending eigenvalues of the slice's Hessian at each point: central differences (step
    1e-4 × domain) of the analytic gradient, symmetrized."""
    h = 1e-4 * land.scale
    H = np.empty((len(points), 2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        H[:, :, j] = (land.grad(points + e) - land.grad(points - e)) / (2 * h)
    return np.linalg.eigvalsh(0.5 * (H + H.transpose(0, 2, 1)))


def roughness(
    land: Landscape,
    grid: int = 101,
    Z: np.ndarray | None = None,
    curvature_grid: int = CURVATURE_GRID,
    progress: Progress | None = None,
) -> dict[str, float]:
    """How rough a 2-D slice is on a ``grid``×``grid`` grid over its domain.

    * ``local_minima``: grid cells no higher than their 8 neighbours and strictly below one
      (``core.minima.search.grid_local_minima``), on the ``grid`` (or the given ``Z`` of it).
    * ``curvature_ratio``: the mean of ``|λ_min| / |λ_max|`` over a ``curvature_grid``² grid of the
      domain, where λ_min ≤ λ_max are the eigenvalues of the slice's 2×2 Hessian. Near 0 where the
      slice is convex with one dominant direction, about 1 or more where negative curvature is as
      strong as positive (Li et al. map |λ_min/λ_max| to show non-convexity). Above 1 where λ_max ≈ 0:
      compare it between slices, not with a threshold.
    * ``nonconvex_fraction``: the fraction of those points with λ_min < 0.
    """
    if Z is None:
        Z = grid_slice(land, grid)[2]
    (a0, a1), (b0, b1) = land.domain
    A, B = np.meshgrid(
        np.linspace(a0, a1, curvature_grid), np.linspace(b0, b1, curvature_grid), indexing="ij"
    )
    points = np.column_stack([A.ravel(), B.ravel()])
    parts = np.array_split(points, max(1, len(points) // (ROWS_PER_PART * curvature_grid)))
    lam = []
    for k, part in enumerate(parts):
        lam.append(hessian_eigenvalues(land, part))
        if progress is not None:
            progress((k + 1) / len(parts))
    lam = np.concatenate(lam)
    lo, hi = lam[:, 0], lam[:, 1]
    return {
        "local_minima": int(len(grid_local_minima(Z))),
        "curvature_ratio": float(np.mean(np.abs(lo) / np.maximum(np.abs(hi), 1e-300))),
        "nonconvex_fraction": float(np.mean(lo < 0)),
    }


@dataclass(frozen=True, eq=False)
class SliceSummary:
    """One variant's slice on the grid and its roughness."""

    landscape: NNSliceLandscape
    alphas: np.ndarray
    betas: np.ndarray
    Z: np.ndarray  # (n, n), Z[i, j] = L(alphas[i], betas[j])
    roughness: dict[str, float]

    @property
    def variant(self) -> str:
        return self.landscape.mlp.variant


@dataclass(frozen=True, eq=False)
class SliceComparison:
    """Both variants with the same settings; ``levels`` is the shared colour scale (of log10 loss)."""

    config: NNConfig  # the settings (its variant is that of the first slice)
    slices: tuple[SliceSummary, ...]
    seconds: float

    @property
    def levels(self) -> tuple[float, float]:
        """(min, max) of log10(loss) over both slices: one colour scale for both pictures."""
        logs = [np.log10(np.maximum(s.Z[np.isfinite(s.Z)], 1e-12)) for s in self.slices]
        return float(min(v.min() for v in logs)), float(max(v.max() for v in logs))


def compare_slices(
    depth: int | None = None,
    width: int | None = None,
    seed: int = 0,
    grid: int = 101,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> SliceComparison:
    """Train both variants with the same settings, slice each on a ``grid``² grid and measure them."""
    config = NNConfig(
        "plain", **{k: v for k, v in (("depth", depth), ("width", width)) if v is not None}, seed=seed
    )
    if not 11 <= grid <= 301:
        raise ValueError(f"grid {grid} is out of range: expected 11..301 points per axis")
    t0 = time.perf_counter()
    slices = []
    share = 1.0 / len(VARIANTS)
    for k, variant in enumerate(VARIANTS):
        base = k * share

        def part(lo: float, hi: float, base: float = base) -> Progress:
            return checked_progress(progress, cancel, base + lo * share, base + hi * share)

        land = make_nn_landscape(
            variant, config.depth, config.width, seed, config.samples, part(0.0, 0.1), False, cancel
        )
        alphas, betas, Z = grid_slice(land, grid, part(0.1, 0.55))
        rough = roughness(land, grid, Z, progress=part(0.55, 1.0))
        slices.append(SliceSummary(land, alphas, betas, Z, rough))
    return SliceComparison(config, tuple(slices), time.perf_counter() - t0)


def format_comparison(comparison: SliceComparison) -> str:
    """One line per variant."""
    lines = []
    for s in comparison.slices:
        r = s.roughness
        lines.append(
            f"{s.variant:5s}: trained loss {s.landscape.trained_loss:.3g}, grid local minima "
            f"{r['local_minima']}, mean |λmin/λmax| {r['curvature_ratio']:.2f}, non-convex share "
            f"{r['nonconvex_fraction']:.2f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # the roughness table of docs/nn.md
    for s in range(3):
        cmp = compare_slices(seed=s)
        print(f"seed {s} ({cmp.seconds:.1f} s)\n{format_comparison(cmp)}")
