"""A two-parameter sweep as heat maps, one per method: the share of runs reaching a global minimum for
every pair of values (the phase diagram, measured), each cell labelled with its share, or "div" where
most runs diverged."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from core.studies.sweeps import Sweep
from gui.qt_helpers import plain_axes
from gui.style import display_label

DIVERGED_COLOUR = (120, 120, 120)  # cells where more than half the runs diverged
MAX_CELL_TEXTS = 400  # cells labelled with their share (more: colour only)


class SweepMaps(pg.GraphicsLayoutWidget):
    """See the module docstring; ``show_sweep`` draws a two-parameter sweep."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setBackground("w")
        self.colour_map = pg.colormap.get("viridis")

    def show_sweep(self, sweep: Sweep) -> None:
        """One heat map per method: ``param`` across, ``param2`` up."""
        self.clear()
        methods = list(dict.fromkeys(cell.method for cell in sweep.cells))
        for k, method in enumerate(methods):
            cells = [cell for cell in sweep.cells if cell.method == method]
            plot = self.addPlot(row=0, col=k, title=display_label(cells[0].spec))
            self._draw(plot, sweep, cells)
        bar = pg.ColorBarItem(values=(0, 1), colorMap=self.colour_map, interactive=False)
        bar.setLabel("right", "share reaching a global minimum")
        self.addItem(bar, row=0, col=len(methods))

    def _draw(self, plot: pg.PlotItem, sweep: Sweep, cells: list) -> None:
        n1, n2 = len(sweep.values), len(sweep.values2)
        success = np.array([cell.success for cell in cells]).reshape(n1, n2)
        diverged = np.array([cell.diverged_share > 0.5 for cell in cells]).reshape(n1, n2)
        rgb = (self.colour_map.map(success.ravel(), mode="byte")[:, :3]).reshape(n1, n2, 3)
        rgb[diverged] = DIVERGED_COLOUR
        image = pg.ImageItem(rgb.astype(np.uint8), levels=(0, 255))
        plot.addItem(image)  # (pixel (i, j) covers [i, i+1] × [j, j+1]: param across, param2 up)
        plot.setLabel("bottom", sweep.param)
        plot.setLabel("left", sweep.param2)
        plain_axes(plot)
        for axis, values in (("bottom", sweep.values), ("left", sweep.values2)):
            ticks = [(i + 0.5, f"{v:.3g}") for i, v in enumerate(values)]
            plot.getAxis(axis).setTicks([ticks, []])
        plot.setRange(xRange=(0, n1), yRange=(0, n2), padding=0)
        plot.setMouseEnabled(False, False)
        if n1 * n2 <= MAX_CELL_TEXTS:
            for i in range(n1):
                for j in range(n2):
                    text = "div" if diverged[i, j] else f"{success[i, j]:.0%}"
                    colour = "w" if diverged[i, j] or success[i, j] < 0.6 else "k"
                    label = pg.TextItem(text, color=colour, anchor=(0.5, 0.5))
                    label.setPos(i + 0.5, j + 0.5)
                    plot.addItem(label)
