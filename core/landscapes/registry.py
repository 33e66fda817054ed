"""The registry of landscapes: built-in test functions, data landscapes and user formulas."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable

from core.landscape import Landscape
from core.landscapes.builtin_1d import LANDSCAPES_1D
from core.landscapes.builtin_2d import LANDSCAPES_2D
from core.progress import Progress

DEFAULT_LANDSCAPE = "sine-mix"
FORMULA_PREFIX = "expr:"

LANDSCAPES: dict[str, Landscape] = {land.id: land for land in LANDSCAPES_1D + LANDSCAPES_2D}


def data_landscape_ids() -> tuple[str, ...]:
    from core.landscapes.data import DATA_LANDSCAPE_IDS

    return tuple(DATA_LANDSCAPE_IDS)


NN_LANDSCAPE_IDS = ("nn-plain", "nn-skip")


def all_landscape_ids() -> tuple[str, ...]:
    """Every landscape id the app knows (formulas aside)."""
    return (*LANDSCAPES, *data_landscape_ids(), *NN_LANDSCAPE_IDS)


NN_PREFIX = "nn-"
_NN_CACHE: OrderedDict[str, Landscape] = OrderedDict()
_NN_CACHE_SIZE = 6
_NN_LOCK = threading.Lock()


def _fresh_locks_in_child() -> None:
    """In a forked child (the engine's process) a lock another thread held at the fork would never be
    released: it gets new ones. What the caches hold stays (only complete entries are stored)."""
    global _NN_LOCK
    _NN_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_fresh_locks_in_child)


def is_nn_id(landscape_id: str) -> bool:
    """Whether ``landscape_id`` names a network slice (``nn-plain``, ``nn-skip:depth=4``, …)."""
    return landscape_id.startswith(NN_PREFIX)


def nn_is_cached(landscape_id: str) -> bool:
    """Whether the network slice ``landscape_id`` is ready (no training needed); False for a bad id."""
    from core.landscapes.network import NNConfig

    try:
        key = NNConfig.from_id(landscape_id).id
    except ValueError:
        return False
    with _NN_LOCK:
        return key in _NN_CACHE


def forget_networks() -> None:
    """Drop every trained network slice (the next use trains again, as on a fresh launch)."""
    with _NN_LOCK:
        _NN_CACHE.clear()


def nn_landscape(
    landscape_id: str,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Landscape:
    """The network slice ``nn-VARIANT[:depth=…,width=…,seed=…,samples=…]``: trained on first use
    (a few seconds; ``progress``/``cancel`` as in ``make_nn_landscape``), then cached."""
    from core.landscapes.network import NNConfig, make_nn_landscape

    config = NNConfig.from_id(landscape_id)
    with _NN_LOCK:
        land = _NN_CACHE.get(config.id)
    if land is None:
        c = config
        land = make_nn_landscape(c.variant, c.depth, c.width, c.seed, c.samples, progress, cancel=cancel)
        with _NN_LOCK:
            _NN_CACHE[config.id] = land
            while len(_NN_CACHE) > _NN_CACHE_SIZE:
                _NN_CACHE.popitem(last=False)
    return land


def get_landscape(
    landscape_id: str,
    domain: tuple[tuple[float, float], ...] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Landscape:
    """The landscape ``landscape_id`` (optionally on ``domain``); ValueError listing the valid ids.

    ``expr:FORMULA`` builds a user formula (see ``core.landscapes.formula``); data landscapes get their
    default generated dataset; ``nn-…`` ids train a network (see ``nn_landscape``; ``progress`` and
    ``cancel`` reach the training). Formulas and data landscapes search their minima on the domain.
    """
    if landscape_id.startswith(FORMULA_PREFIX):
        from core.landscapes.formula import formula_landscape

        return formula_landscape(landscape_id[len(FORMULA_PREFIX) :], domain)
    if landscape_id in LANDSCAPES:
        land = LANDSCAPES[landscape_id]
    elif is_nn_id(landscape_id):  # trained on first use (a few seconds), then cached
        land = nn_landscape(landscape_id, progress, cancel)
    elif landscape_id in data_landscape_ids():
        from core.landscapes.data import make_data_landscape

        land = make_data_landscape(landscape_id)
    else:
        valid = ", ".join(all_landscape_ids())
        raise ValueError(
            f"unknown landscape {landscape_id!r}; valid: {valid} (nn-… with :depth=,width=,seed=), "
            "or expr:FORMULA"
        )
    return land.with_domain(domain) if domain is not None else land
