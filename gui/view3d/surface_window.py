"""View ▸ 3-D surface: a window beside the main one (a split view: starts are still placed in the 2-D
view) with the 3-D view, its camera controls, vertical scale and log height; fed the same runs."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.surface3d import MAX_VERTICAL_SCALE
from gui.qt_helpers import make_action

POINTS_PER_RUN = 150  # of each trail (every k-th row and the last: the software renderer draws each)
FRAME_SECONDS = 1 / 42  # the 3-D view takes the runs' rows at most this often (each frame costs ~8 ms)


def opengl_problem(load: bool = False) -> str | None:
    """Why the 3-D view cannot be shown here (None: it can). Without ``load``, only whether PyOpenGL
    is installed (start-up does not import it); with it, PyOpenGL and its library are loaded."""
    if importlib.util.find_spec("OpenGL") is None:
        return "the 3-D view needs PyOpenGL (pip install PyOpenGL) and an OpenGL driver (Mesa)"
    if not load:
        return None
    try:
        import OpenGL.GL  # noqa: F401
        import pyqtgraph.opengl  # noqa: F401
    except Exception as exc:  # (a library PyOpenGL cannot load: no OpenGL driver)
        return f"OpenGL is not available here ({exc}); the 2-D view works as before"
    return None


class SurfaceWindow(QWidget):
    """The 3-D view's own window (beside the main one); closing it unticks View ▸ 3-D surface."""

    def __init__(self, action: QAction, on_shown: Callable[[bool], None]):
        # Parentless: a window with an OpenGL widget made a child of the main window would make Qt
        # re-create the main window's native window (a flicker; tools holding its id lose it).
        super().__init__(None, Qt.WindowType.Window)
        self.action, self.on_shown = action, on_shown

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.on_shown(True)
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.on_shown(False)
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.action.setChecked(False)
        super().closeEvent(event)


