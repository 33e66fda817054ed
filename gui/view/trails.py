"""Every run's trail in the landscape view: one item per method, painted on screen by one canvas.

All runs of a method share one ``TrailItem`` (a ``connect`` array keeps them apart), which keeps
redraws cheap. On a curve a trail is dots on the curve (lines between far-apart points would cut
through the air); on a surface it is the path as a line. While runs stream, ``extend`` adds each
run's new points to the canvas's picture (joined to the point drawn last); ``show`` keeps every
item's whole (thinned) points, from which the picture is painted again when the view changes: those
are gathered from ``source`` only when needed (a whole picture, an export, a test reading them), never
on a streaming frame.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

from core.minima.surface import connect_within
from gui.style import START_SYMBOLS, thin_matrix
from gui.view.trail_canvas import TrailCanvas
from gui.view.trail_item import (
    MAX_DOTS,
    MAX_PATH_POINTS,
    OUTLINED_RUNS,
    TrailItem,
    points_per_run,
    trail_pen,
)

TRAIL_Z = 30
CROSS = "x"  # a diverged run's head
DOT_OFFSET = 1e-9  # a dot is a segment this long (× the landscape's scale): Qt draws none of length 0

# Points of one run: (rows, 2) arrays; a group: (runs, rows, 2) points and each run's count of them.
Group = tuple[np.ndarray, np.ndarray]


class Trails:
    """See the module docstring. ``scale()`` is the landscape's scale (for the dots' length);
    ``fit_legend(cleared)`` is called after the legend's entries change (``cleared``: all were removed)."""

    def __init__(
        self, plot_item: pg.PlotItem, fit_legend: Callable[[bool], None], scale: Callable[[], float]
    ):
        self.plot_item, self._fit_legend, self._scale = plot_item, fit_legend, scale
        self.items: list[TrailItem] = []
        self._legend_lines: list[pg.PlotDataItem] = []  # the legend's samples of the methods
        self.canvas = TrailCanvas(lambda: self.items, self.sync)
        self.canvas.setZValue(TRAIL_Z)
        plot_item.addItem(self.canvas, ignoreBounds=True)
        vb = plot_item.getViewBox()
        vb.sigRangeChanged.connect(lambda *_: self.canvas.set_bounds(vb.viewRect()))
        self.colors = np.empty(0, dtype=object)  # each run's colour and start symbol
        self._groups: list[np.ndarray] = []
        self._key: tuple | None = None  # what the items and the legend show
        self.dots = True
        self._tips = np.empty((0, 2))  # each run's point painted last (NaN: none yet)
        self.kinds: list[tuple[str, str]] = []  # (colour, symbol) of a head, by number
        self.runs_shown = np.empty(0, dtype=bool)  # whose method is shown (see ``show_methods``)
        self.kind_of = self.cross_of = np.empty(0, dtype=int)  # each run's kind number, and diverged
        self.source: Callable[[], list[Group] | None] | None = None  # every run's points now, thinned
        self._stale = False  # the items lack rows that ``extend`` painted
        self.width_scale = 1.0  # the trails' widths, times their usual (see ``set_width_scale``)

    def prepare(self, colors: list[str], start_indices: list[int], labels: list[str], dim: int) -> None:
        """Fresh trails for runs of these colours, start markers and method labels; the items (and the
        legend) are made again only when the methods change."""
        self.colors = np.asarray(colors, dtype=object)
        by_label: dict[str, list[int]] = {}
        for run, label in enumerate(labels):
            by_label.setdefault(label, []).append(run)
        self._groups = [np.asarray(runs, dtype=int) for runs in by_label.values()]
        key = (dim == 1, [(label, colors[runs[0]]) for label, runs in by_label.items()])
        self._number_kinds([color for _, color in key[1]], np.asarray(start_indices, dtype=int))
        if key != self._key:
            self._key, self.dots = key, dim == 1
            self._make_items(key[1])
        self._style_items()
        empty = np.empty(0)
        for item in self.items:
            item.set_data(empty, empty, np.empty(0, dtype=bool))
        self._tips = np.full((len(colors), 2), np.nan)
        self.runs_shown = np.ones(len(colors), dtype=bool)
        self._stale = False
        self.canvas.invalidate()

    def set_width_scale(self, scale: float) -> None:
        """Draw the trails ``scale`` times their usual width (presenter mode), these and the next."""
        self.width_scale = scale
        self._style_items()

    def _style_items(self) -> None:
        outlined = not self.dots and len(self.colors) <= OUTLINED_RUNS
        labelled = self._key[1] if self._key else []
        for item, (_, color) in zip(self.items, labelled, strict=True):
            item.set_style(trail_pen(color, self.dots, outlined, self.width_scale), outlined)

    def _make_items(self, labelled: list[tuple[str, str]]) -> None:
        """One item and one legend entry per (label, colour); those already made are kept and restyled
        (each new pyqtgraph item costs about a millisecond)."""
        while len(self.items) > len(labelled):
            self.plot_item.removeItem(self.items.pop())
        while len(self.items) < len(labelled):
            item = TrailItem(trail_pen("#000000", self.dots))
            item.setZValue(TRAIL_Z)
            item.canvas, item.before_read = self.canvas, self.sync
            self.plot_item.addItem(item)
            self.items.append(item)
        legend = self.plot_item.legend
        entries = [(sample, text) for sample, text in legend.items if sample.item in self._legend_lines]
        if len(entries) != len(labelled):
            legend.clear()  # (the view's symbol key is added again after these)
            self._legend_lines = [pg.PlotDataItem(pen=pg.mkPen(color, width=3)) for _, color in labelled]
            for line, (label, _) in zip(self._legend_lines, labelled, strict=True):
                legend.addItem(line, label)
        else:
            for (sample, text), (label, color) in zip(entries, labelled, strict=True):
                sample.item.setPen(pg.mkPen(color, width=3))
                sample.update()
                text.setText(label)
        self._fit_legend(len(entries) != len(labelled))

    def show_methods(self, shown: set[str]) -> np.ndarray:
        """Draw only the trails of the methods labelled in ``shown``; which runs those are (a mask)."""
        labelled = self._key[1] if self._key else []
        runs_shown = np.zeros(len(self.colors), dtype=bool)
        for item, runs, (label, _) in zip(self.items, self._groups, labelled, strict=True):
            item.setVisible(label in shown)
            runs_shown[runs] = label in shown
        self.runs_shown = runs_shown
        return runs_shown

    def _number_kinds(self, group_colors: list[str], marks: np.ndarray) -> None:
        """Number every (colour, symbol) a head can show: its start's symbol in its method's colour, or
        a cross once diverged (without a loop over runs: thousands of runs are prepared at once)."""
        shapes = [*START_SYMBOLS, CROSS]
        self.kinds = [(color, shape) for color in group_colors for shape in shapes]
        color_of = np.zeros(len(marks), dtype=int)
        for k, runs in enumerate(self._groups):
            color_of[runs] = k
        self.kind_of = color_of * len(shapes) + marks % len(START_SYMBOLS)
        self.cross_of = color_of * len(shapes) + len(START_SYMBOLS)

    def head_kinds(self, runs: np.ndarray, diverged: np.ndarray) -> np.ndarray:
        """The kind number of each of ``runs``' heads (``diverged``: over all runs)."""
        return np.where(diverged[runs], self.cross_of[runs], self.kind_of[runs])

    @property
    def groups(self) -> list[np.ndarray]:
        """The runs each item draws (one item per method), as index arrays."""
        return self._groups

    def points_limit(self) -> int:
        """How many points each run's trail draws at most (fewer, the more runs there are)."""
        return points_per_run(len(self.colors), MAX_DOTS if self.dots else MAX_PATH_POINTS)

    @property
    def tips(self) -> np.ndarray:
        """Each run's latest point drawn, (runs, 2); NaN for a run with none."""
        return self._tips

    def sync(self) -> None:
        """Bring the items' points up to date with what ``extend`` painted (from ``source``)."""
        groups = self.source() if self._stale and self.source is not None else None
        if groups is not None:
            self.show(groups)

    def show(self, groups: list[Group]) -> tuple[np.ndarray, np.ndarray]:
        """Keep every run's points (for each of ``groups``, as ``run_arrays.group_points`` gives them);
        each run's head: the runs that have points and their last ones (k, 2)."""
        self._stale = False
        limit, heads, head_runs = self.points_limit(), [], []
        for item, runs, (points, counts) in zip(self.items, self._groups, groups, strict=True):
            if counts.max(initial=0) > limit + 1:  # not thinned yet (an export's frame)
                index, used = thin_matrix(counts, limit)
                points = np.take_along_axis(points, index[:, :, None], axis=1)
            else:
                used = np.arange(points.shape[1])[None, :] < counts[:, None]
            drawn = used.sum(axis=1)
            item.set_data(*self._joined(points[used], drawn))
            has = counts > 0
            heads.append(points[np.flatnonzero(has), drawn[has] - 1])
            head_runs.append(runs[has])
        if not heads:
            return np.empty(0, dtype=int), np.empty((0, 2))
        return np.concatenate(head_runs), np.concatenate(heads)

    def extend(self, groups: list[Group]) -> None:
        """Paint each run's new points (``groups`` as in ``show``, the rows since the last call) onto
        the picture, joined to the point it painted last."""
        parts = []
        for item, runs, (points, counts) in zip(self.items, self._groups, groups, strict=True):
            tips = self._tips[runs]
            fresh = counts > 0
            joined = fresh & np.isfinite(tips).all(axis=1) & (not self.dots)
            every = np.concatenate([tips[:, None, :], points], axis=1)
            used = np.column_stack([joined, np.arange(points.shape[1])[None, :] < counts[:, None]])
            parts.append((item, *self._joined(every[used], used.sum(axis=1))))
            self._tips[runs[fresh]] = points[np.flatnonzero(fresh), counts[fresh] - 1]
        self._stale = True
        self.canvas.extend(parts)

    def _joined(self, xy: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x, y and a connect array that joins each run's consecutive points, never two runs; on a
        curve each point becomes a dot (a tiny segment to a copy of itself)."""
        if self.dots:
            xy = np.repeat(xy, 2, axis=0)
            xy[1::2, 0] += DOT_OFFSET * self._scale()
            connect = np.zeros(len(xy), dtype=bool)
            connect[0::2] = True
        else:
            connect = connect_within(sizes)
        return xy[:, 0], xy[:, 1], connect
