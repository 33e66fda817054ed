"""Minibatch gradients inside the engine: a view of a data landscape whose gradient uses batches."""

from __future__ import annotations

import numpy as np

from core.landscape import Landscape
from core.landscapes.data import DataLandscape


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


class MinibatchSampler:
    """Minibatches drawn without replacement within each epoch, independently for each run.

    Every run walks through its own random permutation of the samples, ``batch_size`` at a time;
    each epoch is ``n_samples // batch_size`` batches and starts with fresh permutations, so the
    ``n_samples % batch_size`` samples left over at the end are dropped for that epoch (different
    ones each epoch) and no sample repeats within a run's epoch. All runs advance in lockstep.
    """

    def __init__(self, n_samples: int, batch_size: int, n_runs: int, rng: np.random.Generator):
        if n_samples < 1:
            raise ValueError(f"n_samples={n_samples} must be at least 1")
        if not 1 <= batch_size <= n_samples:
            raise ValueError(f"batch_size={batch_size} must be between 1 and the sample count ({n_samples})")
        if n_runs < 0:
            raise ValueError(f"n_runs={n_runs} must not be negative")
        self.n_samples, self.batch_size, self.rng = int(n_samples), int(batch_size), rng
        self.batches_per_epoch = self.n_samples // self.batch_size
        self.epoch = 0  # epochs started so far
        self._n_runs = int(n_runs)
        self._perm: np.ndarray | None = None  # (runs, n) permutations of the current epoch
        self._next = self.batches_per_epoch  # index of the next batch in the epoch: full, so shuffle first

    @property
    def n_runs(self) -> int:
        """The number of runs still drawing batches."""
        return self._n_runs

    def next_batches(self) -> np.ndarray:
        """The next batch of sample indices for every run: an int array (n_runs, batch_size)."""
        if self._next >= self.batches_per_epoch:
            order = np.broadcast_to(np.arange(self.n_samples), (self._n_runs, self.n_samples))
            self._perm = self.rng.permuted(order, axis=1)
            self._next = 0
            self.epoch += 1
        start = self._next * self.batch_size
        self._next += 1
        return self._perm[:, start : start + self.batch_size].copy()

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the runs where ``mask`` (bool, one per run) is true, in order."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (self._n_runs,):
            raise ValueError(f"mask must have shape ({self._n_runs},), got {mask.shape}")
        self._n_runs = int(mask.sum())
        if self._perm is not None:
            self._perm = self._perm[mask]
