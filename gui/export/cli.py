"""``python main.py export``: an experiment file or a preset to PNG, SVG, GIF, CSV or JSON, headless."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from core.experiment.file_format import ExperimentFileError, load_state
from core.experiment.presets import PRESETS, get_preset
from core.experiment.spec import Experiment

FORMATS = (".png", ".svg", ".gif", ".csv", ".json")


class ExportError(Exception):
    """A bad export request: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise ExportError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python main.py export", description="Render an experiment (file or preset) without a display."
    )
    parser.add_argument("experiment", nargs="?", help="an experiment file saved by the app (File ▸ Save)")
    parser.add_argument("--preset", choices=list(PRESETS), help="use a preset instead of a file")
    parser.add_argument(
        "-o", "--output", required=True, help="out.png | out.svg | out.gif | out.csv | out.json"
    )
    parser.add_argument("--steps", type=int, help="run at most this many steps (default: the experiment's)")
    parser.add_argument("--scale", type=int, choices=(1, 2, 4), default=1, help="PNG resolution multiplier")
    parser.add_argument("--side-plots", action="store_true", help="images: add loss, rate and noise plots")
    parser.add_argument("--frames", type=int, default=60, help="GIF: number of frames (default 60)")
    parser.add_argument("--fps", type=float, default=15, help="GIF: frames per second (default 15)")
    return parser


def load_experiment(args: argparse.Namespace) -> Experiment:
    if bool(args.experiment) == bool(args.preset):
        raise ExportError("give either an experiment file or --preset NAME")
    if args.preset:
        exp = get_preset(args.preset).experiment()
    else:
        state = load_state(args.experiment)
        exp = state.experiment()
        if exp is None:
            raise ExportError(f"{args.experiment}: the experiment has no start points")
    if args.steps is not None:
        if not 1 <= args.steps <= 1_000_000:
            raise ExportError(f"--steps {args.steps} is out of range: expected 1..1000000")
        exp = dataclasses.replace(exp, max_steps=args.steps)
    return exp


def run_export(args: argparse.Namespace) -> str:
    suffix = Path(args.output).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"-o {args.output}: the extension must be one of {', '.join(FORMATS)}")
    folder = Path(args.output).resolve().parent
    if not folder.is_dir():
        raise ExportError(f"-o {args.output}: folder {folder} does not exist")
    exp = load_experiment(args)
    if suffix in (".csv", ".json"):
        from gui.export.exporters import export_data

        export_data(exp, args.output)
        return args.output
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from gui.app import configure_pyqtgraph
    from gui.export.exporters import export_animation, export_image

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_pyqtgraph()
    if suffix == ".gif":
        export_animation(exp, args.output, frames=args.frames, fps=args.fps)
    else:
        export_image(exp, args.output, scale=args.scale, side_plots=args.side_plots)
    return args.output


def main(argv: Sequence[str]) -> int:
    """Run the export command; 2 with a one-line message for bad input or an unwritable path."""
    try:
        written = run_export(build_parser().parse_args(list(argv)))
    except (ExportError, ExperimentFileError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {exc.filename or 'the output'}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {written}")
    return 0
