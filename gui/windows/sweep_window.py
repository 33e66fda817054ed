"""Analysis ▸ Parameter sweep: the share of runs reaching a global minimum, and the final loss, against
one parameter's values, one curve per method with its 95 % interval (or interquartile range) as a band.

The sweep runs in a forked child (``core.studies.sweeps.run_sweep_apart``): Cancel ends it at once and
the sweep shown before stays. Starts are drawn at random in the domain from the window's seed, or are
the window's own starts.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.experiment.spec import MethodSpec
from core.files import atomic_write_text, write_problem
from core.limits import MAX_RUNS, MAX_STARTS, MAX_STEPS, check_count
from core.methods import get_method
from core.params import ParamError
from core.studies.basins import MAX_SEEDS, runs_per_start
from core.studies.sweep_report import csv_text
from core.studies.sweeps import (
    Sweep,
    default_values,
    is_log_range,
    parse_values,
    run_sweep_apart,
    swept_pairs,
    swept_specs,
    values_text,
)
from gui.file_dialogs import save_path
from gui.model import AppModel
from gui.panels.task_progress import TaskProgress
from gui.qt_helpers import close_on_escape, error_label, set_error, spin_box
from gui.style import display_label
from gui.view.sweep_maps import SweepMaps
from gui.view.sweep_plots import SweepPlots
from gui.workers.base import TaskRunner, stop_workers

TITLE = "Parameter sweep"
ALL_METHODS = "every ticked method"
NO_SECOND = "(none)"
INTRO = (
    "How does the outcome depend on one parameter? Each value runs from every start (a stochastic "
    "method once per seed); the plots show the share of runs that reached a global minimum, with its "
    "95 % interval, and the median final loss with its interquartile range."
)


class SweepWindow(QWidget):
    """See the module docstring. ``sweep`` is the sweep shown (None before the first)."""

    def __init__(self, model: AppModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setWindowFlag(Qt.WindowType.Window, True)
        close_on_escape(self)
        self.model, self.sweep = model, None
        self._log_axis = False
        self.runner = TaskRunner(self)
        self.progress = TaskProgress(self.runner)
        self._build_controls()
        self.plots = SweepPlots()
        self.hover = QLabel("No sweep yet: choose a parameter and its values, then Run sweep.")
        self.hover.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plots.hovered.connect(self.hover.setText)
        self.maps = SweepMaps()
        self.views = QStackedWidget()
        self.views.addWidget(self.plots)
        self.views.addWidget(self.maps)
        layout = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        for widget in (intro, self.controls, self.error, self.progress, self.progress.label):
            layout.addWidget(widget)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.hover)
        self.runner.succeeded.connect(self._on_done)
        self.runner.cancelled.connect(lambda: self._finish("Cancelled; the previous sweep is kept."))
        self.runner.failed.connect(lambda text: self._finish(f"The sweep failed: {text}", error=True))
        model.methodsChanged.connect(self.refresh_methods)
        model.landscapeChanged.connect(self.refresh_methods)
        self.refresh_methods()
        screen = self.screen().availableGeometry()
        self.resize(min(1100, screen.width() - 40), min(800, screen.height() - 60))

    # ---- controls ------------------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.method = QComboBox()
        self.method.setToolTip("The method whose parameter is swept (its other parameters as in the window)")
        self.param = QComboBox()
        self.param.setToolTip("Any numeric parameter of the method")
        self.values = QLineEdit()
        self.values.setToolTip("A list (1,2,4,8), log:LOW:HIGH:COUNT (geometric) or lin:LOW:HIGH:COUNT")
        self.param2 = QComboBox()
        self.param2.setToolTip("A second parameter: every pair of values, shown as a heat map")
        self.values2 = QLineEdit()
        self.values2.setToolTip("The second parameter's values (as the first's)")
        self.values2.setMinimumWidth(170)
        self.starts = spin_box(
            1, MAX_STARTS, 100, "Random starts, uniform in the domain, drawn from the seed"
        )
        self.escapes = QCheckBox("count escapes")
        self.escapes.setToolTip("Also count each run's escape events (every step labelled: slower)")
        self.window_starts = QCheckBox("the window's starts")
        self.window_starts.setToolTip("Use the starts placed in the main window instead of random ones")
        self.seeds = spin_box(
            1, MAX_SEEDS, 5, "Runs per start of a stochastic method (seeds seed, seed+1, …)"
        )
        self.steps = spin_box(1, MAX_STEPS, 1000, "Maximum steps per run")
        self.run_button = QPushButton("Run sweep")
        self.run_button.setToolTip("Compute in the background (Cancel keeps the sweep shown)")
        self.save_button = QPushButton("Save CSV…")
        self.save_button.setToolTip("Every (method, value): runs, success and its interval, losses, basins")
        self.save_button.setEnabled(False)
        self.picture_button = QPushButton("Save picture…")
        self.picture_button.setToolTip("The plots as PNG (as shown) or SVG (vectors)")
        self.picture_button.setEnabled(False)
        self.error = error_label()
        self.controls = QWidget()
        rows = QVBoxLayout(self.controls)
        rows.setContentsMargins(0, 0, 0, 0)
        first = (
            QLabel("Method"),
            self.method,
            QLabel("Parameter"),
            self.param,
            QLabel("Values"),
            self.values,
        )
        second = (QLabel("Second parameter"), self.param2, self.values2, QLabel("Starts"), self.starts)
        second += (self.window_starts, QLabel("Seeds"), self.seeds, self.escapes)
        for widgets, button in ((first, self.run_button), ((*second, QLabel("Max steps"), self.steps), None)):
            row = QHBoxLayout()
            for widget in widgets:
                row.addWidget(widget, 1 if widget in (self.values, self.values2) else 0)
            if button is not None:
                row.addWidget(button)
            else:
                row.addStretch(1)
                row.addWidget(self.picture_button)
                row.addWidget(self.save_button)
            rows.addLayout(row)
        self.method.currentIndexChanged.connect(self._refresh_params)
        self.param.currentIndexChanged.connect(self._fill_default_values)
        self.param2.currentIndexChanged.connect(self._fill_default_values2)
        self.values.returnPressed.connect(self.start)
        self.values.textEdited.connect(lambda _text: set_error(self.error, ""))
        self.run_button.clicked.connect(self.start)
        self.save_button.clicked.connect(self._save_csv)
        self.picture_button.clicked.connect(self._save_picture)

    def chosen_specs(self) -> list[MethodSpec]:
        """The methods to sweep: the chosen one, or every ticked one."""
        specs = list(self.model.state.fitted_methods())
        index = self.method.currentIndex() - 1  # (entry 0: every ticked method)
        return specs if index < 0 or index >= len(specs) else [specs[index]]

    def refresh_methods(self) -> None:
        """The ticked methods of the window, kept in the method box."""
        chosen = self.method.currentText()
        self.method.blockSignals(True)
        self.method.clear()
        self.method.addItem(ALL_METHODS)
        self.method.addItems([display_label(spec) for spec in self.model.state.fitted_methods()])
        found = self.method.findText(chosen)  # (first time: the first ticked method, not all of them)
        self.method.setCurrentIndex(found if found >= 0 else min(1, self.method.count() - 1))
        self.method.blockSignals(False)
        self.steps.setValue(self.model.max_steps)
        self._refresh_params()

    def _refresh_params(self) -> None:
        """The numeric parameters every chosen method has."""
        specs = self.chosen_specs()
        names = [[p.name for p in get_method(s.method).params() if p.kind != "choice"] for s in specs]
        common = [n for n in names[0] if all(n in other for other in names[1:])] if names else []
        for box, items in ((self.param, common), (self.param2, [NO_SECOND, *common])):
            chosen = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(items)
            box.setCurrentIndex(max(0, box.findText(chosen)))
            box.blockSignals(False)
        self._fill_default_values()
        self._fill_default_values2()

    def _fill_default_values(self) -> None:
        self.values.setText(self._default_values(self.param.currentText()))

    def _fill_default_values2(self) -> None:
        name = self.param2.currentText()
        self.values2.setEnabled(name not in ("", NO_SECOND))
        self.values2.setText(self._default_values(name) if self.values2.isEnabled() else "")

    def _default_values(self, name: str) -> str:
        specs = self.chosen_specs()
        if not specs or name in ("", NO_SECOND):
            return ""
        param = next(p for p in get_method(specs[0].method).params() if p.name == name)
        return default_values(param, float(specs[0].params[name]))

    # ---- running ---------------------------------------------------------------------------------
    def start(self) -> bool:
        """Check everything, then compute in the worker; False (red message) if refused."""
        if self.runner.busy:
            return False
        try:
            job = self._checked_job()
        except (ValueError, ParamError) as exc:
            set_error(self.error, str(exc))
            return False
        set_error(self.error, "")
        self.run_button.setEnabled(False)
        args, options = job

        def task(state) -> Sweep:
            return run_sweep_apart(*args, progress=state.progress, cancel=state.cancel, **options)

        second = f" × {options['param2']}" if "param2" in options else ""
        self.progress.start(task, f"Sweeping {args[2]}{second}…")
        return True

    def _checked_job(self) -> tuple[tuple, dict]:
        """The arguments of ``run_sweep`` after every check (a ValueError names the first problem)."""
        specs, param = self.chosen_specs(), self.param.currentText()
        if not specs or not param:
            raise ValueError("Tick a method with a numeric parameter in the main window first.")
        values = parse_values(self.values.text())
        param2 = self.param2.currentText() if self.values2.isEnabled() else NO_SECOND
        options: dict = {"count_escapes": self.escapes.isChecked()}
        if param2 != NO_SECOND:
            options.update(param2=param2, values2=parse_values(self.values2.text()))
        seeds, land = self.seeds.value(), self.model.landscape
        if param2 != NO_SECOND:
            pairs = [swept_pairs(s, param, values, param2, options["values2"]) for s in specs]
            specs_made = [spec for made in pairs for *_, spec in made]
        else:
            specs_made = [spec for s in specs for spec in swept_specs(s, param, values)]
        starts = self._starts()
        runs = sum(runs_per_start(spec, seeds) for spec in specs_made) * len(starts)
        check_count("runs in the sweep", runs, MAX_RUNS, "fewer values, starts or seeds")
        self._log_axis = is_log_range(self.values.text())
        return (land, specs, param, values, starts, seeds, self.model.seed, self.steps.value()), options

    def _starts(self) -> np.ndarray:
        land = self.model.landscape
        if self.window_starts.isChecked():
            if not self.model.starts:
                raise ValueError("The main window has no starts: place some, or use random starts.")
            return np.array(self.model.starts, dtype=float)
        rng = np.random.default_rng([self.model.seed, 2**31 - 1])  # (the command line's rule)
        return land.lower + (land.upper - land.lower) * rng.random((self.starts.value(), land.dim))

    def _on_done(self, sweep: Sweep) -> None:
        self.show_sweep(sweep)
        runs = sum(cell.runs for cell in sweep.cells)
        self._finish(f"Done: {len(sweep.cells)} (method, value) pairs, {runs:,} runs.")

    def show_study(self, sweep: Sweep) -> None:
        """Show a sweep made elsewhere from the window's starts (a lesson's step), with the controls
        set to what it swept, so Run sweep computes it again."""
        self.window_starts.setChecked(True)
        starts = len(self.model.starts)
        if starts and sweep.cells and sweep.cells[0].runs % starts == 0:
            self.seeds.setValue(max(1, sweep.cells[0].runs // starts))
        swept = {cell.spec.method for cell in sweep.cells}
        ticked = [spec.method for spec in self.model.state.fitted_methods()]
        one = len(swept) == 1 and next(iter(swept)) in ticked
        self.method.setCurrentIndex(
            1 + ticked.index(next(iter(swept))) if one else 0
        )  # (0: every ticked one)
        self.param.setCurrentIndex(max(0, self.param.findText(sweep.param)))
        self.values.setText(values_text(sweep.values))
        if sweep.param2 is not None:
            self.param2.setCurrentIndex(max(0, self.param2.findText(sweep.param2)))
            self.values2.setText(values_text(sweep.values2))
        self._log_axis = values_text(sweep.values).startswith("log:")
        self.escapes.setChecked(any(cell.escapes is not None for cell in sweep.cells))
        self.show_sweep(sweep)

    def show_sweep(self, sweep: Sweep) -> None:
        """Plot ``sweep`` (on a log axis if its values were a log range) and offer it as CSV."""
        self.sweep = sweep
        self.save_button.setEnabled(True)
        self.picture_button.setEnabled(True)
        two = sweep.param2 is not None
        self.hover.setText("Grey cells: most runs diverged." if two else "Hover a point for its numbers.")
        self.views.setCurrentWidget(self.maps if two else self.plots)
        self.maps.show_sweep(sweep) if two else self.plots.show_sweep(sweep, log_axis=self._log_axis)

    def _finish(self, text: str, error: bool = False) -> None:
        self.run_button.setEnabled(True)
        self.progress.label.setText(text)
        if error:
            set_error(self.error, text)

    def _save_picture(self) -> None:
        if self.sweep is None:
            return
        name = f"sweep-{self.sweep.param}.png"
        path = save_path(self, "Save the plots", name, "PNG image (*.png);;SVG vectors (*.svg)")
        if path:
            try:
                shown = self.views.currentWidget()
                save_plots_picture(shown, path, f"Parameter sweep of {self.sweep.param}")
            except (OSError, ValueError) as exc:
                set_error(self.error, f"Could not save {path}: {write_problem(exc)}")

    def _save_csv(self) -> None:
        if self.sweep is None:
            return
        path = save_path(self, "Save the sweep", f"sweep-{self.sweep.param}.csv", "CSV (*.csv)")
        if path:
            try:
                atomic_write_text(path, csv_text(self.sweep))
            except OSError as exc:
                set_error(self.error, f"Could not save {path}: {write_problem(exc)}")

    # ---- showing ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """Stop the computation (its child ends, its thread is joined) before the window goes."""
        stop_workers(self)
        super().closeEvent(event)


def render_png(sweep: Sweep, path: str, log_axis: bool, size: tuple[int, int] = (1000, 800)) -> None:
    """Draw ``sweep``'s plots, or its heat maps for two parameters (``size`` pixels), to a PNG without
    showing anything, atomically."""
    from gui.app import ensure_app
    from gui.export.render import save_widget_png

    ensure_app(offscreen=True)
    plots = SweepMaps() if sweep.param2 else SweepPlots()
    try:
        plots.show_sweep(sweep) if sweep.param2 else plots.show_sweep(sweep, log_axis=log_axis)
        save_widget_png(plots, plots, path, size)
    finally:
        plots.close()
        plots.deleteLater()


def save_plots_picture(plots: QWidget, path: str, title: str) -> None:
    """``plots`` as shown, to a PNG, or to an SVG (vectors) when ``path`` ends in .svg; atomically."""
    from core.files import atomic_write_bytes
    from gui.export.figure import vector_items
    from gui.export.render import encoded_png, svg_bytes

    if not path.lower().endswith(".svg"):
        atomic_write_bytes(path, encoded_png(plots.grab().toImage()))
        return
    with vector_items([plots]):
        svg = svg_bytes(
            plots.size(), plots.logicalDpiX(), lambda painter: plots.render(painter), title, title
        )
    atomic_write_bytes(path, svg)
