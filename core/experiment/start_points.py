"""Starts in bulk: ``count`` random starts drawn from a seed, or a ``size × size`` grid of them.

Random starts follow the rule of the CLI's ``--random-starts`` (``uniform_starts``) when the experiment
has none yet, so the window and ``python main.py run --random-starts N --seed S`` start from the same
points; starts added to existing ones come from a stream of the seed of their own (``already``), so
adding twice gives new points, reproducibly."""

from __future__ import annotations

import numpy as np

from core.experiment.state import uniform_starts
from core.landscape import Landscape
from core.limits import MAX_STARTS

MAX_GRID = 100  # a side of the grid of starts (100 × 100 = MAX_STARTS)


def random_starts_after(land: Landscape, count: int, seed: int, already: int = 0) -> np.ndarray:
    """``count`` uniform starts in the domain from ``seed``, for an experiment that has ``already``
    starts (0: the CLI's points)."""
    if not 1 <= count <= MAX_STARTS:
        raise ValueError(f"random starts: {count} is out of range: expected 1..{MAX_STARTS}")
    if already == 0:
        return uniform_starts(land, count, seed)
    rng = np.random.default_rng([seed, 2**31 - 1, already])
    return land.lower + (land.upper - land.lower) * rng.random((count, land.dim))


def grid_starts_inside(land: Landscape, size: int) -> np.ndarray:
    """``size`` starts a side (``size ** dim`` in all), at the centres of equal cells of the domain:
    all strictly inside it, none on its edge."""
    if not 1 <= size <= (MAX_GRID if land.dim == 2 else MAX_STARTS):
        limit = MAX_GRID if land.dim == 2 else MAX_STARTS
        raise ValueError(f"grid of starts: {size} a side is out of range: expected 1..{limit}")
    if land.dim > 2:
        raise ValueError(f"a grid of starts needs a 1-D or 2-D landscape, not {land.dim}-D")
    centres = [lo + (hi - lo) * (np.arange(size) + 0.5) / size for lo, hi in land.domain]
    mesh = np.meshgrid(*centres, indexing="ij")
    return np.column_stack([m.ravel() for m in mesh])
