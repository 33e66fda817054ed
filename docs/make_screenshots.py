"""Render the issue #7 screenshots of the README and docs, offscreen.

Run: ``python docs/make_screenshots.py`` (writes docs/images/nn-slice.png, nn-compare.png and
highdim_retrain.png; highdim.png comes from ``python main.py highdim --format png``, see docs/highdim.md).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from core.landscapes.registry import nn_landscape  # noqa: E402
from core.studies.highdim_retrain import retrain  # noqa: E402
from core.studies.slice_compare import compare_slices  # noqa: E402
from gui.app import configure_pyqtgraph  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402

IMAGES = ROOT / "docs" / "images"
METHODS = {"gd": {"lr": 0.1}, "momentum": {"lr": 0.02}, "nesterov": {"lr": 0.02}, "adam": {"lr": 0.02}}
STARTS = [(0.8, 0.8), (-0.7, -0.8), (0.85, -0.3)]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    window = MainWindow(settings=None)
    window.resize(1500, 950)
    window.show()
    model = window.model
    model.set_landscape_object(nn_landscape("nn-plain"))
    for method, params in METHODS.items():
        model.set_method_enabled(method, True)
        for name, value in params.items():
            model.set_method_param(method, name, value)
    model.set_max_steps(400)
    model.set_starts(STARTS)
    app.processEvents()
    window.controller.step(400)
    app.processEvents()
    window.grab().save(str(IMAGES / "nn-slice.png"))
    compare = window.analysis.show_nn_compare()
    compare.resize(1200, 700)
    compare.show_comparison(compare_slices(seed=0))
    app.processEvents()
    compare.grab().save(str(IMAGES / "nn-compare.png"))
    highdim = window.analysis.show_highdim()
    highdim.resize(1200, 800)
    highdim.tabs.setCurrentWidget(highdim.retrain)
    for d in (2, 50):  # the second run is drawn over the first: the spread shrinks with d
        highdim.retrain.d.setValue(d)
        highdim.retrain.show_result(retrain(d, "momentum", 200, steps=1000, seed=0))
    app.processEvents()
    highdim.grab().save(str(IMAGES / "highdim_retrain.png"))
    window.close()


if __name__ == "__main__":
    main()
