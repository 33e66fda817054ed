"""Studies over many runs: basin-of-attraction maps, parameter sweeps, high-dimensional landscapes,
network-slice comparison."""

from core.studies.basins import BasinMap, SuccessRow, compute_basin_map, success_row
from core.studies.highdim import DimResult, parse_dims, study
from core.studies.highdim_retrain import RetrainResult, retrain
from core.studies.slice_compare import SliceComparison, compare_slices
from core.studies.sweeps import Sweep, SweepCell, parse_values, run_sweep

__all__ = [
    "BasinMap",
    "DimResult",
    "RetrainResult",
    "SliceComparison",
    "SuccessRow",
    "Sweep",
    "SweepCell",
    "compare_slices",
    "compute_basin_map",
    "parse_dims",
    "parse_values",
    "retrain",
    "run_sweep",
    "study",
    "success_row",
]
