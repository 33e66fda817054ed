"""The command line's grammar: every command, its options and its one-line help."""

from __future__ import annotations

import argparse

from core.cli.lessons_command import add_lessons_arguments
from core.experiment.presets import PRESETS
from core.landscapes.registry import DEFAULT_LANDSCAPE

COMMANDS = {
    "list": "landscapes and methods with their parameters, defaults and ranges",
    "run": "run methods from start points (or an experiment file) and print the results",
    "basins": "basin-of-attraction maps and success rates",
    "sweep": "success rates against one parameter's values (batch size, momentum, temperature, …)",
    "highdim": "critical points and GD spread of random landscapes in d dimensions",
    "export": "an experiment file or a preset to PNG, SVG, GIF, MP4, CSV or JSON, without a window",
    "lessons": "the built-in lessons (list), or every claim of lessons measured (check [FILE…])",
}


class CliError(Exception):
    """A bad command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="minima-lab", description="Minima Lab: watch optimizers escape local minima.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help=COMMANDS["list"])
    _run_arguments(sub.add_parser("run", help=COMMANDS["run"]))
    _basins_arguments(sub.add_parser("basins", help=COMMANDS["basins"]))
    _sweep_arguments(sub.add_parser("sweep", help=COMMANDS["sweep"]))
    _highdim_arguments(sub.add_parser("highdim", help=COMMANDS["highdim"]))
    _export_arguments(sub.add_parser("export", help=COMMANDS["export"]))
    add_lessons_arguments(sub.add_parser("lessons", help=COMMANDS["lessons"]))
    return parser


def _experiment_arguments(p: argparse.ArgumentParser) -> None:
    """What ``run`` and ``basins`` share: the landscape, the methods and the run settings."""
    p.add_argument("-f", "--function", default=DEFAULT_LANDSCAPE, help="landscape id (see `list`)")
    p.add_argument(
        "-m",
        "--method",
        action="append",
        default=[],
        metavar="ID[:name=value,...]",
        help="a method and its parameters, e.g. momentum:lr=0.1,beta=0.9 (repeatable)",
    )
    p.add_argument("--steps", type=int, default=1000, help="maximum steps per run (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--domain", default=None, metavar="LO,HI[,LO,HI]", help="override the domain box")


def _run_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "experiment", nargs="?", help="an experiment file (File ▸ Save); -m, -s, -f and --domain then unused"
    )
    _experiment_arguments(run)
    run.add_argument(
        "-s", "--start", action="append", default=[], metavar="X[,Y]", help="a start point (repeatable)"
    )
    run.add_argument(
        "--random-starts",
        type=int,
        default=0,
        metavar="N",
        help="also draw N uniform starts in the domain from the seed",
    )
    run.add_argument(
        "--data",
        default=None,
        metavar="FILE.csv",
        help="x,y pairs for a data landscape (fit-frequency, …) instead of its generated data",
    )
    run.add_argument("--format", choices=("json", "csv", "summary"), default="summary")
    run.add_argument("-o", "--output", default=None, help="write to this file instead of standard output")


def _basins_arguments(basins: argparse.ArgumentParser) -> None:
    _experiment_arguments(basins)
    basins.add_argument("--grid", type=int, default=400, help="starts: N in 1-D (≤ 5000), N×N in 2-D (≤ 256)")
    basins.add_argument("--seeds", type=int, default=1, help="runs per start for stochastic methods (≤ 100)")
    basins.add_argument("--format", choices=("summary", "csv", "png"), default="summary")
    basins.add_argument("-o", "--output", default=None, help="the file to write (required for png)")


def _sweep_arguments(sweep: argparse.ArgumentParser) -> None:
    _experiment_arguments(sweep)
    sweep.add_argument("--param", required=True, help="the parameter to sweep (a numeric one of each method)")
    sweep.add_argument(
        "--values", required=True, metavar="V,V,… | log:LO:HI:N | lin:LO:HI:N", help="the values to try"
    )
    sweep.add_argument("--param2", default=None, help="a second parameter: every pair of values (a grid)")
    sweep.add_argument("--values2", default=None, metavar="VALUES", help="the second parameter's values")
    starts = sweep.add_mutually_exclusive_group()
    starts.add_argument("--random-starts", type=int, default=None, metavar="N", help="N uniform starts (100)")
    starts.add_argument("--grid", type=int, default=None, metavar="G", help="a grid of starts, as in basins")
    sweep.add_argument("--seeds", type=int, default=1, help="runs per start for stochastic methods (≤ 100)")
    sweep.add_argument(
        "--escapes",
        action="store_true",
        help="also count each run's escape events (every step labelled: slower)",
    )
    sweep.add_argument("--format", choices=("summary", "csv", "png"), default="summary")
    sweep.add_argument("-o", "--output", default=None, help="the file to write (required for png)")


def _highdim_arguments(highdim: argparse.ArgumentParser) -> None:
    highdim.add_argument("--dims", default="1,2,5,10,20", help="comma-separated dimensions, each 1..100")
    highdim.add_argument("--starts", type=int, default=100, help="random starts per dimension (2..1000)")
    highdim.add_argument("--seed", type=int, default=0)
    highdim.add_argument(
        "--format", choices=("summary", "csv", "png"), default="summary", help="png: the window's plots"
    )
    highdim.add_argument("-o", "--output", default=None, help="the file to write (required for png)")


def _export_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("experiment", nargs="?", help="an experiment file saved by the app (File ▸ Save)")
    export.add_argument("--preset", choices=list(PRESETS), help="use a preset instead of a file")
    export.add_argument(
        "-o", "--output", required=True, help="out.png | out.svg | out.gif | out.mp4 | out.csv | out.json"
    )
    export.add_argument("--steps", type=int, help="run at most this many steps (default: the experiment's)")
    export.add_argument("--scale", type=int, choices=(1, 2, 4), default=1, help="PNG resolution multiplier")
    export.add_argument("--side-plots", action="store_true", help="images: add loss, rate and noise plots")
    export.add_argument("--frames", type=int, default=60, help="GIF, MP4: number of frames (default 60)")
    export.add_argument("--fps", type=float, default=15, help="GIF, MP4: frames per second (default 15)")


def merge_start_values(argv: list[str]) -> list[str]:
    """Let ``-s -1.5,2`` through: argparse would take ``-1.5,2`` for an option."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in ("-s", "--start", "--domain") and i + 1 < len(argv):
            out.append(f"{argv[i] if argv[i] != '-s' else '--start'}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out
