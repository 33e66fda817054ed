"""A table view's rows as text for a spreadsheet: tab-separated for the clipboard, CSV for a file.

The text builders are pure (lists of cell texts in, text out); the helpers that read a view take what is
on screen: the columns shown in their order, the rows not hidden.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from core.files import atomic_write_text

MESSAGE_MS = 15000  # as long as the window's other exports show theirs

Lines = list[list[str]]


def delimited_text(lines: Iterable[Sequence[str]], delimiter: str) -> str:
    """``lines`` (the header first) joined by ``delimiter``, one per line ending in "\\n"; a cell holding
    the delimiter, a quote or a line break is quoted as the csv module does (spreadsheets read it back)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(lines)
    return out.getvalue()


def tsv_text(lines: Iterable[Sequence[str]]) -> str:
    """Tab-separated text, as a spreadsheet pastes it."""
    return delimited_text(lines, "\t")


def csv_text(lines: Iterable[Sequence[str]]) -> str:
    """Comma-separated text (RFC 4180 quoting, "\\n" line ends)."""
    return delimited_text(lines, ",")


def write_csv(path: str | os.PathLike, lines: Iterable[Sequence[str]]) -> None:
    """Write ``lines`` to ``path`` as UTF-8 CSV atomically: a temporary file beside it, renamed over it.
    On an OSError the previous file is left as it was and no temporary file stays."""
    atomic_write_text(path, csv_text(lines))


def shown_columns(view: QTableView) -> list[int]:
    """The model columns on screen, left to right."""
    header = view.horizontalHeader()
    columns = (header.logicalIndex(visual) for visual in range(header.count()))
    return [col for col in columns if not view.isColumnHidden(col)]


def shown_rows(view: QTableView) -> list[int]:
    """The model rows not hidden, top to bottom."""
    return [row for row in range(view.model().rowCount()) if not view.isRowHidden(row)]


def selected_rows(view: QTableView) -> list[int]:
    """The selected rows not hidden, top to bottom."""
    rows = {index.row() for index in view.selectionModel().selectedIndexes()}
    return [row for row in sorted(rows) if not view.isRowHidden(row)]


def table_lines(view: QTableView, rows: Iterable[int], cell: Callable[[int, int], str]) -> Lines:
    """The column titles shown, then one line per row of ``rows``: ``cell(row, col)`` of each column
    shown."""
    cols = shown_columns(view)
    model = view.model()
    header = [str(model.headerData(col, Qt.Orientation.Horizontal)) for col in cols]
    return [header, *([cell(row, col) for col in cols] for row in rows)]
