"""Basin maps as text and CSV (pictures of them are drawn by ``gui.view.basin_maps``)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

from core.studies.basins import DIVERGED, GLOBAL_ELSEWHERE, LOCAL_ELSEWHERE, NONE, BasinMap, success_row

NO_VALUE = "—"  # shown for a median over no runs (e.g. none converged)

LABEL_NAMES = {
    NONE: "none",
    DIVERGED: "diverged",
    GLOBAL_ELSEWHERE: "global (outside the domain)",
    LOCAL_ELSEWHERE: "local (outside the domain)",
}


def label_name(bmap: BasinMap, label: int) -> str:
    if label >= 0:
        m = bmap.minima[label]
        return f"{m.kind} ({', '.join(f'{v:.6g}' for v in m.location)})"
    return LABEL_NAMES[label]


def steps_text(median_steps: float) -> str:
    """A median step count for a table: a whole number, or "—" when no run converged (NaN)."""
    return NO_VALUE if math.isnan(median_steps) else f"{median_steps:.0f}"


def summary_text(maps: Sequence[BasinMap]) -> str:
    """The success table: one line per method."""
    lines = [
        f"{'method':<40} {'global':>8} {'median steps':>13} {'median loss':>13} {'diverged':>9} {'runs':>7}"
    ]
    for bmap in maps:
        row = success_row(bmap)
        lines.append(
            f"{row.method:<40} {row.global_share:>8.1%} {steps_text(row.median_steps):>13} "
            f"{row.median_final_loss:>13.6g} {row.diverged_share:>9.1%} {row.runs:>7}"
        )
    return "\n".join(lines) + "\n"


def csv_text(maps: Sequence[BasinMap]) -> str:
    """One row per method and start: the start, the majority minimum and the global share over seeds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    dim = maps[0].landscape.dim if maps else 1
    writer.writerow(["method", "start_id", *["x", "y"][:dim], "reached", "global_fraction", "seeds"])
    for bmap in maps:
        majority, fraction = bmap.majority_label(), bmap.global_fraction()
        for i, start in enumerate(bmap.starts):
            writer.writerow(
                [
                    bmap.spec.to_text(),
                    i,
                    *map(repr, map(float, start)),
                    label_name(bmap, int(majority[i])),
                    repr(float(fraction[i])),
                    bmap.seeds,
                ]
            )
    return out.getvalue()
