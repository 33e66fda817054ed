"""The high-dimensional view: critical points of random landscapes in d dimensions are mostly saddles,
and the minima gradient descent finds are all about as good.

``HighDimWindow`` runs ``core.studies.highdim.study`` in a worker thread and plots (a) loss against
Hessian index of every critical point found, (b) the share of minima among them against d, (c) the
spread of gradient descent's final losses against d; its second tab is the "Retrain N times" panel.
``render_png`` draws the plots of given results to a PNG without showing anything (used by
``python main.py highdim --format png``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.studies.highdim import DimResult, parse_dims, study
from core.studies.highdim_report import format_short, format_summary
from gui.app import ensure_app
from gui.export.render import save_widget_png
from gui.panels.task_progress import TaskProgress
from gui.qt_helpers import close_on_escape, error_label, plain_axes, set_error, spin_box
from gui.windows.retrain_panel import MAX_SEED, RetrainPanel
from gui.workers.base import TaskRunner, stop_workers

TITLE = "High dimensions: saddles and good minima"
DEFAULT_DIMS = "1,2,5,10,20"
INTRO = (
    "Each dimension d gets a random smooth landscape built the same way (losses are per dimension, f/d). "
    "The study finds critical points from many random starts, classifies them by their Hessian index "
    "(share of negative curvature directions) and runs gradient descent from as many starts."
)
DIM_SYMBOLS = (
    "o",
    "s",
    "t",
    "d",
    "t1",
    "p",
    "h",
    "star",
)  # with the colour, so dimensions differ by shape too


def dim_colors(dims: Sequence[int]) -> list[pg.QtGui.QColor]:
    """One colour per dimension, in order, from the colour-blind-safe viridis map (yellow end left out)."""
    cmap = pg.colormap.get("viridis")
    steps = np.linspace(0.0, 0.85, len(dims)) if len(dims) > 1 else np.array([0.0])
    return [cmap.map(float(t), mode="qcolor") for t in steps]


class HighDimWindow(QWidget):
    """See the module docstring. ``results`` holds the shown study (empty before the first)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setWindowFlag(Qt.WindowType.Window, True)
        close_on_escape(self)
        self.results: list[DimResult] = []
        self.runner = TaskRunner(self)
        self.progress = TaskProgress(self.runner)
        self.dims = QLineEdit(DEFAULT_DIMS)
        self.dims.setToolTip("Dimensions to study: whole numbers 1..100, comma separated (e.g. 1,2,5,10,20)")
        self.starts = spin_box(
            2, 1000, 100, "Random starts per dimension, for the critical-point search and GD"
        )
        self.seed = spin_box(0, MAX_SEED, 0, "Seed of the landscapes and the starts")
        self.run_button = QPushButton("Run study")
        self.run_button.setToolTip(
            "Compute the study in the background; larger d takes longer (d = 50: minutes)"
        )
        self.error = error_label()
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground("w")
        self.summary = QLabel("No results yet: press “Run study”.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plots_area = QWidget()
        self.plots_area.setStyleSheet("background: white;")
        area = QVBoxLayout(self.plots_area)
        area.setContentsMargins(4, 4, 4, 4)
        area.addWidget(self.plots, 1)
        area.addWidget(self.summary)
        self._build_plots()
        self.retrain = RetrainPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._study_page(), "Across dimensions")
        self.tabs.addTab(self.retrain, "Retrain N times")
        self.tabs.setTabToolTip(0, "Critical points and gradient-descent spread for several dimensions")
        self.tabs.setTabToolTip(
            1, "One method from N random starts in one dimension: how different are the ends?"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.run_button.clicked.connect(self.start_study)
        self.dims.returnPressed.connect(self.start_study)
        self.dims.textEdited.connect(lambda _text: set_error(self.error, ""))
        self.runner.succeeded.connect(self._on_done)
        self.runner.cancelled.connect(lambda: self._finish("Cancelled; the previous results are kept."))
        self.runner.failed.connect(self._on_failed)
        self.resize(1300, 900)

    def _study_page(self) -> QWidget:
        page = QWidget()
        controls = QHBoxLayout()
        for widget in (
            QLabel("Dimensions"),
            self.dims,
            QLabel("Starts"),
            self.starts,
            QLabel("Seed"),
            self.seed,
        ):
            controls.addWidget(widget)
        controls.addWidget(self.run_button)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(controls)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress.label)
        layout.addWidget(self.plots_area, 1)
        return page

    def _build_plots(self) -> None:
        """The three plots and their items, created once; ``show_results`` only sets data."""
        small = QFont()
        small.setPointSize(8)
        p = self.index_plot = self.plots.addPlot(row=0, col=0, title="Critical points: loss vs Hessian index")
        p.setLabel("bottom", "Hessian index (share of negative eigenvalues)")
        p.setLabel("left", "loss / d")
        p.showGrid(x=True, y=True, alpha=0.2)
        self.index_legend = p.addLegend(
            offset=(5, 5), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200)
        )
        self.crit_scatter = pg.ScatterPlotItem(size=7, pen=pg.mkPen(None))
        p.addItem(self.crit_scatter)
        s = self.share_plot = self.plots.addPlot(row=0, col=1, title="Share of minima among critical points")
        s.setLabel("bottom", "dimension d (log scale)")
        s.setLabel("left", "share with index 0")
        s.setLogMode(x=True, y=False)
        s.setYRange(0, 1)
        s.showGrid(x=True, y=True, alpha=0.2)
        self.share_curve = pg.PlotDataItem(
            pen=pg.mkPen("#332288", width=2),
            symbol="o",
            symbolBrush="#332288",
            symbolPen="w",
            connect="finite",
        )
        s.addItem(self.share_curve)
        g = self.gd_plot = self.plots.addPlot(row=0, col=2, title="Gradient descent: final loss / d")
        g.setLabel("bottom", "dimension d (log scale)")
        g.setLabel("left", "final loss / d")
        g.setLogMode(x=True, y=False)
        g.showGrid(x=True, y=True, alpha=0.2)
        self.gd_legend = g.addLegend(
            offset=(-5, 5), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200)
        )
        self.gd_mean = pg.PlotDataItem(
            pen=pg.mkPen("#117733", width=2),
            symbol="o",
            symbolBrush="#117733",
            symbolPen="w",
            name="mean ± std",
        )
        self.gd_errors = pg.ErrorBarItem(
            x=np.zeros(0), y=np.zeros(0), pen=pg.mkPen("#117733", width=1.5), beam=0.04
        )
        dash = pg.mkPen("#777777", width=1.5, style=Qt.PenStyle.DashLine)
        self.gd_min = pg.PlotDataItem(
            pen=dash, symbol="t1", symbolSize=7, symbolBrush="#777777", name="min, max"
        )
        self.gd_max = pg.PlotDataItem(pen=dash, symbol="t", symbolSize=7, symbolBrush="#777777")
        for item in (self.gd_errors, self.gd_min, self.gd_max, self.gd_mean):
            g.addItem(item)
        for plot in (p, s, g):
            plot.titleLabel.setText(plot.titleLabel.text, size="10pt")
            plain_axes(plot)
            for side in ("bottom", "left"):
                plot.getAxis(side).setTickFont(small)
        s.setXLink(g)

    # ---- running ---------------------------------------------------------------------------------
    def start_study(self) -> bool:
        """Validate the dimensions and start the study in the worker; False (red message) if refused."""
        if self.runner.busy:
            return False
        try:
            dims = parse_dims(self.dims.text())
        except ValueError as exc:
            set_error(self.error, f"Dimensions: {exc}")
            return False
        set_error(self.error, "")
        n_starts, seed = self.starts.value(), self.seed.value()

        def task(state) -> list[DimResult]:
            return study(dims, n_starts=n_starts, seed=seed, progress=state.progress, cancel=state.cancel)

        self.run_button.setEnabled(False)
        text = f"Studying d = {', '.join(map(str, dims))} with {n_starts} starts each…"
        self.progress.start(task, text)
        return True

    def _on_done(self, results: list[DimResult]) -> None:
        self.show_results(results)
        self._finish(f"Done in {sum(r.seconds for r in results):.1f} s.")

    def _on_failed(self, text: str) -> None:
        set_error(self.error, f"The study failed: {text}")
        self._finish("Failed; the previous results are kept.")

    def _finish(self, text: str) -> None:
        self.run_button.setEnabled(True)
        self.progress.label.setText(text)

    # ---- showing ---------------------------------------------------------------------------------
    def show_results(self, results: list[DimResult]) -> None:
        """Fill the three plots and the summary line with ``results`` (one DimResult per dimension)."""
        self.results = list(results)
        dims = [r.d for r in results]
        colors = dim_colors(dims)
        self.index_legend.clear()
        xs, ys, brushes, symbols = [], [], [], []
        for k, (r, color) in enumerate(zip(results, colors, strict=True)):
            xs.append(np.asarray(r.crit_indices, dtype=float))
            ys.append(np.asarray(r.crit_losses, dtype=float))
            fill = pg.mkColor(color)
            fill.setAlpha(170)
            brushes += [pg.mkBrush(fill)] * r.n_critical
            symbol = DIM_SYMBOLS[k % len(DIM_SYMBOLS)]
            symbols += [symbol] * r.n_critical
            sample = pg.ScatterPlotItem(size=8, pen=pg.mkPen(None), brush=pg.mkBrush(color), symbol=symbol)
            self.index_legend.addItem(sample, f"d = {r.d} ({r.n_critical})")
        x = np.concatenate(xs) if xs else np.zeros(0)
        y = np.concatenate(ys) if ys else np.zeros(0)
        self.crit_scatter.setData(x=x, y=y, brush=brushes, symbol=symbols)
        d = np.array(dims, dtype=float)
        self.share_curve.setData(d, np.array([r.share_minima for r in results], dtype=float))
        means = np.array([np.mean(r.gd_losses) for r in results]) if results else np.zeros(0)
        stds = np.array([r.gd_std for r in results], dtype=float)
        self.gd_mean.setData(d, means)
        self.gd_min.setData(d, np.array([np.min(r.gd_losses) for r in results], dtype=float))
        self.gd_max.setData(d, np.array([np.max(r.gd_losses) for r in results], dtype=float))
        # ErrorBarItem knows nothing of log mode: it lives in view coordinates, log10(d)
        self.gd_errors.setData(x=np.log10(d), y=means, height=2 * stds)
        ticks = [[(float(np.log10(v)), str(v)) for v in dims]]
        for plot in (self.share_plot, self.gd_plot):
            plot.getAxis("bottom").setTicks(ticks if dims else None)
            plot.enableAutoRange(axis="x")
        self.gd_plot.enableAutoRange(axis="y")
        self.index_plot.enableAutoRange()
        self.share_plot.setYRange(0, 1.05 if results else 1)
        self.summary.setText(format_short(results))
        self.summary.setToolTip(f"<pre>{format_summary(results)}</pre>" if results else "")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Stop both computations (waiting for their threads) before the window goes."""
        stop_workers(self)
        super().closeEvent(event)


def render_png(results: list[DimResult], path: str, size: tuple[int, int] = (1200, 800)) -> None:
    """Draw the study plots of ``results`` (the window's plots area, ``size`` pixels) to a PNG, atomically."""
    ensure_app(offscreen=True)
    window = HighDimWindow()
    try:
        window.show_results(results)
        save_widget_png(window, window.plots_area, path, size)
    finally:
        window.close()
        window.deleteLater()
