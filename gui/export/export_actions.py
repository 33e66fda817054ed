"""File ▸ Export: image (PNG/SVG of the window's view), animation (GIF/MP4) and data (CSV/JSON).

Each export has a dialog-free core (``export_*_to``), so the behaviour is testable; the menu wrappers
add the dialogs. An image is drawn from what the window shows (at once); an animation or a data export
first runs the experiment to its end in a worker (progress and Cancel in a dialog), and reports when
written (``finished`` carries the error message, or None).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QMenu,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from core.files import failure_text
from core.runs.results import write_run_data
from gui.file_dialogs import save_path
from gui.model import AppModel
from gui.qt_helpers import MenuActions, make_action
from gui.workers.base import Task, TaskRunner

if TYPE_CHECKING:  # (the exporters load when first used: Pillow and the SVG module cost start-up time)
    from gui.export.figure import FigureLayout

SHOW_AFTER_MS = 300  # a quick export shows no progress dialog
CANCELLED = "Export cancelled; nothing was written."


GIF_FILTER, MP4_FILTER = "Animated GIF (*.gif)", "MP4 video, H.264 (*.mp4)"
ANIMATION_FILES = {  # MP4 or not: the name offered and the file types, the chosen one first
    False: ("runs.gif", f"{GIF_FILTER};;{MP4_FILTER}"),
    True: ("runs.mp4", f"{MP4_FILTER};;{GIF_FILTER}"),
}
FORMAT_TIP = (
    "A GIF keeps every frame in memory until it is written (at most {gif} frames); a video is encoded "
    "frame by frame (up to {mp4})"
)


class ExportActions(MenuActions):
    """Adds the export actions to ``menu``. ``figure(side_plots)`` lays out the window's current view;
    ``message`` carries status-bar text; ``finished(error or None)`` follows every worker export."""

    finished = Signal(object)

    def __init__(self, model: AppModel, host: QWidget, menu: QMenu, figure: Callable[[bool], FigureLayout]):
        super().__init__(host)
        self.model, self.figure = model, figure
        self.runner = TaskRunner(self)
        self._dialog: QProgressDialog | None = None
        self._on_ready: Callable[[object], str | None] | None = None
        self._path = ""
        self._cancelled = False
        self.runner.progressed.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(lambda text: self._done(f"Could not export {self._path}: {text}"))
        self.runner.cancelled.connect(lambda: self._done(None, CANCELLED))
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
            from gui.export.figure import save_png, save_svg

            save_svg(layout, path) if suffix == ".svg" else save_png(layout, path, scale)
        except (OSError, ValueError) as exc:
            return f"Could not export {path}: {failure_text(exc)}"
        return None

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def export_animation_to(self, path: str, frames: int, fps: float) -> str | None:
        """Start a GIF or MP4 export, by the file name (the runs in the worker, then the frames here);
        None if it started."""
        exp = self.model.experiment()
        if exp is None:
            return "Nothing to animate: choose at least one method and one start point."
        suffix = Path(path).suffix.lower()
        if suffix not in (".gif", ".mp4"):
            return f"Could not export {path}: the file name must end in .gif or .mp4"
        from gui.export.exporters import check_animation, figure_runs

        try:
            check_animation(frames, fps, suffix=suffix)
        except ValueError as exc:
            return f"Could not export {path}: {exc}"
        runs = lambda state: figure_runs(exp, state.progress)  # noqa: E731
        return self._start(
            path, "Running the experiment…", runs, lambda buffer: self._frames(exp, buffer, frames, fps)
        )

    def export_data_to(self, path: str) -> str | None:
        """Start a CSV/JSON export of every step of every run in the worker; None if it started."""
        exp = self.model.experiment()
        if exp is None:
            return "No runs to export: choose at least one method and one start point."
        if Path(path).suffix.lower() not in (".csv", ".json"):
            return f"Could not export {path}: the file name must end in .csv or .json"
        write = lambda state: write_run_data(exp, path, state.progress)  # noqa: E731
        return self._start(path, "Exporting the runs…", write, lambda _: None)

    def _start(
        self, path: str, text: str, task: Task, on_ready: Callable[[object], str | None]
    ) -> str | None:
        if self.runner.busy or self._dialog is not None:
            return f"Could not export {path}: the export of {self._path} is still running"
        self._path, self._on_ready = path, on_ready
        self._dialog = QProgressDialog(text, "Cancel", 0, 1000, self.host)
        self._dialog.setWindowTitle("Export")
        self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self._dialog.setMinimumDuration(SHOW_AFTER_MS)
        self._dialog.canceled.connect(self.runner.cancel)
        self.runner.start(task)
        return None

    def _on_progress(self, fraction: float, _left: float) -> None:
        if self._dialog is not None:
            self._dialog.setValue(int(1000 * fraction))

    def _on_succeeded(self, result: object) -> None:
        callback, self._on_ready = self._on_ready, None
        try:
            error = callback(result) if callback is not None else None
        except (OSError, ValueError) as exc:
            error = f"Could not export {self._path}: {failure_text(exc)}"
        self._done(error)

    def _frames(self, exp, buffer, frames: int, fps: float) -> str | None:
        """Draw the frames here (widgets are drawn on this thread), the dialog showing how far."""
        dialog = self._dialog
        dialog.setLabelText("Drawing the frames…")

        def progress(done: int, total: int) -> bool:
            dialog.setValue(int(1000 * done / total))
            return not dialog.wasCanceled()

        from gui.export.exporters import export_animation

        if not export_animation(exp, self._path, frames, fps, progress, runs=buffer):
            self._cancelled = True
        return None

    def _done(self, error: str | None, note: str | None = None) -> None:
        """The export's outcome: an error (a dialog), or a note in the status bar (done, cancelled)."""
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None
        if self._cancelled:
            note, self._cancelled = CANCELLED, False
        self.report(error, note or f"Exported {self._path}")
        self.finished.emit(error)

    # ---- dialogs ------------------------------------------------------------------------------------
    def export_image_dialog(self) -> None:
        dialog = _OptionsDialog(self.host, "Export image")
        scale = dialog.add(QComboBox(), "Resolution (PNG)")
        scale.addItems(["1×", "2×", "4×"])
        side = dialog.add(QCheckBox(), "Include the side plots")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path = save_path(self.host, "Export image", "figure.png", "PNG image (*.png);;SVG image (*.svg)")
        if path:
            error = self.export_image_to(path, (1, 2, 4)[scale.currentIndex()], side.isChecked())
            self.report(error, f"Exported {path}")

    def export_animation_dialog(self) -> None:
        options = self._animation_options()
        if options is None:
            return
        video, frames, fps = options
        name, filters = ANIMATION_FILES[video]
        path = save_path(self.host, "Export animation", name, filters)
        if path:
            self.report(self.export_animation_to(path, frames, fps))

    def _animation_options(self) -> tuple[bool, int, float] | None:
        """The format (True: MP4), frames and rate chosen in a dialog; None if it was cancelled."""
        from gui.export.exporters import MAX_FRAMES, max_frames

        dialog = _OptionsDialog(self.host, "Export animation")
        kind = dialog.add(QComboBox(), "Format")
        kind.addItems(["Animated GIF", "MP4 video (H.264)"])
        kind.setToolTip(FORMAT_TIP.format(gif=max_frames(), mp4=MAX_FRAMES))
        frames = dialog.add(QSpinBox(), "Frames")
        frames.setRange(2, max_frames())
        frames.setValue(60)
        kind.currentIndexChanged.connect(lambda k: frames.setMaximum(MAX_FRAMES if k else max_frames()))
        fps = dialog.add(QDoubleSpinBox(), "Frames per second")
        fps.setRange(0.5, 60)
        fps.setValue(15)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return kind.currentIndex() == 1, frames.value(), fps.value()

    def export_data_dialog(self) -> None:
        path = save_path(
            self.host, "Export data", "runs.csv", "CSV, one row per run and step (*.csv);;JSON (*.json)"
        )
        if path:
            self.report(self.export_data_to(path))


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
