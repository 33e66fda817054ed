"""Every kind of landscape: built-in test functions, data landscapes, typed formulas and network slices,
and the registry that builds one from its id."""

from core.landscapes.data import DataLandscape, Dataset, load_csv_dataset, make_data_landscape
from core.landscapes.formula import FormulaError, formula_landscape
from core.landscapes.network import NNConfig
from core.landscapes.registry import (
    DEFAULT_LANDSCAPE,
    FORMULA_PREFIX,
    LANDSCAPES,
    all_landscape_ids,
    data_landscape_ids,
    get_landscape,
    is_nn_id,
    nn_is_cached,
    nn_landscape,
)

__all__ = [
    "DEFAULT_LANDSCAPE",
    "FORMULA_PREFIX",
    "LANDSCAPES",
    "DataLandscape",
    "Dataset",
    "FormulaError",
    "NNConfig",
    "all_landscape_ids",
    "data_landscape_ids",
    "formula_landscape",
    "get_landscape",
    "is_nn_id",
    "load_csv_dataset",
    "make_data_landscape",
    "nn_is_cached",
    "nn_landscape",
]
