"""The 3-D view's geometry: a 2-D landscape's surface as heights, and where trails ride on it."""

from core.surface3d.contours import contour_segments
from core.surface3d.heights import MAX_VERTICAL_SCALE, HeightScale, SurfaceMesh, surface_mesh

__all__ = ["MAX_VERTICAL_SCALE", "HeightScale", "SurfaceMesh", "contour_segments", "surface_mesh"]
