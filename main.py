"""Minima Lab: ``python main.py`` opens the app; ``python main.py list|run|basins|highdim …`` is the CLI.

App options: ``--preset NAME`` opens with a preset loaded; ``--screenshot PNG [--steps N]`` renders
the window offscreen after N steps and saves it.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads: see core/__init__.py

CLI_COMMANDS = {"list", "run", "basins", "highdim"}


def main(argv: list[str]) -> int:
    if argv and argv[0] in CLI_COMMANDS:
        from core.cli import main as cli_main

        renderer = None
        if argv[0] == "highdim" and ("png" in argv or "--format=png" in argv):
            try:  # Qt only when a PNG is asked for
                from gui.windows.highdim_window import render_png as renderer
            except ImportError:  # no Qt: the CLI says the renderer is missing
                renderer = None

        return cli_main(argv, png_renderer=renderer)
    if argv and argv[0] == "export":
        from gui.export.cli import main as export_main

        return export_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="Minima Lab. Commands: list, run, export (see `python main.py run -h`, `export -h`).",
    )
    parser.add_argument(
        "--preset", help="open with this preset loaded (seed-lecture, adaptive-rosenbrock, …)"
    )
    parser.add_argument("--screenshot", metavar="PNG", help="render the window offscreen and save it")
    parser.add_argument("--steps", type=int, default=None, help="with --screenshot: steps to run first")
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps < 0:
        parser.error("--steps must be a non-negative whole number")
    from gui.app import run_app

    return run_app(args.preset, args.screenshot, args.steps)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
