"""Animation export time: a 1,000-step, 7-method run rendered to a 30-frame GIF (offscreen).

Run: ``python benchmarks/bench_export.py`` (figures recorded in docs/benchmarks.md).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from core.experiment.spec import Experiment, parse_method_spec  # noqa: E402
from core.landscapes.registry import get_landscape  # noqa: E402
from gui.app import configure_pyqtgraph  # noqa: E402
from gui.export.exporters import export_animation, export_image  # noqa: E402

METHODS = (
    "gd:lr=0.001",
    "momentum:lr=0.0005",
    "nesterov:lr=0.0005",
    "adam:lr=0.01",
    "rmsprop:lr=0.001",
    "sgd:lr=0.002,noise=20000,noise_decay=0,patience=100000",
    "annealing:temperature=10,patience=100000",
)
STARTS = ((3.1, -2.9), (-3.3, 2.2), (1.4, 4.1))


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841
    configure_pyqtgraph()
    land = get_landscape("rastrigin")
    exp = Experiment(land, tuple(parse_method_spec(m) for m in METHODS), STARTS, max_steps=1000, seed=0)
    with tempfile.TemporaryDirectory() as folder:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            export_animation(exp, Path(folder) / "runs.gif", frames=30, fps=15)
            times.append(time.perf_counter() - t0)
        size = (Path(folder) / "runs.gif").stat().st_size
        print(
            f"animation: 7 methods x 3 starts x 1000 steps on rastrigin -> 30-frame GIF ({size / 1e6:.1f} MB)"
        )
        print(
            f"  best of 3: {min(times):.2f} s (runs {', '.join(f'{t:.2f}' for t in times)})   target < 10 s"
        )
        t0 = time.perf_counter()
        export_image(exp, Path(folder) / "figure.png", scale=4, side_plots=True)
        print(f"image: the same experiment as a 4x PNG with side plots: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
