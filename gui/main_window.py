"""The main window: panels, the landscape view, side plots, results, run controls and menus."""

from __future__ import annotations

import gc
import json

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from core.experiment.presets import PRESETS
from core.landscapes.network import NNConfig
from core.landscapes.registry import is_nn_id, nn_is_cached
from core.runs.escapes import BasinLabeller, escape_events
from gui.file_actions import FileActions
from gui.model import AppModel
from gui.panels.basin_panel import BasinPanel
from gui.panels.controls import RunControls
from gui.panels.landscape_panel import LandscapePanel
from gui.panels.methods_panel import MethodsPanel
from gui.qt_helpers import make_action, scrolling
from gui.style import display_label, method_color
from gui.view.landscape_view import LandscapeView
from gui.view.results_table import ResultsTable
from gui.view.run_buffer import RunBuffer
from gui.view.side_plots import SidePlots
from gui.windows.about import AboutMethodsDialog
from gui.windows.analysis import AnalysisWindows
from gui.workers.engine_runner import RunController, Update

CHUNK_STEP = 50  # Shift+→
MAX_ESCAPE_MARKERS = 20  # per run
FRAME_HZ = 35  # the view redraws at most this often while streaming
SLOW_PANEL_EVERY = 8  # each side plot and the table refresh once per 8 frames (~4 Hz)
SIDE_PLOT_PHASES = {1: "loss", 3: "lr", 5: "noise"}
TABLE_PHASE = 7


