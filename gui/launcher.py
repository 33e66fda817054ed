"""``minima-lab`` / ``python main.py``: opens the window, or runs a headless command.

``minima-lab [FILE.json] [--preset NAME] [--screenshot PNG [--steps N]]`` opens the app (with an
experiment file or a preset); ``minima-lab COMMAND …`` runs one of ``core.cli.COMMANDS`` without a
window. ``--help`` lists both.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads: see core/__init__.py

from core.cli import COMMANDS  # noqa: E402
from core.experiment.presets import PRESETS, get_preset  # noqa: E402

DEFAULT_PRESET = "seed-lecture"
SCREENSHOT_SIZE = (1500, 950)
PREPARE_TIMEOUT = 300.0  # seconds a screenshot waits for a network slice to train


def main(argv: list[str] | None = None) -> int:
    """The program: a command when the first argument names one, else the window."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        from core.cli import main as cli_main
        from gui.export.renderers import RENDERERS

        return cli_main(argv, RENDERERS)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps < 0:
        parser.error("--steps must be a non-negative whole number")
    if args.experiment and args.preset:
        parser.error("give an experiment file or --preset, not both")
    if args.preset is not None and args.preset not in PRESETS:
        parser.error(f"unknown preset {args.preset!r}; valid: {', '.join(PRESETS)}")
    if args.view == "3d" and not args.screenshot:
        parser.error("--view 3d goes with --screenshot (in the window: View ▸ 3-D surface, F3)")
    return run_app(args.preset, args.screenshot, args.steps, args.experiment, args.lesson, args.view)


def build_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<9} {text}" for name, text in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="minima-lab",
        description="Minima Lab: watch optimizers get stuck in, and escape from, local minima.",
        epilog=f"commands (minima-lab COMMAND --help for each):\n{commands}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("experiment", nargs="?", metavar="FILE.json", help="open this experiment file")
    parser.add_argument("--preset", metavar="NAME", help=f"open with a preset loaded: {', '.join(PRESETS)}")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window offscreen and save it")
    parser.add_argument("--steps", type=int, default=None, help="with --screenshot: steps to run first")
    parser.add_argument(
        "--view",
        choices=("2d", "3d"),
        default="2d",
        help="with --screenshot: the window (2d) or the 3-D view (3d: needs a display with OpenGL)",
    )
    parser.add_argument(
        "--lesson",
        metavar="NAME|FILE.md",
        help="open with a lesson at its first step (see: minima-lab lessons list)",
    )
    return parser


def run_app(
    preset_id: str | None = None,
    screenshot: str | None = None,
    steps: int | None = None,
    experiment: str | None = None,
    lesson: str | None = None,
    view: str = "2d",
) -> int:
    """Open the window (optionally with a preset or an experiment file); with ``screenshot``, render
    it offscreen after ``steps`` steps and save a PNG."""
    from gui.app import ensure_app

    app = ensure_app(offscreen=bool(screenshot) and view != "3d")  # (OpenGL needs a real display)
    from PySide6.QtCore import QSettings

    from gui.main_window import MainWindow

    window = MainWindow(settings=None if screenshot else QSettings())
    if experiment is not None:
        window.files.open_path(experiment)
        if screenshot:
            _wait_prepared(app, window)
        if window.files.problem is not None:  # found at once, or (for a screenshot) in the worker
            print(f"error: {window.files.problem}", file=sys.stderr)
            window.close()
            return 2
    elif preset_id is not None or screenshot or not window.model.experiment():
        window.model.load_preset(get_preset(preset_id or DEFAULT_PRESET))
    window.model.undo_stack.clear()  # (Undo goes back to what the window opened with, no further)
    window.show()
    if lesson is not None:
        if (problem := window.lessons.open_named(lesson)) is not None:
            print(f"error: {problem}", file=sys.stderr)
            window.close()
            return 2
    elif experiment is None and preset_id is None and not screenshot:
        window.lessons.offer(window.settings)
    if os.environ.get("MINIMA_LAB_PROBE") == "1" and not screenshot:  # benchmarks/bench_gui.py measures
        from gui.probe import attach

        attach(window)
    if screenshot:
        return _save_screenshot(app, window, screenshot, steps, view)
    return app.exec()


def _wait_prepared(app, window) -> None:
    """Let the worker finish what the window is preparing (a file being built, a network training)."""
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + PREPARE_TIMEOUT
    busy = lambda: window.preparer.busy or window.landscape_panel.extras.nn.busy  # noqa: E731
    while busy() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    app.processEvents()


def _save_screenshot(app, window, path: str, steps: int | None, view: str = "2d") -> int:
    window.resize(*SCREENSHOT_SIZE)
    _wait_prepared(app, window)
    if view == "3d" and (problem := window.surface3d.show_for_picture()) is not None:
        print(f"error: no 3-D view: {problem}", file=sys.stderr)
        window.close()
        return 2
    window.controller.step(steps if steps is not None else window.model.max_steps // 3)
    app.processEvents()
    ok = (window.surface3d.picture() if view == "3d" else window.grab()).save(path)
    window.close()
    if not ok:
        print(f"error: cannot write screenshot {path!r}", file=sys.stderr)
        return 2
    return 0
