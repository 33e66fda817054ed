"""The headless command line: ``list`` and ``run`` (``python main.py --help``)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence

import numpy as np

from core.experiment.spec import Experiment, MethodSpec, parse_method_spec
from core.files import atomic_write_text
from core.landscape import Landscape
from core.landscapes.registry import (
    DEFAULT_LANDSCAPE,
    FORMULA_PREFIX,
    LANDSCAPES,
    data_landscape_ids,
    get_landscape,
)
from core.methods import METHODS
from core.params import ParamError
from core.runs.engine import Engine
from core.runs.results import collect_results, results_to_csv, results_to_json, results_to_summary

MAX_STEPS_LIMIT = 10_000_000
START_MARGIN = 10.0  # starts may lie this many domain widths outside the domain, no further


class CliError(Exception):
    """A bad command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python main.py", description="Minima Lab: watch optimizers escape local minima.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help="landscapes and methods with their parameters, defaults and ranges")
    run = sub.add_parser("run", help="run methods from start points and print the results")
    run.add_argument("-f", "--function", default=DEFAULT_LANDSCAPE, help="landscape id (see `list`)")
    run.add_argument(
        "-m",
        "--method",
        action="append",
        default=[],
        metavar="ID[:name=value,...]",
        help="a method and its parameters, e.g. momentum:lr=0.1,beta=0.9 (repeatable)",
    )
    run.add_argument(
        "-s",
        "--start",
        action="append",
        default=[],
        metavar="X[,Y]",
        help="a start point, e.g. 0.5 or 1.5,-2 (repeatable)",
    )
    run.add_argument(
        "--random-starts",
        type=int,
        default=0,
        metavar="N",
        help="also draw N uniform starts in the domain from the seed",
    )
    run.add_argument("--steps", type=int, default=1000, help="maximum steps per run (default 1000)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--domain", default=None, metavar="LO,HI[,LO,HI]", help="override the domain box")
    run.add_argument(
        "--data",
        default=None,
        metavar="FILE.csv",
        help="x,y pairs for a data landscape (fit-frequency, …) instead of its generated data",
    )
    run.add_argument("--format", choices=("json", "csv", "summary"), default="summary")
    run.add_argument("-o", "--output", default=None, help="write to this file instead of standard output")
    basins = sub.add_parser("basins", help="basin-of-attraction maps and success rates")
    basins.add_argument("-f", "--function", default=DEFAULT_LANDSCAPE, help="landscape id (see `list`)")
    basins.add_argument("-m", "--method", action="append", default=[], metavar="ID[:name=value,...]")
    basins.add_argument("--grid", type=int, default=400, help="starts: N in 1-D (≤ 5000), N×N in 2-D (≤ 256)")
    basins.add_argument("--seeds", type=int, default=1, help="runs per start for stochastic methods (≤ 100)")
    basins.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    basins.add_argument("--steps", type=int, default=1000, help="maximum steps per run (default 1000)")
    basins.add_argument("--domain", default=None, metavar="LO,HI[,LO,HI]")
    basins.add_argument("--format", choices=("summary", "csv", "png"), default="summary")
    basins.add_argument("-o", "--output", default=None, help="the file to write (required for png)")
    highdim = sub.add_parser(
        "highdim", help="critical points and GD spread of random landscapes in d dimensions"
    )
    highdim.add_argument("--dims", default="1,2,5,10,20", help="comma-separated dimensions, each 1..100")
    highdim.add_argument("--starts", type=int, default=100, help="random starts per dimension (2..1000)")
    highdim.add_argument("--seed", type=int, default=0)
    highdim.add_argument(
        "--format", choices=("summary", "csv", "png"), default="summary", help="png: the window's plots"
    )
    highdim.add_argument("-o", "--output", default=None, help="the file to write (required for png)")
    return parser


