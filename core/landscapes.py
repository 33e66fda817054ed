"""The registry of landscapes: built-in test functions, data landscapes and user formulas."""

from __future__ import annotations

from functools import lru_cache

from core.landscape import Landscape
from core.landscapes_1d import LANDSCAPES_1D
from core.landscapes_2d import LANDSCAPES_2D

DEFAULT_LANDSCAPE = "sine-mix"
FORMULA_PREFIX = "expr:"

LANDSCAPES: dict[str, Landscape] = {land.id: land for land in LANDSCAPES_1D + LANDSCAPES_2D}


def data_landscape_ids() -> tuple[str, ...]:
    from core.data_landscapes import DATA_LANDSCAPE_IDS

    return tuple(DATA_LANDSCAPE_IDS)


NN_LANDSCAPE_IDS = ("nn-plain", "nn-skip")


def all_landscape_ids() -> tuple[str, ...]:
    """Every landscape id the app knows (formulas aside)."""
    return (*LANDSCAPES, *data_landscape_ids(), *NN_LANDSCAPE_IDS)


@lru_cache(maxsize=4)
def _nn_landscape(landscape_id: str) -> Landscape:
    from core.nn_landscape import make_nn_landscape

    return make_nn_landscape(landscape_id.removeprefix("nn-"))


def get_landscape(landscape_id: str, domain: tuple[tuple[float, float], ...] | None = None) -> Landscape:
    """The landscape ``landscape_id`` (optionally on ``domain``); ValueError listing the valid ids.

    ``expr:FORMULA`` builds a user formula (see ``core.formula``); data landscapes get their
    default generated dataset. Formulas and data landscapes search their minima on the domain.
    """
    if landscape_id.startswith(FORMULA_PREFIX):
        from core.formula import formula_landscape

        return formula_landscape(landscape_id[len(FORMULA_PREFIX) :], domain)
    if landscape_id in LANDSCAPES:
        land = LANDSCAPES[landscape_id]
    elif landscape_id in NN_LANDSCAPE_IDS:  # trained on first use (a few seconds), then cached
        land = _nn_landscape(landscape_id)
    elif landscape_id in data_landscape_ids():
        from core.data_landscapes import make_data_landscape

        land = make_data_landscape(landscape_id)
    else:
        valid = ", ".join(all_landscape_ids())
        raise ValueError(f"unknown landscape {landscape_id!r}; valid: {valid}, or expr:FORMULA")
    return land.with_domain(domain) if domain is not None else land
