"""Basin maps as text, CSV and a PNG picture (Pillow; no Qt)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from core.files import atomic_write
from core.studies.basins import DIVERGED, GLOBAL_ELSEWHERE, LOCAL_ELSEWHERE, NONE, BasinMap, success_row

LABEL_NAMES = {
    NONE: "none",
    DIVERGED: "diverged",
    GLOBAL_ELSEWHERE: "global (outside the domain)",
    LOCAL_ELSEWHERE: "local (outside the domain)",
}
# Colour-blind-safe colours for minima (global ones get the warm end), plus greys for the rest.
MINIMUM_COLOURS = ("#EE7733", "#0077BB", "#33BBEE", "#009988", "#CC3311", "#EE3377", "#BBBBBB", "#44AA99")
OTHER_COLOURS = {
    NONE: "#FFFFFF",
    DIVERGED: "#000000",
    GLOBAL_ELSEWHERE: "#FFD27F",
    LOCAL_ELSEWHERE: "#9ECAE1",
}


def label_name(bmap: BasinMap, label: int) -> str:
    if label >= 0:
        m = bmap.minima[label]
        return f"{m.kind} ({', '.join(f'{v:.6g}' for v in m.location)})"
    return LABEL_NAMES[label]


def summary_text(maps: Sequence[BasinMap]) -> str:
    """The success table: one line per method."""
    lines = [
        f"{'method':<40} {'global':>8} {'median steps':>13} {'median loss':>13} {'diverged':>9} {'runs':>7}"
    ]
    for bmap in maps:
        row = success_row(bmap)
        lines.append(
            f"{row.method:<40} {row.global_share:>8.1%} {row.median_steps:>13.0f} "
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


def _colour(bmap: BasinMap, label: int) -> tuple[int, int, int]:
    if label >= 0:
        hex_colour = MINIMUM_COLOURS[label % len(MINIMUM_COLOURS)]
    else:
        hex_colour = OTHER_COLOURS[label]
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def render_png(maps: Sequence[BasinMap], path: str | Path, band_height: int = 40) -> None:
    """1-D: one coloured band per method; 2-D: one heat map per method, side by side (atomically)."""
    images = []
    for bmap in maps:
        labels = bmap.majority_label().reshape(bmap.shape)
        lut = {int(v): _colour(bmap, int(v)) for v in np.unique(labels)}
        rgb = np.zeros((*labels.shape, 3), dtype=np.uint8)
        for value, colour in lut.items():
            rgb[labels == value] = colour
        if bmap.landscape.dim == 1:
            img = Image.fromarray(np.repeat(rgb[None, :, :], band_height, axis=0), "RGB")
        else:
            img = Image.fromarray(np.flipud(rgb.transpose(1, 0, 2)).copy(), "RGB")  # y up
            img = img.resize((max(256, img.width), max(256, img.height)), Image.Resampling.NEAREST)
        captioned = Image.new("RGB", (img.width, img.height + 16), "white")
        captioned.paste(img, (0, 16))
        ImageDraw.Draw(captioned).text((2, 2), bmap.spec.to_text(), fill="black")
        images.append(captioned)
    vertical = maps[0].landscape.dim == 1
    width = max(i.width for i in images) if vertical else sum(i.width + 8 for i in images)
    height = sum(i.height + 4 for i in images) if vertical else max(i.height for i in images)
    sheet = Image.new("RGB", (width, height), "white")
    offset = 0
    for img in images:
        sheet.paste(img, (0, offset) if vertical else (offset, 0))
        offset += (img.height + 4) if vertical else (img.width + 8)

    def write(tmp: str) -> None:
        sheet.save(tmp, format="PNG")

    atomic_write(path, write)
