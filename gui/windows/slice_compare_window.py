"""Plain vs skip network slices side by side, on one colour scale, with each one's roughness.

Claim (a) of issue #7: skip connections smooth the loss landscape (Li et al. 2018). Both slices are
computed in a worker thread (``core.studies.slice_compare.compare_slices``) with progress and Cancel.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from core.landscapes.network import SETTINGS, NNConfig
from core.minima.search import grid_local_minima
from core.studies.slice_compare import SliceComparison, compare_slices
from gui.panels.task_progress import TaskProgress
from gui.qt_helpers import close_on_escape, plain_axes
from gui.workers.base import TaskRunner

TITLES = {"plain": "Plain MLP (no skip connections)", "skip": "MLP with skip connections"}
TOOLTIPS = {
    "depth": "Hidden layers of both networks",
    "width": "Units per hidden layer",
    "seed": "Seed of the data, the initial weights and the slice directions (the same for both)",
    "grid": "Grid points per axis: local minima are counted on this grid",
}


class SlicePlot(pg.PlotWidget):
    """One slice: the log-loss image, w* at the centre and the grid's local minima."""

    def __init__(self, title: str):
        super().__init__(title=title)
        self.setLabels(bottom="α (direction d₁)", left="β (direction d₂)")
        plain_axes(self.getPlotItem())
        self.setAspectLocked(True)
        self.setRange(xRange=(-1, 1), yRange=(-1, 1))  # the slice's box, before anything is computed
        self.image = pg.ImageItem()
        self.addItem(self.image)
        self.minima = pg.ScatterPlotItem(
            symbol="t1", size=9, pen=pg.mkPen("w"), brush=pg.mkBrush(255, 120, 0), name="grid local minima"
        )
        self.centre = pg.ScatterPlotItem(symbol="star", size=14, pen=pg.mkPen("k"), brush=pg.mkBrush("w"))
        self.addItem(self.minima)
        self.addItem(self.centre)


class NNCompareWindow(QWidget):
    """See the module docstring. ``comparisonShown`` fires after new slices are drawn."""

    comparisonShown = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle("Skip connections smooth the loss: plain vs skip network slices")
        close_on_escape(self)
        self.resize(1100, 650)
        self.comparison: SliceComparison | None = None
        self.runner = TaskRunner(self)
        self.spins: dict[str, QSpinBox] = {}
        controls = QHBoxLayout()
        defaults = NNConfig()
        for name, lo, hi in (*[s for s in SETTINGS if s[0] != "samples"], ("grid", 11, 301)):
            spin = QSpinBox()
            spin.setRange(lo, hi)
            spin.setValue(101 if name == "grid" else getattr(defaults, name))
            spin.setToolTip(TOOLTIPS[name])
            spin.setMaximumWidth(110)
            self.spins[name] = spin
            controls.addWidget(QLabel(name.capitalize()))
            controls.addWidget(spin)
        self.compute = QPushButton("Compute")
        self.compute.setToolTip("Train both networks and slice them (Ctrl+Enter)")
        QShortcut(QKeySequence("Ctrl+Return"), self, self.start)
        controls.addWidget(self.compute)
        controls.addStretch(1)
        self.progress = TaskProgress(self.runner)
        self.status = self.progress.label
        self.status.setText("Compute trains both variants with the same settings and measures their slices.")
        self.plots = {variant: SlicePlot(TITLES[variant]) for variant in TITLES}
        self.figures = {variant: QLabel() for variant in TITLES}
        grid = QGridLayout()
        for col, variant in enumerate(TITLES):
            self.figures[variant].setWordWrap(True)
            grid.addWidget(self.plots[variant], 0, col)
            grid.addWidget(self.figures[variant], 1, col)
        self.colorbar = pg.ColorBarItem(
            colorMap=pg.colormap.get("viridis"), interactive=False, label="log10 loss"
        )
        self.colorbar.setImageItem(
            [p.image for p in self.plots.values()], insert_in=self.plots["skip"].getPlotItem()
        )
        self.note = QLabel(
            "Both pictures share one colour scale (log10 of the training loss). ★ marks the trained weights "
            "w* (α = β = 0); ▲ marks the grid's local minima. The curvature ratio is the mean of "
            "|λmin/λmax| of the slice's Hessian: larger means more non-convex."
        )
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(grid, 1)
        layout.addWidget(self.note)
        self.compute.clicked.connect(self.start)
        self.runner.succeeded.connect(self._on_done)
        self.runner.cancelled.connect(lambda: self._finish("Cancelled; the slices shown are unchanged."))
        self.runner.failed.connect(lambda text: self._finish(f"Failed: {text}"))

    def settings(self) -> dict[str, int]:
        return {name: spin.value() for name, spin in self.spins.items()}

    def start(self) -> None:
        """Compute both slices in the worker with the settings in the fields."""
        s = self.settings()
        self.compute.setEnabled(False)
        self.progress.start(
            lambda state: compare_slices(
                s["depth"], s["width"], s["seed"], s["grid"], state.progress, state.cancel
            ),
            "Training both networks and slicing their losses…",
        )

    def _on_done(self, comparison: SliceComparison) -> None:
        self.show_comparison(comparison)
        self._finish(f"Done in {comparison.seconds:.1f} s.")

    def _finish(self, text: str) -> None:
        self.compute.setEnabled(True)
        self.status.setText(text)

    def show_comparison(self, comparison: SliceComparison) -> None:
        """Draw both slices with the shared levels and write each one's roughness under it."""
        self.comparison = comparison
        levels = comparison.levels
        for s in comparison.slices:
            plot = self.plots[s.variant]
            (a0, a1), (b0, b1) = s.landscape.domain
            plot.image.setImage(np.log10(np.maximum(s.Z, 1e-12)), levels=levels)
            plot.image.setRect(a0, b0, a1 - a0, b1 - b0)
            mins = grid_local_minima(s.Z)
            i, j = np.unravel_index(mins, s.Z.shape)
            plot.minima.setData(s.alphas[i], s.betas[j])
            plot.centre.setData([0.0], [0.0])
            r = s.roughness
            self.figures[s.variant].setText(
                f"<b>{r['local_minima']}</b> grid local minima · curvature ratio "
                f"<b>{r['curvature_ratio']:.2f}</b> · non-convex share <b>{r['nonconvex_fraction']:.0%}</b>"
                f" · trained loss {s.landscape.trained_loss:.3g}"
            )
        self.colorbar.setLevels(levels)
        self.comparisonShown.emit()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.runner.stop()
        super().closeEvent(event)
