"""Basin maps as text and CSV (pictures of them are drawn by ``gui.view.basin_maps``)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

from core.landscape import Minimum
from core.studies.basins import DIVERGED, GLOBAL_ELSEWHERE, LOCAL_ELSEWHERE, NONE, BasinMap, success_row

NO_VALUE = "—"  # shown for a median over no runs (e.g. none converged)
NO_STEPS_WHY = "No run converged (each one stopped at the step limit or diverged), so there is no median"
NO_LOSS_WHY = "No run ended with a finite loss, so there is no median"

LABEL_NAMES = {
    NONE: "none",
    DIVERGED: "diverged",
    GLOBAL_ELSEWHERE: "global (outside the domain)",
    LOCAL_ELSEWHERE: "local (outside the domain)",
}


KEY_NAMES = {
    NONE: "no minimum",
    DIVERGED: "diverged",
    GLOBAL_ELSEWHERE: "global min outside the box",
    LOCAL_ELSEWHERE: "local min outside the box",
}


def label_name(bmap: BasinMap, label: int) -> str:
    """A basin label in full, for files: the minimum's kind and location, or the other outcome."""
    if label >= 0:
        m = bmap.minima[label]
        return f"{m.kind} ({', '.join(f'{v:.6g}' for v in m.location)})"
    return LABEL_NAMES[label]


def key_name(bmap: BasinMap, label: int) -> str:
    """A basin label for a colour key: "global min at (3, 2)", "local min at x = 1.57", "diverged"…"""
    return KEY_NAMES[label] if label < 0 else minimum_name(bmap.minima[label])


def minimum_name(minimum: Minimum) -> str:
    """The minimum as a colour key names it: "global min at (3, 2)", "local min at x = 1.57"."""
    coords = [f"{v:.3g}" for v in minimum.location]
    where = f"x = {coords[0]}" if len(coords) == 1 else f"({', '.join(coords)})"
    return f"{minimum.kind} min at {where}"


def is_global_label(bmap: BasinMap, label: int) -> bool:
    """Whether runs with this label ended in a global minimum (inside the domain or outside it)."""
    return label == GLOBAL_ELSEWHERE or (label >= 0 and bmap.minima[label].kind == "global")


def loss_text(median_loss: float) -> str:
    """A median final loss for a table: four significant digits, or "—" when no run's loss was finite."""
    return NO_VALUE if math.isnan(median_loss) else f"{median_loss:.4g}"


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
