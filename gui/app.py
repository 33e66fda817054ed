"""The application object: the QApplication (on screen, or offscreen for pictures), its names and icon,
and pyqtgraph's look. Opening the window is ``gui.launcher``'s."""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
ICON = RESOURCES / "icons" / "minima-lab.svg"
_APP = None


def configure_pyqtgraph() -> None:
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background="w", foreground="k")


def ensure_app(offscreen: bool = False):
    """The running QApplication, or a new one; ``offscreen`` (or no display at all) draws without a
    screen. Sets the app's names and icon and pyqtgraph's look."""
    if offscreen or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        from PySide6.QtCore import QCoreApplication, Qt

        # The 3-D view's OpenGL widget lives in a window of its own; sharing contexts lets Qt make it
        # without re-creating the main window's native window (which a window manager shows as a flicker).
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(sys.argv[:1])
        app.setOrganizationName("MinimaLab")
        app.setApplicationName("Minima Lab")
        app.setDesktopFileName("minima-lab")
        if ICON.is_file():
            app.setWindowIcon(QIcon(str(ICON)))
        global _APP
        _APP = app  # the application lives as long as the process
    configure_pyqtgraph()
    return app
