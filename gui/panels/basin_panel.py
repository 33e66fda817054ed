"""The Basins panel: compute basin-of-attraction maps for the selected methods (in a worker thread,
with progress, time left and Cancel), show them with a key of their colours, and summarise the success
rates in a bar chart and a table. Built for a narrow dock: it scrolls when it is taller than the dock.
Maps of another landscape are never shown: changing the landscape clears them."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.files import atomic_write_text, write_problem
from core.studies.basin_report import key_name
from core.studies.basins import (
    MAX_GRID_1D,
    MAX_GRID_2D,
    MAX_SEEDS,
    BasinMap,
    compute_basin_maps_apart,
    success_row,
)
from gui.file_dialogs import save_path
from gui.model import AppModel
from gui.panels.basin_key import BasinKey
from gui.panels.basin_summary import COLUMNS as COLUMNS
from gui.panels.basin_summary import SuccessBars, SuccessTable
from gui.style import display_label, method_color
from gui.view.basin_maps import BasinMapsView, basin_rgb, key_entries, map_titles
from gui.workers.base import TaskRunner

HOVER_HINT = "Hover over a map: the start, where it leads and the share of seeds reaching a global minimum."
FIRST_ESTIMATE = 0.1  # no time left is shown before this fraction: the first maps are often the quick ones


def steady_time_left(shown: float, estimate: float, fraction: float) -> float:
    """The time left to show (-1: not yet): the estimate, but never more than the one shown before
    unless it is far above it (then that one was wrong)."""
    if fraction < FIRST_ESTIMATE or estimate < 0:
        return -1.0
    if shown < 0 or estimate > 2 * shown + 5:
        return estimate
    return min(shown, estimate)


def time_left_text(seconds: float) -> str:
    """ "about 12 s left", "about 3 min left", or that it is still being estimated."""
    if seconds < 0:
        return "estimating time left…"
    if seconds < 1:
        return "almost done"
    return f"about {seconds:.0f} s left" if seconds < 90 else f"about {seconds / 60:.0f} min left"


class BasinPanel(QWidget):
    """See the module docstring. ``mapsChanged`` fires when the maps shown change (new or cleared)."""

    message = Signal(str)
    mapsChanged = Signal()

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.maps: list[BasinMap] = []
        self.runner = TaskRunner(self)
        self._left = -1.0
        self._build_widgets()
        self._build_layout()
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

    def _build_widgets(self) -> None:
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
        self.hover = QLabel(HOVER_HINT)
        self.bars_title = QLabel("Share of runs reaching a global minimum")
        for label in (self.status, self.hover, self.bars_title):
            label.setWordWrap(True)
        self.maps_view = BasinMapsView()
        self.key = BasinKey()
        self.bars = SuccessBars()
        self.table = SuccessTable()
        self.export = QPushButton("Export table…")
        self.export.setToolTip("Save the success table as CSV")

    def _build_layout(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        rows = ((QLabel("Grid"), self.grid, QLabel("Seeds"), self.seeds), (self.compute, self.cancel))
        for widgets in rows:
            row = QHBoxLayout()  # two short rows keep the dock narrow
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.results = QWidget()  # everything about the maps shown: hidden while there are none
        inner = QVBoxLayout(self.results)
        inner.setContentsMargins(0, 0, 0, 0)
        for widget in (self.maps_view, self.key, self.hover, self.bars_title, self.bars, self.table):
            inner.addWidget(widget)
        inner.addWidget(self.export, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.results)
        layout.addStretch(1)
        self.results.setVisible(False)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # ---- computing ----------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.model.enabled_specs():
            self.status.setText("Tick at least one method first.")
            return
        land, size, seeds, seed = self.model.landscape, self.grid.value(), self.seeds.value(), self.model.seed
        steps, specs = self.model.max_steps, self.model.state.fitted_methods()

        def task(state):
            args = (land, specs, size, seeds, seed, steps)
            return compute_basin_maps_apart(*args, progress=state.progress, cancel=state.cancel)

        self.compute.setEnabled(False)
        self.cancel.setEnabled(True)
        self.progress.setValue(0)
        self._left = -1.0
        self.status.setText("Computing…")
        self.runner.start(task)

    def _on_progress(self, fraction: float, left: float) -> None:
        self.progress.setValue(int(fraction * 1000))
        self._left = steady_time_left(self._left, left, fraction)
        self.status.setText(f"Computing… {fraction:.0%}, {time_left_text(self._left)}")

    def _on_done(self, maps: list[BasinMap]) -> None:
        self.show_maps(maps)
        diverged = [
            t for m, t in zip(maps, map_titles(maps), strict=True) if success_row(m).diverged_share == 1
        ]
        note = (
            f" Every run diverged for {', '.join(diverged)}: try a smaller step size (lr)."
            if diverged
            else ""
        )
        self._finish(f"Done: {len(maps)} map(s).{note}")

    def _finish(self, text: str) -> None:
        self.compute.setEnabled(True)
        self.cancel.setEnabled(False)
        self.status.setText(text)
        self.message.emit(text)

    def _on_landscape(self) -> None:
        land = self.model.landscape
        self.grid.setRange(2, MAX_GRID_1D if land.dim == 1 else MAX_GRID_2D)
        self.grid.setValue(1000 if land.dim == 1 else 64)
        notes = []
        if self.runner.busy:  # its maps would be of the landscape before
            self.runner.drop()
            self.compute.setEnabled(True)
            self.cancel.setEnabled(False)
            self.progress.setValue(0)
            notes.append("Stopped computing: the landscape changed.")
        if self.maps and self.maps[0].landscape is not land:
            notes.append(
                f"The maps computed for {self.maps[0].landscape.name} were cleared: Compute maps again."
            )
            self.show_maps([])
        if notes:
            self.status.setText(" ".join(notes))

    # ---- showing ------------------------------------------------------------------------------------
    def show_maps(self, maps: list[BasinMap]) -> None:
        """Show these maps, their key and their summaries (none: all of it is hidden)."""
        self.maps = list(maps)
        if not self.maps:
            self.progress.setValue(0)
        self.results.setVisible(bool(self.maps))
        self.maps_view.show_maps(self.maps, columns=None)
        self.key.show_entries(key_entries(self.maps))
        self.hover.setText(HOVER_HINT)
        self.table.show_maps(self.maps)
        shares = [success_row(bmap).global_share for bmap in self.maps]
        self.bars.show_bars(
            map_titles(self.maps), shares, [method_color(bmap.spec.method) for bmap in self.maps]
        )
        self.mapsChanged.emit()

    def band_images(self) -> list[tuple[str, np.ndarray]]:
        """(label, RGB row) per 1-D map, for the bands under the landscape's curve."""
        return [(display_label(bmap.spec), basin_rgb(bmap)) for bmap in self.maps if bmap.landscape.dim == 1]

    def table_csv(self) -> str:
        """The success table as CSV; a median over no runs (none converged, all diverged) is an empty cell."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["method", "global_share", "median_steps", "median_final_loss", "diverged_share", "runs"]
        )
        for bmap in self.maps:
            s = success_row(bmap)
            steps, loss = ("" if math.isnan(v) else v for v in (s.median_steps, s.median_final_loss))
            writer.writerow([s.method, s.global_share, steps, loss, s.diverged_share, s.runs])
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
        reached = key_name(bmap, int(bmap.majority_label()[i]))
        share = bmap.global_fraction()[i]
        seeds = f"global in {share:.0%} of {bmap.seeds} seed(s)"
        return f"{display_label(bmap.spec)}: start ({start}) → {reached}; {seeds}"
