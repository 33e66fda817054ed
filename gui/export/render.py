"""Drawing a widget offscreen into a PNG file of an exact size (the command line's pictures)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget

from core.files import atomic_write_bytes
from gui.export.figure import encoded_png


def save_widget_png(window: QWidget, part: QWidget, path: str | Path, size: tuple[int, int]) -> None:
    """Lay ``window`` out offscreen so that ``part`` (the window itself or a widget inside it) is
    ``size`` pixels, and write ``part`` as a PNG, atomically."""
    app = QApplication.instance()
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.show()
    target = QSize(*size)
    window.resize(target)
    for _ in range(3):  # the window's size that gives the part exactly ``size``
        app.processEvents()
        have = part.size()
        if have == target:
            break
        window.resize(
            window.width() + target.width() - have.width(), window.height() + target.height() - have.height()
        )
    app.processEvents()
    image = part.grab().toImage()
    if image.size() != target:  # a minimum size or a high-density screen got in the way
        image = image.scaled(
            target, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    atomic_write_bytes(path, encoded_png(image))
