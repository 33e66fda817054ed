"""The window's model: one ``ExperimentState`` (the same type files, presets and the CLI use) held by a
QObject that signals what changed.

Widgets take this model in their constructor, edit it through its methods and subscribe to its
signals; it holds no widgets. Every setter checks the new state as a file would be checked and raises
ValueError with a message that says what is wrong, leaving the state unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.experiment.history import describe_edit
from core.experiment.spec import Experiment, MethodSpec, method_spec
from core.experiment.state import (
    MAX_STEPS,
    ExperimentState,
    ViewOptions,
    refused_starts,
)
from core.landscape import Landscape
from core.landscapes.registry import DEFAULT_LANDSCAPE, FORMULA_PREFIX, get_landscape
from core.methods import METHODS, get_method
from core.params import resolve_params

MAX_STEPS_RANGE = (1, MAX_STEPS)
UNDO_LIMIT = 200  # edits Edit ▸ Undo can go back
DEFAULT_VIEW = ViewOptions(ViewOptions.DEFAULTS)


class _Edit(QUndoCommand):
    """One edit: the state (and start marks) before it and after it. Pushed once the edit is made, so
    the first ``redo`` (Qt calls it on push) does nothing."""

    def __init__(self, model: AppModel, before: tuple, text: str):
        super().__init__(text)
        self.model, self.before, self.after = model, before, None
        self.pushed = False

    def undo(self) -> None:
        self.after = self.model.snapshot()
        self.model.restore(self.before)

    def redo(self) -> None:
        if self.pushed:
            self.model.restore(self.after)
        self.pushed = True


@dataclass
class MethodChoice:
    """Whether a method is selected, and its parameters (validated, defaults filled in)."""

    enabled: bool = False
    params: dict[str, Any] = field(default_factory=dict)


class AppModel(QObject):
    """See the module docstring. ``changed`` fires after any change that alters the runs;
    ``viewChanged`` after a change of the view options only."""

    landscapeChanged = Signal()
    methodsChanged = Signal()
    startsChanged = Signal()
    runSettingsChanged = Signal()
    viewChanged = Signal()
    changed = Signal()
    stateLoaded = Signal()  # a whole new state (a file, a preset), before the signals above

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._state = ExperimentState(get_landscape(DEFAULT_LANDSCAPE), (), view=DEFAULT_VIEW)
        self._marks: tuple[int, ...] = ()  # each start's marker number (see ``start_marks``)
        self.undo_stack = QUndoStack(self)  # every edit of the state (Edit ▸ Undo / Redo)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)

    # ---- reading ------------------------------------------------------------------------------------
    @property
    def state(self) -> ExperimentState:
        """Everything the window shows, as one immutable, checked state."""
        return self._state

    @property
    def landscape(self) -> Landscape:
        return self._state.landscape

    @property
    def starts(self) -> list[tuple[float, ...]]:
        return list(self._state.starts)

    @property
    def start_marks(self) -> list[int]:
        """Each start's marker number (its shape): kept when another start is added or removed, so a
        start keeps its shape; numbered afresh when the starts are replaced."""
        if len(self._marks) != len(self._state.starts):
            return list(range(len(self._state.starts)))
        return list(self._marks)

    @property
    def seed(self) -> int:
        return self._state.seed

    @property
    def max_steps(self) -> int:
        return self._state.max_steps

    @property
    def view(self) -> ViewOptions:
        return self._state.view

    @property
    def methods(self) -> dict[str, MethodChoice]:
        """Every method, in the app's order: ticked or not, with its current parameters (a copy)."""
        ticked = {s.method: s for s in self._state.methods}
        parked = {s.method: s for s in self._state.parked}
        out = {}
        for mid in METHODS:
            spec = ticked.get(mid) or parked.get(mid) or method_spec(mid)
            out[mid] = MethodChoice(mid in ticked, dict(spec.params))
        return out

    def enabled_specs(self) -> tuple[MethodSpec, ...]:
        return self._state.methods

    def experiment(self) -> Experiment | None:
        """The runs this state describes, or None when no method or no start is chosen."""
        return self._state.experiment(fit_batches=True)

    # ---- landscape ----------------------------------------------------------------------------------
    def set_landscape(self, landscape_id: str) -> None:
        self.set_landscape_object(get_landscape(landscape_id))

    def set_landscape_object(self, land: Landscape) -> None:
        """Use an already built landscape (a typed formula, or a data landscape with new data)."""
        starts, marks = self._starts_kept_on(land)
        self._commit(self._state.replace(landscape=land, starts=starts))
        self._marks = marks
        self.landscapeChanged.emit()
        self.startsChanged.emit()
        self.changed.emit()

    def _starts_kept_on(self, land: Landscape) -> tuple[tuple[tuple[float, ...], ...], tuple[int, ...]]:
        """The starts that still make sense on ``land`` (right dimension, not far outside its domain),
        and their marks."""
        starts, marks = self._state.starts, self.start_marks
        refused = refused_starts(land, starts)
        kept = [k for k, out in enumerate(refused) if not out]
        return tuple(starts[k] for k in kept), tuple(marks[k] for k in kept)

    def set_domain(self, domain: tuple[tuple[float, float], ...]) -> None:
        land = self.landscape
        if land.id.startswith(FORMULA_PREFIX):  # a formula searches its minima on the new domain
            new = get_landscape(land.id, land.with_domain(domain).domain)
        else:
            new = land.with_domain(domain)
        starts, marks = self._starts_kept_on(new)
        self._commit(self._state.replace(landscape=new, starts=starts))
        self._marks = marks
        self.landscapeChanged.emit()
        self.startsChanged.emit()
        self.changed.emit()

    # ---- methods ------------------------------------------------------------------------------------
    def set_method_enabled(self, method_id: str, enabled: bool) -> None:
        get_method(method_id)
        if self.methods[method_id].enabled != enabled:
            spec = MethodSpec(method_id, self.methods[method_id].params)
            self._set_method(spec, enabled)

    def set_method_param(self, method_id: str, name: str, value: Any) -> None:
        """Set one parameter (text or number); ParamError (a ValueError) names a bad value."""
        choice = self.methods[method_id]
        params = resolve_params(
            get_method(method_id).params(), {**choice.params, name: value}, f"method {method_id!r}"
        )
        if params != choice.params:
            self._set_method(MethodSpec(method_id, params), choice.enabled)

    def reset_method(self, method_id: str) -> None:
        self._set_method(method_spec(method_id), self.methods[method_id].enabled)

    def _set_method(self, spec: MethodSpec, enabled: bool) -> None:
        """Put ``spec`` in the ticked (in the app's order) or parked methods, replacing its entry."""
        others = [s for s in self._state.methods if s.method != spec.method]
        ticked = sorted([*others, spec] if enabled else others, key=lambda s: list(METHODS).index(s.method))
        parked = [s for s in self._state.parked if s.method != spec.method]
        if not enabled and spec != method_spec(spec.method):
            parked.append(spec)
        self._commit(self._state.replace(methods=tuple(ticked), parked=tuple(parked)), self.methodsChanged)
        self.changed.emit()

    # ---- starts -------------------------------------------------------------------------------------
    def set_starts(self, starts: list[tuple[float, ...]], marks: list[int] | None = None) -> None:
        """Replace the starts (numbered afresh, or with ``marks``: see ``start_marks``)."""
        points = tuple(tuple(float(v) for v in p) for p in starts)
        self._commit(self._state.replace(starts=points))
        self._marks = tuple(range(len(points)) if marks is None else marks)
        self.startsChanged.emit()
        self.changed.emit()

    def add_start(self, point: tuple[float, ...]) -> None:
        marks = self.start_marks
        free = min(set(range(len(marks) + 1)) - set(marks))  # the lowest number no start has
        self.set_starts([*self.starts, point], [*marks, free])

    def remove_start(self, index: int) -> None:
        if 0 <= index < len(self.starts):
            starts, marks = self.starts, self.start_marks
            del starts[index], marks[index]
            self.set_starts(starts, marks)

    # ---- run settings -------------------------------------------------------------------------------
    def set_seed(self, seed: int) -> None:
        if seed != self.seed:
            self._commit(self._state.replace(seed=seed), self.runSettingsChanged)
            self.changed.emit()

    def set_max_steps(self, steps: int) -> None:
        if steps != self.max_steps:
            self._commit(self._state.replace(max_steps=steps), self.runSettingsChanged)
            self.changed.emit()

    # ---- view options -------------------------------------------------------------------------------
    def set_view_option(self, name: str, value: Any) -> None:
        """Set one view option (``show_minima``, ``log_loss``, ``batch_contours``, …)."""
        if self.view.get(name) != value:
            self._commit(self._state.replace(view=self.view.with_options(**{name: value})), self.viewChanged)

    # ---- whole state --------------------------------------------------------------------------------
    def load_state(self, state: ExperimentState) -> None:
        """Show ``state`` (a file, a preset, the last session): everything it holds, checked.

        A method listed twice is shown once (the window has one entry per method; the CLI runs both)."""
        seen: set[str] = set()
        methods = tuple(s for s in state.methods if not (s.method in seen or seen.add(s.method)))
        parked = tuple(s for s in state.parked if s.method not in seen)
        view = ViewOptions({**DEFAULT_VIEW, **state.view})
        self._commit(state.replace(methods=methods, parked=parked, view=view))
        self._marks = ()  # (numbered afresh)
        self._emit_all()

    def _emit_all(self) -> None:
        for signal in (
            self.stateLoaded,
            self.landscapeChanged,
            self.methodsChanged,
            self.startsChanged,
            self.runSettingsChanged,
            self.viewChanged,
            self.changed,
        ):
            signal.emit()

    def load_experiment(self, exp: Experiment) -> None:
        """Show a runnable experiment (the view options stay as they are)."""
        self.load_state(ExperimentState.from_experiment(exp, self.view))

    def load_preset(self, preset) -> None:
        """Show a preset (``core.experiment.presets.Preset``); the view options stay as they are."""
        self.load_state(preset.state().replace(view=self.view))

    # ---- undo -----------------------------------------------------------------------------------------
    def snapshot(self) -> tuple[ExperimentState, tuple[int, ...]]:
        """The state and the starts' marks, as ``restore`` takes them back."""
        return self._state, self._marks

    def restore(self, snapshot: tuple[ExperimentState, tuple[int, ...]]) -> None:
        """Show a state taken by ``snapshot`` (an undo or redo: not itself an edit)."""
        self._state, self._marks = snapshot
        self._emit_all()

    def _commit(self, state: ExperimentState, signal=None) -> None:
        """Make ``state`` current if it passes the shared checks (ValueError otherwise), then signal.
        An edit that changes the state can be undone."""
        before = self.snapshot()
        self._state = state.check()
        if self._state != before[0]:
            self.undo_stack.push(_Edit(self, before, describe_edit(before[0], self._state)))
        if signal is not None:
            signal.emit()
