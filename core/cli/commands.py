"""The headless commands (``minima-lab --help``): list, run, basins, highdim and export.

Pictures (``--format png``, ``export`` to PNG/SVG/GIF/MP4) are drawn with Qt, which core does not import:
the launcher passes ``renderers``, functions by command name that draw them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from core.cli.inputs import (
    check_run_settings,
    export_experiment,
    load_landscape,
    method_specs,
    random_starts,
    run_state,
    runnable,
)
from core.cli.lessons_command import command_lessons
from core.cli.parser import CliError, build_parser, merge_start_values
from core.files import atomic_write_text, write_problem
from core.landscapes.registry import LANDSCAPES, data_landscape_ids, get_landscape
from core.limits import LimitError
from core.methods import METHODS
from core.params import ParamError
from core.runs.engine import Engine
from core.runs.results import (
    check_export_size,
    collect_results,
    results_to_csv,
    results_to_json,
    results_to_summary,
    write_run_data,
)

Renderer = Callable[..., None]  # draws a picture to a path; see each command for its arguments
DATA_FORMATS = (".csv", ".json")
PICTURE_FORMATS = (".png", ".svg", ".gif", ".mp4")


def command_run(args: argparse.Namespace) -> str:
    exp = runnable(run_state(args), args.experiment or "run")
    try:
        check_export_size(exp)
        record = "full"
    except LimitError:
        if args.format != "summary":
            raise
        # Too many numbers to keep every step: the summary alone is made from final states, where a run
        # that diverged ends at the last step the engine checked (every 20th), not its last finite one.
        record = "final"
    engine = Engine(exp, record=record).run()
    results = collect_results(engine)
    formatter = {"json": results_to_json, "csv": results_to_csv, "summary": results_to_summary}[args.format]
    return formatter(engine, results)


def command_basins(args: argparse.Namespace, renderers: Mapping[str, Renderer]) -> str | None:
    """The success table (summary), per-start CSV, or a picture of the maps (``renderers["basins"]``
    draws ``(maps, path)``)."""
    from core.studies.basin_report import csv_text, summary_text
    from core.studies.basins import compute_basin_map

    land = load_landscape(args.function, args.domain, None)
    specs = method_specs(args.method)
    check_run_settings(args.steps, args.seed)
    render = _picture_renderer(args, renderers, "basins")
    maps = [compute_basin_map(land, spec, args.grid, args.seeds, args.seed, args.steps) for spec in specs]
    if render is not None:
        render(maps, args.output)
        return None
    return summary_text(maps) if args.format == "summary" else csv_text(maps)


def command_sweep(args: argparse.Namespace, renderers: Mapping[str, Renderer]) -> str | None:
    """Success against the swept parameter's values: a table per method, CSV, or the plots drawn by
    ``renderers["sweep"](sweep, path, log_axis=)`` (everything checked before any run)."""
    from core.studies.basins import MAX_SEEDS, grid_starts
    from core.studies.sweep_report import csv_text, summary_text
    from core.studies.sweeps import is_log_range, parse_values, run_sweep, swept_pairs, swept_specs

    land = load_landscape(args.function, args.domain, None)
    specs = method_specs(args.method)
    check_run_settings(args.steps, args.seed)
    values = parse_values(args.values)
    if (args.param2 is None) != (args.values2 is None):
        raise CliError("--param2 and --values2 go together")
    values2 = parse_values(args.values2) if args.param2 else ()
    for spec in specs:
        swept_pairs(spec, args.param, values, args.param2, values2) if args.param2 else swept_specs(
            spec, args.param, values
        )
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise CliError(f"--seeds must be 1..{MAX_SEEDS}")
    if args.grid is not None:
        starts = grid_starts(land, args.grid)[0]
    else:
        starts = random_starts(land, 100 if args.random_starts is None else args.random_starts, args.seed)
    if not len(starts):
        raise CliError("--random-starts must be at least 1")
    render = _picture_renderer(args, renderers, "sweep")
    sweep = run_sweep(
        land,
        specs,
        args.param,
        values,
        starts,
        args.seeds,
        args.seed,
        args.steps,
        param2=args.param2,
        values2=values2,
        count_escapes=args.escapes,
    )
    if render is not None:
        render(sweep, args.output, log_axis=is_log_range(args.values))
        return None
    return summary_text(sweep) if args.format == "summary" else csv_text(sweep)


def command_highdim(args: argparse.Namespace, renderers: Mapping[str, Renderer]) -> str | None:
    """Per dimension: share of minima among critical points, index–loss correlation, GD loss spread.

    ``--format png`` draws the plots with ``renderers["highdim"](results, path)`` and returns None.
    """
    from core.studies.highdim import parse_dims, study
    from core.studies.highdim_report import format_summary, to_csv

    try:
        dims = parse_dims(args.dims)
    except ValueError as exc:
        raise CliError(f"--dims: {exc}") from None
    if not 2 <= args.starts <= 1000 or args.seed < 0:
        raise CliError("--starts must be 2..1000 and --seed non-negative")
    render = _picture_renderer(args, renderers, "highdim")
    results = study(dims, n_starts=args.starts, seed=args.seed)
    if render is not None:
        render(results, args.output)
        return None
    text = format_summary(results) if args.format == "summary" else to_csv(results)
    return text if text.endswith("\n") else text + "\n"


def _picture_renderer(
    args: argparse.Namespace, renderers: Mapping[str, Renderer], name: str
) -> Renderer | None:
    """The renderer for ``--format png`` (checked before any work), or None for a text format."""
    if args.format != "png":
        return None
    if not args.output:
        raise CliError("--format png needs -o FILE.png")
    _check_folder(args.output)
    if name not in renderers:
        raise CliError(f"--format png needs the Qt renderer: run it as `minima-lab {name} …`")
    return renderers[name]


def _check_folder(output: str) -> None:
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise CliError(f"-o {output}: folder {folder} does not exist")


def command_export(args: argparse.Namespace, renderers: Mapping[str, Renderer]) -> str:
    """Data (CSV, JSON) of the complete runs, or a picture drawn by ``renderers["export"](exp, path,
    scale=, side_plots=, frames=, fps=)``; returns the path written."""
    suffix = Path(args.output).suffix.lower()
    if suffix not in DATA_FORMATS + PICTURE_FORMATS:
        formats = ", ".join(DATA_FORMATS + PICTURE_FORMATS)
        raise CliError(f"-o {args.output}: the extension must be one of {formats}")
    _check_folder(args.output)
    if suffix in PICTURE_FORMATS and "export" not in renderers:
        raise CliError("pictures need the Qt renderer: run it as `minima-lab export …`")
    exp = export_experiment(args)
    if suffix in DATA_FORMATS:
        write_run_data(exp, args.output)
    else:
        options = {"scale": args.scale, "side_plots": args.side_plots, "frames": args.frames, "fps": args.fps}
        renderers["export"](exp, args.output, **options)
    return args.output


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
        "(trains in 5 s with the defaults, up to about a minute for the largest allowed)"
    )
    lines.append("\nMethods (parameter = default, range: description):")
    for cls in METHODS.values():
        lines.append(f"  {cls.id:<14} {cls.description}")
        for spec in cls.params():
            lines.append(f"      {spec.name} = {spec.default}  ({spec.describe_range()}): {spec.description}")
    return "\n".join(lines) + "\n"


def _dispatch(args: argparse.Namespace, renderers: Mapping[str, Renderer]) -> str | None:
    """The command's text for standard output or ``-o``; None when it wrote its file itself."""
    if args.command == "list":
        return command_list()
    if args.command == "run":
        return command_run(args)
    if args.command == "highdim":
        return command_highdim(args, renderers)
    if args.command == "basins":
        return command_basins(args, renderers)
    if args.command == "sweep":
        return command_sweep(args, renderers)
    if args.command == "export":
        print(f"wrote {command_export(args, renderers)}")
        return None
    raise CliError("give a command: list, run, basins, sweep, highdim, export or lessons (see --help)")


def main(argv: Sequence[str], renderers: Mapping[str, Renderer] | None = None) -> int:
    """Run the CLI; returns the exit status (2 for bad input, with a one-line message on stderr)."""
    try:
        args = build_parser().parse_args(merge_start_values(list(argv)))
        if getattr(args, "output", None) == "":
            raise CliError("-o: the file name is empty")
        if args.command == "lessons":
            return command_lessons(args)
        text = _dispatch(args, renderers or {})
        if text is None:
            return 0
        if getattr(args, "output", None):
            atomic_write_text(args.output, text)
        else:
            sys.stdout.write(text)
        return 0
    except (CliError, ParamError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write output {exc.filename or ''}: {write_problem(exc)}", file=sys.stderr)
        return 2
