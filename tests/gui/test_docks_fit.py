"""At 1280×720 every control of the Landscape and Methods docks is in view: none clipped by its dock or
scrolled out of it, with the most parameter rows a method shows (stochastic GD with the SGDR schedule)
and with the tallest landscape panel (a data landscape's dataset box)."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QWidget,
)

from core.experiment.presets import PRESETS
from tests.gui.helpers import make_window, settle, wait_prepared

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit)


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def clipped_controls(dock) -> list[str]:
    """The shown controls of ``dock`` not wholly inside the part of it a person sees."""
    seen = dock.rect().adjusted(0, dock.height() - dock.widget().height(), 0, 0)
    viewport = getattr(dock.widget(), "viewport", None)  # a scrolling dock: only its viewport shows
    if viewport is not None:
        seen = QRect(viewport().mapTo(dock, QPoint(0, 0)), viewport().size())
    out = []
    for control in dock.widget().findChildren(QWidget):
        if not isinstance(control, CONTROLS) or not control.isVisibleTo(dock):
            continue
        rect = QRect(control.mapTo(dock, QPoint(0, 0)), control.size())
        if not seen.contains(rect):
            out.append(f"{type(control).__name__} {rect.getRect()} not in {seen.getRect()}")
    return out


@pytest.mark.parametrize("preset", ["escape-rastrigin", "minibatch-noise"])
def test_every_landscape_and_method_control_shows_at_1280_by_720(qtbot, window, preset):
    window.open_preset(PRESETS[preset])
    wait_prepared(qtbot, window)
    window.model.set_method_enabled("sgd", True)
    window.model.set_method_param("sgd", "schedule", "sgdr")
    window.methods_panel.show_parameters("sgd")
    window.resize(1280, 720)
    settle(0.5)
    editor = window.methods_panel.editor
    assert sum(field.isVisibleTo(window) for field in editor.fields.values()) >= 7  # lr, noise, …, t0, tmult
    for name in ("Landscape", "Methods"):
        dock = window.docks[name]
        assert dock.isVisible() and not dock.isFloating()
        clipped = clipped_controls(dock)
        assert clipped == [], (name, clipped, dock.height(), dock.widget().height())
    assert window.landscape_panel.show_minima.isVisibleTo(window)
