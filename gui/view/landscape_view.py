"""The central view: the landscape (curve or heat map with contours) with start points and runs.

Clicks edit the model's start points: click places one (replacing the others), Shift+click adds,
right-click on a start removes it. Hover shows the coordinates and f.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView

from core.minima.grid import sample_curve
from core.minima.surface import Line, surface_of
from gui.model import AppModel
from gui.qt_helpers import plain_axes
from gui.style import (
    CONTOUR_RGBA,
    CURVE_COLOR,
    ESCAPE_FILL,
    SURFACE_COLOURS,
    SURFACE_STOPS,
    start_symbol,
)
from gui.view.batch_overlay import BatchOverlay
from gui.view.heads import HeadMarkers
from gui.view.legend_place import LegendPlace, cached, drag_inside_only
from gui.view.plot_parts import LinesItem, contour_path, elided_title, free_width, minima_spots
from gui.view.symbol_key import SymbolKey, symbols_on_screen
from gui.view.trail_item import TrailItem
from gui.view.trails import Trails
from gui.view.view_mouse import ViewMouse

TITLE_AXIS_PX = 30  # a title may reach over the left axis too
START_FILL = "#FFFFFFC8"  # start markers: white, a little see-through


class LandscapeView(pg.PlotWidget):
    """See the module docstring. ``message`` reports refused clicks; ``hovered`` the hover text."""

    message = Signal(str)
    hovered = Signal(str)
    painted = Signal()
    picked = Signal(float, float)  # Ctrl+click at these data coordinates: select the run drawn there
    menuAsked = Signal(QPoint)  # a right-click away from every start, at this point of the screen

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.plot_item = self.getPlotItem()
        self.vb = self.plot_item.getViewBox()
        self.vb.setMenuEnabled(False)
        plain_axes(self.plot_item)
        for side in ("left", "bottom"):  # (repainted whole each frame otherwise)
            cached(self.plot_item.getAxis(side))
        free_width(self.plot_item.titleLabel)
        self.vb.sigResized.connect(self._show_title)
        # Trails change every frame: repainting the viewport whole beats tracking dirty regions.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        # Items that change every frame make Qt's spatial index (a BSP tree) cost more than it saves.
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        legend = self.plot_item.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 220))
        legend.setZValue(200)
        drag_inside_only(legend, lambda: self.model.view.legend != "right")
        self.legend_place = LegendPlace(self.plot_item, legend)
        self.curve = pg.PlotDataItem(pen=pg.mkPen(CURVE_COLOR, width=3))
        # The landscape is static while runs stream: cache its rendering instead of repainting it.
        self.curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.image = pg.ImageItem()
        self.image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        surface_map = pg.ColorMap(SURFACE_STOPS, SURFACE_COLOURS)
        self.colorbar = pg.ColorBarItem(colorMap=surface_map, interactive=False, label="f")
        self.colorbar.setImageItem(self.image)
        self.colorbar.getAxis("right").enableAutoSIPrefix(False)
        self._shown_dim = 0  # which of the curve and the heat map is in the plot
        self.isocurves: list[pg.IsocurveItem] = []
        self.minima = pg.ScatterPlotItem(size=14, pxMode=True)
        self.start_markers = HeadMarkers(size=13, pen=pg.mkPen("k", width=1.5))  # (one shape a start)
        self.heads = HeadMarkers()
        self.escapes = pg.ScatterPlotItem(
            size=9, pxMode=True, symbol="d", pen=pg.mkPen("#000000", width=1.5), brush=pg.mkBrush(ESCAPE_FILL)
        )
        self.selected = TrailItem(pg.mkPen("#000000", width=3))  # the run chosen in the table
        self.selected.setZValue(45)
        self.plot_item.addItem(self.selected, ignoreBounds=True)
        self.hover_label = pg.TextItem(anchor=(0, 1), color="#222222", fill=pg.mkBrush(255, 255, 255, 200))
        self.hover_label.setZValue(100)
        for item in (self.minima, self.start_markers, self.heads, self.escapes):
            item.setZValue(50)
        self.minima.setZValue(40)
        for item in (self.minima, self.escapes):
            self.plot_item.addItem(item)
        for item in (self.minima, self.escapes, self.start_markers):  # (still while runs stream)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot_item.addItem(self.start_markers, ignoreBounds=True)
        for item in (self.heads, self.hover_label):  # the view's range is the landscape's, not theirs
            self.plot_item.addItem(item, ignoreBounds=True)
        self.show_minima = True
        self.overlay = BatchOverlay(self.plot_item)
        self._band_items: list = []
        self.symbol_key = SymbolKey(legend)
        self.legend_place.least_width = self.symbol_key.widest()
        self._key_timer = QTimer(self, singleShot=True, interval=0, timeout=self._show_symbol_key)
        self.heads_shown = (False, False)  # whether heads are drawn, and whether a diverged one is
        self.runs_drawn = Trails(self.plot_item, self._legend_changed, lambda: self.model.landscape.scale)
        self.mouse = ViewMouse(self)
        model.landscapeChanged.connect(self.redraw_landscape)
        model.startsChanged.connect(self.redraw_starts)
        model.viewChanged.connect(self._apply_view_options)
        self._shown_options: tuple = ()
        self.redraw_landscape()
        self.redraw_starts()
        self._apply_view_options()

    def _apply_view_options(self) -> None:
        """The legend's place, equal aspect on 2-D and the colour scale, as the model's view says."""
        view = self.model.view
        options = (view.legend, view.equal_aspect, view.colour_scale)
        if options == self._shown_options:
            return
        scale_changed = self._shown_options and options[2] != self._shown_options[2]
        self._shown_options = options
        self.legend_place.place(view.legend)
        self._lock_aspect()
        if scale_changed and self.model.landscape.dim == 2:
            self._draw_surface()

    def _legend_changed(self, cleared: bool) -> None:
        if cleared:  # the methods' entries were made again: the key follows them
            self.symbol_key.show(self.symbol_key.shown, force=True)
        self.legend_place.fit()

    def update_symbol_key(self) -> None:
        """List in the legend the symbols on screen (see ``symbol_key``), once the changes of this turn
        of the event loop are done (a landscape change redraws its minima, starts and runs)."""
        self._key_timer.start()

    def _show_symbol_key(self) -> None:
        if self.symbol_key.show(symbols_on_screen(self)):
            self.legend_place.fit()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        self.painted.emit()

    # ---- landscape ----------------------------------------------------------------------------------
    def redraw_landscape(self) -> None:
        land = self.model.landscape
        self._clear_contours()
        self.overlay.clear()
        self.show_basin_bands([])
        self._show_kind(land.dim)
        if land.dim == 1:
            self.curve.setData(*sample_curve(land))
            self.plot_item.setLabels(
                left=f"{land.value_name}({land.axis_names[0]})", bottom=land.axis_names[0]
            )
        else:
            self._draw_surface()
            self.plot_item.setLabels(left=land.axis_names[1], bottom=land.axis_names[0])
        self._lock_aspect()
        self.hover_label.hide()
        self._show_title()
        self._draw_minima()
        self.fit_view()  # (the starts follow: every landscape change signals them too)
        self.update_symbol_key()

    def _lock_aspect(self) -> None:
        self.vb.setAspectLocked(self.model.view.equal_aspect and self.model.landscape.dim == 2, ratio=1.0)

    def _show_kind(self, dim: int) -> None:
        """The curve (1-D) or the heat map with its colour bar (2-D); the items are made once."""
        if self._shown_dim == dim:
            return
        self._shown_dim = dim
        shown, hidden = (self.curve, self.image) if dim == 1 else (self.image, self.curve)
        if hidden.scene() is not None:
            self.plot_item.removeItem(hidden)
        self.plot_item.addItem(shown)
        layout = self.plot_item.layout
        if dim == 1 and self.colorbar.scene() is not None:
            layout.removeItem(self.colorbar)
            self.colorbar.scene().removeItem(self.colorbar)
        elif dim == 2:
            layout.addItem(self.colorbar, 2, 5)  # where pyqtgraph's insert_in puts it
            layout.setColumnFixedWidth(4, 5)

    def fit_view(self) -> None:
        """Show the domain (and, on a curve, the curve's range); trails never rescale the view."""
        land = self.model.landscape
        (x0, x1) = land.domain[0]
        if land.dim == 1:
            ys = self.curve.getData()[1]
            finite = ys[np.isfinite(ys)] if ys is not None else np.array([0.0, 1.0])
            y0, y1 = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        else:
            (y0, y1) = land.domain[1]
        self.vb.disableAutoRange()
        self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.05)

    def _draw_surface(self) -> None:
        land = self.model.landscape
        self._clear_contours()
        surface = surface_of(land, self.model.view.colour_scale)  # remembered: a worker computed it
        self.image.setImage(surface.values, autoLevels=False)
        (x0, x1), (y0, y1) = land.domain
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)
        self.colorbar.setLevels((surface.low, surface.high))
        f = land.value_name
        self.colorbar.getAxis("left").setLabel(f"log10(1 + {f} − min {f})" if surface.log else f)
        self._show_contours(surface.contours)

    def _clear_contours(self) -> None:
        for iso in self.isocurves:
            iso.setParentItem(None)
            if iso.scene() is not None:
                iso.scene().removeItem(iso)
        self.isocurves = []

    def _show_contours(self, lines: tuple[Line, ...]) -> None:
        """Every contour level in one path item (one cached picture to paint), in the image's pixel
        coordinates (it maps them)."""
        if not lines:
            return
        iso = LinesItem(contour_path(lines), pg.mkPen(*CONTOUR_RGBA))
        iso.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        iso.setParentItem(self.image)
        self.isocurves.append(iso)

    def _draw_minima(self) -> None:
        self.minima.setData(**minima_spots(self.model.landscape))
        self.minima.setVisible(self.show_minima)

    def set_minima_visible(self, visible: bool) -> None:
        self.show_minima = visible
        self.minima.setVisible(visible)
        self.update_symbol_key()

    # ---- starts and runs ----------------------------------------------------------------------------
    def start_xy(self, point: tuple[float, ...]) -> tuple[float, float]:
        if self.model.landscape.dim == 1:
            return point[0], float(self.model.landscape.value([point])[0])
        return point[0], point[1]

    def redraw_starts(self) -> None:
        starts = np.array(self.model.starts, dtype=float).reshape(-1, self.model.landscape.dim)
        x = starts[:, 0]
        y = self.model.landscape.value(starts) if self.model.landscape.dim == 1 else starts[:, 1]
        marks = np.asarray(self.model.start_marks, dtype=int)
        kinds = [(START_FILL, start_symbol(mark)) for mark in range(marks.max(initial=-1) + 1)]
        self.start_markers.show(np.arange(len(marks)), np.column_stack([x, y]), marks, kinds)
        self.update_symbol_key()

    def prepare_runs(self, colors: list[str], start_indices: list[int], labels: list[str], dim: int) -> None:
        """Fresh trails and heads for runs of these colours, start markers and method labels (see
        ``Trails.prepare``)."""
        self.runs_drawn.prepare(colors, start_indices, labels, dim)
        self.heads.clear()
        self.heads_shown = (False, False)
        self.escapes.setData([])
        self.overlay.clear()  # (the last runs' minibatches)
        self.update_symbol_key()

    @property
    def trails(self) -> list[TrailItem]:
        """The trail items, one per method."""
        return self.runs_drawn.items

    def show_basin_bands(self, bands: list[tuple[str, np.ndarray]]) -> None:
        """1-D: one coloured band per method under the curve; ``bands`` are (label, (G, 3) RGB) pairs."""
        for item in self._band_items:
            self.plot_item.removeItem(item)
        self._band_items = []
        land = self.model.landscape
        if land.dim != 1 or not bands:
            return
        ((x0, x1),) = land.domain
        ys = self.curve.getData()[1]
        finite = ys[np.isfinite(ys)] if ys is not None else np.array([0.0, 1.0])
        low, span = float(finite.min()), float(np.ptp(finite)) or 1.0
        height = 0.06 * span
        for k, (label, rgb) in enumerate(bands):
            top = low - 0.03 * span - k * (height * 1.25)
            image = pg.ImageItem(rgb[:, None, :], levels=(0, 255))  # (the key's colours, not stretched)
            image.setRect(x0, top - height, x1 - x0, height)
            text = pg.TextItem(label, color="#222222", anchor=(0, 0.5), fill=pg.mkBrush(255, 255, 255, 200))
            text.setPos(x0, top - height / 2)  # inside the band, left: the axis would clip it outside
            for item in (image, text):
                self.plot_item.addItem(item)
                self._band_items.append(item)
        self.fit_view()
        self.vb.setYRange(low - 0.03 * span - len(bands) * height * 1.25, float(finite.max()), padding=0.05)

    def show_escapes(self, x: np.ndarray, y: np.ndarray) -> None:
        """Mark the points where runs entered a new basin."""
        self.escapes.setData(x, y)
        self.update_symbol_key()

    def run_color(self, run: int) -> str:
        return str(self.runs_drawn.colors[run])

    @property
    def run_groups(self) -> list[np.ndarray]:
        """The runs each trail item draws (one item per method), as index arrays."""
        return self.runs_drawn.groups

    def points_limit(self) -> int:
        """How many points each run's trail draws at most (fewer, the more runs there are)."""
        return self.runs_drawn.points_limit()

    def show_runs(self, groups: list[tuple[np.ndarray, np.ndarray]], diverged: np.ndarray) -> None:
        """Keep every run's trail from ``groups`` (for each of ``run_groups``, the points (runs, rows, 2)
        and each run's count of them: ``run_arrays.group_points``) and draw its head; a diverged run's
        head is a cross."""
        self._show_heads(*self.runs_drawn.show(groups), diverged)

    def extend_runs(self, groups: list[tuple[np.ndarray, np.ndarray]], diverged: np.ndarray) -> None:
        """Paint each run's new points (as in ``show_runs``: the rows since the last call) on screen, and
        its head at the latest."""
        self.runs_drawn.extend(groups)
        tips = self.runs_drawn.tips
        runs = np.flatnonzero(np.isfinite(tips).all(axis=1))
        self._show_heads(runs, tips[runs], diverged)

    def _show_heads(self, runs: np.ndarray, points: np.ndarray, diverged: np.ndarray) -> None:
        drawn = self.runs_drawn
        shown = drawn.runs_shown[runs]
        runs, points = runs[shown], points[shown]
        self.heads.show(runs, points, drawn.head_kinds(runs, diverged), drawn.kinds)
        shown = (len(runs) > 0, bool(diverged[runs].any()))
        if shown != self.heads_shown:
            self.heads_shown = shown
            self.update_symbol_key()

    def show_batches(self, land, batches: dict[int, np.ndarray], heads: dict[int, tuple]) -> None:
        """Each run's latest minibatch over the landscape (``BatchOverlay.update``)."""
        self.overlay.update(land, batches, heads)
        self.update_symbol_key()

    def show_selected(self, x: np.ndarray, y: np.ndarray, color: str | None) -> None:
        """Draw one run's trail on top of the others, wider and outlined (``color`` None: none)."""
        if color is None:
            self.selected.set_data(np.empty(0), np.empty(0), np.empty(0, dtype=bool))
            return
        width = 4 * self.runs_drawn.width_scale
        self.selected.set_style(pg.mkPen(color, width=width, cap=Qt.PenCapStyle.RoundCap), outlined=True)
        connect = np.zeros(len(x), dtype=bool) if self.runs_drawn.dots else np.ones(len(x), dtype=bool)
        self.selected.set_data(x, y, connect)

    def _show_title(self, *_) -> None:
        """The landscape's name and id, elided to the data's width: the layout never depends on them."""
        land, label = self.model.landscape, self.plot_item.titleLabel
        room = max(120, int(self.vb.width()) + TITLE_AXIS_PX)  # the title is centred over the data
        self.plot_item.setTitle(elided_title(label, land.name, land.id, room))
        label.setToolTip(f"{land.name} ({land.id})")

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.hover_label.hide()
        super().leaveEvent(event)
