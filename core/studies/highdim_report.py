"""Text output of the high-dimensional study (``core.studies.highdim.study``): a line per dimension, one
summary line, and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from core.studies.highdim import DimResult


def format_summary(results: list[DimResult]) -> str:
    """One line per dimension."""
    lines = []
    for r in results:
        mean_idx = float(np.mean(r.crit_indices)) if r.n_critical else float("nan")
        lines.append(
            f"d={r.d:4d}  critical points={r.n_critical:4d}  minima share={r.share_minima:6.3f}  "
            f"mean index={mean_idx:5.3f}  corr(index, loss)={r.index_loss_corr:+6.3f}  "
            f"GD loss/d: mean={np.mean(r.gd_losses):+8.4f} std={r.gd_std:7.4f} range={r.gd_range:7.4f}  "
            f"({r.seconds:.1f} s)"
        )
    return "\n".join(lines)


def format_short(results: Sequence[DimResult]) -> str:
    """One line: the dimensions, critical points found, share of minima and GD spread, side by side."""
    if not results:
        return "No results yet."
    parts = {
        "d =": [str(r.d) for r in results],
        "critical points": [str(r.n_critical) for r in results],
        "share of minima": [f"{r.share_minima:.2f}" for r in results],
        "GD loss/d std": [f"{r.gd_std:.2f}" for r in results],
    }
    text = "  ·  ".join(f"{name} {', '.join(values)}" for name, values in parts.items())
    return f"{text}  ·  {sum(r.seconds for r in results):.1f} s"


def to_csv(results: list[DimResult]) -> str:
    """One row per dimension."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["d", "n_critical", "share_minima", "mean_index", "index_loss_corr", "gd_mean", "gd_std", "gd_range"]
    )
    for r in results:
        mean_idx = float(np.mean(r.crit_indices)) if r.n_critical else float("nan")
        w.writerow(
            [
                r.d,
                r.n_critical,
                f"{r.share_minima:.6g}",
                f"{mean_idx:.6g}",
                f"{r.index_loss_corr:.6g}",
                f"{np.mean(r.gd_losses):.6g}",
                f"{r.gd_std:.6g}",
                f"{r.gd_range:.6g}",
            ]
        )
    return buf.getvalue()
