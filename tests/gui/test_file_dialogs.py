"""File dialogs start in the folder last used (not the working directory) and remember it."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from gui import file_dialogs


def test_dialogs_start_in_the_last_folder_and_remember_the_new_one(qtbot, tmp_path, monkeypatch):
    QSettings().remove(file_dialogs.LAST_FOLDER_KEY)
    seen = []
    chosen = tmp_path / "lecture" / "runs.csv"
    chosen.parent.mkdir()

    def ask(parent, title, start, filters):
        seen.append(start)
        return str(chosen), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask)
    assert file_dialogs.save_path(None, "Export data", "runs.csv", "CSV (*.csv)") == str(chosen)
    assert seen[0].endswith("runs.csv") and not seen[0].startswith(str(tmp_path))  # home, not cwd
    assert file_dialogs.open_path(None, "Open experiment", "JSON (*.json)") == str(chosen)
    assert seen[1] == str(chosen.parent)  # where the last file went
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: ("", ""))
    assert file_dialogs.open_path(None, "Open", "JSON (*.json)") == ""  # cancelled: remembered folder kept
    assert file_dialogs.last_folder() == chosen.parent
    QSettings().remove(file_dialogs.LAST_FOLDER_KEY)
