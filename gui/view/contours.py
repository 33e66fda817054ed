"""Contour lines of the 2-D view, traced by contourpy (matplotlib's contouring library, in C++: about
100 times faster than pyqtgraph's Python tracer, so a surface with its lines draws in milliseconds)."""

from __future__ import annotations

import contourpy
import numpy as np

from gui.style import connect_within


def contour_lines(z: np.ndarray, levels: list[float]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each level's contour lines of the grid ``z`` as (x, y, connect) arrays in the pixel coordinates
    of a pyqtgraph ImageItem showing ``z`` (``z[i, j]`` fills the pixel from (i, j) to (i + 1, j + 1))."""
    masked = np.ma.masked_invalid(z)  # undefined cells (a formula's log of a negative) stop the lines
    generator = contourpy.contour_generator(z=masked, line_type=contourpy.LineType.Separate)
    out = []
    for level in levels:
        lines = [line for line in generator.lines(level) if len(line) > 1]
        if not lines:
            continue
        xy = np.concatenate(lines)
        connect = connect_within([len(line) for line in lines])
        # contourpy's x runs along z's columns (the second index), the image's x along its first.
        out.append((xy[:, 1] + 0.5, xy[:, 0] + 0.5, connect))
    return out
