"""File menu: open and save experiments, recent files (the exports are ``gui.export.export_actions``).

Each action has a dialog-free core (``open_path``, ``save_to``) that returns an error message (or None),
so the behaviour is testable; the menu wrappers add the dialogs. Opening reads the file's text at once
(at most 10 MB) and builds the experiment in the worker (``Preparer``): a data landscape's minima, a
network slice's training; a problem found there goes to ``problem`` and the message box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from core.experiment.file_format import (
    ExperimentFileError,
    read_experiment_text,
    save_state,
    state_from_json_apart,
)
from core.experiment.state import ExperimentState
from gui.file_dialogs import open_path, save_path
from gui.model import AppModel
from gui.qt_helpers import MenuActions, make_action
from gui.workers.preparer import Preparer

MAX_RECENT = 8
FILE_FILTER = "Minima Lab experiment (*.json)"


class FileActions(MenuActions):
    """Adds Open, Save, Save As and Open Recent to ``menu`` (see the module docstring).

    ``host`` parents the dialogs; ``preparer`` builds an opened experiment in the worker (progress and
    Cancel in the status bar). ``message`` carries status-bar text, ``pathChanged`` the experiment file
    now open; ``problem`` is why the last opening failed (None if it did not)."""

    pathChanged = Signal(str)

    def __init__(
        self, model: AppModel, host: QWidget, menu: QMenu, settings: QSettings | None, preparer: Preparer
    ):
        super().__init__(host)
        self.model, self.settings, self.preparer = model, settings, preparer
        self.path: str | None = None
        self.problem: str | None = None
        self.recent_menu = QMenu("Open &Recent", host)
        for text, slot, shortcut in (
            ("&Open…", self.open_dialog, QKeySequence.StandardKey.Open),
            ("&Save", self.save, QKeySequence.StandardKey.Save),
            ("Save &As…", self.save_as_dialog, QKeySequence("Ctrl+Shift+S")),
        ):
            menu.addAction(make_action(host, text, slot, shortcut))
        menu.addMenu(self.recent_menu)
        self._refresh_recent()

    # ---- dialog-free cores --------------------------------------------------------------------------
    def save_to(self, path: str) -> str | None:
        """Save the experiment to ``path``; returns an error message, or None on success."""
        try:
            save_state(path, self.model.state)
        except (OSError, ExperimentFileError, ValueError) as exc:
            return f"Could not save {path}: {exc}"
        self._set_path(path)
        return None

    def open_path(self, path: str) -> str | None:
        """Open an experiment file; on any problem the current experiment stays as it was.

        Returns a problem found at once (the file cannot be read), else None: the experiment is then
        built in the worker and shown when ready (see the module docstring)."""
        try:
            text = read_experiment_text(path)
        except ExperimentFileError as exc:
            self.problem = f"Could not open {path}: {exc}"
            return self.problem
        self.problem = None

        def loaded(state: ExperimentState) -> None:
            self.model.load_state(state)
            self._set_path(path)

        def failed(problem: str) -> None:
            self.problem = f"Could not open {path}: {problem}"
            self.report(self.problem)

        read = lambda state: state_from_json_apart(text, state.progress, state.cancel)  # noqa: E731
        self.preparer.prepare(f"Opening {Path(path).name}…", read, loaded, failed)
        return None

    # ---- dialogs ------------------------------------------------------------------------------------
    def save(self) -> None:
        if self.path is None:
            self.save_as_dialog()
        else:
            self.report(self.save_to(self.path), f"Saved {self.path}")

    def save_as_dialog(self) -> None:
        path = save_path(self.host, "Save experiment", self.path or "experiment.json", FILE_FILTER)
        if path:
            self.report(self.save_to(path), f"Saved {path}")

    def open_dialog(self) -> None:
        path = open_path(self.host, "Open experiment", f"{FILE_FILTER};;All files (*)")
        if path:
            self.report(self.open_path(path))

    # ---- helpers ------------------------------------------------------------------------------------
    def _set_path(self, path: str) -> None:
        self.path = path
        self.pathChanged.emit(path)
        if self.settings is not None:
            recent = [p for p in self.recent_files() if p != path]
            self.settings.setValue("recentFiles", [path, *recent][:MAX_RECENT])
        self._refresh_recent()

    def recent_files(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value("recentFiles") or []
        return [str(v) for v in (value if isinstance(value, list) else [value])]

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.report(self.open_path(p)))
        self.recent_menu.setEnabled(bool(self.recent_files()))
