"""Contour lines drawn on the 3-D surface: lines of equal height, as segments lifted a little above it."""

from __future__ import annotations

import contourpy
import numpy as np

from core.surface3d.heights import LIFT_SHARE, SurfaceMesh

LEVELS = 12  # lines at evenly spaced heights


def contour_segments(mesh: SurfaceMesh, levels: int = LEVELS) -> np.ndarray:
    """The surface's contour lines at ``levels`` evenly spaced heights, as segments: (2k, 3) points,
    each pair one segment (x, y, z), just above the surface."""
    z = np.ma.masked_invalid(mesh.z)
    generator = contourpy.contour_generator(z=z, line_type=contourpy.LineType.Separate)
    top = mesh.heights.top
    rows, columns = np.arange(len(mesh.x)), np.arange(len(mesh.y))
    pieces = []
    for level in np.linspace(0.0, top, levels + 2)[1:-1]:
        for line in generator.lines(level):
            if len(line) < 2:
                continue
            # contourpy's first coordinate runs along z's columns (y here), its second along the rows (x).
            x = np.interp(line[:, 1], rows, mesh.x)
            y = np.interp(line[:, 0], columns, mesh.y)
            points = np.column_stack([x, y, np.full(len(x), level + 0.5 * LIFT_SHARE * top)])
            pieces.append(np.repeat(points, 2, axis=0)[1:-1])
    return np.concatenate(pieces) if pieces else np.empty((0, 3))
