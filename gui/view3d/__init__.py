"""The 3-D view of a 2-D landscape (pyqtgraph.opengl), beside the 2-D one, fed the same runs."""

from gui.view3d.surface_window import Surface3D, opengl_problem

__all__ = ["Surface3D", "opengl_problem"]
