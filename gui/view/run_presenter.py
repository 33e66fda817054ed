"""Shows the runs: takes the run controller's updates, keeps the window's copy of the rows, and draws
them into the landscape view, the side plots and the results table at a steady frame rate.

The path of a click: the view edits the model's starts → the model signals ``changed`` → the window
reloads the controller (a fresh engine) and this presenter (fresh curves) → Play starts the worker →
its ``Update`` snapshots arrive here → the frame timer draws the latest rows.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from core.minima.basins import BasinLabeller
from core.minima.grid import loss_limit
from gui.model import AppModel
from gui.style import display_label, method_color
from gui.view.drawn_runs import DrawnRuns
from gui.view.escape_finder import EscapeFinder
from gui.view.landscape_view import LandscapeView
from gui.view.pacing import FrameClock, PanelTurns
from gui.view.results_table import METHOD_COL, ResultsTable
from gui.view.run_arrays import group_points
from gui.view.run_buffer import RunBuffer
from gui.view.run_escapes import RunEscapes
from gui.view.side_plots import SidePlots
from gui.workers.base import GUI_GATE, TaskRunner
from gui.workers.engine_runner import RunController, Update

FRAME_HZ = 60  # the view redraws at most this often while streaming…
SHARING_FRAME_HZ = 40  # …and this often while the 3-D view, drawn on the same thread, is shown
FRAME_POINTS = 16  # new points painted per run and frame at most (the first frames get hundreds of rows)…
FRAME_POINTS_ALL = 12_000  # …and over all runs (thousands of runs: fewer each)
# While streaming, seconds between refreshes of each side plot (a frame refreshes at most one of
# them), and of the table with the status line.
SIDE_PLOT_PERIODS = {"loss": 0.25, "lr": 0.35, "noise": 0.35}
TABLE_PERIOD = 0.15
PANEL_DELAY_MS = 8  # after the frame that chose it
SELECTED_POINTS = 2000  # drawn of the run chosen in the table


class RunPresenter(DrawnRuns, RunEscapes, QObject):
    """See the module docstring. ``status(text)`` receives the one-line run status."""

    prepared = Signal()  # fresh runs, at step 0
    stepShown = Signal(int)  # the status line shows this latest step

    def __init__(
        self,
        model: AppModel,
        controller: RunController,
        view: LandscapeView,
        side: SidePlots,
        table: ResultsTable,
        status: Callable[[str], None],
    ):
        super().__init__(controller)
        self.model, self.controller = model, controller
        self.view, self.side, self.table, self.status = view, side, table, status
        self._buffer: RunBuffer | None = None
        self.past: RunBuffer | None = None  # the rows up to an earlier step shown (the timeline), or None
        self._land = model.landscape  # the landscape of the runs shown
        self.frames_drawn = 0
        self.escapes: list = []
        self.escape_points = self.shown_escape_points = np.empty((0, 2))
        self.escape_steps = np.empty(0, dtype=np.int64)
        self._latest: Update | None = None
        self._painted_step = -1  # the last step whose rows are painted on the view's trails
        self._panel_jobs: deque[Callable[[], None]] = deque()  # the side plots and table, to follow
        self._fit_due = False  # the table's columns to fit their texts at its next refresh
        self._side_turns = PanelTurns(SIDE_PLOT_PERIODS)
        view.runs_drawn.source = self._whole_trails
        self._dirty = False
        self._frame_clock = FrameClock(self, FRAME_HZ, self._on_frame_timer)
        self._frame_timer = self._frame_clock.timer
        # The table and status line on a clock of their own (the frame rate falls with thousands of
        # runs), taking at most a tenth of the time (a table of thousands of runs refreshes less often).
        self._table_clock = FrameClock(self, 1 / TABLE_PERIOD, self._on_table_timer, share=0.1)
        self._table_timer = self._table_clock.timer
        self._panel_timer = QTimer(self, singleShot=True, interval=PANEL_DELAY_MS)
        self._panel_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._side_plot_due = "loss"  # the side plot the panel timer refreshes
        self._panel_timer.timeout.connect(lambda: self._refresh_side_plots((self._side_plot_due,)))
        controller.updated.connect(self.on_update)
        self.selected_run = -1  # the run whose row is current in the table (-1: none)
        table.runSelected.connect(self.select_run)
        table.methodsShown.connect(self.show_methods)
        self._shown: set[str] | None = None  # the method labels shown (None: all)
        self._run_labels: list[str] = []  # each run's method label and colour
        self._run_colors: list[str] = []
        view.picked.connect(self.pick_run)
        self._labeller: BasinLabeller | None = None
        self._labelling = TaskRunner(self)  # a 2-D map of basins takes seconds on data landscapes
        self._labelling.succeeded.connect(self._on_labelled)
        self.escape_finder = EscapeFinder(self)
        self.escape_finder.found.connect(self._on_escapes)
        # A file load or an edit emits several changes in a row: prepare once, after the last.
        self._prepare_due = False
        self._prepare_timer = QTimer(self, singleShot=True, interval=0, timeout=self.flush)

    def prepare_soon(self) -> None:
        """``prepare`` once the changes of this turn of the event loop are done."""
        self._prepare_due = True
        self._prepare_timer.start()

    def flush(self) -> None:
        """Prepare now if a preparation is due (before anything reads the rows or plays)."""
        if self._prepare_due:
            self.prepare()

    def discard_pending(self) -> None:
        """Forget a due preparation and escape search (the window is closing: no worker or child
        process may start now)."""
        self._prepare_due = False
        self._prepare_timer.stop()
        self._table_timer.stop()
        self.escape_finder.stop()
        self._panel_jobs.clear()

    @property
    def buffer(self) -> RunBuffer | None:
        """The window's copy of the current runs' rows (prepared first if a preparation is due)."""
        self.flush()
        return self._buffer

    def prepare(self) -> None:
        """Fresh curves, rows and table for the controller's (just loaded) engine, at step 0."""
        self._prepare_due = False
        self._prepare_timer.stop()
        self.selected_run = -1
        self.view.show_selected(np.empty(0), np.empty(0), None)
        engine = self.controller.engine
        # The engine's own experiment: mid-way through a load the model may already show the next one.
        exp = engine.exp if engine is not None else None
        self._land = exp.landscape if exp is not None else self.model.landscape
        self._start_labelling()
        self.escapes = []
        self.escape_points = np.empty((0, 2))  # where the escape events are marked (the view's x, y)
        self.escape_steps = np.empty(0, dtype=np.int64)  # (and when)
        self.shown_escape_points = self.escape_points  # (those up to the step shown)
        self._buffer = RunBuffer(engine) if engine is not None else None
        self.past = None
        self.escape_finder.reset(engine.n_runs if engine else 0, self._land.dim)  # (old events never arrive)
        specs = exp.methods if exp else ()
        n_starts = len(exp.starts) if exp else 0

        def per_run(values: list) -> list:  # a method's value for each of its runs (one per start)
            return [value for value in values for _ in range(n_starts)]

        colors, labels = (
            per_run([method_color(s.method) for s in specs]),
            per_run([display_label(s) for s in specs]),
        )
        marks = self.model.start_marks  # (the engine's starts are the model's, unless a load is under way)
        start_of_run = (marks if len(marks) == n_starts else list(range(n_starts))) * len(specs)
        self.view.prepare_runs(colors, start_of_run, labels, self._land.dim)
        self._run_labels, self._run_colors = labels, colors
        self._latest = None
        self._painted_step = -1
        self._side_turns.restart()
        if self._buffer is not None:
            not_diverged = np.zeros(engine.n_runs, dtype=bool)
            self.view.show_runs(self.run_points(thinned=True), not_diverged)
            self._paint_new_rows(not_diverged)  # (the starts: where the trails' first segments begin)
        self.show_status_line()
        # The side plots and the table follow, each in a later turn of the event loop.
        starts = [tuple(start) for start in exp.starts] * len(specs) if exp else []  # as start_of_run
        texts, methods = per_run([s.to_text() for s in specs]), per_run([s.method for s in specs])
        self._panel_jobs.clear()  # (those of the runs before: void)
        self._fit_due = False
        self._queue_panel(lambda: self._prepare_side_plots(colors))
        self._queue_panel(lambda: self.table.prepare_runs(labels, texts, methods, starts))
        self._queue_panel(lambda: self.show_methods(self._shown))  # (hidden methods stay hidden)
        self.prepared.emit()

    def _prepare_side_plots(self, colors: list[str]) -> None:
        land = self._land
        self.side.prepare_runs(colors, land.lowest_value, loss_limit(land), land.value_name)
        self.side.show_fit_data(land)
        self._refresh_side_plots()

    def on_update(self, update: Update) -> None:
        """Store the new rows; while streaming, the frame timer draws them (at most FRAME_HZ)."""
        self.flush()
        if self.buffer is None:
            return
        if update.chunk is not None:
            self.buffer.append(update.chunk)
            if self.buffer.thin_due:
                QTimer.singleShot(0, self, self._thin_buffer)  # (in a turn of its own)
        self._latest = update
        if update.streamed:
            self._dirty = True
            if not self._frame_timer.isActive():
                self._frame_timer.start()
                self._table_timer.start()
        else:
            self.draw_frame(full=True)

    def _thin_buffer(self) -> None:
        if self._buffer is not None and self._buffer.thin_due:
            self._buffer.thin()

    def redraw(self) -> None:
        """Draw everything again (after a view option changed; not the runs a due preparation replaces)."""
        if not self._prepare_due and self.buffer is not None and self._latest is not None:
            self.draw_frame(full=True)

    def draw_frame(self, full: bool = True) -> None:
        """Paint the rows that arrived since the last frame; with ``full`` also keep every run's whole
        trail and refresh the side plots and the table (while streaming they take turns, slower)."""
        self._dirty = False
        if self.buffer is None or self._latest is None:
            return
        if self.past is not None:
            if full:
                self._draw_past(self.past)
            return
        GUI_GATE.drawing()  # the view's next paint ends it
        diverged = self.buffer.diverged
        if full:
            self.view.show_runs(self.run_points(thinned=True), diverged)
        self._paint_new_rows(diverged)
        self._show_selected()
        if self.buffer.batches:
            tips = self.view.runs_drawn.tips
            heads = {r: tuple(tips[r]) for r in self.buffer.batches if np.isfinite(tips[r]).all()}
            self.view.show_batches(self._land, self.buffer.batches, heads)
        self.frames_drawn += 1
        if full:  # the side plots, then the table, each in a later turn: no event does all three
            self._queue_panel(self._refresh_side_plots)
            self._queue_panel(self._refresh_table)
            return
        # While streaming, the side plots take turns by the clock, so no frame does two; each half a
        # frame later (a turn of the event loop of its own, input and the pipe handled in between).
        if (plot := self._side_turns.due()) is not None:
            self._side_plot_due = plot
            self._panel_timer.start()

    def _queue_panel(self, job: Callable[[], None]) -> None:
        """Run ``job`` in a later turn of the event loop, after the jobs queued before it (each job in
        a turn of its own: a full frame's side plots and table never hold the window together)."""
        if job in self._panel_jobs:
            return  # (already due: once is enough)
        self._panel_jobs.append(job)
        if len(self._panel_jobs) == 1:
            QTimer.singleShot(0, self, self._next_panel_job)

    def _next_panel_job(self) -> None:
        if self._panel_jobs:
            self._panel_jobs.popleft()()
        if self._panel_jobs:
            QTimer.singleShot(0, self, self._next_panel_job)

    def _refresh_side_plots(self, plots: tuple[str, ...] = ("loss", "lr", "noise")) -> None:
        if self._buffer is not None and self.past is None:
            self.side.refresh(self._buffer, plots)
            self._show_fit()

    def show_methods(self, shown: set[str] | None) -> None:
        """Draw only the runs of methods labelled in ``shown`` (None: every method): their trails,
        heads, side-plot curves and table rows."""
        labels = set(self._run_labels)
        shown = labels if shown is None or not (labels & set(shown)) else labels & set(shown)
        self._shown = None if shown == labels else shown
        self.view.runs_drawn.show_methods(shown)
        colors = {c for label, c in zip(self._run_labels, self._run_colors, strict=True) if label in shown}
        self.side.show_colours(colors)
        self.table.show_methods(shown)
        if self._buffer is not None and self._latest is not None:
            self.draw_frame(full=True)

    def _show_fit(self) -> None:
        """The model's fit at the chosen run's latest parameters (the first run's if none is chosen)."""
        buffer = self._buffer
        if buffer is None or not self.side.fit_shown or not len(buffer.status):
            return
        run = self.selected_run if 0 <= self.selected_run < len(buffer.status) else 0
        label = self.table.results.text(run, METHOD_COL) if run < self.table.results.rowCount() else ""
        self.side.fit.show_fit(buffer.trajectory(run)[-1], self.view.run_color(run), label)

    @property
    def settling(self) -> bool:
        """Whether fresh runs, the side plots, the table or the escape events are still to follow."""
        return self._prepare_due or bool(self._panel_jobs) or self.escapes_pending

    def _paint_new_rows(self, diverged: np.ndarray) -> None:
        """Paint the rows that arrived since the last frame on the view's trails, each run's thinned as
        its whole trail is (about ``points_limit`` points over all its rows)."""
        buffer, after = self.buffer, self._painted_step
        share = (buffer.step - max(after, 0)) / max(buffer.step, 1)
        most = min(FRAME_POINTS, FRAME_POINTS_ALL // max(len(buffer.status), 1))
        limit = max(1, min(most, math.ceil(self.view.points_limit() * share)))
        groups = [
            group_points(buffer, self._land, runs, limit=limit, after=after) for runs in self.view.run_groups
        ]
        self.view.extend_runs(groups, diverged)
        self._painted_step = buffer.step

    def select_run(self, run: int) -> None:
        """Draw run ``run``'s trail on top of the others (-1: none)."""
        self.selected_run = run
        self._show_selected()
        self._show_fit()

    def _show_selected(self) -> None:
        buffer, run = self._buffer, self.selected_run
        if buffer is None or not 0 <= run < len(buffer.status):
            self.view.show_selected(np.empty(0), np.empty(0), None)
            return
        points, counts = group_points(buffer, self._land, np.array([run]), limit=SELECTED_POINTS)
        xy = points[0, : counts[0]]
        self.view.show_selected(xy[:, 0], xy[:, 1], self.view.run_color(run))

    def _refresh_table(self) -> None:
        if self._latest is None:
            return
        if self.past is not None:
            self.show_status_line()
            return
        self.table.update_statuses(self._latest.statuses)
        self._queue_panel(self._show_escapes)  # (a search forks the process: in a turn of its own)
        self.show_status_line()
        if self._fit_due:  # the texts grew while running
            self._fit_due = False
            self.table.fit_columns()

    def share_frames(self, shared: bool) -> None:
        """Redraw less often while another view (the 3-D one) draws the same runs on this thread."""
        self._frame_clock.set_rate(SHARING_FRAME_HZ if shared else FRAME_HZ)

    def _on_frame_timer(self) -> None:
        if self._dirty:
            began = time.perf_counter()
            self.draw_frame(full=False)
            self._frame_clock.took((time.perf_counter() - began) * 1000)
        elif not self.controller.is_running:
            self._frame_timer.stop()
            self._table_timer.stop()

    def _on_table_timer(self) -> None:
        began = time.perf_counter()
        self._refresh_table()
        self._table_clock.took((time.perf_counter() - began) * 1000)

    def show_status_line(self) -> None:
        step = self.controller.step_count
        diverged = self._latest.statuses.count("diverged") if self._latest is not None else 0
        note = f" — {diverged} run(s) diverged (NaN/inf or unbounded)" if diverged else ""
        if self._labeller is None and self._labelling.busy:
            note += " · finding the basins (escapes follow)…"
        shown = f"showing step {self.past.step} of {step} · " if self.past is not None else f"step {step} · "
        self.status(f"{shown}{self.controller.state}{note}")
        self.stepShown.emit(step)

    def on_state(self, state: str) -> None:
        if self._prepare_due and state not in ("paused", "finished"):
            return  # (fresh runs: the due preparation shows them and their status, in a turn of its own)
        self.flush()
        if state in ("paused", "finished") and self._latest is not None:
            self._fit_due = True
            self.draw_frame(full=True)
        self.show_status_line()
