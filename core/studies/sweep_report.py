"""A sweep as text: a table per method (``summary``) or one CSV row per (method, value)."""

from __future__ import annotations

import csv
import io
import math

from core.studies.sweeps import Sweep, SweepCell

CSV_COLUMNS = (
    "method",
    "param",
    "value",
    "runs",
    "global_share",
    "global_ci_low",
    "global_ci_high",
    "diverged_share",
    "median_final_loss",
    "final_loss_q1",
    "final_loss_q3",
    "median_steps_settled",
    "basin_shares",
    "mean_escapes",
)


def _number(value: float, digits: int = 6) -> str:
    return "" if math.isnan(value) else f"{value:.{digits}g}"


def summary_text(sweep: Sweep) -> str:
    """Per method, a row per value: success with its 95 % interval, diverged, loss and steps (two
    parameters: a grid of success shares)."""
    if sweep.param2:
        return grid_text(sweep)
    lines = [f"sweep of {sweep.param} on {sweep.landscape.id}: success = ended in a global minimum"]
    header = f"{sweep.param:>12}  {'runs':>6}  {'success [95% CI]':>22}  {'diverged':>8}  "
    header += f"{'median loss [IQR]':>32}  {'steps':>7}"
    counted = sweep.cells and sweep.cells[0].escapes is not None
    header += f"  {'escapes':>7}" if counted else ""
    for method in dict.fromkeys(cell.method for cell in sweep.cells):
        lines += ["", method, header]
        lines += [_summary_row(cell) for cell in sweep.cells if cell.method == method]
    return "\n".join(lines) + "\n"


def grid_text(sweep: Sweep) -> str:
    """Per method, the share of runs reaching a global minimum for every pair of values: a row per
    value of ``param``, a column per value of ``param2`` ("div": most runs diverged)."""
    lines = [
        f"sweep of {sweep.param} (rows) × {sweep.param2} (columns) on {sweep.landscape.id}: "
        "share of runs ending in a global minimum; div = more than half diverged"
    ]
    for method in dict.fromkeys(cell.method for cell in sweep.cells):
        cells = [cell for cell in sweep.cells if cell.method == method]
        lines += ["", method, f"{'':>10}" + "".join(f"{w:>9.4g}" for w in sweep.values2)]
        for k, value in enumerate(sweep.values):
            row = cells[k * len(sweep.values2) : (k + 1) * len(sweep.values2)]
            lines.append(f"{value:>10.4g}" + "".join(f"{_grid_entry(cell):>9}" for cell in row))
    return "\n".join(lines) + "\n"


def _grid_entry(cell: SweepCell) -> str:
    return "div" if cell.diverged_share > 0.5 else f"{cell.success:.0%}"


def _summary_row(cell: SweepCell) -> str:
    low, high = cell.success_interval
    q1, median, q3 = cell.loss_quartiles()
    loss = "—" if math.isnan(median) else f"{median:.4g} [{q1:.4g}, {q3:.4g}]"
    steps = "—" if math.isnan(cell.median_steps) else f"{cell.median_steps:.0f}"
    success = f"{cell.success:6.1%} [{low:5.1%}, {high:5.1%}]"
    escapes = "" if cell.escapes is None else f"  {cell.mean_escapes:>7.2f}"
    return (
        f"{cell.value:>12.6g}  {cell.runs:>6}  {success:>22}  {cell.diverged_share:>8.1%}  "
        f"{loss:>32}  {steps:>7}{escapes}"
    )


def csv_text(sweep: Sweep) -> str:
    """One row per (method, value); ``basin_shares`` lists "name: share" pairs, most frequent first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    two = sweep.param2 is not None
    writer.writerow(CSV_COLUMNS[:3] + ("param2", "value2") * two + CSV_COLUMNS[3:])
    for cell in sweep.cells:
        low, high = cell.success_interval
        q1, median, q3 = cell.loss_quartiles()
        shares = "; ".join(f"{name}: {share:.4g}" for name, share in sweep.shares(cell).items())
        writer.writerow(
            [cell.method, sweep.param, repr(cell.value)]
            + ([sweep.param2, repr(cell.value2)] if two else [])
            + [cell.runs, _number(cell.success)]
            + [_number(low), _number(high), _number(cell.diverged_share), _number(median)]
            + [_number(q1), _number(q3), _number(cell.median_steps), shares, _number(cell.mean_escapes)]
        )
    return out.getvalue()
