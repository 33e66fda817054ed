"""The 3-D view: the landscape as a lit surface coloured by height (the 2-D view's colours), its known
minima, and the runs riding on it as trails with balls for heads — the same runs as the 2-D view.

Built on ``pyqtgraph.opengl`` (PyOpenGL). Each item is made once and given new data by ``setData``;
the camera orbits with a drag, zooms with the wheel and pans with a middle drag (or Ctrl+drag)."""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtOpenGL import QOpenGLWindow

from core.landscape import Landscape
from core.surface3d import SurfaceMesh, contour_segments, surface_mesh
from gui.style import SURFACE_COLOURS, SURFACE_STOPS
from gui.view3d.backdrop import Backdrop

CAMERAS = {  # name: (elevation, azimuth) in degrees
    "Corner": (45.0, -60.0),
    "Above": (89.0, -90.0),
    "Side (x)": (5.0, -90.0),
    "Side (y)": (5.0, 0.0),
}
# Runs and markers are drawn without the depth test, over the surface: from most angles a bump would hide
# a trail lying in a valley (and the lift alone cannot lift it over the next bump).
ON_TOP = {
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA),
}
HEAD_SIZE = 14  # pixels
TRAIL_ALPHA = 0.95
TRAIL_WIDTH = 3.0


@functools.lru_cache(maxsize=256)
def rgba(colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    c = pg.mkColor(colour)
    return (c.redF(), c.greenF(), c.blueF(), alpha)


class SurfaceView3D(GLViewMixin, QOpenGLWindow):
    """``show_landscape`` builds the surface; ``show_runs`` moves the trails and heads."""

    def __init__(self, parent=None):
        super().__init__()
        self.setBackgroundColor("w")
        self.colour_map = pg.ColorMap(SURFACE_STOPS, SURFACE_COLOURS)
        self.mesh: SurfaceMesh | None = None
        self.land: Landscape | None = None
        self.log, self.vertical = False, 1.0
        self.surface: gl.GLSurfacePlotItem | None = None  # (made with its first mesh: it cannot paint none)
        nothing = np.zeros((0, 3))
        self.minima = gl.GLScatterPlotItem(pos=nothing, pxMode=True)
        self.starts = gl.GLScatterPlotItem(pos=nothing, pxMode=True)
        self.heads = gl.GLScatterPlotItem(pos=nothing, pxMode=True)
        self.escapes = gl.GLScatterPlotItem(pos=nothing, pxMode=True)
        # (no line smoothing: Mesa's software renderer spent most of each 3-D frame smoothing wide lines)
        self.trails = gl.GLLinePlotItem(pos=nothing, mode="lines", width=TRAIL_WIDTH, antialias=False)
        self.contours = gl.GLLinePlotItem(pos=nothing, mode="lines", width=1.0, color=(0.25, 0.3, 0.4, 0.55))
        self.contours.setGLOptions("translucent")  # (on the surface: hidden behind bumps, as lines on it are)
        self.contours.setVisible(False)
        self.addItem(self.contours)
        marks = (self.trails, self.minima, self.starts, self.escapes, self.heads)
        for depth, item in enumerate(marks, start=1):
            self.addItem(item)
            item.setGLOptions(ON_TOP)  # seen through the surface's bumps: a trail in a valley stays visible
            item.setDepthValue(depth)  # (drawn after the surface, heads last)
        self.marks = marks
        self.backdrop = Backdrop()
        self.keep_backdrop = True  # (False: every item drawn anew each frame, as exports draw them)
        self.backdrop_version = 0  # (bumped when the surface or its contour lines change)
        self.frames_drawn = 0
        self.paints = 0

    # ---- the landscape ------------------------------------------------------------------------------
    def show_landscape(self, land: Landscape, log: bool | None = None, vertical: float | None = None) -> None:
        """Build ``land``'s surface (2-D only), with a log height or a vertical scale if given."""
        self.land = land
        self.log = self.log if log is None else log
        self.vertical = self.vertical if vertical is None else vertical
        self.mesh = mesh = surface_mesh(land, self.log, self.vertical)
        colours = self.colour_map.map(np.nan_to_num(mesh.share, nan=1.0), mode="float")
        z = np.nan_to_num(mesh.z, nan=mesh.heights.top)
        if self.surface is None:
            self.surface = gl.GLSurfacePlotItem(
                x=mesh.x, y=mesh.y, z=z, colors=colours, shader="shaded", smooth=True, computeNormals=True
            )
            self.addItem(self.surface)
        else:
            self.surface.setData(x=mesh.x, y=mesh.y, z=z, colors=colours)
        self.contours.setData(pos=contour_segments(mesh))
        self._show_minima(land)
        self.backdrop_version += 1

    def _show_minima(self, land: Landscape) -> None:
        points = [m for m in land.minima if len(m.location) == 2]
        if not points:
            self.minima.setData(pos=np.empty((0, 3)))
            return
        xy = np.array([m.location for m in points], dtype=float)
        z = self.mesh.heights.lifted(np.array([m.value for m in points]))
        colours = np.array([rgba("#F5C400") if m.kind == "global" else rgba("#FFFFFF") for m in points])
        self.minima.setData(pos=np.column_stack([xy, z]), color=colours, size=9.0)

    def show_contours(self, shown: bool) -> None:
        """Draw (or hide) contour lines on the surface."""
        self.contours.setVisible(shown)
        self.backdrop_version += 1
        self.update()

    def reset_camera(self, name: str = "Corner") -> None:
        """Look at the whole surface from one of ``CAMERAS``."""
        if self.mesh is None:
            return
        elevation, azimuth = CAMERAS[name]
        x, y = self.mesh.x, self.mesh.y
        centre = pg.Vector((x[0] + x[-1]) / 2, (y[0] + y[-1]) / 2, self.mesh.heights.top / 3)
        size = max(x[-1] - x[0], y[-1] - y[0], self.mesh.heights.top)
        self.setCameraPosition(pos=centre, distance=1.8 * size, elevation=elevation, azimuth=azimuth)

    # ---- the runs -----------------------------------------------------------------------------------
    def show_runs(
        self,
        trails: list[tuple[np.ndarray, np.ndarray, str]],
        starts: np.ndarray,
        start_colours: list[str],
    ) -> None:
        """Each trail is (xy (n, 2), f (n,), colour): drawn as segments lifted above the surface, its
        last point a ball; ``starts`` (k, 2) are the start points on the surface."""
        if self.mesh is None:
            return
        heights = self.mesh.heights
        points, ends, colours = _joined_trails(trails, heights)
        begins = np.delete(np.arange(len(points)), ends)  # a segment from each point but a trail's last
        line_colours = np.repeat(colours[np.searchsorted(ends, begins)] * [1, 1, 1, TRAIL_ALPHA], 2, axis=0)
        segments = points[np.column_stack([begins, begins + 1]).ravel()]
        self._set_lines([segments] if len(segments) else [], [line_colours])
        self._set_points(self.heads, list(points[ends]), list(colours), HEAD_SIZE)
        start_points = [np.append(p, heights.lifted(f)) for p, f in self._start_values(starts)]
        self._set_points(self.starts, start_points, [rgba(c, 0.9) for c in start_colours], 8.0)
        self.frames_drawn += 1

    def show_escapes(self, xy: np.ndarray) -> None:
        """Mark escape events (points (k, 2) where a run entered a new basin) on the surface."""
        if self.land is None or self.mesh is None or not len(xy):
            self.escapes.setData(pos=np.empty((0, 3)))
            return
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        z = self.mesh.heights.lifted(self.land.value_fn(xy))
        self.escapes.setData(pos=np.column_stack([xy, z]), color=rgba("#FFFFFF"), size=7.0)

    def _start_values(self, starts: np.ndarray) -> list[tuple[np.ndarray, float]]:
        if self.land is None or not len(starts):
            return []
        values = self.land.value_fn(np.asarray(starts, dtype=float).reshape(-1, 2))
        return list(zip(np.asarray(starts, dtype=float).reshape(-1, 2), values, strict=True))

    def _set_lines(self, segments: list[np.ndarray], colours: list[np.ndarray]) -> None:
        if segments:
            self.trails.setData(pos=np.concatenate(segments), color=np.concatenate(colours))
        else:
            self.trails.setData(pos=np.empty((0, 3)))

    @staticmethod
    def _set_points(item, points: list, colours: list, size: float) -> None:
        if points:
            item.setData(pos=np.asarray(points, dtype=float), color=np.asarray(colours), size=size)
        else:
            item.setData(pos=np.empty((0, 3)))

    def paintGL(self, *args, **kwargs) -> None:  # noqa: N802 (Qt's name)
        """The still surface copied from the backdrop, then the runs and markers drawn over it."""
        self.paints += 1
        if not self.keep_backdrop:
            super().paintGL(*args, **kwargs)
            return
        region = self.getViewport()
        self.setProjection(region, region)
        self.setModelview()
        self.backdrop.show(self._backdrop_key(region), self._device_size(), self._draw_still)
        GL.glViewport(0, 0, *self._device_size())
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT)
        for item in sorted(self.marks, key=lambda i: i.depthValue()):
            if item.visible():
                self.drawItemTree(item)

    def _draw_still(self) -> None:
        GL.glClearColor(*self.opts["bgcolor"])
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
        for item in (self.surface, self.contours):
            if item is not None and item.visible():
                self.drawItemTree(item)

    def _backdrop_key(self, region: tuple) -> tuple:
        camera = self.projectionMatrix(region, region) * self.viewMatrix()
        return (tuple(camera.data()), self.backdrop_version, tuple(self.opts["bgcolor"]))

    def _device_size(self) -> tuple[int, int]:
        ratio = self.devicePixelRatio()
        return (round(self.width() * ratio), round(self.height() * ratio))


def _joined_trails(trails: list, heights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every trail's finite points lifted above the surface, one after another (n, 3); the index of
    each trail's last point; each trail's colour (RGBA). Trails with no finite point are left out."""
    kept = [
        (xy[ok, :2], f[ok], c) for xy, f, c in trails for ok in [np.isfinite(f) & np.isfinite(xy).all(axis=1)]
    ]
    kept = [trail for trail in kept if len(trail[1])]
    if not kept:
        return np.empty((0, 3)), np.empty(0, dtype=int), np.empty((0, 4))
    xy, f = np.concatenate([t[0] for t in kept]), np.concatenate([t[1] for t in kept])
    ends = np.cumsum([len(t[1]) for t in kept]) - 1
    return np.column_stack([xy, heights.lifted(f)]), ends, np.array([rgba(t[2]) for t in kept])
