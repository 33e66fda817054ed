"""Edit ▸ Undo / Redo of every edit of the experiment, and starts in bulk: "Add random starts…" and
"Add a grid of starts…" (Run menu and the view's right-click menu; "Clear starts" beside them)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu

from core.experiment.start_points import MAX_GRID, grid_starts_inside, random_starts_after
from core.limits import MAX_STARTS
from gui.model import AppModel
from gui.qt_helpers import make_action

DEFAULT_RANDOM = 20  # starts the dialog offers
DEFAULT_GRID = 5  # a side of the grid the dialog offers


class EditActions:
    """The window's Undo / Redo actions (the model's undo stack) and the actions adding starts."""

    def __init__(self, window: QMainWindow, model: AppModel, edit_menu: QMenu):
        self.window, self.model = window, model
        stack = model.undo_stack
        self.undo = stack.createUndoAction(window, "&Undo")
        self.undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo = stack.createRedoAction(window, "&Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addActions([self.undo, self.redo])
        self.add_random_action = make_action(window, "Add &random starts…", self.ask_random)
        self.add_random_action.setToolTip("Add N starts drawn uniformly in the domain from the seed")
        self.add_grid_action = make_action(window, "Add a &grid of starts…", self.ask_grid)
        self.add_grid_action.setToolTip("Add G × G starts at the centres of equal cells of the domain")
        self.clear_action = make_action(window, "&Clear starts", lambda: self.model.set_starts([]))
        self.start_actions: list[QAction] = [self.add_random_action, self.add_grid_action, self.clear_action]

    # ---- starts -------------------------------------------------------------------------------------
    def add_random(self, count: int) -> str | None:
        """Add ``count`` random starts (reproducible from the seed); the problem, if refused."""
        model = self.model
        try:
            points = random_starts_after(model.landscape, count, model.seed, len(model.starts))
        except ValueError as exc:
            return str(exc)
        return self._add(points, f"{count} random starts")

    def add_grid(self, size: int) -> str | None:
        """Add a ``size × size`` grid of starts (``size`` in 1-D); the problem, if refused."""
        try:
            points = grid_starts_inside(self.model.landscape, size)
        except ValueError as exc:
            return str(exc)
        return self._add(points, f"a {size} × {size} grid of starts")

    def _add(self, points, what: str) -> str | None:
        try:
            self.model.set_starts([*self.model.starts, *map(tuple, points)])
        except ValueError as exc:  # too many starts or runs: the state is left as it was
            problem = f"Could not add {what}: {exc}"
            self.window.show_message(problem, 10000)
            return problem
        self.window.show_message(f"Added {what} ({len(self.model.starts)} starts in all)", 5000)
        return None

    def ask_random(self) -> None:
        room = max(1, MAX_STARTS - len(self.model.starts))
        count, ok = QInputDialog.getInt(
            self.window, "Add random starts", "Starts to add (drawn from the seed):",
            min(DEFAULT_RANDOM, room), 1, room,
        )  # fmt: skip
        if ok:
            self._report(self.add_random(count))

    def ask_grid(self) -> None:
        limit = MAX_GRID if self.model.landscape.dim == 2 else MAX_STARTS
        size, ok = QInputDialog.getInt(
            self.window, "Add a grid of starts", "Starts a side (G × G in all):", DEFAULT_GRID, 1, limit
        )
        if ok:
            self._report(self.add_grid(size))

    def _report(self, problem: str | None) -> None:
        if problem is not None:
            self.window.show_message(problem, 10000)

    def context_menu(self, where: QPoint) -> None:
        """The view's right-click menu (away from any start): starts in bulk, undo and redo."""
        menu = QMenu(self.window)
        menu.addActions(self.start_actions)
        menu.addSeparator()
        menu.addActions([self.undo, self.redo])
        menu.exec(where)
        menu.deleteLater()
