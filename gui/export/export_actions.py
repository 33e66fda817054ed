"""File ▸ Export: image (PNG/SVG of the window's view), animation (GIF) and data (CSV/JSON).

Each export has a dialog-free core (``export_*_to``) that returns an error message (or None), so the
behaviour is testable; the menu wrappers add the dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from gui.export.exporters import export_animation, export_data
from gui.export.figure import FigureLayout, save_png, save_svg
from gui.model import AppModel
from gui.qt_helpers import MenuActions, make_action


class ExportActions(MenuActions):
    """Adds the export actions to ``menu``. ``figure(side_plots)`` lays out the window's current view;
    ``message`` carries status-bar text."""

    def __init__(self, model: AppModel, host: QWidget, menu: QMenu, figure: Callable[[bool], FigureLayout]):
        super().__init__(host)
        self.model, self.figure = model, figure
        for text, slot, shortcut in (
            ("Export &image…", self.export_image_dialog, QKeySequence("Ctrl+E")),
            ("Export &animation…", self.export_animation_dialog, None),
            ("Export &data…", self.export_data_dialog, None),
        ):
            menu.addAction(make_action(host, text, slot, shortcut))

    # ---- dialog-free cores --------------------------------------------------------------------------
    def export_image_to(self, path: str, scale: int = 1, side_plots: bool = False) -> str | None:
        """The window's current view (and side plots) with a caption, as PNG or SVG."""
        suffix = Path(path).suffix.lower()
        if suffix not in (".png", ".svg"):
            return f"Could not export {path}: the file name must end in .png or .svg"
        layout = self.figure(side_plots)
        try:
            save_svg(layout, path) if suffix == ".svg" else save_png(layout, path, scale)
        except (OSError, ValueError) as exc:
            return f"Could not export {path}: {exc}"
        return None

    def export_animation_to(self, path: str, frames: int, fps: float, progress=None) -> str | None:
        exp = self.model.experiment()
        if exp is None:
            return "Nothing to animate: choose at least one method and one start point."
        try:
            done = export_animation(exp, path, frames, fps, progress)
        except (OSError, ValueError) as exc:
            return f"Could not export {path}: {exc}"
        return None if done else "Animation export cancelled; nothing was written."

    def export_data_to(self, path: str) -> str | None:
        exp = self.model.experiment()
        if exp is None:
            return "No runs to export: choose at least one method and one start point."
        try:
            export_data(exp, path)
        except (OSError, ValueError) as exc:
            return f"Could not export {path}: {exc}"
        return None

    # ---- dialogs ------------------------------------------------------------------------------------
    def export_image_dialog(self) -> None:
        dialog = _OptionsDialog(self.host, "Export image")
        scale = dialog.add(QComboBox(), "Resolution (PNG)")
        scale.addItems(["1×", "2×", "4×"])
        side = dialog.add(QCheckBox(), "Include the side plots")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.host, "Export image", "figure.png", "PNG image (*.png);;SVG image (*.svg)"
        )
        if path:
            error = self.export_image_to(path, (1, 2, 4)[scale.currentIndex()], side.isChecked())
            self.report(error, f"Exported {path}")

    def export_animation_dialog(self) -> None:
        dialog = _OptionsDialog(self.host, "Export animation")
        frames = dialog.add(QSpinBox(), "Frames")
        frames.setRange(2, 2000)
        frames.setValue(60)
        fps = dialog.add(QDoubleSpinBox(), "Frames per second")
        fps.setRange(0.5, 60)
        fps.setValue(15)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.host, "Export animation", "runs.gif", "Animated GIF (*.gif)"
        )
        if not path:
            return
        bar = QProgressDialog("Rendering frames…", "Cancel", 0, 100, self.host)
        bar.setWindowTitle("Export animation")
        bar.setMinimumDuration(0)

        def progress(done: int, total: int) -> bool:
            bar.setMaximum(total)
            bar.setValue(done)
            return not bar.wasCanceled()

        message = self.export_animation_to(path, frames.value(), fps.value(), progress)
        bar.close()
        self.report(message, f"Exported {path}")

    def export_data_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.host, "Export data", "runs.csv", "CSV, one row per run and step (*.csv);;JSON (*.json)"
        )
        if path:
            self.report(self.export_data_to(path), f"Exported {path}")


class _OptionsDialog(QDialog):
    def __init__(self, parent: QWidget, title: str):
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
