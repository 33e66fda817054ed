"""Starting the app: ``python main.py [--preset NAME] [--screenshot PNG --steps N]``."""

from __future__ import annotations

import os
import sys

from core.experiment.presets import PRESETS, get_preset

DEFAULT_PRESET = "seed-lecture"


def configure_pyqtgraph() -> None:
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background="w", foreground="k")


def run_app(preset_id: str | None = None, screenshot: str | None = None, steps: int | None = None) -> int:
    """Open the window (optionally with a preset); with ``screenshot``, render offscreen and save a PNG."""
    if preset_id is not None and preset_id not in PRESETS:
        print(f"error: unknown preset {preset_id!r}; valid: {', '.join(PRESETS)}", file=sys.stderr)
        return 2
    if screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("MinimaLab")
    app.setApplicationName("Minima Lab")
    configure_pyqtgraph()
    window = MainWindow(settings=None if screenshot else QSettings())
    if preset_id is not None or screenshot or not window.model.experiment():
        window.model.load_preset(get_preset(preset_id or DEFAULT_PRESET))
    window.show()
    if screenshot:
        return _save_screenshot(app, window, screenshot, steps)
    code = app.exec()
    return code


def _save_screenshot(app, window, path: str, steps: int | None) -> int:
    window.resize(1500, 950)
    app.processEvents()
    window.controller.step(steps if steps is not None else window.model.max_steps // 3)
    app.processEvents()
    ok = window.grab().save(path)
    window.close()
    if not ok:
        print(f"error: cannot write screenshot {path!r}", file=sys.stderr)
        return 2
    return 0
