"""Small Qt building blocks shared by the windows: menu actions and scrolling panels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def make_action(
    parent: QObject,
    text: str,
    slot: Callable | None = None,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    checkable: bool = False,
) -> QAction:
    """A QAction set up with method calls (PySide6 keyword properties have refcount trouble with bools)."""
    action = QAction(text, parent)
    if checkable:
        action.setCheckable(True)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if slot is not None:
        action.triggered.connect(slot)
    return action


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a scroll area: on a short screen it scrolls instead of squashing its boxes."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setMinimumWidth(widget.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width())
    return area
