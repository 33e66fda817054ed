"""The Basins panel's success table when no run converged: "—" for the median steps (with a tooltip saying
why), an empty CSV cell, and the column still sorts; no "nan" anywhere; columns as wide as their contents."""

import csv
import io
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.experiment.spec import parse_method_spec
from core.landscapes.registry import get_landscape
from core.studies.basin_report import NO_LOSS_WHY, NO_STEPS_WHY
from core.studies.basins import compute_basin_map, success_row
from gui.model import AppModel
from gui.panels.basin_panel import BasinPanel

STEPS_COLUMN = 2


@pytest.fixture
def panel(qtbot):
    widget = BasinPanel(AppModel())
    qtbot.addWidget(widget)
    land = get_landscape("sine-mix")
    # 5 steps: every run ends at max-steps (no median); 1000 steps: GD converges from every start
    short = compute_basin_map(land, parse_method_spec("gd:lr=0.1"), 20, max_steps=5)
    full = compute_basin_map(land, parse_method_spec("gd:lr=0.05"), 20)
    widget.show_maps([short, full])
    return widget


def column(panel: BasinPanel, col: int) -> list[str]:
    return [panel.table.item(r, col).text() for r in range(panel.table.rowCount())]


def methods(panel: BasinPanel) -> list[str]:
    """Each row's method in full (its cell shows the display label, the same for both maps here)."""
    return [panel.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(panel.table.rowCount())]


def test_median_steps_without_converged_runs_is_a_dash(panel):
    short, full = (success_row(m) for m in panel.maps)
    assert np.isnan(short.median_steps) and full.median_steps > 10
    texts = dict(zip(methods(panel), column(panel, STEPS_COLUMN), strict=True))
    assert texts == {"gd": "—", "gd:lr=0.05": f"{full.median_steps:.0f}"}
    assert "nan" not in " ".join(column(panel, STEPS_COLUMN)).lower()


def test_csv_has_an_empty_cell_for_a_missing_median(panel):
    rows = list(csv.reader(io.StringIO(panel.table_csv())))
    assert rows[0][2] == "median_steps"
    cells = {row[0]: row[2] for row in rows[1:]}
    assert cells["gd"] == "" and float(cells["gd:lr=0.05"]) == success_row(panel.maps[1]).median_steps


def test_the_median_steps_column_still_sorts(panel):
    panel.table.sortByColumn(STEPS_COLUMN, Qt.SortOrder.AscendingOrder)
    assert methods(panel) == ["gd:lr=0.05", "gd"]  # a missing median sorts after every number
    panel.table.sortByColumn(STEPS_COLUMN, Qt.SortOrder.DescendingOrder)
    assert methods(panel) == ["gd", "gd:lr=0.05"]
    assert column(panel, STEPS_COLUMN)[0] == "—"


def test_no_nan_anywhere_in_the_table_and_a_dash_says_why(panel):
    short, full = panel.maps
    no_loss = replace(short, final_loss=np.full_like(short.final_loss, np.inf))  # no finite final loss
    panel.show_maps([short, full, no_loss])
    cells = [panel.table.item(r, c) for r in range(3) for c in range(panel.table.columnCount())]
    assert not any("nan" in cell.text().lower() for cell in cells)
    steps, loss = panel.table.item(2, STEPS_COLUMN), panel.table.item(2, STEPS_COLUMN + 1)
    assert (steps.text(), loss.text()) == ("—", "—")
    assert steps.toolTip() == NO_STEPS_WHY and loss.toolTip() == NO_LOSS_WHY
    assert panel.table.item(1, STEPS_COLUMN).toolTip() == ""  # a number needs no excuse
    assert list(csv.reader(io.StringIO(panel.table_csv())))[3][3] == ""


def test_columns_fit_their_contents_and_scroll_sideways_only_when_needed(qtbot, panel):
    table = panel.table
    panel.show()
    for width, scrolls in ((1000, False), (300, True)):
        panel.resize(width, 900)
        qtbot.waitUntil(lambda w=width: panel.width() == w)
        qtbot.wait(50)
        for col in range(table.columnCount()):
            widest = max(table.fontMetrics().horizontalAdvance(table.item(r, col).text()) for r in range(2))
            assert table.columnWidth(col) > widest  # nothing cut
        assert table.horizontalScrollBar().isVisible() == scrolls
        rows = table.horizontalHeader().height() + table.verticalHeader().length()
        assert table.height() >= rows  # every row shows, without a vertical scroll bar


def test_two_maps_of_one_method_are_told_apart_by_their_settings(panel):
    titles = ["Gradient descent", "Gradient descent (lr=0.05)"]
    assert panel.maps_view.titles == titles and column(panel, 0) == titles and panel.bars.labels == titles
