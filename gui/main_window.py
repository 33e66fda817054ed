"""The main window: panels, the landscape view, side plots, results, run controls and menus."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from core.experiment.presets import PRESETS
from core.landscapes.registry import LANDSCAPES
from core.minima.surface import warm_surfaces
from gui.edit_actions import EditActions
from gui.export.export_actions import ExportActions
from gui.file_actions import FileActions
from gui.lessons.lesson_dock import LessonDock
from gui.model import AppModel
from gui.panels.basin_panel import BasinPanel
from gui.panels.controls import RunControls
from gui.panels.landscape_panel import LandscapePanel
from gui.panels.methods_panel import MethodsPanel
from gui.panels.timeline_bar import TimelineBar
from gui.presenter_mode import PresenterMode
from gui.qt_helpers import bind_view_option, choice_menu, make_action, scrolling
from gui.session import restore_experiment, restore_layout, save_session
from gui.view.landscape_view import LandscapeView
from gui.view.results_table import ResultsTable
from gui.view.run_presenter import RunPresenter
from gui.view.side_plots import SidePlots
from gui.view.timeline import Timeline, escape_steps
from gui.view3d.surface_window import Surface3D
from gui.windows.about import AboutMethodsDialog
from gui.windows.analysis import AnalysisWindows
from gui.workers.base import GUI_GATE, stop_workers
from gui.workers.engine_runner import GIL_SWITCH_INTERVAL, RunController
from gui.workers.preparer import Preparer

if TYPE_CHECKING:  # (the exporters load when first used: Pillow and the SVG module cost start-up time)
    from gui.export.figure import FigureLayout

CHUNK_STEP = 50  # Shift+→
WARM_AFTER_MS = 1500  # the built-in surfaces are computed this long after the window opens
COLOUR_SCALES = {
    "auto": "&Automatic (log where f spans decades)",
    "linear": "&Linear in f",
    "log": "L&og: log10(1 + f − min f)",
}
LEGEND_PLACES = {
    "right": "&Right of the plot",
    "top-right": "Inside, top right",
    "top-left": "Inside, top left",
    "bottom-left": "Inside, bottom left",
    "bottom-right": "Inside, bottom right",
    "hidden": "&Hidden",
}


class MainWindow(QMainWindow):
    """The app's window. ``settings`` (QSettings) restores and saves layout and choices."""

    def __init__(self, model: AppModel | None = None, settings: QSettings | None = None):
        super().__init__()
        # Workers (preparation, labelling, escape events) share the interpreter lock with this thread;
        # a short switch interval lets this thread have it back within 1 ms instead of 5 ms, each time.
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)
        self.setWindowTitle("Minima Lab")
        self.resize(1400, 900)
        self.model = model or AppModel(self)
        self.settings = settings
        self.controller = RunController(self)
        self.view = LandscapeView(self.model)
        # The window paints its widgets in one sweep; the zero-timer fires once the sweep is done.
        self.view.painted.connect(lambda: QTimer.singleShot(0, GUI_GATE.drawn))
        self.side = SidePlots()
        self.table = ResultsTable()
        self.controls = RunControls(self.model)
        self.timeline_bar = TimelineBar()
        self.preparer = Preparer(self)
        self.landscape_panel = LandscapePanel(self.model, self.preparer)
        self.methods_panel = MethodsPanel(self.model)
        self.basins = BasinPanel(self.model)
        self.state_label = QLabel()
        self.presenter = RunPresenter(
            self.model, self.controller, self.view, self.side, self.table, self.state_label.setText
        )
        speed = lambda: self.controls.steps_per_second  # noqa: E731 (read at each replay frame)
        self.timeline = Timeline(self.presenter, self.controller, speed, self)
        self._build_layout()
        self._build_menus()
        self._connect()
        self._restore_settings()
        self.reload()
        self._stop_warming = threading.Event()
        QTimer.singleShot(WARM_AFTER_MS, self, self._warm_surfaces)
        # Everything built so far lives as long as the window: keep it out of the collector's
        # full scans, which otherwise pause the event loop for tens of milliseconds mid-stream.
        gc.freeze()

    # ---- construction -------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.controls)
        layout.addWidget(self.timeline_bar)
        self.setCentralWidget(central)
        # The side columns run the window's full height; the results sit under the view only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
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
        self.resizeDocks([docks["Landscape"], docks["Plots"]], [300, 340], Qt.Orientation.Horizontal)
        self.resizeDocks([docks["Results"]], [170], Qt.Orientation.Vertical)  # five rows; the view first

        self.statusBar().addPermanentWidget(self.preparer.progress)
        self.statusBar().addPermanentWidget(self.preparer.progress.label)
        self.statusBar().addPermanentWidget(self.state_label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        nn_box = self.landscape_panel.extras.nn
        self.files = FileActions(self.model, self, file_menu, self.settings, self.preparer)
        after_files = file_menu.addSeparator()
        self.exports = ExportActions(self.model, self, file_menu, self.figure_layout)
        file_menu.addSeparator()
        file_menu.addAction(make_action(self, "&Quit", self.close, QKeySequence.StandardKey.Quit))
        self.edits = EditActions(self, self.model, self.menuBar().addMenu("&Edit"))
        self._build_run_menu()
        presets_menu = self.menuBar().addMenu("&Presets")
        for preset in PRESETS.values():
            action = make_action(self, preset.title, lambda _=False, p=preset: self.open_preset(p))
            action.setToolTip(preset.description)
            action.setStatusTip(preset.description)
            presets_menu.addAction(action)
        self._build_view_menu()
        self.analysis = AnalysisWindows(self.menuBar().addMenu("&Analysis"), nn_box, self)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(make_action(self, "About the &methods", self.show_about_methods))
        help_menu.addAction(make_action(self, "&About Minima Lab", self._about))
        self.lessons = LessonDock(self, file_menu, help_menu, open_before=after_files)

    def _build_run_menu(self) -> None:
        run_menu = self.menuBar().addMenu("&Run")
        self.play_action = make_action(self, "Play / Pause", self.toggle_play)
        self.step_action = make_action(self, "Step", self.step_forward)
        self.back_action = make_action(self, "Step back", self.timeline.back)
        self.replay_action = make_action(self, "Replay", self.timeline.toggle_replay)
        self.chunk_action = make_action(self, f"Step {CHUNK_STEP}", lambda: self.controller.step(CHUNK_STEP))
        self.reset_action = make_action(self, "Reset", self.reload)
        # Window-wide keys that also work while a button or the plot has focus; the menu shows them.
        for action, key in (
            (self.play_action, "Space"),
            (self.step_action, "Right"),
            (self.back_action, "Left"),
            (self.replay_action, "P"),
            (self.chunk_action, "Shift+Right"),
            (self.reset_action, "R"),
        ):
            run_menu.addAction(action)
            action.setText(
                f"{action.text()}\t{QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)}"
            )
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(action.trigger)
        run_menu.addSeparator()
        run_menu.addActions(self.edits.start_actions)

    def _build_view_menu(self) -> None:
        view_menu = self.menuBar().addMenu("&View")
        for name, text in (
            ("show_minima", "Show known minima"),
            ("log_loss", "Log-scale loss"),
            ("batch_contours", "Minibatch contours (2-D data landscapes)"),
            ("equal_aspect", "Equal aspect (2-D): x and y to the same scale"),
        ):
            action = make_action(self, text, checkable=True)
            bind_view_option(self.model, name, action)
            view_menu.addAction(action)
        choice_menu(self.model, "colour_scale", view_menu.addMenu("&Colour scale"), COLOUR_SCALES)
        choice_menu(self.model, "legend", view_menu.addMenu("&Legend"), LEGEND_PLACES)
        view_menu.addAction(make_action(self, "&Fit view to the domain", self.view.fit_view, "Ctrl+0"))
        self.surface3d = Surface3D(self, view_menu)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        self.presenter_mode = PresenterMode(self, view_menu)  # F11

    def _connect(self) -> None:
        self.model.changed.connect(self.reload_soon)
        self.view.menuAsked.connect(self.edits.context_menu)
        self.table.message.connect(self.show_message)
        self._connect_timeline()
        self.model.stateLoaded.connect(self.presenter.prepare_soon)  # (the old runs are not redrawn first)
        self.model.landscapeChanged.connect(lambda: QTimer.singleShot(0, self, self.fit_left_column))
        self.model.viewChanged.connect(self._apply_view_options)
        bind_view_option(self.model, "log_loss", self.side.log_loss)
        self._apply_view_options()
        self.basins.mapsChanged.connect(lambda: self.view.show_basin_bands(self.basins.band_images()))
        self.controller.stateChanged.connect(self._on_state)
        self.controller.failed.connect(self._on_failed)
        self.controls.playPauseRequested.connect(self.toggle_play)
        self.controls.stepRequested.connect(self.step_action.trigger)
        self.controls.resetRequested.connect(self.reload)
        self.controls.clearRequested.connect(lambda: self.model.set_starts([]))
        self.controls.speedChanged.connect(self.controller.set_speed)
        self.controller.set_speed(self.controls.steps_per_second)
        for source in (self.view, self.landscape_panel, self.methods_panel.editor, self.basins):
            source.message.connect(lambda text: self.show_message(text, 8000))
        for source in (self.files, self.exports, self.preparer):
            source.message.connect(lambda text: self.show_message(text, 15000))
        self.files.pathChanged.connect(lambda path: self.setWindowTitle(f"Minima Lab — {Path(path).name}"))
        self.view.hovered.connect(lambda text: self.show_message(text, 3000))
        self.view.painted.connect(self.surface3d.feed)  # (the 3-D view follows the 2-D one at its own pace)

    def _apply_view_options(self) -> None:
        view = self.model.view
        self.view.set_minima_visible(view.show_minima)
        self.view.overlay.show_contours = view.batch_contours
        self.presenter.redraw()

    # ---- runs ---------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Stop the current run and prepare the runs the model now describes, at step 0."""
        self._load_runs()
        self.presenter.prepare()
        self.presenter.on_state(self.controller.state)

    def reload_soon(self) -> None:
        """``reload``, drawing the fresh runs in the next turn of the event loop: a change redraws its
        landscape in this turn, and a burst of changes (a file, a preset) draws its runs once."""
        self._load_runs()
        self.presenter.prepare_soon()

    def _load_runs(self) -> None:
        self.controller.load(self.model.experiment())
        engine = self.controller.engine
        if engine is not None:
            self.show_message(
                f"Ready: {engine.n_runs} run(s). Space plays, → steps; "
                "click moves the start, Shift+click adds."
            )
        elif not self.model.starts:
            self.show_message("Click the view to place a start point (Shift+click adds more)")
        else:
            self.show_message("Tick at least one method in the Methods panel")
        self.controls.show_state(self.controller.state)

    def open_preset(self, preset) -> None:
        """Show a preset (built in the worker: a data landscape searches its minima); view kept."""
        self.preparer.prepare(
            f"Loading “{preset.title}”…",
            lambda state: preset.state().replace(view=self.model.view),
            self.model.load_state,
        )

    def _connect_timeline(self) -> None:
        bar, timeline, presenter = self.timeline_bar, self.timeline, self.presenter
        bar.seek.connect(timeline.seek)
        bar.replay.connect(timeline.toggle_replay)
        timeline.moved.connect(
            lambda at, latest, stride: bar.show_step(at, latest, stride, timeline.replaying)
        )
        presenter.prepared.connect(timeline.reset)
        presenter.stepShown.connect(lambda _step: timeline.follow())
        presenter.escape_finder.found.connect(
            lambda *_: bar.slider.set_ticks(escape_steps(presenter.escapes))
        )
        presenter.prepared.connect(lambda: bar.slider.set_ticks([]))

    def toggle_play(self) -> None:
        """Space: play or pause the runs; with an earlier step shown, replay from there (or stop)."""
        self.presenter.flush()
        if self.timeline.replaying or self.timeline.scrubbed:
            self.timeline.toggle_replay()
        elif self.controller.is_running:
            self.controller.pause()
        else:
            self.controller.play()

    def step_forward(self) -> None:
        """→: the next recorded step when an earlier one is shown, else one step more."""
        if not self.timeline.forward():
            self.controller.step(1)

    def figure_layout(self, side_plots: bool = False) -> FigureLayout:
        """The window's current view (and side plots) with a caption, for an image export."""
        from gui.export.figure import FigureLayout, caption_text  # (loaded when first used)

        self.presenter.flush()  # the latest change's runs, drawn
        self.view.runs_drawn.sync()  # every row painted on screen, in the trails an export paints
        exp = self.model.experiment()
        step = self.timeline.at if self.timeline.scrubbed else self.controller.step_count  # (the step shown)
        caption = caption_text(exp, step) if exp else self.model.landscape.name
        side = [self.side.loss_plot, self.side.lr_plot, self.side.noise_plot] if side_plots else []
        return FigureLayout(self.view, side, caption)

    def _on_state(self, state: str) -> None:
        self.controls.show_state(state)
        self.presenter.on_state(state)

    def _on_failed(self, text: str) -> None:
        self.show_message("The run stopped on an error; see the message.", 10000)
        QMessageBox.warning(self, "Run failed", text)

    def show_message(self, text: str, msecs: int = 0) -> None:
        self.statusBar().showMessage(text, msecs)

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

    def _restore_settings(self) -> None:
        """Restore the layout at once, the last experiment in the worker (a problem: the status bar)."""
        if self.settings is None:
            return
        speed = restore_layout(self.settings, self)
        if speed is not None:
            self.controls.set_speed(speed)
        restore_experiment(
            self.settings, self.model, self.preparer, lambda text: self.show_message(text, 15000)
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if event.size().height() != event.oldSize().height():
            QTimer.singleShot(0, self, self.fit_left_column)

    def fit_left_column(self) -> None:
        """The Landscape dock as tall as its contents (at most what leaves Methods its own), the Methods
        dock the rest: at 1280×720 both show every control without scrolling."""
        landscape, methods = self.docks["Landscape"], self.docks["Methods"]
        landscape.widget().updateGeometry()  # (its boxes may have changed: its width follows them)
        if not all(d.isVisible() and not d.isFloating() for d in (landscape, methods)):
            return
        if self.dockWidgetArea(landscape) != self.dockWidgetArea(methods):
            return
        total = landscape.height() + methods.height()
        title = landscape.height() - landscape.widget().height()
        need = self.landscape_panel.heightForWidth(landscape.widget().viewport().width()) + title
        methods_need = self.methods_panel.heightForWidth(methods.widget().width())
        room = total - max(methods_need, self.methods_panel.minimumSizeHint().height()) - title
        need = max(min(need, room), total // 4)
        if abs(need - landscape.height()) > 2:  # (a resize lays the whole window out again)
            self.resizeDocks([landscape, methods], [need, total - need], Qt.Orientation.Vertical)

    def _warm_surfaces(self) -> None:
        """The built-in surfaces computed in the background: choosing one then draws it at once."""
        lands = [land for land in LANDSCAPES.values() if land.dim == 2]
        threading.Thread(
            target=warm_surfaces, args=(lands, 0.02, self._stop_warming), name="warm-surfaces", daemon=True
        ).start()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._stop_warming.set()
        self.presenter.discard_pending()
        self.controller.stop()  # the engine's process ends and is joined
        stop_workers(self)  # basin maps, network slices and the analysis windows' studies
        self.analysis.close()
        self.surface3d.close()
        if self.settings is not None:
            save_session(self.settings, self, self.model, self.controls.steps_per_second)
        super().closeEvent(event)
