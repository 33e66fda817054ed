"""Starts in bulk (random from the seed, a grid inside the domain) and Edit ▸ Undo / Redo: every kind
of edit of the experiment is undone to the exact state before it, and redone to the one after it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from core.experiment.state import uniform_starts
from core.landscapes.registry import get_landscape
from core.limits import MAX_STARTS
from tests.gui.helpers import click_view, make_window


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.set_landscape("himmelblau")
    for mid in win.model.methods:
        win.model.set_method_enabled(mid, mid == "gd")
    win.model.set_starts([(1.0, 1.0)])
    win.model.undo_stack.clear()
    yield win
    win.close()


def test_random_starts_come_from_the_seed_as_the_cli_draws_them(window):
    model = window.model
    model.set_starts([])
    model.set_seed(7)
    assert window.edits.add_random(25) is None
    first = np.array(model.starts)
    np.testing.assert_array_equal(first, uniform_starts(get_landscape("himmelblau"), 25, 7))  # the CLI's
    assert window.edits.add_random(10) is None  # more: new points, the first 25 kept
    again = np.array(model.starts)
    assert len(again) == 35 and not np.isin(again[25:], first).all()
    model.set_starts([])
    window.edits.add_random(25)
    window.edits.add_random(10)
    np.testing.assert_array_equal(np.array(model.starts), again)  # the same seed: the same 35 starts
    model.set_seed(8)
    model.set_starts([])
    window.edits.add_random(25)
    assert not np.allclose(np.array(model.starts), first)


def test_a_grid_has_g_squared_starts_strictly_inside_the_domain(window):
    model = window.model
    model.set_starts([])
    assert window.edits.add_grid(6) is None
    points = np.array(model.starts)
    (xlo, xhi), (ylo, yhi) = model.landscape.domain
    assert points.shape == (36, 2)
    assert ((points[:, 0] > xlo) & (points[:, 0] < xhi) & (points[:, 1] > ylo) & (points[:, 1] < yhi)).all()
    assert len(np.unique(points[:, 0])) == len(np.unique(points[:, 1])) == 6
    np.testing.assert_allclose(np.diff(np.unique(points[:, 0])), (xhi - xlo) / 6)  # evenly spaced


def test_too_many_starts_are_refused_and_nothing_changes(window):
    model = window.model
    before = model.snapshot()
    problem = window.edits.add_random(MAX_STARTS + 1)
    assert problem is not None and "out of range" in problem
    problem = window.edits.add_grid(100)  # 10,000 more than the one there: past the limit of starts
    assert problem is not None and problem.startswith("Could not add a 100 × 100 grid of starts")
    assert (
        str(MAX_STARTS) in problem.replace(",", "") and "Could not add" in window.statusBar().currentMessage()
    )
    assert model.snapshot() == before and model.undo_stack.count() == 0


def _edits(window, qtbot) -> list:
    """Sixteen kinds of edit, each a function of the window."""
    model = window.model
    return [
        lambda: click_view(qtbot, window, 2.0, 2.0, modifier=Qt.KeyboardModifier.ShiftModifier),  # add
        lambda: click_view(qtbot, window, -2.5, 3.0),  # move (a plain click)
        lambda: window.edits.add_random(5),
        lambda: model.remove_start(0),
        lambda: window.edits.add_grid(3),
        lambda: window.edits.clear_action.trigger(),
        lambda: model.add_start((0.5, -0.5)),
        lambda: model.set_method_enabled("momentum", True),
        lambda: model.set_method_param("momentum", "beta", "0.5"),
        lambda: model.set_method_param("gd", "lr", "0.003"),
        lambda: model.reset_method("momentum"),
        lambda: model.set_method_enabled("gd", False),
        lambda: model.set_seed(42),
        lambda: model.set_max_steps(777),
        lambda: model.set_domain(((-4.0, 4.0), (-4.0, 4.0))),
        lambda: model.set_landscape("rastrigin"),
        lambda: model.set_view_option("show_minima", not model.view.show_minima),
    ]


def test_undo_and_redo_restore_the_exact_states_across_every_kind_of_edit(qtbot, window):
    model = window.model
    states = [model.snapshot()]
    names = []
    for edit in _edits(window, qtbot):
        edit()
        assert model.snapshot() != states[-1], f"edit {len(states)} changed nothing"
        states.append(model.snapshot())
        names.append(model.undo_stack.undoText())
    assert model.undo_stack.count() == len(states) - 1 == 17
    assert names[:6] == [
        "Add start",
        "Place start",
        "Add 5 starts",
        "Remove start",
        "Add 9 starts",
        "Clear starts",
    ]
    assert "Tick Momentum" in names and "Set beta of Momentum" in names and "Landscape Rastrigin" in names
    for k in range(len(states) - 1, 0, -1):  # undo all the way back
        window.edits.undo.trigger()
        assert model.snapshot() == states[k - 1], f"undo of {names[k - 1]!r}"
    assert not model.undo_stack.canUndo()
    for k in range(1, len(states)):  # and redo all the way forward
        window.edits.redo.trigger()
        assert model.snapshot() == states[k], f"redo of {names[k - 1]!r}"
    assert model.starts == list(states[-1][0].starts) and model.landscape.id == "rastrigin"


def test_undo_reaches_the_panels_and_an_edit_after_an_undo_drops_the_redo(qtbot, window):
    model = window.model
    model.set_method_param("gd", "lr", "0.004")
    model.set_seed(5)
    window.edits.undo.trigger()
    assert model.seed == 0 and window.controls.seed.value() == 0  # (the panel follows the model)
    model.set_max_steps(300)
    assert not model.undo_stack.canRedo()
    window.edits.undo.trigger()
    window.edits.undo.trigger()
    assert model.methods["gd"].params["lr"] != 0.004


def test_the_keys_are_ctrl_z_and_ctrl_shift_z(window):
    assert window.edits.undo.shortcut() == QKeySequence("Ctrl+Z")
    assert QKeySequence("Ctrl+Shift+Z") in window.edits.redo.shortcuts()
    menu_texts = [a.text() for a in window.menuBar().actions()[1].menu().actions()]
    assert menu_texts[0].startswith("&Undo") and menu_texts[1].startswith("&Redo")
