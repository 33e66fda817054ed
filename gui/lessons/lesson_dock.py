"""The Lesson dock in the main window: Help ▸ Lessons, File ▸ Open lesson, the start page offered on
first launch, and what a step does to the window (loads its experiment, plays its runs)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from core.experiment.state import ExperimentState, ViewOptions
from gui.qt_helpers import make_action

OFFERED_KEY = "lessons/offered"  # the start page was shown once (first launch)


class LessonDock:
    """Owns the dock and its ``LessonPanel``; the panel reaches the window through this object."""

    def __init__(self, window: QMainWindow, file_menu: QMenu, help_menu: QMenu, open_before=None):
        self.window = window
        self.controller, self.preparer = window.controller, window.preparer
        self._panel = None  # made when first shown (start-up imports only what the first frame needs)
        self.dock = QDockWidget("Lesson", window)
        self.dock.setObjectName("dock-Lesson")
        self.dock.visibilityChanged.connect(lambda visible: visible and self.panel)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.docks["Methods"], self.dock)
        self.dock.hide()  # until asked for (or offered on first launch)
        self._play_when_loaded: str | None = None  # play or at once, when the step has loaded
        help_menu.addAction(make_action(window, "&Lessons…", self.show_start_page, "Ctrl+L"))
        opening = make_action(window, "Open &lesson…", lambda: self.panel.open_dialog(), "Ctrl+Shift+L")
        file_menu.insertAction(open_before, opening) if open_before is not None else file_menu.addAction(
            opening
        )

    @property
    def panel(self):
        """The dock's ``LessonPanel`` (made on first use)."""
        if self._panel is None:
            from gui.lessons.lesson_panel import LessonPanel

            self._panel = LessonPanel(self)
            self.dock.setWidget(self._panel)
        return self._panel

    # ---- showing ------------------------------------------------------------------------------------
    def show_start_page(self) -> None:
        self.panel.show_start_page()
        self._raise()

    def open_lesson(self, lesson, index: int = 0) -> None:
        self.panel.open_lesson(lesson, index)
        self._raise()

    def open_named(self, name: str) -> str | None:
        """Open a built-in lesson by name (``stuck`` or ``01-stuck``) or a lesson file (``….md``);
        returns the problem, or None."""
        from core.lessons import load_builtin

        if name.endswith(".md"):
            problem = self.panel.open_path(name)
        else:
            try:
                lesson = load_builtin(name)
            except ValueError as exc:
                return str(exc)
            self.panel.open_lesson(lesson)
            problem = None
        self._raise()
        return problem

    def offer(self, settings: QSettings | None) -> None:
        """On the first launch, show the start page (closing the dock dismisses it for good)."""
        if settings is None or settings.value(OFFERED_KEY, False, type=bool):
            return
        settings.setValue(OFFERED_KEY, True)
        self.show_start_page()

    def _raise(self) -> None:
        self.dock.show()
        self.dock.raise_()

    # ---- what the panel asks of the window ------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.window.show_message(text, 15000)

    def reload(self) -> None:
        self.window.reload()

    def load_lesson_step(self, lesson, index: int) -> None:
        """Build step ``index``'s experiment in the worker and show it (its view options over the
        window's, its side tab raised); a play step with ``steps`` stops there."""
        setup, step = lesson.setup_at(index), lesson.steps[index]
        steps = step.run.steps if step.run is not None and step.run.action in ("play", "step") else None
        view = ViewOptions({**dict(self.window.model.view), **dict(setup.view)})

        def build(_state) -> ExperimentState:
            state = setup.state()
            return state.replace(view=view, max_steps=min(steps or state.max_steps, state.max_steps))

        self._play_when_loaded = None
        self.preparer.prepare(
            f"Loading “{step.title}”…", build, lambda state: self._loaded(state, setup.tab), self._refused
        )

    def _loaded(self, state: ExperimentState, tab: str) -> None:
        self.window.model.load_state(state)
        self.window.docks["Basins" if tab == "basins" else "Plots"].raise_()
        if self._play_when_loaded is not None:
            at_once, self._play_when_loaded = self._play_when_loaded == "at once", None
            QTimer.singleShot(0, self.window, lambda: self.play_lesson_runs(at_once))

    def _refused(self, problem: str) -> None:
        self.panel.observation.clear(f"Could not load this step: {problem}")

    def show_study(self, study: object) -> None:
        """A step's sweep, basin maps or high-dimensional study where the window shows them (as if
        computed there)."""
        from core.studies.basins import BasinMap
        from core.studies.sweeps import Sweep

        analysis, land = self.window.analysis, self.window.model.landscape
        if isinstance(study, Sweep):
            analysis.show_sweep().show_study(replace(study, landscape=land))
        elif isinstance(study, list) and study and isinstance(study[0], BasinMap):
            basins = self.window.basins
            basins.grid.setValue(study[0].shape[0])  # (the panel's settings say what its maps are)
            basins.seeds.setValue(max(bmap.seeds for bmap in study))
            basins.show_maps([replace(bmap, landscape=land) for bmap in study])
            self.window.docks["Basins"].raise_()
        elif isinstance(study, list):
            analysis.show_highdim().show_results(study)

    def play_lesson_runs(self, at_once: bool = False) -> None:
        """The step's runs from step 0, playing in the window (once its experiment is loaded); with
        ``at_once``, every step taken at once."""
        if self.preparer.busy:
            self._play_when_loaded = "at once" if at_once else "play"
            return
        self.window.reload()
        if at_once:
            self.controller.step(self.window.model.max_steps)
        else:
            self.controller.play()
