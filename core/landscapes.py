"""The registry of built-in landscapes, by id."""

from __future__ import annotations

from core.landscape import Landscape
from core.landscapes_1d import LANDSCAPES_1D
from core.landscapes_2d import LANDSCAPES_2D

DEFAULT_LANDSCAPE = "sine-mix"

LANDSCAPES: dict[str, Landscape] = {land.id: land for land in LANDSCAPES_1D + LANDSCAPES_2D}


def get_landscape(landscape_id: str) -> Landscape:
    """The built-in landscape ``landscape_id``; ValueError listing the valid ids otherwise."""
    try:
        return LANDSCAPES[landscape_id]
    except KeyError:
        raise ValueError(f"unknown landscape {landscape_id!r}; valid: {', '.join(LANDSCAPES)}") from None