class MainWindow(QMainWindow):
    """The app's window. ``settings`` (QSettings) restores and saves layout and choices."""

    def __init__(self, model: AppModel | None = None, settings: QSettings | None = None):
        super().__init__()
        self.setWindowTitle("Minima Lab")
        self.resize(1400, 900)
        self.model = model or AppModel(self)
        self.settings = settings
        self.controller = RunController(self)
        self.buffer: RunBuffer | None = None
        self.view = LandscapeView(self.model)
        # The window paints its widgets in one sweep; the zero-timer fires once the sweep is done.
        self.view.painted.connect(lambda: QTimer.singleShot(0, self.controller.gui_idle.set))
        self.side = SidePlots()
        self.table = ResultsTable()
        self.controls = RunControls(self.model)
        self.landscape_panel = LandscapePanel(self.model)
        self.methods_panel = MethodsPanel(self.model)
        self.basins = BasinPanel(self.model)
        self.state_label = QLabel()
        self._latest: Update | None = None
        self._dirty = False
        self.frames_drawn = 0
        self.escapes: list = []
        self._labeller: BasinLabeller | None = None
        self._labeller_key: tuple | None = None
        self._frame_timer = QTimer(self)
        self._frame_timer.setInterval(int(1000 / FRAME_HZ))
        self._frame_timer.timeout.connect(self._on_frame_timer)
        self._build_layout()
        self._build_menus()
        self._connect()
        restore_problem = self._restore_settings()
        self.reload()
        # Everything built so far lives as long as the window: keep it out of the collector's
        # full scans, which otherwise pause the event loop for tens of milliseconds mid-stream.
        gc.freeze()
        if restore_problem:
            self.statusBar().showMessage(restore_problem, 15000)

    # ---- construction -------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.controls)
        self.setCentralWidget(central)
        self.docks = {}
        for name, widget, area in (
            ("Landscape", self.landscape_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("Methods", self.methods_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("Plots", self.side, Qt.DockWidgetArea.RightDockWidgetArea),
            ("Results", self.table, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("Basins", self.basins, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            dock = QDockWidget(name, self)
            dock.setObjectName(f"dock-{name}")
            dock.setWidget(scrolling(widget) if name == "Landscape" else widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        # The basin maps share the right-hand area with the plots, as a tab; the plots show first.
        self.tabifyDockWidget(self.docks["Plots"], self.docks["Basins"])
        self.docks["Plots"].raise_()
        # The view gets the room: side columns at their working widths (a saved layout overrides this).
        docks = self.docks
        self.resizeDocks([docks["Landscape"], docks["Plots"]], [290, 380], Qt.Orientation.Horizontal)
        self.resizeDocks([docks["Landscape"], docks["Methods"]], [400, 300], Qt.Orientation.Vertical)
        self.statusBar().addPermanentWidget(self.state_label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = make_action(self, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        file_menu.addAction(quit_action)
        self.files = FileActions(self, file_menu, self.settings)
        run_menu = self.menuBar().addMenu("&Run")
        self.play_action = make_action(self, "Play / Pause", self.toggle_play)
        self.step_action = make_action(self, "Step", lambda: self.controller.step(1))
        self.chunk_action = make_action(self, f"Step {CHUNK_STEP}", lambda: self.controller.step(CHUNK_STEP))
        self.reset_action = make_action(self, "Reset", self.reload)
        for action in (self.play_action, self.step_action, self.chunk_action, self.reset_action):
            run_menu.addAction(action)
        presets_menu = self.menuBar().addMenu("&Presets")
        for preset in PRESETS.values():
            action = make_action(self, preset.title, lambda _=False, p=preset: self.model.load_preset(p))
            action.setToolTip(preset.description)
            action.setStatusTip(preset.description)
            presets_menu.addAction(action)
        view_menu = self.menuBar().addMenu("&View")
        minima = make_action(self, "Show known minima", checkable=True)
        minima.setChecked(True)
        minima.toggled.connect(self.landscape_panel.show_minima.setChecked)
        self.landscape_panel.show_minima.toggled.connect(minima.setChecked)
        log_loss = make_action(self, "Log-scale loss", checkable=True)
        log_loss.toggled.connect(self.side.log_loss.setChecked)
        self.side.log_loss.toggled.connect(log_loss.setChecked)
        fit = make_action(self, "&Fit view to the domain", self.view.fit_view, "Ctrl+0")
        contours = make_action(self, "Minibatch contours (2-D data landscapes)", checkable=True)
        contours.toggled.connect(self._set_batch_contours)
        view_menu.addActions([minima, log_loss, fit, contours])
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        self.analysis = AnalysisWindows(self.menuBar().addMenu("&Analysis"), self.landscape_panel.extras.nn)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(make_action(self, "About the &methods", self.show_about_methods))
        help_menu.addAction(make_action(self, "&About Minima Lab", self._about))
        # Window-wide keys that also work while a button or the plot has focus.
        for key, slot in (
            ("Space", self.toggle_play),
            ("Right", self.step_action.trigger),
            ("Shift+Right", self.chunk_action.trigger),
            ("R", self.reload),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

    def _connect(self) -> None:
        self.model.changed.connect(self.reload)
        self.basins.mapsChanged.connect(lambda: self.view.show_basin_bands(self.basins.band_images()))
        self.controller.updated.connect(self.on_update)
        self.controller.stateChanged.connect(self._on_state)
        self.controller.failed.connect(self._on_failed)
        self.controls.playPauseRequested.connect(self.toggle_play)
        self.controls.stepRequested.connect(self.step_action.trigger)
        self.controls.resetRequested.connect(self.reload)
        self.controls.clearRequested.connect(lambda: self.model.set_starts([]))
        self.controls.speedChanged.connect(self.controller.set_speed)
        self.controller.set_speed(self.controls.steps_per_second)
        self.landscape_panel.show_minima.toggled.connect(self.view.set_minima_visible)
        for source in (self.view, self.landscape_panel, self.methods_panel.editor, self.basins):
            source.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.view.hovered.connect(lambda text: self.statusBar().showMessage(text, 3000))

    # ---- runs ---------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Stop the current run and prepare the runs the model now describes, at step 0."""
        exp = self.model.experiment()
        self.controller.load(exp)
        self.labeller()  # built here (once per landscape), not mid-stream
        engine = self.controller.engine
        self.buffer = RunBuffer(engine) if engine is not None else None
        runs = [(spec, i) for spec in (exp.methods if exp else ()) for i in range(len(exp.starts))]
        colors = [method_color(spec.method) for spec, _ in runs]
        labels = [display_label(spec) for spec, _ in runs]
        self.view.prepare_runs(colors, [i for _, i in runs], labels, self.model.landscape.dim)
        self.side.prepare_runs(colors, self.model.landscape.global_value)
        starts = [tuple(exp.starts[i]) for _, i in runs] if exp else []
        self.table.prepare_runs(
            labels, [spec.to_text() for spec, _ in runs], [spec.method for spec, _ in runs], starts
        )
        self._latest = None
        if self.buffer is not None:
            self.view.show_runs(self.trails(), [False] * engine.n_runs)
            self.side.refresh(self.buffer)
            self.statusBar().showMessage(
                f"Ready: {len(runs)} run(s). Space plays, → steps; click moves the start, Shift+click adds."
            )
        elif not self.model.starts:
            self.statusBar().showMessage("Click the view to place a start point (Shift+click adds more)")
        else:
            self.statusBar().showMessage("Tick at least one method in the Methods panel")
        self._on_state(self.controller.state)

    def _set_batch_contours(self, on: bool) -> None:
        self.view.overlay.show_contours = on
        if self.buffer is not None and self._latest is not None:
            self.draw_frame(full=True)

    def toggle_play(self) -> None:
        if self.controller.is_running:
            self.controller.pause()
        else:
            self.controller.play()

    def on_update(self, update: Update) -> None:
        """Store the new rows; while streaming, the frame timer draws them (at most FRAME_HZ)."""
        if self.buffer is None:
            return
        if update.chunk is not None:
            self.buffer.append(update.chunk)
        self._latest = update
        if update.streamed:
            self._dirty = True
            if not self._frame_timer.isActive():
                self._frame_timer.start()
        else:
            self.draw_frame(full=True)

    def draw_frame(self, full: bool = True) -> None:
        """Redraw the view; with ``full`` also the side plots and the table (they refresh less often)."""
        self._dirty = False
        if self.buffer is None or self._latest is None:
            return
        self.controller.gui_idle.clear()  # the view's next paint sets it again
        trails = self.trails()
        self.view.show_runs(trails, [s == "diverged" for s in self.buffer.status])
        if self.buffer.batches:
            heads = {
                r: (trails[r][0][-1], trails[r][1][-1]) for r in self.buffer.batches if len(trails[r][0])
            }
            self.view.overlay.update(self.model.landscape, self.buffer.batches, heads)
        self.frames_drawn += 1
        if full:
            self.side.refresh(self.buffer)
            self.table.update_statuses(self._latest.statuses)
            self._show_escapes(trails)
            self._show_status_line()
            return
        # While streaming, the slower panels take turns, one per odd frame, so no frame does two.
        phase = self.frames_drawn % SLOW_PANEL_EVERY
        if phase in SIDE_PLOT_PHASES:
            self.side.refresh(self.buffer, (SIDE_PLOT_PHASES[phase],))
        elif phase == TABLE_PHASE:
            self.table.update_statuses(self._latest.statuses)
            self._show_escapes(trails)
            self._show_status_line()

    def labeller(self) -> BasinLabeller:
        """The current landscape's basin labelling (built once per landscape and domain)."""
        land = self.model.landscape
        key = (land.id, land.domain, id(land))
        if self._labeller_key != key:
            self._labeller, self._labeller_key = BasinLabeller(land), key
        return self._labeller

    def _show_escapes(self, trails: list[tuple]) -> None:
        """Escape events of every run: counted in the table, marked on the paths."""
        labeller, buf = self.labeller(), self.buffer
        escapes, xs, ys = [], [], []
        for run, (x, y) in enumerate(trails):
            steps = buf.row_steps(run)
            esc = escape_events(labeller, buf.trajectory(run), buf.series("losses", run), steps)
            escapes.append(esc)
            rows = np.searchsorted(steps, esc.steps[-MAX_ESCAPE_MARKERS:])  # the latest ones: no clutter
            xs.extend(x[rows])
            ys.extend(y[rows])
        self.table.update_escapes(escapes)
        self.view.show_escapes(np.array(xs), np.array(ys))
        self.escapes = escapes

    def _on_frame_timer(self) -> None:
        if self._dirty:
            self.draw_frame(full=False)
        elif not self.controller.is_running:
            self._frame_timer.stop()

    def _show_status_line(self) -> None:
        step = self.controller.engine.t if self.controller.engine is not None else 0
        statuses = self._latest.statuses if self._latest is not None else ()
        diverged = sum(s.status == "diverged" for s in statuses)
        note = f" — {diverged} run(s) diverged (NaN/inf or unbounded)" if diverged else ""
        self.state_label.setText(f"step {step} · {self.controller.state}{note}")

    def trails(self) -> list[tuple]:
        """Each run's drawn trail as (x, y) arrays: (x, f(x)) on 1-D, (x, y) on 2-D."""
        buf, dim = self.buffer, self.model.landscape.dim
        out = []
        for run in range(buf.positions.shape[1]):
            traj = buf.trajectory(run)
            out.append((traj[:, 0], buf.series("losses", run) if dim == 1 else traj[:, 1]))
        return out

    def _on_state(self, state: str) -> None:
        self.controls.show_state(state)
        if state in ("paused", "finished") and self._latest is not None:
            self.draw_frame(full=True)
        self._show_status_line()

    def _on_failed(self, text: str) -> None:
        self.statusBar().showMessage("The run stopped on an error; see the message.", 10000)
        QMessageBox.warning(self, "Run failed", text)

    # ---- dialogs and settings -----------------------------------------------------------------------
    def show_about_methods(self) -> AboutMethodsDialog:
        dialog = AboutMethodsDialog(self)
        dialog.show()
        return dialog

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Minima Lab",
            "Minima Lab: watch optimizers get stuck in, and escape from, local minima.",
        )

    def _restore_settings(self) -> str | None:
        """Restore layout and choices; returns a message if the saved choices were unusable."""
        if self.settings is None:
            return None
        geometry, state = self.settings.value("geometry"), self.settings.value("windowState")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        speed = self.settings.value("speed")
        if speed is not None:
            self.controls.set_speed(int(speed))
        saved = self.settings.value("model")
        if saved and self._restore_network_later(str(saved)):
            return None
        if saved:
            try:
                self.model.restore_json(str(saved))
            except ValueError as exc:
                return f"Last session's choices could not be restored: {exc}"
        return None

    def _restore_network_later(self, saved: str) -> bool:
        """If the last session ended on a network slice that needs training, train it in the worker
        (the window opens at once, with a progress bar) and restore the choices when it is ready."""
        try:
            data = json.loads(saved)
            land_id = str(data["landscape"])
            domain = tuple(tuple(float(v) for v in pair) for pair in data["domain"])
            config = NNConfig.from_id(land_id) if is_nn_id(land_id) else None
        except (ValueError, KeyError, TypeError):
            return False  # restore_json reports it
        if config is None or nn_is_cached(land_id):
            return False

        def restore(land) -> None:
            try:
                self.model.restore_json(saved, land)
            except ValueError as exc:
                self.statusBar().showMessage(f"Last session's choices could not be restored: {exc}", 15000)

        self.landscape_panel.extras.nn.prepare(config=config, domain=domain, on_ready=restore)
        return True

    def save_settings(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self.settings.setValue("speed", self.controls.steps_per_second)
        self.settings.setValue("model", self.model.to_json())
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.controller.stop()
        self.basins.runner.stop()
        self.landscape_panel.extras.nn.runner.stop()
        self.analysis.close()
        self.save_settings()
        super().closeEvent(event)
