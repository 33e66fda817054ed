"""The Lesson dock: a start page listing the lessons, then one step at a time — its text, its
prediction, Run, the observation with the figures measured, Back / Next and Reset step.

A step's experiment is loaded into the window's model (built in the worker, as a file is), so the
student watches it in the window's own view, plots and table. Run plays the runs there and, at the
same time, measures the step's claims with ``core.lessons.measure_step`` in a forked child (the same
function ``python main.py lessons check`` uses, so the window shows the figures the checker checks).
The observation and the prediction's answer show once both the measurement and the window's run are
done.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.forked import call_in_child
from core.lessons import (
    ClaimResult,
    Lesson,
    LessonFileError,
    builtin_lesson_paths,
    lesson_header,
    load_lesson,
    measure_step,
)
from core.lessons.check import StepOutcome
from gui.lessons.lesson_text import lesson_html
from gui.lessons.step_widgets import ObservationBox, PredictBox
from gui.panels.task_progress import TaskProgress
from gui.workers.base import TaskRunner


class LessonPanel(QWidget):
    """See the module docstring. ``host`` is the main window (model, preparer, controller, docks).

    ``stepShown(index)`` follows each step shown; ``observed(results)`` each observation."""

    stepShown = Signal(int)
    observed = Signal(list)

    def __init__(self, host, parent: QWidget | None = None):
        super().__init__(parent)
        self.host = host
        self.lesson: Lesson | None = None
        self.index = 0
        self._shown: tuple | None = None  # (lesson, index) of the step shown last
        self._results: list[ClaimResult] | None = None  # measured, waiting for the window's run
        self.runner = TaskRunner(self)
        self.runner.succeeded.connect(self._on_measured)
        self.runner.failed.connect(lambda text: self._stopped(f"Could not measure: {text}"))
        self.runner.cancelled.connect(lambda: self._stopped("Measurement cancelled."))
        host.controller.stateChanged.connect(lambda _state: self._show_when_done())
        self.pages = QStackedWidget()
        self.pages.addWidget(self._start_page())
        self.pages.addWidget(self._step_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        self.pages.setCurrentIndex(0)  # (the list is filled when first shown)

    # ---- the start page -------------------------------------------------------------------------------
    def _start_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            "<b>Lessons</b>: the lecture on bad local minima as short experiments. Each step sets up "
            "the window, asks what you expect, runs, and shows what happened — with the numbers."
        )
        intro.setWordWrap(True)
        self.catalogue = QListWidget()
        self.catalogue.setWordWrap(True)
        self.catalogue.setAlternatingRowColors(True)  # (each lesson is two or three lines)
        self.catalogue.setSpacing(2)
        self.catalogue.setToolTip("Double-click a lesson (or select it and press Start) to begin")
        self.catalogue.itemActivated.connect(lambda item: self.open_path(item.data(Qt.ItemDataRole.UserRole)))
        start = QPushButton("&Start lesson")
        start.clicked.connect(self._start_selected)
        other = QPushButton("Open lesson f&ile…")
        other.setToolTip("A lesson file of your own (Markdown; see docs/lessons.md)")
        other.clicked.connect(self.open_dialog)
        self.start_problem = QLabel()
        self.start_problem.setWordWrap(True)
        self.start_problem.setStyleSheet("color: #b3261e")
        column = QVBoxLayout(page)
        column.addWidget(intro)
        column.addWidget(self.catalogue, 1)
        column.addWidget(self.start_problem)
        row = QHBoxLayout()
        row.addWidget(start)
        row.addWidget(other)
        column.addLayout(row)
        return page

    def _fill_catalogue(self) -> None:
        """The built-in lessons, listed when the start page is first shown (not at start-up)."""
        if self.catalogue.count() == 0:
            for path in builtin_lesson_paths():
                self._list_lesson(path)
            self.catalogue.setCurrentRow(0)

    def _list_lesson(self, path) -> None:
        try:
            title, summary, steps = lesson_header(path)
        except LessonFileError as exc:  # (a broken built-in lesson is a bug the tests catch)
            text, tip = f"{path.stem}: cannot be read", str(exc)
        else:
            number = self.catalogue.count() + 1
            text, tip = f"{number}. {title} ({steps} steps)\n{summary}", summary
        item = QListWidgetItem(text)
        item.setToolTip(tip)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.catalogue.addItem(item)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._fill_catalogue()  # (a dock restored visible from the last session shows the list too)

    def _start_selected(self) -> None:
        item = self.catalogue.currentItem() or self.catalogue.item(0)
        if item is not None:
            self.open_path(item.data(Qt.ItemDataRole.UserRole))

    def show_start_page(self) -> None:
        self._fill_catalogue()
        self.runner.drop()
        self.pages.setCurrentIndex(0)

    # ---- opening ------------------------------------------------------------------------------------
    def open_path(self, path: str) -> str | None:
        """Open the lesson file at ``path`` at its first step; returns why it was refused (the lesson
        shown so far stays), or None."""
        try:
            lesson = load_lesson(path)
        except LessonFileError as exc:
            self.start_problem.setText(str(exc))
            return str(exc)
        self.start_problem.clear()
        self.open_lesson(lesson)
        return None

    def open_dialog(self) -> None:
        from gui.file_dialogs import open_path

        path = open_path(self, "Open lesson", "Minima Lab lesson (*.md);;All files (*)")
        if path and (problem := self.open_path(path)) is not None:
            self.host.show_message(f"Lesson refused: {problem}")

    def open_lesson(self, lesson: Lesson, index: int = 0) -> None:
        self.lesson = lesson
        self.pages.setCurrentIndex(1)
        self.show_step(index)

    # ---- a step -------------------------------------------------------------------------------------
    def _step_page(self) -> QWidget:
        page = QWidget()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.text = QLabel()  # (in the page's scroll area: the whole step scrolls as one)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.predict = PredictBox()
        self.run_button = QPushButton("▶ R&un this step")
        self.run_button.setShortcut("Ctrl+Return")
        self.run_button.setToolTip("Run this step in the window and measure what it shows (Ctrl+Enter)")
        self.run_button.clicked.connect(self.run_step)
        self.reset_button = QPushButton("Reset st&ep")
        self.reset_button.setToolTip("Load this step's experiment again and clear the answer")
        self.reset_button.clicked.connect(self.reset_step)
        self.progress = TaskProgress(self.runner)
        self.progress.cancel.setShortcut("")  # (Esc closes other things; the button is enough here)
        self.observation = ObservationBox()
        self.back = QPushButton("◀ &Back")
        self.back.setToolTip("The previous step (Alt+B)")
        self.back.clicked.connect(lambda: self.show_step(self.index - 1))
        self.next = QPushButton("&Next ▶")
        self.next.setToolTip("The next step (Alt+N)")
        self.next.clicked.connect(lambda: self.show_step(self.index + 1))
        to_list = QPushButton("&Lessons")
        to_list.setToolTip("Back to the list of lessons")
        to_list.clicked.connect(self.show_start_page)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.text)
        column.addWidget(self.predict)
        column.addWidget(_row(self.run_button, self.reset_button))
        column.addWidget(self.progress)
        column.addWidget(self.progress.label)
        column.addWidget(self.observation)
        column.addStretch(1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # (everything wraps)
        scroll.setWidget(body)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addWidget(_row(self.back, to_list, self.next))
        return page

    def show_step(self, index: int) -> None:
        """Show step ``index`` and load its experiment into the window. A step without one goes on
        with the window as the step before left it when reached by Next; reached any other way (Back,
        Reset step, opened there), it loads the experiment in force there (the last one before it)."""
        if self.lesson is None or not 0 <= index < len(self.lesson.steps):
            return
        self.runner.drop()
        after_previous = self._shown == (self.lesson, index - 1)
        self.index, step = index, self.lesson.steps[index]
        self._shown = (self.lesson, index)
        count = len(self.lesson.steps)
        self.heading.setText(
            f"<small>{self.lesson.title} — step {index + 1} of {count}</small><br><b>{step.title}</b>"
        )
        intro = f"{self.lesson.intro}\n\n" if index == 0 and self.lesson.intro else ""
        self.text.setText(lesson_html(intro + step.text))
        self.predict.show_question(step.predict)
        self.observation.clear()
        self._results = None
        self.run_button.setVisible(step.run is not None)
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < count - 1)
        if step.setup is not None or (not after_previous and self.lesson.setup_at(index) is not None):
            self.host.load_lesson_step(self.lesson, index)
        self.stepShown.emit(index)

    def reset_step(self) -> None:
        """The step as it was first shown: its experiment loaded again, nothing answered."""
        self.host.controller.pause()
        self.show_step(self.index)

    def run_step(self) -> None:
        """Play the step's runs in the window and measure its claims (see the module docstring)."""
        if self.lesson is None or self.lesson.steps[self.index].run is None:
            return
        step = self.lesson.steps[self.index]
        self._results = None
        self.observation.clear("Running…")
        if step.run.action in ("play", "step"):
            self.host.play_lesson_runs(at_once=step.run.action == "step")
        lesson, index = self.lesson, self.index
        text = f"Measuring {len(step.claims)} claim(s)…" if step.claims else "Running…"
        self.progress.start(
            lambda state: call_in_child(
                measure_step, lesson, index, progress=state.progress, cancel=state.cancel
            ),
            text,
        )

    def _on_measured(self, outcome: StepOutcome) -> None:
        self._results = outcome.results
        if outcome.shown is not None:
            self.host.show_study(outcome.shown)
        self._show_when_done()

    def _show_when_done(self) -> None:
        if self._results is None or self.host.controller.is_running or self.host.preparer.busy:
            return
        results, self._results = self._results, None
        self.progress.label.clear()
        self.observation.show_results(results)
        self.predict.reveal()
        QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(self.observation))
        self.observed.emit(results)

    def _stopped(self, text: str) -> None:
        self.progress.label.clear()
        self.observation.clear(text)


def _row(*buttons: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for button in buttons:
        layout.addWidget(button)
    return row
