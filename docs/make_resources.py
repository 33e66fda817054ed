"""Regenerate ``resources/``: the icon's PNG sizes from its SVG, and one example experiment file per
preset (``python docs/make_resources.py``; tests check the examples still match the presets)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

from core.experiment.file_format import save_state  # noqa: E402
from core.experiment.presets import PRESETS  # noqa: E402

ICONS = ROOT / "resources" / "icons"
EXAMPLES = ROOT / "resources" / "examples"
SIZES = (16, 32, 48, 64, 128, 256)


def icons() -> None:
    renderer = QSvgRenderer(str(ICONS / "minima-lab.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"minima-lab-{size}.png"))


def examples() -> None:
    EXAMPLES.mkdir(exist_ok=True)
    for preset in PRESETS.values():
        save_state(EXAMPLES / f"{preset.id}.json", preset.state())


if __name__ == "__main__":
    _app = QGuiApplication(sys.argv[:1])
    icons()
    examples()
    print(f"wrote {len(SIZES)} icons and {len(PRESETS)} examples")
