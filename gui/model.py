"""The app's state (landscape, methods, starts, seed, steps) as a QObject with change signals.

Widgets take this model in their constructor, edit it through its methods and subscribe to its
signals; it holds no widgets. Every setter validates and raises ValueError with a message that
says what is wrong, leaving the state unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.experiment.presets import Preset
from core.experiment.spec import Experiment, MethodSpec, method_spec, parse_method_spec
from core.landscape import Landscape
from core.landscapes.data import DataLandscape
from core.landscapes.registry import DEFAULT_LANDSCAPE, FORMULA_PREFIX, get_landscape
from core.methods import METHODS, get_method
from core.params import resolve_params

MAX_STEPS_RANGE = (1, 1_000_000)


@dataclass
class MethodChoice:
    """Whether a method is selected, and its parameters (validated, defaults filled in)."""

    enabled: bool = False
    params: dict[str, Any] = field(default_factory=dict)


class AppModel(QObject):
    """See the module docstring. ``changed`` fires after any change that alters the runs."""

    landscapeChanged = Signal()
    methodsChanged = Signal()
    startsChanged = Signal()
    runSettingsChanged = Signal()
    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.landscape: Landscape = get_landscape(DEFAULT_LANDSCAPE)
        self.methods: dict[str, MethodChoice] = {
            mid: MethodChoice(False, method_spec(mid).params.copy()) for mid in METHODS
        }
        self.starts: list[tuple[float, ...]] = []
        self.seed = 0
        self.max_steps = 1000

    # ---- landscape ----------------------------------------------------------------------------------
    def set_landscape(self, landscape_id: str) -> None:
        self.set_landscape_object(get_landscape(landscape_id))

    def set_landscape_object(self, land: Landscape) -> None:
        """Use an already built landscape (a typed formula, or a data landscape with new data)."""
        if land.dim != self.landscape.dim:
            self.starts = []
        self.landscape = land
        self.landscapeChanged.emit()
        self.startsChanged.emit()
        self.changed.emit()

    def set_domain(self, domain: tuple[tuple[float, float], ...]) -> None:
        land = self.landscape
        if land.id.startswith(FORMULA_PREFIX):  # a formula searches its minima on the new domain
            self.landscape = get_landscape(land.id, land.with_domain(domain).domain)
        else:
            self.landscape = land.with_domain(domain)
        self.landscapeChanged.emit()
        self.changed.emit()

    # ---- methods ------------------------------------------------------------------------------------
    def set_method_enabled(self, method_id: str, enabled: bool) -> None:
        get_method(method_id)
        if self.methods[method_id].enabled != enabled:
            self.methods[method_id].enabled = enabled
            self.methodsChanged.emit()
            self.changed.emit()

    def set_method_param(self, method_id: str, name: str, value: Any) -> None:
        """Set one parameter (text or number); ParamError (a ValueError) names a bad value."""
        choice = self.methods[method_id]
        params = resolve_params(
            get_method(method_id).params(), {**choice.params, name: value}, f"method {method_id!r}"
        )
        if params != choice.params:
            choice.params = params
            self.methodsChanged.emit()
            self.changed.emit()

    def reset_method(self, method_id: str) -> None:
        self.methods[method_id].params = method_spec(method_id).params.copy()
        self.methodsChanged.emit()
        self.changed.emit()

    def enabled_specs(self) -> tuple[MethodSpec, ...]:
        return tuple(MethodSpec(mid, dict(c.params)) for mid, c in self.methods.items() if c.enabled)

    # ---- starts -------------------------------------------------------------------------------------
    def set_starts(self, starts: list[tuple[float, ...]]) -> None:
        checked = [self._checked_start(p) for p in starts]
        self.starts = checked
        self.startsChanged.emit()
        self.changed.emit()

    def add_start(self, point: tuple[float, ...]) -> None:
        self.set_starts([*self.starts, point])

    def remove_start(self, index: int) -> None:
        if 0 <= index < len(self.starts):
            self.set_starts(self.starts[:index] + self.starts[index + 1 :])

    def _checked_start(self, point) -> tuple[float, ...]:
        point = tuple(float(v) for v in point)
        if len(point) != self.landscape.dim:
            raise ValueError(f"a start needs {self.landscape.dim} coordinate(s), got {len(point)}")
        return point

    # ---- run settings -------------------------------------------------------------------------------
    def set_seed(self, seed: int) -> None:
        if not isinstance(seed, int) or seed < 0:
            raise ValueError("the seed must be a non-negative whole number")
        if seed != self.seed:
            self.seed = seed
            self.runSettingsChanged.emit()
            self.changed.emit()

    def set_max_steps(self, steps: int) -> None:
        lo, hi = MAX_STEPS_RANGE
        if not isinstance(steps, int) or not lo <= steps <= hi:
            raise ValueError(f"max steps must be a whole number from {lo} to {hi}")
        if steps != self.max_steps:
            self.max_steps = steps
            self.runSettingsChanged.emit()
            self.changed.emit()

    # ---- whole state --------------------------------------------------------------------------------
    def experiment(self) -> Experiment | None:
        """The runs this state describes, or None when no method or no start is chosen."""
        specs = tuple(self._fit_batch_size(s) for s in self.enabled_specs())
        if not specs or not self.starts:
            return None
        return Experiment(self.landscape, specs, self.starts, self.max_steps, self.seed)

    def _fit_batch_size(self, spec: MethodSpec) -> MethodSpec:
        """batch_size only means something on data landscapes (and at most the dataset's size)."""
        size = spec.params.get("batch_size", 0)
        if not size:
            return spec
        limit = self.landscape.n_samples if isinstance(self.landscape, DataLandscape) else 0
        return MethodSpec(spec.method, {**spec.params, "batch_size": min(size, limit)})

    def load_experiment(self, exp: Experiment) -> None:
        """Show ``exp``: its landscape (and domain), methods, starts, seed and steps."""
        self._apply(exp.landscape, list(exp.methods), [tuple(p) for p in exp.starts], exp.seed, exp.max_steps)

    def load_state(self, state) -> None:
        """Show a loaded experiment file (``core.experiment.file_format.ExperimentState``)."""
        self._apply(
            state.landscape,
            list(state.methods),
            [tuple(p) for p in state.starts],
            state.seed,
            state.max_steps,
        )

    def load_preset(self, preset: Preset) -> None:
        specs = [parse_method_spec(text) for text in preset.methods]
        self._apply(
            get_landscape(preset.landscape), specs, list(preset.starts), preset.seed, preset.max_steps
        )

    def _apply(self, land: Landscape, specs: list[MethodSpec], starts, seed: int, max_steps: int) -> None:
        for mid, choice in self.methods.items():
            choice.enabled = False
            choice.params = method_spec(mid).params.copy()
        for spec in specs:
            self.methods[spec.method] = MethodChoice(True, dict(spec.params))
        self.landscape, self.seed, self.max_steps = land, seed, max_steps
        self.starts = [tuple(float(v) for v in p) for p in starts]
        for signal in (
            self.landscapeChanged,
            self.methodsChanged,
            self.startsChanged,
            self.runSettingsChanged,
            self.changed,
        ):
            signal.emit()

    def to_json(self) -> str:
        """The state as JSON (for QSettings between launches)."""
        return json.dumps(
            {
                "landscape": self.landscape.id,
                "domain": [list(d) for d in self.landscape.domain],
                "methods": {
                    mid: {"enabled": c.enabled, "params": c.params} for mid, c in self.methods.items()
                },
                "starts": [list(p) for p in self.starts],
                "seed": self.seed,
                "max_steps": self.max_steps,
            }
        )

    def restore_json(self, text: str, landscape: Landscape | None = None) -> None:
        """Restore ``to_json`` output; ValueError (state unchanged) if anything in it is invalid.

        ``landscape``: the saved landscape, already built (a network slice prepared in the worker)."""
        try:
            data = json.loads(text)
            domain = tuple(tuple(d) for d in data["domain"])
            if landscape is not None and landscape.id == data["landscape"]:
                land = landscape.with_domain(domain)
            else:
                land = get_landscape(data["landscape"], domain)
            specs = [
                method_spec(mid, entry["params"])
                for mid, entry in data["methods"].items()
                if entry["enabled"]
            ]
            others = {mid: method_spec(mid, entry["params"]) for mid, entry in data["methods"].items()}
            starts = [tuple(float(v) for v in p) for p in data["starts"]]
            if any(len(p) != land.dim for p in starts):
                raise ValueError("start dimension does not match the landscape")
            seed, steps = int(data["seed"]), int(data["max_steps"])
            if seed < 0 or not MAX_STEPS_RANGE[0] <= steps <= MAX_STEPS_RANGE[1]:
                raise ValueError("seed or max steps out of range")
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(f"saved state is malformed: {exc}") from None
        self._apply(land, specs, starts, seed, steps)
        for mid, spec in others.items():
            self.methods[mid].params = dict(spec.params)
