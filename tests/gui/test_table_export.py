"""The results table copied (Ctrl+C, tab-separated) and exported (CSV): the rows shown, numbers exact."""

import csv
import errno
import io
import os

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QMenu

from gui.view.results_table import COLUMNS
from gui.view.table_export import csv_text, tsv_text
from tests.gui.helpers import make_window, wait_settled

STARTS = [(0.512345678912345, -1.0), (-3.0, 3.4567891234567)]


@pytest.fixture
def window(qtbot):
    """Himmelblau, gradient descent and momentum from two starts, 12 steps: four rows."""
    win = make_window(qtbot)
    win.model.set_landscape("himmelblau")
    for mid in win.model.methods:
        win.model.set_method_enabled(mid, mid in ("gd", "momentum"))
    win.model.set_method_param("gd", "lr", "0.01")
    win.model.set_method_param("momentum", "lr", "0.01")
    win.model.set_starts(STARTS)
    win.controller.step(12)
    wait_settled(qtbot, win)
    qtbot.waitUntil(lambda: not win.presenter.escapes_pending and bool(win.presenter.escapes), timeout=20_000)
    assert win.table.rowCount() == 4 and set(win.table.column_texts("Status")) == {"running"}
    yield win
    win.close()


def parse(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def points(cells: list[str]) -> list[tuple[float, ...]]:
    return [tuple(float(v) for v in cell.split(", ")) for cell in cells]


def column(lines: list[list[str]], name: str) -> list[str]:
    col = lines[0].index(name)
    return [line[col] for line in lines[1:]]


def assert_rows_hold_the_models_numbers(window, lines: list[list[str]], rows: list[int]) -> None:
    """Every number of ``rows`` reads back as the very float (or int) the table's model holds."""
    statuses, escapes = window.table.results.statuses, window.table.results.escapes
    assert lines[0] == list(COLUMNS)  # the titles shown, in order
    assert len(lines) == 1 + len(rows)
    assert column(lines, "Method") == [window.table.results.labels[r] for r in rows]
    assert points(column(lines, "Start")) == [STARTS[r % 2] for r in rows]  # run r starts at r % 2
    assert points(column(lines, "Final position")) == [tuple(statuses.final[r]) for r in rows]
    assert [float(v) for v in column(lines, "Final loss")] == [statuses.final_loss[r] for r in rows]
    assert [float(v) for v in column(lines, "Best loss")] == [statuses.best_loss[r] for r in rows]
    assert [int(v) for v in column(lines, "Steps")] == [12] * len(rows)
    assert column(lines, "Status") == [statuses.status[r] for r in rows]
    barriers = [float(v) for v in column(lines, "Max barrier")]
    assert barriers == [escapes[r].highest_barrier for r in rows]


def copy_with_keys(qtbot, window) -> list[list[str]]:
    QApplication.clipboard().clear()
    qtbot.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    return parse(QApplication.clipboard().text(), "\t")


def menu_action(window, text: str):
    """Right-click the table's first row and return the context menu's action ``text`` (and the menu)."""
    table = window.table
    table.customContextMenuRequested.emit(table.visualRect(table.results.index(0, 0)).center())
    menu = next(m for m in table.findChildren(QMenu) if m.isVisible())
    return next(a for a in menu.actions() if a.text() == text), menu


def test_ctrl_c_copies_the_rows_shown_or_selected_at_full_precision(qtbot, window):
    table = window.table
    table.clearSelection()
    lines = copy_with_keys(qtbot, window)
    assert_rows_hold_the_models_numbers(window, lines, [0, 1, 2, 3])
    # The display shortens the numbers; the copy does not (a start typed with 15 digits keeps them).
    assert table.column_texts("Start")[0] == "0.512346, -1" and lines[1][1] == "0.512345678912345, -1.0"
    shown_losses = [float(v) for v in table.column_texts("Final loss")]
    assert shown_losses != list(table.results.statuses.final_loss)
    assert "Copied 4 row(s)" in window.statusBar().currentMessage()

    gd = table.results.labels[0]
    table.methodsShown.emit(set(table.results.labels) - {gd})  # right-click ▸ Hide Gradient descent
    assert [table.isRowHidden(r) for r in range(4)] == [True, True, False, False]
    lines = copy_with_keys(qtbot, window)
    assert_rows_hold_the_models_numbers(window, lines, [2, 3])
    assert gd not in column(lines, "Method")

    table.methodsShown.emit(set(table.results.labels))  # ▸ Show every method
    table.selectRow(1)
    table.selectionModel().select(
        table.results.index(3, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    lines = copy_with_keys(qtbot, window)
    assert_rows_hold_the_models_numbers(window, lines, [1, 3])

    copy, menu = menu_action(window, "Copy rows")  # the context menu's action does the same
    assert copy.shortcut().matches(Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_C)
    QApplication.clipboard().clear()
    copy.trigger()
    menu.close()
    assert_rows_hold_the_models_numbers(window, parse(QApplication.clipboard().text(), "\t"), [1, 3])


def test_csv_export_writes_the_rows_shown_that_csv_reads_back(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    monkeypatch.setattr("gui.view.results_table.save_path", lambda *args: str(path))
    table = window.table
    table.methodsShown.emit({table.results.labels[-1]})  # ▸ Show Momentum alone
    table.selectRow(2)  # (a selection limits a copy, never the export)
    export, menu = menu_action(window, "Export table as CSV…")
    export.trigger()
    menu.close()
    with open(path, newline="", encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    assert_rows_hold_the_models_numbers(window, lines, [2, 3])
    assert path.read_bytes().count(b'"') == 2 * 4  # starts and final positions hold a comma: quoted
    assert window.statusBar().currentMessage() == f"Exported 2 row(s) of the results table to {path}"
    assert os.listdir(tmp_path) == ["results.csv"]


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_file(window, tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    previous = b"Method,Final loss\nold,1.5\n"
    path.write_bytes(previous)

    def no_room(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", no_room)
        assert window.table.export_csv(str(path)) is False
    assert path.read_bytes() == previous and os.listdir(tmp_path) == ["results.csv"]
    message = window.statusBar().currentMessage()
    assert message == f"Could not export the results table to {path}: no space left on the disk"

    folder = tmp_path / "a folder"
    folder.mkdir()
    assert window.table.export_csv(str(folder)) is False
    assert path.read_bytes() == previous and sorted(os.listdir(tmp_path)) == ["a folder", "results.csv"]
    assert os.listdir(folder) == []
    assert window.statusBar().currentMessage().endswith(": it is a folder")


def test_the_text_builders_quote_what_needs_it_and_read_back():
    lines = [["Method", "Final position", "Note"], ['Adam "fast", β=0.9', "1.5, -2.0", "tab\there\nline"]]
    assert parse(csv_text(lines), ",") == lines
    assert parse(tsv_text(lines), "\t") == lines
    assert tsv_text([["a", "1.5"], ["b", "2"]]) == "a\t1.5\nb\t2\n"  # plain cells stay plain for pasting
