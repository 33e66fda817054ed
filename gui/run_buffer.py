"""Accumulates the engine's streamed chunks into per-run arrays for drawing (storage only, no maths)."""

from __future__ import annotations

import numpy as np

from core.engine import Chunk, Engine


class RunBuffer:
    """Rows 0 … ``rows − 1`` of every run: positions, losses, learning rates and extras.

    Row 0 is the start; row k is after step k. ``steps[r]`` is how many steps run r really took
    (later rows repeat its end). Arrays grow by doubling.
    """

    def __init__(self, engine: Engine):
        n_runs, dim = engine.n_runs, engine.land.dim
        capacity = min(engine.exp.max_steps, 1024) + 1
        self.positions = np.empty((capacity, n_runs, dim))
        self.losses = np.empty((capacity, n_runs))
        self.learning_rates = np.full((capacity, n_runs), np.nan)
        self.extras: dict[str, np.ndarray] = {}
        self.positions[0] = engine.start_positions
        self.losses[0] = engine.start_losses
        self.rows = 1
        self.steps = np.zeros(n_runs, dtype=np.int64)
        self.status: tuple[str, ...] = ("running",) * n_runs

    def append(self, chunk: Chunk) -> None:
        end = self.rows + chunk.n
        if end > len(self.positions):
            self._grow(end)
        rows = slice(self.rows, end)
        self.positions[rows] = chunk.positions
        self.losses[rows] = chunk.losses
        self.learning_rates[rows] = chunk.learning_rates
        for name, values in chunk.extras.items():
            if name not in self.extras:
                self.extras[name] = np.full((len(self.positions), self.losses.shape[1]), np.nan)
            self.extras[name][rows] = values
        self.rows, self.steps, self.status = end, chunk.steps.copy(), chunk.status

    def _grow(self, needed: int) -> None:
        capacity = max(needed, 2 * len(self.positions))

        def grown(a: np.ndarray, fill: float) -> np.ndarray:
            out = np.full((capacity, *a.shape[1:]), fill)
            out[: len(a)] = a
            return out

        self.positions = grown(self.positions, np.nan)
        self.losses = grown(self.losses, np.nan)
        self.learning_rates = grown(self.learning_rates, np.nan)
        self.extras = {k: grown(v, np.nan) for k, v in self.extras.items()}

    def run_rows(self, run: int) -> int:
        """How many rows of run ``run`` are real (its start plus the steps it took)."""
        return int(self.steps[run]) + 1 if self.status[run] != "running" else self.rows

    def trajectory(self, run: int) -> np.ndarray:
        """Positions of run ``run`` so far, shape (rows, dim) (a view: do not modify)."""
        return self.positions[: self.run_rows(run), run]

    def series(self, name: str, run: int) -> np.ndarray:
        """A per-step series of one run: ``losses``, ``learning_rates`` or an extra, up to its end."""
        data = {"losses": self.losses, "learning_rates": self.learning_rates}.get(name)
        if data is None:
            data = self.extras.get(name)
        if data is None:
            return np.empty(0)
        return data[: self.run_rows(run), run]