def _floats(text: str, what: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise CliError(f"malformed {what} {text!r}: expected comma-separated numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise CliError(f"{what} {text!r} must be finite numbers")
    return values


def parse_domain(text: str, dim: int | None = None) -> tuple[tuple[float, float], ...]:
    """``lo,hi`` or ``lo,hi,lo,hi``; with ``dim``, exactly that many intervals."""
    values = _floats(text, "domain")
    if len(values) not in (2, 4) or (dim is not None and len(values) != 2 * dim):
        need = f"{2 * dim} numbers" if dim is not None else "2 or 4 numbers"
        raise CliError(f"domain {text!r} needs {need} (lo,hi per dimension)")
    pairs = tuple((values[2 * i], values[2 * i + 1]) for i in range(len(values) // 2))
    if any(lo >= hi for lo, hi in pairs):
        raise CliError(f"domain {text!r}: each lower bound must be below its upper bound")
    return pairs


def parse_starts(texts: Sequence[str], land: Landscape) -> np.ndarray:
    starts = []
    width = land.upper - land.lower
    for text in texts:
        point = _floats(text, "start")
        if len(point) != land.dim:
            raise CliError(f"start {text!r} has {len(point)} coordinate(s); {land.id} is {land.dim}-D")
        p = np.asarray(point)
        if np.any(p < land.lower - START_MARGIN * width) or np.any(p > land.upper + START_MARGIN * width):
            raise CliError(f"start {text!r} is far outside the domain {list(map(list, land.domain))}")
        starts.append(point)
    return np.array(starts, dtype=float).reshape(-1, land.dim)


def load_landscape(function: str, domain: str | None, data: str | None) -> Landscape:
    """The landscape named on the command line, with ``--domain`` and ``--data`` applied."""
    if function.startswith(FORMULA_PREFIX):
        land = get_landscape(function, parse_domain(domain) if domain else None)
    else:
        land = get_landscape(function)
        if domain:
            land = land.with_domain(parse_domain(domain, land.dim))
    if data:
        from core.landscapes.data import DataLandscape, load_csv_dataset

        if not isinstance(land, DataLandscape):
            raise CliError(
                f"--data applies to data landscapes ({', '.join(data_landscape_ids())}), not {land.id}"
            )
        land = land.with_dataset(load_csv_dataset(data))
    return land


def build_experiment(args: argparse.Namespace) -> Experiment:
    land = load_landscape(args.function, args.domain, args.data)
    if not args.method:
        raise CliError(f"give at least one method with -m; valid: {', '.join(METHODS)}")
    specs: tuple[MethodSpec, ...] = tuple(parse_method_spec(text) for text in args.method)
    if not 1 <= args.steps <= MAX_STEPS_LIMIT:
        raise CliError(f"--steps {args.steps} is out of range: expected 1..{MAX_STEPS_LIMIT}")
    if args.seed < 0:
        raise CliError("--seed must be a non-negative whole number")
    if not 0 <= args.random_starts <= 1_000_000:
        raise CliError("--random-starts must be between 0 and 1000000")
    starts = parse_starts(args.start, land)
    if args.random_starts:
        rng = np.random.default_rng([args.seed, 2**31 - 1])
        drawn = land.lower + (land.upper - land.lower) * rng.random((args.random_starts, land.dim))
        starts = np.vstack([starts, drawn])
    if len(starts) == 0:
        raise CliError("give at least one start point with -s (or --random-starts N)")
    return Experiment(land, specs, starts, max_steps=args.steps, seed=args.seed)


def command_run(args: argparse.Namespace) -> str:
    exp = build_experiment(args)
    engine = Engine(exp, record="final" if args.format == "summary" else "full").run()
    results = collect_results(engine)
    formatter = {"json": results_to_json, "csv": results_to_csv, "summary": results_to_summary}[args.format]
    return formatter(engine, results)


def command_basins(args: argparse.Namespace) -> str | None:
    """The success table (summary), per-start CSV, or a PNG of the maps (written to -o)."""
    from core.studies.basin_report import csv_text, render_png, summary_text
    from core.studies.basins import compute_basin_map

    land = load_landscape(args.function, args.domain, None)
    if not args.method:
        raise CliError(f"give at least one method with -m; valid: {', '.join(METHODS)}")
    if not 1 <= args.steps <= MAX_STEPS_LIMIT or args.seed < 0:
        raise CliError("--steps must be 1..10000000 and --seed non-negative")
    if args.format == "png" and not args.output:
        raise CliError("--format png needs -o FILE.png")
    specs = [parse_method_spec(text) for text in args.method]
    maps = [compute_basin_map(land, spec, args.grid, args.seeds, args.seed, args.steps) for spec in specs]
    if args.format == "png":
        render_png(maps, args.output)
        return None
    return summary_text(maps) if args.format == "summary" else csv_text(maps)


PngRenderer = Callable[[list, str], None]  # (study results, path) -> None; draws with Qt, so it lives in gui/


def command_highdim(args: argparse.Namespace, png_renderer: PngRenderer | None = None) -> str | None:
    """Per dimension: share of minima among critical points, index–loss correlation, GD loss spread.

    ``--format png`` draws the plots with ``png_renderer`` to ``-o`` and returns None.
    """
    from core.studies.highdim import parse_dims, study
    from core.studies.highdim_report import format_summary, to_csv

    try:
        dims = parse_dims(args.dims)
    except ValueError as exc:
        raise CliError(f"--dims: {exc}") from None
    if not 2 <= args.starts <= 1000 or args.seed < 0:
        raise CliError("--starts must be 2..1000 and --seed non-negative")
    if args.format == "png":
        if not args.output:
            raise CliError("--format png needs -o FILE.png")
        if png_renderer is None:
            raise CliError("--format png needs the Qt renderer: run it as `python main.py highdim …`")
        folder = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(folder):
            raise CliError(f"-o {args.output}: folder {folder} does not exist")
    results = study(dims, n_starts=args.starts, seed=args.seed)
    if args.format == "png":
        png_renderer(results, args.output)
        return None
    text = format_summary(results) if args.format == "summary" else to_csv(results)
    return text if text.endswith("\n") else text + "\n"


def command_list() -> str:
    lines = ["Landscapes:"]
    for land in [*LANDSCAPES.values(), *(get_landscape(i) for i in data_landscape_ids())]:
        domain = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in land.domain)
        lines.append(f"  {land.id:<20} {land.dim}-D  {domain:<28} {land.description}")
    lines.append(
        "  expr:FORMULA         a formula in x (and y), e.g. -f 'expr:sin(x) + 0.5*sin(3*x)' --domain -5,5"
    )
    lines.append(
        "  nn-plain, nn-skip    2-D  [-1, 1] × [-1, 1]  the loss slice of a small MLP on two moons, "
        "plain or with skip connections;\n"
        "                       settings after a colon, e.g. nn-skip:depth=4,width=8,seed=2,samples=300 "
        "(trains in a few seconds)"
    )
    lines.append("\nMethods (parameter = default, range: description):")
    for cls in METHODS.values():
        lines.append(f"  {cls.id:<14} {cls.description}")
        for spec in cls.params():
            lines.append(f"      {spec.name} = {spec.default}  ({spec.describe_range()}): {spec.description}")
    return "\n".join(lines) + "\n"


def _merge_start_values(argv: list[str]) -> list[str]:
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


def main(argv: Sequence[str], png_renderer: PngRenderer | None = None) -> int:
    """Run the CLI; returns the exit status (2 for bad input, with a one-line message on stderr).

    ``png_renderer(results, path)`` draws ``highdim --format png`` (core has no Qt; main.py passes one).
    """
    try:
        args = build_parser().parse_args(_merge_start_values(list(argv)))
        if args.command == "list":
            text = command_list()
        elif args.command == "run":
            text = command_run(args)
        elif args.command == "highdim":
            text = command_highdim(args, png_renderer)
            if text is None:
                return 0
        elif args.command == "basins":
            text = command_basins(args)
            if text is None:
                return 0
        else:
            raise CliError("unknown command; use `list` or `run` (or no arguments for the app)")
        if getattr(args, "output", None):
            atomic_write_text(args.output, text)
        else:
            sys.stdout.write(text)
        return 0
    except (CliError, ParamError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write output: {exc}", file=sys.stderr)
        return 2
