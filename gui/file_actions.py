"""File menu: open / save experiments, recent files, and exports (image, animation, data).

Each action has a dialog-free core (``open_path``, ``save_to``, ``export_*_to``) that returns an
error message (or None), so the behaviour is testable; the menu wrappers add the dialogs.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
)

from core.experiment.file_format import (
    MAX_FILE_BYTES,
    ExperimentFileError,
    ExperimentState,
    load_state,
    save_state,
)
from core.files import read_text_limited
from core.landscapes.network import NNConfig
from core.landscapes.registry import is_nn_id, nn_is_cached
from gui.export.exporters import export_animation, export_data
from gui.export.figure import FigureLayout, caption_text, save_png, save_svg
from gui.qt_helpers import make_action

MAX_RECENT = 8


class FileActions(QObject):
    """Adds the file and export actions to ``window``'s File menu (see the module docstring)."""

    def __init__(self, window, menu: QMenu, settings: QSettings | None):
        super().__init__(window)
        self.window, self.settings = window, settings
        self.path: str | None = None
        self.recent_menu = QMenu("Open &Recent", window)
        entries = (
            ("&Open…", self.open_dialog, QKeySequence.StandardKey.Open),
            ("&Save", self.save, QKeySequence.StandardKey.Save),
            ("Save &As…", self.save_as_dialog, QKeySequence("Ctrl+Shift+S")),
            (None, None, None),
            ("Export &image…", self.export_image_dialog, QKeySequence("Ctrl+E")),
            ("Export &animation…", self.export_animation_dialog, None),
            ("Export &data…", self.export_data_dialog, None),
        )
        first = menu.actions()[0] if menu.actions() else None
        for text, slot, shortcut in entries:
            if text is None:
                menu.insertSeparator(first)
                continue
            menu.insertAction(first, make_action(window, text, slot, shortcut))
            if text == "Save &As…":
                menu.insertMenu(first, self.recent_menu)
        menu.insertSeparator(first)
        self._refresh_recent()

    # ---- experiments --------------------------------------------------------------------------------
    def current_state(self) -> ExperimentState:
        model = self.window.model
        view = {
            "show_minima": self.window.landscape_panel.show_minima.isChecked(),
            "log_loss": self.window.side.log_loss.isChecked(),
        }
        return ExperimentState(
            model.landscape, model.enabled_specs(), tuple(model.starts), model.seed, model.max_steps, view
        )

    def save_to(self, path: str) -> str | None:
        """Save the experiment to ``path``; returns an error message, or None on success."""
        try:
            save_state(path, self.current_state())
        except (OSError, ExperimentFileError, ValueError) as exc:
            return f"Could not save {path}: {exc}"
        self._set_path(path)
        return None

    def open_path(self, path: str) -> str | None:
        """Open an experiment file; on any problem the current experiment stays as it was.

        A file on a network slice that is not trained yet is opened once the Network box has trained
        it in the worker (progress and Cancel there); problems are then reported when they show."""
        config = _untrained_network(path)
        if config is not None:
            self.window.landscape_panel.extras.nn.prepare(
                config=config, on_ready=lambda _land: self._report(self._open_now(path))
            )
            return None
        return self._open_now(path)

    def _open_now(self, path: str) -> str | None:
        try:
            state = load_state(path)
        except (OSError, ExperimentFileError, ValueError) as exc:
            return f"Could not open {path}: {exc}"
        self.window.model.load_state(state)
        self.window.landscape_panel.show_minima.setChecked(bool(state.view.get("show_minima", True)))
        self.window.side.log_loss.setChecked(bool(state.view.get("log_loss", False)))
        self._set_path(path)
        return None

    def save(self) -> None:
        if self.path is None:
            self.save_as_dialog()
        else:
            self._report(self.save_to(self.path))

    def save_as_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save experiment", self.path or "experiment.json", "Minima Lab experiment (*.json)"
        )
        if path:
            self._report(self.save_to(path))

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open experiment", "", "Minima Lab experiment (*.json);;All files (*)"
        )
        if path:
            self._report(self.open_path(path))

    # ---- exports ------------------------------------------------------------------------------------
    def export_image_to(self, path: str, scale: int = 1, side_plots: bool = False) -> str | None:
        """The window's current view (and side plots) with a caption, as PNG or SVG."""
        exp = self.window.model.experiment()
        caption = (
            caption_text(exp, self.window.controller.engine.t) if exp else self.window.model.landscape.name
        )
        side = [self.window.side.loss_plot, self.window.side.lr_plot, self.window.side.noise_plot]
        layout = FigureLayout(self.window.view, side if side_plots else [], caption)
        try:
            if Path(path).suffix.lower() == ".svg":
                save_svg(layout, path)
            elif Path(path).suffix.lower() == ".png":
                save_png(layout, path, scale)
            else:
                return f"Could not export {path}: the file name must end in .png or .svg"
        except (OSError, ValueError) as exc:
            return f"Could not export {path}: {exc}"
        return None

    def export_animation_to(self, path: str, frames: int, fps: float, progress=None) -> str | None:
        exp = self.window.model.experiment()
        if exp is None:
            return "Nothing to animate: choose at least one method and one start point."
        try:
            done = export_animation(exp, path, frames, fps, progress)
        except (OSError, ValueError) as exc:
            return f"Could not export {path}: {exc}"
        return None if done else "Animation export cancelled; nothing was written."

    def export_data_to(self, path: str) -> str | None:
        exp = self.window.model.experiment()
        if exp is None:
            return "No runs to export: choose at least one method and one start point."
        try:
            export_data(exp, path)
        except (OSError, ValueError) as exc:
            return f"Could not export {path}: {exc}"
        return None

    def export_image_dialog(self) -> None:
        dialog = _OptionsDialog(self.window, "Export image")
        scale = dialog.add(QComboBox(), "Resolution (PNG)")
        scale.addItems(["1×", "2×", "4×"])
        side = dialog.add(QCheckBox(), "Include the side plots")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export image", "figure.png", "PNG image (*.png);;SVG image (*.svg)"
        )
        if path:
            self._report(
                self.export_image_to(path, (1, 2, 4)[scale.currentIndex()], side.isChecked()),
                f"Exported {path}",
            )

    def export_animation_dialog(self) -> None:
        dialog = _OptionsDialog(self.window, "Export animation")
        frames = dialog.add(QSpinBox(), "Frames")
        frames.setRange(2, 2000)
        frames.setValue(60)
        fps = dialog.add(QDoubleSpinBox(), "Frames per second")
        fps.setRange(0.5, 60)
        fps.setValue(15)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export animation", "runs.gif", "Animated GIF (*.gif)"
        )
        if not path:
            return
        bar = QProgressDialog("Rendering frames…", "Cancel", 0, 100, self.window)
        bar.setWindowTitle("Export animation")
        bar.setMinimumDuration(0)

        def progress(done: int, total: int) -> bool:
            bar.setMaximum(total)
            bar.setValue(done)
            return not bar.wasCanceled()

        message = self.export_animation_to(path, frames.value(), fps.value(), progress)
        bar.close()
        self._report(message, f"Exported {path}")

    def export_data_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export data", "runs.csv", "CSV, one row per run and step (*.csv);;JSON (*.json)"
        )
        if path:
            self._report(self.export_data_to(path), f"Exported {path}")

    # ---- helpers ------------------------------------------------------------------------------------
    def _report(self, error: str | None, success: str | None = None) -> None:
        if error:
            self.window.statusBar().showMessage(error, 15000)
            QMessageBox.warning(self.window, "Minima Lab", error)
        elif success:
            self.window.statusBar().showMessage(success, 8000)

    def _set_path(self, path: str) -> None:
        self.path = path
        self.window.setWindowTitle(f"Minima Lab — {Path(path).name}")
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
            action.triggered.connect(lambda _=False, p=path: self._report(self.open_path(p)))
        self.recent_menu.setEnabled(bool(self.recent_files()))


def _untrained_network(path: str) -> NNConfig | None:
    """The network-slice settings of the experiment file ``path`` if they still need training, else
    None (also for any problem with the file: opening it reports that)."""
    try:
        land_id = json.loads(read_text_limited(path, MAX_FILE_BYTES))["landscape"]["id"]
        config = NNConfig.from_id(land_id) if is_nn_id(land_id) else None
    except (OSError, ValueError, KeyError, TypeError):  # the file is checked properly when opened
        return None
    return config if config is not None and not nn_is_cached(land_id) else None


class _OptionsDialog(QDialog):
    def __init__(self, parent, title: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._buttons = buttons

    def add(self, widget, label: str):
        self.form.addRow(label, widget)
        return widget

    def exec(self) -> int:
        self.form.addRow(self._buttons)  # the buttons go below every option
        return super().exec()
