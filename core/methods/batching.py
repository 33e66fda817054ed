"""Minibatch gradients inside the engine: a view of a data landscape whose gradient uses batches."""

from __future__ import annotations

import numpy as np

from core.landscape import Landscape
from core.landscapes.data import DataLandscape, MinibatchSampler


def check_batch_size(land: Landscape, batch_size: int, method: str) -> None:
    """Refuse a minibatch size that the landscape cannot honour, with a message naming it."""
    if batch_size <= 0:
        return
    if not isinstance(land, DataLandscape):
        raise ValueError(
            f"{method}: batch_size={batch_size} applies to data landscapes only "
            f"({land.id} is a formula; use batch_size=0)"
        )
    if batch_size > land.n_samples:
        raise ValueError(
            f"{method}: batch_size={batch_size} is larger than the dataset ({land.n_samples} samples)"
        )


class MinibatchView:
    """Stands in for a data landscape inside one group of runs.

    ``grad_fn`` returns each run's gradient on its next minibatch (drawn without replacement per
    epoch, from the group's generator); ``value_fn`` and everything else are the full landscape's.
    """

    def __init__(self, land: DataLandscape, batch_size: int, n_runs: int, rng: np.random.Generator):
        self.land = land
        self.value_fn = land.value_fn
        self.sampler = MinibatchSampler(land.n_samples, batch_size, n_runs, rng)
        self.last_batches: np.ndarray | None = None  # (runs, batch) indices of the latest gradient

    def grad_fn(self, points: np.ndarray) -> np.ndarray:
        idx = self.sampler.next_batches()
        self.last_batches = idx
        return self.land.batch_grad(points, idx)

    def drop(self, keep: np.ndarray) -> None:
        """Forget the runs that finished (the engine compacts its arrays the same way)."""
        self.sampler.keep(keep)
        if self.last_batches is not None:
            self.last_batches = self.last_batches[keep]

    def __getattr__(self, name: str):
        return getattr(self.land, name)


def batch_values(land: DataLandscape, idx: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The loss of one minibatch (sample indices ``idx``) at each row of ``points``."""
    points = np.asarray(points, dtype=float).reshape(-1, land.dim)
    return land.batch_value(points, np.broadcast_to(idx, (len(points), len(idx))))


def gradient_pair(land: DataLandscape, point: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The full-data gradient and the minibatch gradient at ``point``."""
    p = np.asarray(point, dtype=float).reshape(1, land.dim)
    return land.grad_fn(p)[0], land.batch_grad(p, np.asarray(idx)[None, :])[0]
