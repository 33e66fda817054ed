"""The screenshot tour: what a person sees, in a real X window, at 1280×720 and 1920×1080.

Run: ``python docs/tour/make_tour.py`` (one command: it starts Xvfb itself when no display is set; needs
Debian's ``xvfb``). Writes ``docs/tour/<size>/<scene>.png``: every preset (run for a while), the Basins
tab with maps, each analysis window, a data landscape, a long formula, the methods' rules.
``--only NAME`` makes the scenes whose name contains NAME; ``--sizes 1280x720`` one size.

Each picture is the screen's copy of the window (``QScreen.grabWindow``): what the X server shows, not a
repaint into an image.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "tour"
SIZES = ((1280, 720), (1920, 1080))
LONG_FORMULA = "sin(3*x)*cos(2*y) + 0.1*(x**2 + y**2) + 0.05*sin(5*x + 3*y)*cos(x - 2*y) + 0.02*x*y"


def _with_display(argv: list[str]) -> int | None:
    """Run this script again under a fresh Xvfb if no display is set (its exit status), else None."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("make_tour needs an X display or Xvfb (Debian: apt-get install xvfb)")
    display = f":{90 + os.getpid() % 9}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
    try:
        time.sleep(1.0)
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        return subprocess.call([sys.executable, __file__, *argv], env=env)
    finally:
        server.terminate()
        server.wait()


def settle(seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def shoot(widget, path: Path) -> None:
    """What the screen shows of ``widget``'s window."""
    settle(0.4)
    window = widget.window()
    window.screen().grabWindow(window.winId()).save(str(path))
    print(f"wrote {path.relative_to(ROOT)}")


def play(window, steps: int) -> None:
    """Run the current experiment ``steps`` steps (or to its end) and let the panels follow."""
    window.presenter.flush()
    window.controller.step(steps)
    deadline = time.perf_counter() + 60
    while window.presenter.settling and time.perf_counter() < deadline:
        settle(0.05)


def wait_prepared(window) -> None:
    deadline = time.perf_counter() + 120
    while window.preparer.busy and time.perf_counter() < deadline:
        settle(0.05)
    settle(0.2)


def scenes() -> dict[str, Callable]:
    """Scene name -> function(window, folder) that sets the window up and saves its pictures."""
    from core.experiment.presets import PRESETS

    out: dict[str, Callable] = {}
    for preset_id in PRESETS:
        out[f"preset-{preset_id}"] = lambda w, d, p=preset_id: _preset(w, d, p)
    out["basins"] = _basins
    out["data-landscape"] = _data_landscape
    out["long-formula"] = _long_formula
    out["nn-compare"] = _nn_compare
    out["highdim"] = _highdim
    out["about-methods"] = _about
    return out


def _preset(window, folder: Path, preset_id: str) -> None:
    from core.experiment.presets import PRESETS

    window.open_preset(PRESETS[preset_id])
    wait_prepared(window)
    play(window, 300)
    shoot(window, folder / f"preset-{preset_id}.png")


def _basins(window, folder: Path) -> None:
    from core.experiment.presets import PRESETS

    window.open_preset(PRESETS["seed-lecture"])
    wait_prepared(window)
    window.docks["Basins"].raise_()
    panel = window.basins
    panel.grid.setValue(400)
    panel.seeds.setValue(3)
    panel.start()
    deadline = time.perf_counter() + 120
    while panel.runner.busy and time.perf_counter() < deadline:
        settle(0.1)
    shoot(window, folder / "basins-1d.png")
    window.model.set_landscape("himmelblau")
    settle(0.5)
    panel.grid.setValue(48)
    panel.start()
    deadline = time.perf_counter() + 120
    while panel.runner.busy and time.perf_counter() < deadline:
        settle(0.1)
    shoot(window, folder / "basins-2d.png")
    window.docks["Plots"].raise_()


def _data_landscape(window, folder: Path) -> None:
    from core.experiment.presets import PRESETS

    window.open_preset(PRESETS["minibatch-noise"])
    wait_prepared(window)
    panel = window.landscape_panel
    panel.choose("fit-frequency-phase")
    wait_prepared(window)
    window.model.set_starts([(1.0, 0.5), (2.2, -1.0)])
    play(window, 200)
    shoot(window, folder / "data-landscape-2d.png")


def _long_formula(window, folder: Path) -> None:
    from gui.panels.landscape_panel import CUSTOM

    panel = window.landscape_panel
    panel.choose(CUSTOM)
    warming = panel.extras.formula.warm_up()
    while warming is not None and warming.is_alive():
        settle(0.05)
    panel.extras.formula.edit.setText(LONG_FORMULA)
    panel.extras.formula.apply_formula()
    wait_prepared(window)
    window.model.set_starts([(1.0, 1.0), (-1.5, 0.5)])
    play(window, 200)
    shoot(window, folder / "long-formula.png")


def _nn_compare(window, folder: Path) -> None:
    compare = window.analysis.show_nn_compare()
    compare.resize(min(1200, window.width()), min(700, window.height()))
    compare.start()
    deadline = time.perf_counter() + 180
    while compare.runner.busy and time.perf_counter() < deadline:
        settle(0.1)
    shoot(compare, folder / "nn-compare.png")
    compare.close()


def _highdim(window, folder: Path) -> None:
    highdim = window.analysis.show_highdim()
    highdim.resize(min(1200, window.width()), min(800, window.height()))
    highdim.start_study()
    deadline = time.perf_counter() + 180
    while any(runner.busy for runner in _runners(highdim)) and time.perf_counter() < deadline:
        settle(0.1)
    shoot(highdim, folder / "highdim.png")
    highdim.close()


def _runners(widget) -> list:
    from gui.workers.base import TaskRunner

    return widget.findChildren(TaskRunner)


def _about(window, folder: Path) -> None:
    dialog = window.show_about_methods()
    dialog.resize(dialog.width(), min(720, window.height()))
    shoot(dialog, folder / "about-methods.png")
    dialog.close()


def main(argv: list[str]) -> int:
    status = _with_display(argv)
    if status is not None:
        return status
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only the scenes whose name contains this")
    parser.add_argument("--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    from gui.app import ensure_app
    from gui.main_window import MainWindow

    app = ensure_app()
    for size in args.sizes.split(","):
        width, height = (int(v) for v in size.split("x"))
        folder = OUT / size
        folder.mkdir(parents=True, exist_ok=True)
        for name, scene in scenes().items():
            if args.only not in name:
                continue
            window = MainWindow(settings=None)
            window.move(0, 0)
            window.resize(width, height)
            window.show()
            settle(0.8)
            scene(window, folder)
            window.close()
            settle(0.2)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
