"""What the window remembers between launches (QSettings): its geometry and dock layout, the speed, and
the experiment as the experiment file format (``core.experiment.file_format``), view options included."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from core.experiment.file_format import ExperimentFileError, state_from_json, state_to_json
from gui.model import AppModel
from gui.workers.preparer import Preparer

SESSION_KEY = "session"
PROBLEM = "Last session's choices could not be restored: {}"


def save_session(settings: QSettings, window: QMainWindow, model: AppModel, speed: int) -> None:
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("windowState", window.saveState())
    settings.setValue("speed", speed)
    try:
        settings.setValue(SESSION_KEY, state_to_json(model.state))
    except ExperimentFileError:  # never happens for a checked state; the last good session stays
        pass
    settings.sync()


def restore_layout(settings: QSettings, window: QMainWindow) -> int | None:
    """Restore geometry and docks; returns the saved speed (steps per second) if there is one."""
    geometry, state = settings.value("geometry"), settings.value("windowState")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)
    speed = settings.value("speed")
    try:
        return int(speed) if speed is not None else None
    except (TypeError, ValueError):
        return None


def restore_experiment(
    settings: QSettings, model: AppModel, preparer: Preparer, report: Callable[[str], None]
) -> None:
    """Load the last session's experiment into ``model`` in the worker (the window opens at once; a
    network slice trains meanwhile); a problem goes to ``report`` and the model stays as it was."""
    text = settings.value(SESSION_KEY)
    if not text:
        return
    text = str(text)
    read = lambda state: state_from_json(text, state.progress, state.cancel)  # noqa: E731
    preparer.prepare(
        "Restoring the last session…", read, model.load_state, lambda p: report(PROBLEM.format(p))
    )
