"""The pictures of the command line (``--format png``, ``export`` to PNG/SVG/GIF/MP4), drawn with Qt
offscreen. Importing this module imports no Qt: each renderer does when it is called."""

from __future__ import annotations

from core.cli import Renderer

BASIN_MAP_SIZE = 360  # pixels per 2-D map
HIGHDIM_SIZE = (1200, 800)


def render_highdim(results: list, path: str) -> None:
    """The high-dimensional study window's plots of ``results``."""
    from gui.windows.highdim_window import render_png

    render_png(results, path, HIGHDIM_SIZE)


def render_sweep(sweep, path: str, log_axis: bool = False) -> None:
    """The parameter-sweep window's plots of ``sweep``."""
    from gui.windows.sweep_window import render_png

    render_png(sweep, path, log_axis)


def render_basins(maps: list, path: str) -> None:
    """The basin maps as the Basins panel draws them, with a legend of the minima."""
    from gui.app import ensure_app
    from gui.export.render import save_widget_png
    from gui.view.basin_maps import MAPS_PER_ROW, BasinMapsView

    ensure_app(offscreen=True)
    view = BasinMapsView()
    try:
        view.show_maps(maps, legend=True)
        one_d = maps[0].landscape.dim == 1
        columns = 1 if one_d else min(len(maps), MAPS_PER_ROW)
        rows = len(maps) if one_d else -(-len(maps) // MAPS_PER_ROW)
        width = 900 if one_d else columns * BASIN_MAP_SIZE
        height = rows * (90 if one_d else BASIN_MAP_SIZE) + 60
        save_widget_png(view, view, path, (width, height))
    finally:
        view.close()
        view.deleteLater()


def render_export(exp, path: str, scale: int, side_plots: bool, frames: int, fps: float) -> None:
    """A PNG/SVG image or a GIF or MP4 animation of the experiment's complete runs."""
    from gui.app import ensure_app
    from gui.export.exporters import export_animation, export_image

    ensure_app(offscreen=True)
    if path.lower().endswith((".gif", ".mp4")):
        export_animation(exp, path, frames=frames, fps=fps)
    else:
        export_image(exp, path, scale=scale, side_plots=side_plots)


RENDERERS: dict[str, Renderer] = {
    "highdim": render_highdim,
    "basins": render_basins,
    "sweep": render_sweep,
    "export": render_export,
}
