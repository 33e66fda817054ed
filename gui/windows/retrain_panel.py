"""The "Retrain N times" panel: one method from N random starts on a d-dimensional random landscape
(in a worker thread, with progress and Cancel), shown as a histogram of the final losses per dimension."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.methods import METHODS
from core.studies.highdim import MAX_DIM
from core.studies.highdim_retrain import (
    MAX_RETRAIN_STEPS,
    MAX_RUNS,
    NEAR_BEST,
    RetrainResult,
    check_retrain_args,
    format_retrain,
    retrain,
)
from gui.panels.task_progress import TaskProgress
from gui.qt_helpers import error_label, plain_axes, set_error, spin_box
from gui.workers.base import TaskRunner

HIST_COLOR = "#332288"
PREVIOUS_COLOR = "#CC6677"
MAX_SEED = 999_999


class RetrainPanel(QWidget):
    """See the module docstring. ``result`` is the shown RetrainResult (None before the first run)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.result: RetrainResult | None = None
        self.previous: RetrainResult | None = None  # drawn as an outline, to compare two runs
        self.runner = TaskRunner(self)
        self.progress = TaskProgress(self.runner)
        self.d = spin_box(1, MAX_DIM, 20, "Dimension d of the random landscape (1..100)")
        self.n = spin_box(
            2, MAX_RUNS, 200, f"N: how many runs, each from its own random start (2..{MAX_RUNS})"
        )
        self.steps = spin_box(
            1,
            MAX_RETRAIN_STEPS,
            1000,
            f"Maximum steps per run (1..{MAX_RETRAIN_STEPS}); runs stop earlier once settled",
        )
        self.seed = spin_box(0, MAX_SEED, 0, "Seed of the landscape, the starts and stochastic methods")
        self.method_box = QComboBox()
        for i, (mid, cls) in enumerate(METHODS.items()):
            self.method_box.addItem(mid)
            self.method_box.setItemData(i, f"{cls.name}: {cls.description}", Qt.ItemDataRole.ToolTipRole)
        self.method_box.setCurrentText("momentum")
        self.method_box.setToolTip("Pick a method: its id goes into the method text on the right")
        self.method = QLineEdit("momentum")
        self.method.setToolTip(
            "Method and parameters, e.g. momentum or gd:lr=0.1 or adam:lr=0.05,beta1=0.8 "
            "(see `python main.py list`)"
        )
        self.run_button = QPushButton("Retrain N times")
        self.run_button.setToolTip(
            "Run the method from N random starts (in the background) and show the spread"
        )
        self.error = error_label()
        self.plot = pg.PlotWidget(title="Final loss / d of N runs")
        self.plot.setBackground("w")
        self.plot.setLabel("bottom", "final loss / d")
        self.plot.setLabel("left", "runs")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        plain_axes(self.plot.getPlotItem())
        self.plot.setToolTip("Histogram of the final loss per dimension over the runs that did not diverge")
        self.hist = pg.PlotCurveItem(
            x=np.array([0.0, 1.0]),
            y=np.zeros(1),
            stepMode="center",
            fillLevel=0,
            brush=pg.mkBrush(HIST_COLOR + "99"),
            pen=pg.mkPen(HIST_COLOR),
        )
        self.mean_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen("#CC3311", width=2, style=Qt.PenStyle.DashLine)
        )
        self.mean_line.setVisible(False)
        self.previous_hist = pg.PlotCurveItem(
            x=np.array([0.0, 1.0]),
            y=np.zeros(1),
            stepMode="center",
            pen=pg.mkPen(PREVIOUS_COLOR, width=2, style=Qt.PenStyle.DashLine),
        )
        self.previous_hist.setVisible(False)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.plot.addItem(self.hist)
        self.plot.addItem(self.previous_hist)
        self.plot.addItem(self.mean_line)
        self.compare = QCheckBox("Overlay the previous run")
        self.compare.setChecked(True)
        self.compare.setToolTip(
            "Draw the previous run's histogram as a dashed outline: e.g. d = 2 against d = 50"
        )
        self.compare.toggled.connect(self._draw_previous)
        self.stats = QLabel("Pick d, N and a method, then press “Retrain N times”.")
        self.stats.setWordWrap(True)
        self.stats.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stats.setToolTip(
            f"Statistics over the finite runs; 'within {NEAR_BEST} of the best' counts among all N runs"
        )
        self._build_layout()
        self.method_box.textActivated.connect(self.method.setText)
        self.method.textEdited.connect(lambda _text: set_error(self.error, ""))
        self.run_button.clicked.connect(self.start)
        self.runner.succeeded.connect(self._on_done)
        self.runner.cancelled.connect(lambda: self._finish("Cancelled; the previous result is kept."))
        self.runner.failed.connect(self._on_failed)

    def _build_layout(self) -> None:
        numbers, method = QHBoxLayout(), QHBoxLayout()
        for name, widget in (("d", self.d), ("N", self.n), ("Steps", self.steps), ("Seed", self.seed)):
            numbers.addWidget(QLabel(name))
            numbers.addWidget(widget)
            numbers.addSpacing(12)
        numbers.addStretch(1)
        method.addWidget(QLabel("Method"))
        method.addWidget(self.method_box)
        method.addWidget(self.method, 1)
        method.addWidget(self.run_button)
        method.addWidget(self.compare)
        layout = QVBoxLayout(self)
        layout.addLayout(numbers)
        layout.addLayout(method)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress.label)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.stats)

    # ---- running ---------------------------------------------------------------------------------
    def start(self) -> bool:
        """Validate the inputs and start the runs in the worker; False (and a red message) if refused."""
        if self.runner.busy:
            return False
        d, n, steps, seed = self.d.value(), self.n.value(), self.steps.value(), self.seed.value()
        method = self.method.text().strip()
        try:
            check_retrain_args(d, method, n, steps)
        except ValueError as exc:
            set_error(self.error, f"Method: {exc}")
            return False
        set_error(self.error, "")

        def task(state) -> RetrainResult:
            return retrain(d, method, n, steps, seed, progress=state.progress, cancel=state.cancel)

        self.run_button.setEnabled(False)
        self.progress.start(task, f"Running {method} from {n} starts in d = {d}…")
        return True

    def _on_done(self, result: RetrainResult) -> None:
        self.show_result(result)
        self._finish(f"Done in {result.seconds:.1f} s.")

    def _on_failed(self, text: str) -> None:
        set_error(self.error, f"Failed: {text}")
        self._finish("Failed; the previous result is kept.")

    def _finish(self, text: str) -> None:
        self.run_button.setEnabled(True)
        self.progress.label.setText(text)

    # ---- showing ---------------------------------------------------------------------------------
    def show_result(self, result: RetrainResult) -> None:
        """Show the histogram of ``result``'s finite final losses per dimension and its statistics; the
        result shown before becomes the dashed outline (unless "Overlay the previous run" is off)."""
        if self.result is not None:
            self.previous = self.result
        self.result = result
        edges, counts = result.histogram()
        self.hist.setData(edges, counts.astype(float))
        finite = result.n - result.n_diverged
        self.mean_line.setVisible(finite > 0)
        if finite:
            self.mean_line.setValue(result.mean)
        self.plot.setTitle(f"Final loss / d of {finite} runs: {result.method}, d = {result.d} (dashed: mean)")
        self._draw_previous()
        self.plot.enableAutoRange()

    def _draw_previous(self) -> None:
        shown = self.compare.isChecked() and self.previous is not None
        self.previous_hist.setVisible(shown)
        self.legend.clear()
        if self.result is None:
            return
        text = format_retrain(self.result)
        if shown:
            edges, counts = self.previous.histogram()
            self.previous_hist.setData(edges, counts.astype(float))
            now, before = self.result, self.previous
            self.legend.addItem(self.hist, f"{now.method}, d = {now.d}")
            self.legend.addItem(self.previous_hist, f"previous: {before.method}, d = {before.d}")
            text += "<br><span style='color:#555'>previous: " + format_retrain(self.previous) + "</span>"
        self.stats.setText(text)
