"""Studies over many runs: basin-of-attraction maps, high-dimensional landscapes, network-slice comparison."""

from core.studies.basins import BasinMap, SuccessRow, compute_basin_map, success_row
from core.studies.highdim import DimResult, parse_dims, study
from core.studies.highdim_retrain import RetrainResult, retrain
from core.studies.slice_compare import SliceComparison, compare_slices

__all__ = [
    "BasinMap",
    "DimResult",
    "RetrainResult",
    "SliceComparison",
    "SuccessRow",
    "compare_slices",
    "compute_basin_map",
    "parse_dims",
    "retrain",
    "study",
    "success_row",
]
