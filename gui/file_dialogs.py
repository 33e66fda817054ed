"""File dialogs that open where the user last went (remembered across sessions in the application's
settings), never in the process's working directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

LAST_FOLDER_KEY = "dialogs/last_folder"


def last_folder() -> Path:
    """The folder of the last file chosen in any dialog, or the home folder."""
    folder = Path(str(QSettings().value(LAST_FOLDER_KEY, "") or Path.home()))
    return folder if folder.is_dir() else Path.home()


def _remember(path: str) -> str:
    if path:
        QSettings().setValue(LAST_FOLDER_KEY, str(Path(path).parent))
    return path


def save_path(parent: QWidget, title: str, name: str, filters: str) -> str:
    """Ask where to save ``name`` (a bare name goes in the last folder); "" when cancelled."""
    start = Path(name) if Path(name).is_absolute() else last_folder() / name
    return _remember(QFileDialog.getSaveFileName(parent, title, str(start), filters)[0])


def open_path(parent: QWidget, title: str, filters: str) -> str:
    """Ask which file to open, starting in the last folder; "" when cancelled."""
    return _remember(QFileDialog.getOpenFileName(parent, title, str(last_folder()), filters)[0])
