"""The Basins panel's success table when no run converged: "—" for the median steps, an empty CSV cell,
and the column still sorts."""

import csv
import io

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.experiment.spec import parse_method_spec
from core.landscapes.registry import get_landscape
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


def test_median_steps_without_converged_runs_is_a_dash(panel):
    short, full = (success_row(m) for m in panel.maps)
    assert np.isnan(short.median_steps) and full.median_steps > 10
    texts = dict(zip(column(panel, 0), column(panel, STEPS_COLUMN), strict=True))
    assert texts == {"gd": "—", "gd:lr=0.05": f"{full.median_steps:.0f}"}
    assert "nan" not in " ".join(column(panel, STEPS_COLUMN)).lower()


def test_csv_has_an_empty_cell_for_a_missing_median(panel):
    rows = list(csv.reader(io.StringIO(panel.table_csv())))
    assert rows[0][2] == "median_steps"
    cells = {row[0]: row[2] for row in rows[1:]}
    assert cells["gd"] == "" and float(cells["gd:lr=0.05"]) == success_row(panel.maps[1]).median_steps


def test_the_median_steps_column_still_sorts(panel):
    panel.table.sortByColumn(STEPS_COLUMN, Qt.SortOrder.AscendingOrder)
    assert column(panel, 0) == ["gd:lr=0.05", "gd"]  # a missing median sorts after every number
    panel.table.sortByColumn(STEPS_COLUMN, Qt.SortOrder.DescendingOrder)
    assert column(panel, 0) == ["gd", "gd:lr=0.05"]
    assert column(panel, STEPS_COLUMN)[0] == "—"
