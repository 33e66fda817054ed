"""The parameter editor flags a learning rate above the stability limit and offers the stable one; nothing
changes unless the button is pressed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.experiment.presets import PRESETS
from core.methods import stable_rate
from gui.model import AppModel
from gui.panels.param_editor import ParamEditor
from tests.gui.helpers import make_window


@pytest.fixture
def editor(qtbot):
    model = AppModel()
    widget = ParamEditor(model)
    qtbot.addWidget(widget)
    widget.resize(320, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def flagged(editor: ParamEditor) -> bool:
    return editor.stable_rate.isVisibleTo(editor)


def test_an_unstable_rate_is_flagged_and_the_button_sets_the_stable_one(qtbot, editor):
    model = editor.model
    model.set_landscape("rosenbrock")
    editor.show_method("gd")
    model.set_method_param("gd", "lr", 0.01)  # diverges from (−1.5, 2) in 6 steps
    assert flagged(editor)
    assert "2/L" in editor.stable_rate.label.text()
    assert "largest curvature" in editor.stable_rate.label.toolTip()
    qtbot.mouseClick(editor.stable_rate.button, Qt.MouseButton.LeftButton)
    lr = model.methods["gd"].params["lr"]
    assert lr == stable_rate(model.landscape, "gd", {"lr": 0.01})
    assert lr == pytest.approx(1 / 5326.8, rel=1e-3)
    assert not flagged(editor)
    assert float(editor.fields["lr"].text()) == pytest.approx(lr, rel=1e-5)


def test_the_flag_follows_the_landscape_the_method_and_lr(qtbot, editor):
    model = editor.model
    model.set_landscape("rastrigin")
    editor.show_method("momentum")
    model.set_method_param("momentum", "lr", 0.05)  # limit 2(1+0.9)/L ≈ 0.0096
    assert flagged(editor)
    assert "2(1+β)/L" in editor.stable_rate.label.text()
    model.set_landscape("booth")  # L = 18: limit ≈ 0.21
    assert not flagged(editor)
    model.set_landscape("rastrigin")
    assert flagged(editor)
    editor.show_method("adam")  # no stability limit
    assert not flagged(editor)
    editor.show_method("momentum")
    assert flagged(editor)
    editor.fields["lr"].setText("0.005")  # typed, as a person would
    editor.fields["lr"].editingFinished.emit()
    assert model.methods["momentum"].params["lr"] == 0.005
    assert not flagged(editor)


def test_a_refused_lr_text_gives_way_to_the_stable_rate(qtbot, editor):
    model = editor.model
    model.set_landscape("rastrigin")
    editor.show_method("gd")
    model.set_method_param("gd", "lr", 0.5)
    editor.fields["lr"].setText("-3")
    editor.fields["lr"].editingFinished.emit()  # refused: the field turns red, the model keeps 0.5
    assert editor.error.text() and flagged(editor)
    qtbot.mouseClick(editor.stable_rate.button, Qt.MouseButton.LeftButton)
    lr = model.methods["gd"].params["lr"]
    assert lr == pytest.approx(1 / (2 + 40 * 3.141592653589793**2), rel=1e-6)
    assert float(editor.fields["lr"].text()) == pytest.approx(lr, rel=1e-5)
    assert editor.fields["lr"].styleSheet() == "" and not editor.error.text()


def test_loading_a_preset_changes_none_of_its_parameters(qtbot, editor):
    """adaptive-rosenbrock's GD rate 0.001 is above 2/L ≈ 3.8e-4 on Rosenbrock's whole domain: it is
    flagged, and kept until the button is pressed."""
    preset = PRESETS["adaptive-rosenbrock"]
    model = editor.model
    model.load_preset(preset)
    editor.show_method("gd")
    assert flagged(editor)
    assert model.state.methods == preset.state().methods
    assert model.state.parked == preset.state().parked


def test_the_methods_panel_flags_each_ticked_method_with_an_unstable_rate(qtbot):
    window = make_window(qtbot)
    model, boxes = window.model, window.methods_panel.boxes
    model.set_landscape("rastrigin")
    for mid in model.methods:
        model.set_method_enabled(mid, mid in ("gd", "momentum", "adam"))
    model.set_method_param("gd", "lr", "0.01")  # above 2/L = 0.00504 on Rastrigin
    model.set_method_param("momentum", "lr", "0.001")  # below 2(1+β)/L
    model.set_method_param("adam", "lr", "0.5")  # (no such limit)
    assert boxes["gd"].text().endswith("⚠") and "may diverge" in boxes["gd"].toolTip()
    assert not boxes["momentum"].text().endswith("⚠") and not boxes["adam"].text().endswith("⚠")
    model.set_landscape("booth")  # a gentle bowl: 0.01 is stable there
    assert not boxes["gd"].text().endswith("⚠")
    model.set_landscape("rastrigin")
    model.set_method_enabled("gd", False)  # (an unticked method runs nothing: no flag)
    assert not boxes["gd"].text().endswith("⚠")
    window.close()
