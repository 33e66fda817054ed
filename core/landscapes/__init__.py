"""Every kind of landscape: built-in test functions (``builtin_1d``, ``builtin_2d``), data landscapes
(``data``), typed formulas (``formula``) and network slices (``network``), and the registry that builds
one from its id. Only the registry is re-exported here: the formula and network modules load SymPy
and the network code, which the registry imports when a landscape needs them."""

from core.landscapes.registry import (
    DEFAULT_LANDSCAPE,
    FORMULA_PREFIX,
    LANDSCAPES,
    all_landscape_ids,
    data_landscape_ids,
    forget_networks,
    get_landscape,
    is_nn_id,
    nn_is_cached,
    nn_landscape,
)

__all__ = [
    "DEFAULT_LANDSCAPE",
    "FORMULA_PREFIX",
    "LANDSCAPES",
    "all_landscape_ids",
    "data_landscape_ids",
    "forget_networks",
    "get_landscape",
    "is_nn_id",
    "nn_is_cached",
    "nn_landscape",
]
