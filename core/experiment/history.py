"""What an edit of an experiment did, in words, for Edit ▸ Undo / Redo ("Undo Add start").

The window keeps the states themselves (``ExperimentState`` is immutable, so a snapshot is the state
object); this module only names the difference between two of them."""

from __future__ import annotations

from core.experiment.spec import MethodSpec
from core.experiment.state import ExperimentState
from core.methods import get_method


def describe_edit(before: ExperimentState, after: ExperimentState) -> str:
    """A short name for the change from ``before`` to ``after`` ("Add start", "Tick Momentum",
    "Set lr of Gradient descent", "Landscape Himmelblau", …); "Edit" when nothing specific fits."""
    for describe in (_landscape_edit, _start_edit, _method_edit, _settings_edit):
        if (text := describe(before, after)) is not None:
            return text
    return "Edit"


def _landscape_edit(before: ExperimentState, after: ExperimentState) -> str | None:
    old, new = before.landscape, after.landscape
    if old is new:
        return None
    if old.id == new.id and old.domain != new.domain:
        return "Change domain"
    return f"Landscape {new.name}"


def _start_edit(before: ExperimentState, after: ExperimentState) -> str | None:
    old, new = before.starts, after.starts
    if old == new:
        return None
    if not new:
        return "Clear starts"
    if len(new) == len(old) + 1 and new[: len(old)] == old:
        return "Add start"
    if len(new) == len(old) - 1 and set(new) <= set(old):
        return "Remove start"
    if len(new) > len(old) + 1:
        return f"Add {len(new) - len(old)} starts"
    return "Place start" if len(new) == 1 else "Change starts"  # (a plain click replaces the starts)


def _method_edit(before: ExperimentState, after: ExperimentState) -> str | None:
    old, new = _by_method(before), _by_method(after)
    if old == new:
        return None
    changed = [m for m in {**old, **new} if old.get(m) != new.get(m)]
    if len(changed) != 1:
        return "Change methods"
    method = changed[0]
    title = get_method(method).name
    (was_on, was), (now_on, now) = old.get(method, (False, None)), new.get(method, (False, None))
    if was_on != now_on:
        return f"{'Tick' if now_on else 'Untick'} {title}"
    names = [k for k in {**_params(was), **_params(now)} if _params(was).get(k) != _params(now).get(k)]
    return f"Set {names[0]} of {title}" if len(names) == 1 else f"Reset {title}"


def _settings_edit(before: ExperimentState, after: ExperimentState) -> str | None:
    if before.seed != after.seed:
        return "Set seed"
    if before.max_steps != after.max_steps:
        return "Set max steps"
    if dict(before.view) != dict(after.view):
        return "Change view options"
    return None


def _by_method(state: ExperimentState) -> dict[str, tuple[bool, MethodSpec]]:
    """Each method the state holds: whether it is ticked, and its spec."""
    out = {s.method: (False, s) for s in state.parked}
    out.update({s.method: (True, s) for s in state.methods})
    return out


def _params(spec: MethodSpec | None) -> dict:
    return dict(spec.params) if spec is not None else {}
