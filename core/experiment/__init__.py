"""What an experiment is: method specifications, the one experiment state, its file format and presets."""

from core.experiment.file_format import (
    ExperimentFileError,
    load_state,
    save_state,
    state_from_dict,
    state_from_json,
    state_to_dict,
    state_to_json,
)
from core.experiment.presets import PRESETS, Preset, get_preset
from core.experiment.spec import Experiment, MethodSpec, method_spec, parse_method_spec
from core.experiment.state import MAX_STEPS, START_MARGIN, ExperimentState, StateError, ViewOptions

__all__ = [
    "MAX_STEPS",
    "PRESETS",
    "START_MARGIN",
    "Experiment",
    "ExperimentFileError",
    "ExperimentState",
    "MethodSpec",
    "Preset",
    "StateError",
    "ViewOptions",
    "get_preset",
    "load_state",
    "method_spec",
    "parse_method_spec",
    "save_state",
    "state_from_dict",
    "state_from_json",
    "state_to_dict",
    "state_to_json",
]
