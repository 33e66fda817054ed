"""The 3-D view of a 2-D landscape (pyqtgraph.opengl), beside the 2-D one, fed the same runs."""

from gui.view3d.surface_dock import SurfaceDock, opengl_problem

__all__ = ["SurfaceDock", "opengl_problem"]