class Surface3D:
    """Owns the 3-D window (made on first use), its menu action, and what it is given to show."""

    def __init__(self, window: QMainWindow, view_menu):
        self.window = window
        self.view3d = None
        self.window3d: SurfaceWindow | None = None
        self._last = 0.0
        self._later = QTimer(singleShot=True, timeout=self._catch_up)
        self._fed_at_paint = -1  # the 3-D view's paint count when it was last given rows
        self._behind = False  # rows arrived while the 3-D view was still drawing the previous ones
        self._escapes_shown = None
        self.action: QAction = make_action(window, "&3-D surface", self.set_shown, "F3", checkable=True)
        view_menu.addAction(self.action)
        self.problem = opengl_problem()
        window.model.landscapeChanged.connect(self._on_landscape)
        self._on_landscape()

    # ---- showing ------------------------------------------------------------------------------------
    def set_shown(self, shown: bool) -> None:
        """Show (or hide) the 3-D view beside the 2-D one (or say why it cannot be shown)."""
        if shown and self.window3d is None:
            self.problem = opengl_problem(load=True)
            if self.problem is not None:
                self._on_landscape()
                self.window.show_message(f"No 3-D view: {self.problem}", 15000)
                return
            self._build()
        if self.window3d is not None:
            self.window3d.setVisible(shown)
        if shown:
            self.show_landscape()
            self.view3d.reset_camera()
            self.feed(force=True)

    def _build(self) -> None:
        from gui.view3d.surface_view import SurfaceView3D

        self.view3d = SurfaceView3D()
        self.view3d.frameSwapped.connect(self._catch_up)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(2, 2, 2, 2)
        column.addWidget(_row(self._camera_controls()))
        column.addWidget(_row(self._picture_controls()))  # (two rows fit half a 1280-wide screen)
        # The scene is a QOpenGLWindow in a container: a QOpenGLWidget would be composed through the
        # window's backing store on every frame (with a software renderer, the 2-D view fell to 30 /s).
        self.container = QWidget.createWindowContainer(self.view3d)
        self.container.setMinimumSize(200, 160)
        column.addWidget(self.container, 1)
        self.window3d = SurfaceWindow(self.action, self.window.presenter.share_frames)
        self.window3d.setWindowTitle("Minima Lab — 3-D surface")
        QVBoxLayout(self.window3d).addWidget(body)
        self.window3d.layout().setContentsMargins(0, 0, 0, 0)
        self._keys_of_the_main_window()
        self._place_beside()

    def _camera_controls(self) -> list[QWidget]:
        from gui.view3d.surface_view import CAMERAS

        self.camera = QComboBox()
        self.camera.addItems(list(CAMERAS))
        self.camera.setToolTip("Look from one of these places (drag orbits, the wheel zooms, Ctrl+drag pans)")
        self.camera.activated.connect(lambda _=0: self.view3d.reset_camera(self.camera.currentText()))
        reset = QPushButton("Reset camera")
        reset.clicked.connect(lambda: self.view3d.reset_camera(self.camera.currentText()))
        self.vertical = QDoubleSpinBox()
        self.vertical.setRange(0.1, MAX_VERTICAL_SCALE)
        self.vertical.setSingleStep(0.25)
        self.vertical.setValue(1.0)
        self.vertical.setPrefix("height × ")
        self.vertical.setToolTip("Vertical scale of the surface")
        self.log = QCheckBox("Log height")
        self.log.setToolTip("Height log10(1 + f − min f): valleys such as Rosenbrock's become readable")
        for signal in (self.vertical.valueChanged, self.log.toggled):
            signal.connect(lambda _=None: (self.show_landscape(), self.feed(force=True)))
        self.contours = QCheckBox("Contours")
        self.contours.setToolTip("Lines of equal height on the surface")
        self.contours.toggled.connect(self.view3d.show_contours)
        return [self.camera, reset, self.vertical, self.log, self.contours]

    def _picture_controls(self) -> list[QWidget]:
        self.scale = QComboBox()
        self.scale.addItems([f"{k}×" for k in (1, 2, 3, 4)])
        self.scale.setToolTip("Size of the saved PNG: 1–4 times the view's size on screen")
        png = QPushButton("Save PNG…")
        png.clicked.connect(self.save_png_dialog)
        gif = QPushButton("Save GIF…")
        gif.setToolTip("An animated GIF: the camera turns once around the surface while the runs play")
        gif.clicked.connect(self.save_gif_dialog)
        return [QLabel("Picture:"), self.scale, png, gif]

    def _place_beside(self) -> None:
        """At the screen's right, beside the 2-D view (Mesa's software renderer costs per pixel: ~15 ms a
        frame at 900 × 700, ~9 ms at 640 × 480)."""
        screen = self.window.screen().availableGeometry()
        width, height = min(720, screen.width() // 2), min(560, screen.height() - 80)
        self.window3d.setGeometry(screen.right() - width, screen.top() + 40, width, height)

    def show_for_picture(self) -> str | None:
        """Show the 3-D view for a picture (``--screenshot --view 3d``); why it cannot, or None."""
        if self.window.model.landscape.dim != 2:
            return f"{self.window.model.landscape.name} is 1-D: the 3-D view shows 2-D landscapes"
        self.set_shown(True)
        return None if self.shown else (self.problem or "OpenGL is not available here")

    def picture(self):
        """The 3-D view as an image, its latest runs drawn."""
        from PySide6.QtWidgets import QApplication

        self.feed(force=True)
        QApplication.processEvents()
        return self.view3d.grabFramebuffer()

    def close(self) -> None:
        """Close the 3-D window with the main one."""
        if self.window3d is not None:
            self.window3d.close()
            self.window3d.deleteLater()
            self.window3d = None

    def _keys_of_the_main_window(self) -> None:
        """Space plays or pauses, R resets and Ctrl+Q quits from the 3-D window too (its arrows orbit)."""
        window = self.window
        for key, slot in (
            ("Space", window.play_action.trigger),
            ("R", window.reset_action.trigger),
            ("Ctrl+Q", window.close),
            ("Ctrl+W", self.window3d.close),
        ):
            QShortcut(QKeySequence(key), self.window3d).activated.connect(slot)

    @property
    def shown(self) -> bool:
        return self.window3d is not None and self.window3d.isVisible() and self.view3d is not None

    def _on_landscape(self) -> None:
        land = self.window.model.landscape
        usable = self.problem is None and land.dim == 2
        self.action.setEnabled(usable)
        why = self.problem or (
            "" if land.dim == 2 else f"{land.name} is 1-D: the 3-D view shows 2-D landscapes"
        )
        self.action.setToolTip(why or "The landscape as a lit surface with the runs riding on it (F3)")
        self.action.setStatusTip(self.action.toolTip())
        if not usable and self.window3d is not None:
            self.window3d.hide()
        elif self.shown:
            self.show_landscape()
            self.view3d.reset_camera(self.camera.currentText())

    def show_landscape(self) -> None:
        if self.shown or (self.view3d is not None and self.window.model.landscape.dim == 2):
            self.view3d.show_landscape(
                self.window.model.landscape, self.log.isChecked(), self.vertical.value()
            )

    # ---- pictures -----------------------------------------------------------------------------------
    def save_png(self, path: str, scale: int = 1) -> str | None:
        """Write the 3-D view as a PNG at ``scale`` ×; returns the problem, or None."""
        from gui.view3d.export3d import save_png

        self.feed(force=True)
        try:
            save_png(self.view3d, path, scale)
        except (OSError, ValueError) as exc:
            return f"Could not save {path}: {exc}"
        return None

    def save_gif(self, path: str, frames: int | None = None, progress=None) -> str | None:
        """Write the turning GIF (the runs play ``GIF_STEPS`` steps a frame); the problem, or None."""
        from gui.view3d.export3d import GIF_FRAMES, GIF_STEPS, save_rotating_gif

        def advance() -> None:
            if not self.window.controller.done:
                self.window.controller.step(GIF_STEPS)
            self.feed(force=True)

        cancelled = (lambda k: progress(k)) if progress is not None else (lambda _k: False)
        try:
            written = save_rotating_gif(self.view3d, path, advance, frames or GIF_FRAMES, cancelled=cancelled)
        except (OSError, ValueError) as exc:
            return f"Could not save {path}: {exc}"
        return None if written else "cancelled: nothing written"

    def save_png_dialog(self) -> None:
        from gui.file_dialogs import save_path

        path = save_path(self.window3d, "Save the 3-D view", "surface-3d.png", "PNG image (*.png)")
        if path:
            problem = self.save_png(path, self.scale.currentIndex() + 1)
            self.window.show_message(problem or f"Saved {path}", 15000)

    def save_gif_dialog(self) -> None:
        from PySide6.QtWidgets import QApplication, QProgressDialog

        from gui.file_dialogs import save_path
        from gui.view3d.export3d import GIF_FRAMES

        path = save_path(self.window3d, "Save a turning GIF", "surface-3d.gif", "GIF animation (*.gif)")
        if not path:
            return
        dialog = QProgressDialog("Drawing the frames…", "Cancel", 0, GIF_FRAMES, self.window3d)
        dialog.setMinimumDuration(300)

        def progress(k: int) -> bool:
            dialog.setValue(k + 1)
            QApplication.processEvents()
            return dialog.wasCanceled()

        problem = self.save_gif(path, progress=progress)
        dialog.close()
        self.window.show_message(problem or f"Saved {path}", 15000)

    # ---- the runs -----------------------------------------------------------------------------------
    def feed(self, force: bool = False) -> None:
        """Give the 3-D view the runs' latest rows, once it has drawn the previous ones (rows given
        meanwhile would never be seen); if it is still drawing, they follow when it is done."""
        if not self.shown:
            return
        wait = self._last + FRAME_SECONDS - time.perf_counter()
        if not force and (wait > 0 or self.view3d.paints == self._fed_at_paint):
            self._behind = True
            if wait > 0 and not self._later.isActive():
                self._later.start(int(wait * 1000) + 1)
            return
        self._behind, self._fed_at_paint, self._last = False, self.view3d.paints, time.perf_counter()
        presenter, view = self.window.presenter, self.window.view
        buffer = presenter.shown_buffer  # (an earlier step, when the timeline shows one)
        if buffer is None or self.view3d.land is not self.window.model.landscape:
            self.view3d.show_runs([], np.empty((0, 2)), [])
            return
        self.view3d.show_runs(run_trails(buffer, view), self._starts(), self._start_colours())
        if presenter.shown_escape_points is not self._escapes_shown:  # (new events, or another step)
            self._escapes_shown = presenter.shown_escape_points
            self.view3d.show_escapes(presenter.shown_escape_points)

    def _catch_up(self) -> None:
        if self._behind:
            self.feed()

    def _starts(self) -> np.ndarray:
        starts = self.window.model.starts
        return np.asarray(starts, dtype=float).reshape(-1, 2) if starts else np.empty((0, 2))

    def _start_colours(self) -> list[str]:
        return ["#222222"] * len(self.window.model.starts)


def _row(widgets: list[QWidget]) -> QWidget:
    """The widgets side by side, packed to the left."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return row


def run_trails(buffer, view, limit: int = POINTS_PER_RUN) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """Each run's trail as (xy, f, colour), thinned to about ``limit`` points, in run order."""
    out = []
    for runs in view.run_groups:
        positions, steps, counts = buffer.padded("positions", runs, limit)
        losses = buffer.padded("losses", runs, limit)[0]
        for k, run in enumerate(runs):
            n = int(counts[k])
            out.append((positions[k, :n, :2], losses[k, :n], view.run_color(int(run))))
    return out
