"""The Basins panel: compute basin-of-attraction maps for the selected methods (in a worker thread,
with progress, time left and Cancel), show them, and tabulate the success rates."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.files import atomic_write_text, write_problem
from core.studies.basin_report import label_name, steps_text
from core.studies.basins import MAX_GRID_1D, MAX_GRID_2D, MAX_SEEDS, BasinMap, compute_basin_map, success_row
from gui.file_dialogs import save_path
from gui.model import AppModel
from gui.style import method_color
from gui.view.basin_maps import BasinMapsView, basin_rgb
from gui.workers.base import TaskRunner

COLUMNS = ("Method", "Global %", "Median steps", "Median loss", "Diverged %", "Runs")


class _NumberItem(QTableWidgetItem):
    """Sorts by its number, not its text; a missing number (NaN, shown "—") sorts after every number."""

    def __init__(self, value: float, text: str):
        super().__init__(text)
        self.value = value

    def sort_key(self) -> tuple[bool, float]:
        return (math.isnan(self.value), 0.0 if math.isnan(self.value) else self.value)

    def __lt__(self, other) -> bool:
        other_key = other.sort_key() if isinstance(other, _NumberItem) else (False, 0.0)
        return self.sort_key() < other_key


class BasinPanel(QWidget):
    """See the module docstring. ``mapsChanged`` fires when new maps are shown."""

    message = Signal(str)
    mapsChanged = Signal()

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.maps: list[BasinMap] = []
        self.runner = TaskRunner(self)
        self.grid = QSpinBox()
        self.grid.setToolTip("Starts: N evenly spaced in 1-D (up to 5000), an N × N grid in 2-D (up to 256)")
        self.seeds = QSpinBox()
        self.seeds.setRange(1, MAX_SEEDS)
        self.seeds.setValue(10)
        self.seeds.setToolTip("Runs per start for stochastic methods")
        self.compute = QPushButton("Compute maps")
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Maps show which minimum each start leads to, for each ticked method.")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.export = QPushButton("Export table…")
        self.bars = pg.PlotWidget(title="Share of runs reaching a global minimum")
        self.bars.setYRange(0, 1)
        self.bars.setMaximumHeight(160)
        self.maps_view = BasinMapsView()
        self.hover = QLabel()
        layout = QVBoxLayout(self)
        rows = ((QLabel("Grid"), self.grid, QLabel("Seeds"), self.seeds), (self.compute, self.cancel))
        for widgets in rows:
            row = QHBoxLayout()  # two short rows keep the dock narrow
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.maps_view, 2)
        layout.addWidget(self.hover)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.bars)
        layout.addWidget(self.export)
        self.compute.clicked.connect(self.start)
        self.cancel.clicked.connect(self.runner.cancel)
        self.export.clicked.connect(self._export_dialog)
        self.runner.progressed.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_done)
        self.runner.cancelled.connect(lambda: self._finish("Cancelled; the previous maps are kept."))
        self.runner.failed.connect(lambda text: self._finish(f"Failed: {text}"))
        self.maps_view.scene().sigMouseMoved.connect(self._on_hover)
        model.landscapeChanged.connect(self._on_landscape)
        self._on_landscape()

    # ---- computing ----------------------------------------------------------------------------------
    def start(self) -> None:
        specs = self.model.enabled_specs()
        if not specs:
            self.status.setText("Tick at least one method first.")
            return
        land, size, seeds, seed = self.model.landscape, self.grid.value(), self.seeds.value(), self.model.seed
        steps = self.model.max_steps
        specs = self.model.state.fitted_methods()

        def task(state):
            maps = []
            for k, spec in enumerate(specs):

                def part(fraction, k=k):
                    state.progress((k + fraction) / len(specs))

                maps.append(compute_basin_map(land, spec, size, seeds, seed, steps, part, state.cancel))
            return maps

        self.compute.setEnabled(False)
        self.cancel.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText("Computing…")
        self.runner.start(task)

    def _on_progress(self, fraction: float, left: float) -> None:
        self.progress.setValue(int(fraction * 1000))
        eta = f"about {left:.0f} s left" if left >= 0 else "estimating time left…"
        self.status.setText(f"Computing… {fraction:.0%}, {eta}")

    def _on_done(self, maps: list[BasinMap]) -> None:
        self.show_maps(maps)
        self._finish(f"Done: {len(maps)} map(s).")

    def _finish(self, text: str) -> None:
        self.compute.setEnabled(True)
        self.cancel.setEnabled(False)
        self.status.setText(text)
        self.message.emit(text)

    def _on_landscape(self) -> None:
        dim = self.model.landscape.dim
        self.grid.setRange(2, MAX_GRID_1D if dim == 1 else MAX_GRID_2D)
        self.grid.setValue(1000 if dim == 1 else 64)

    # ---- showing ------------------------------------------------------------------------------------
    def show_maps(self, maps: list[BasinMap]) -> None:
        self.maps = maps
        self.maps_view.show_maps(maps)
        self._fill_table(maps)
        self.mapsChanged.emit()

    def band_images(self) -> list[tuple[str, np.ndarray]]:
        """(label, RGB row) per 1-D map, for the bands under the landscape's curve."""
        return [(bmap.spec.method, basin_rgb(bmap)) for bmap in self.maps if bmap.landscape.dim == 1]

    def _fill_table(self, maps: list[BasinMap]) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(maps))
        self.bars.clear()
        for row, bmap in enumerate(maps):
            s = success_row(bmap)
            cells = [
                QTableWidgetItem(s.method),
                _NumberItem(s.global_share, f"{s.global_share:.1%}"),
                _NumberItem(s.median_steps, steps_text(s.median_steps)),
                _NumberItem(s.median_final_loss, f"{s.median_final_loss:.6g}"),
                _NumberItem(s.diverged_share, f"{s.diverged_share:.1%}"),
                _NumberItem(s.runs, str(s.runs)),
            ]
            for col, cell in enumerate(cells):
                self.table.setItem(row, col, cell)
            bar = pg.BarGraphItem(
                x=[row], height=[s.global_share], width=0.7, brush=method_color(bmap.spec.method)
            )
            self.bars.addItem(bar)
        self.table.setSortingEnabled(True)

    def table_csv(self) -> str:
        """The success table as CSV; a median over no converged runs is an empty cell."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["method", "global_share", "median_steps", "median_final_loss", "diverged_share", "runs"]
        )
        for bmap in self.maps:
            s = success_row(bmap)
            steps = "" if math.isnan(s.median_steps) else s.median_steps
            writer.writerow([s.method, s.global_share, steps, s.median_final_loss, s.diverged_share, s.runs])
        return out.getvalue()

    def _export_dialog(self) -> None:
        path = save_path(self, "Export success table", "success.csv", "CSV (*.csv)")
        if path:
            try:
                atomic_write_text(path, self.table_csv())
            except OSError as exc:
                self.status.setText(f"Could not export {path}: {write_problem(exc)}")

    def _on_hover(self, scene_pos) -> None:
        for vb, bmap in self.maps_view.items:
            if not vb.sceneBoundingRect().contains(scene_pos):
                continue
            p = vb.mapSceneToView(scene_pos)
            self.hover.setText(self.describe(bmap, p.x(), p.y()))
            return

    @staticmethod
    def describe(bmap: BasinMap, x: float, y: float) -> str:
        """Hover text: the nearest grid start, the minimum it reaches and the seeds' global share."""
        point = np.array([x] if bmap.landscape.dim == 1 else [x, y])
        i = int(np.argmin(np.linalg.norm(bmap.starts - point, axis=1)))
        start = ", ".join(f"{v:.4g}" for v in bmap.starts[i])
        reached = label_name(bmap, int(bmap.majority_label()[i]))
        share = bmap.global_fraction()[i]
        seeds = f"global in {share:.0%} of {bmap.seeds} seed(s)"
        return f"{bmap.spec.to_text()}: start ({start}) → {reached}; {seeds}"
