"""Small Qt building blocks shared by the windows: menu actions, scrolling panels, option toggles bound
to the model, error labels and spin boxes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QLabel,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from gui.style import ERROR_STYLE


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


class _Scrolling(QScrollArea):
    """At least as wide as its widget needs (which changes: a panel's boxes come and go), with room for
    the scroll bar; it scrolls only up and down."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        width = self.widget().minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(width, super().minimumSizeHint().height())


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a scroll area: on a short screen it scrolls instead of squashing its boxes."""
    area = _Scrolling()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def bind_view_option(model, name: str, toggle: QAbstractButton | QAction) -> None:
    """Keep a checkbox or checkable action and the model's view option ``name`` in step, both ways."""
    toggle.setChecked(bool(model.view.option(name)))
    toggle.toggled.connect(lambda on: model.set_view_option(name, bool(on)))

    def follow() -> None:
        value = bool(model.view.option(name))
        if toggle.isChecked() != value:
            toggle.setChecked(value)

    model.viewChanged.connect(follow)


def choice_menu(model, name: str, menu: QMenu, labels: dict[str, str]) -> None:
    """Fill ``menu`` with one exclusive checkable action per word of the view option ``name``
    (``labels``: word → text), kept in step with the model both ways."""
    group = QActionGroup(menu)
    actions = {}
    for word, text in labels.items():
        action = QAction(text, menu, checkable=True)
        action.setChecked(model.view.option(name) == word)
        action.triggered.connect(lambda _=False, w=word: model.set_view_option(name, w))
        group.addAction(action)
        menu.addAction(action)
        actions[word] = action

    def follow() -> None:
        action = actions.get(model.view.option(name))
        if action is not None and not action.isChecked():
            action.setChecked(True)

    model.viewChanged.connect(follow)


def plain_axes(plot) -> None:
    """A pyqtgraph PlotItem's axes showing real values (plain or scientific), never a unit multiplier
    like "η (x0.001)" beside the label."""
    for name in ("left", "bottom"):
        plot.getAxis(name).enableAutoSIPrefix(False)


class _EscapeCloses(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            watched.close()
            return True
        return False


def close_on_escape(window: QWidget) -> None:
    """Esc closes ``window`` (an analysis window), as it does a dialog: also when the key reaches it
    from a child that has no use for Esc."""
    window.installEventFilter(_EscapeCloses(window))


class _ErrorLabel(QLabel):
    """Shown only while it has text (an empty one would still take a row of its panel)."""

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


def error_label() -> QLabel:
    """A red, word-wrapped label for input errors; hidden while it has no text."""
    label = _ErrorLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def set_error(label: QLabel, text: str) -> None:
    """Show ``text`` in an error label, or hide it when ``text`` is empty."""
    label.setText(text)
    label.setVisible(bool(text))


def spin_box(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
    """A QSpinBox with its range, value and tooltip set."""
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    return box


class MenuActions(QObject):
    """A set of menu actions on ``host``: ``report`` shows an error (a dialog and the status bar, via
    ``message``) or a success (the status bar only)."""

    message = Signal(str)

    def __init__(self, host: QWidget):
        super().__init__(host)
        self.host = host

    def report(self, error: str | None, success: str | None = None) -> None:
        if error:
            self.message.emit(error)
            box = QMessageBox(QMessageBox.Icon.Warning, "Minima Lab", error, parent=self.host)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # window-modal, but the event loop goes on (workers keep reporting)
        elif success:
            self.message.emit(success)
