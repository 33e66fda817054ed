"""An editor for one method's hyper-parameters, built from the core's ParamSpec descriptions."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.landscapes.data import DataLandscape
from core.methods import get_method
from core.params import ParamSpec
from gui.model import AppModel
from gui.panels.stable_rate import StableRateBar
from gui.qt_helpers import error_label
from gui.style import ERROR_FIELD_STYLE

PAIRS_PER_ROW = 2  # parameters side by side: a method with a schedule has nine


def first_sentence(text: str) -> str:
    """``text`` up to its first full stop followed by a space (all of it if it has none)."""
    head, stop, _ = text.partition(". ")
    return head + "." if stop else text


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class ParamEditor(QWidget):
    """Fields for every parameter of the selected method; bad values are refused with a message."""

    message = Signal(str)

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.method_id: str | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.form = QGridLayout()
        self.form.setHorizontalSpacing(6)
        self.form.setVerticalSpacing(4)
        self.error = error_label()
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Restore every parameter of this method to its default")
        self.reset_button.clicked.connect(self._reset)
        self.stable_rate = StableRateBar(model)  # just above the form, so next to lr (its first field)
        self.stable_rate.rateChosen.connect(self._use_rate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.stable_rate)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        self.fields: dict[str, QWidget] = {}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        self._shown: list[str] | None = None  # the parameters laid out, in order
        model.stateLoaded.connect(self._forget_refused)
        model.methodsChanged.connect(self._sync_values)
        model.landscapeChanged.connect(self._sync_values)

    def show_method(self, method_id: str) -> None:
        self.method_id = method_id
        cls = get_method(method_id)
        # (the method's name is in the "Parameters of" box above; its whole description in the tooltip)
        self.title.setText(f"<span style='color:#555'>{first_sentence(cls.description)}</span>")
        self.title.setToolTip(cls.description)
        for widget in (w for row in self._rows.values() for w in row):
            self.form.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.fields, self._rows = {}, {}
        for spec in cls.params():
            field = self._make_field(spec)
            label = QLabel(spec.name)
            tip = f"{spec.description}\nValid: {spec.describe_range()}; default {_text(spec.default)}"
            label.setToolTip(tip)
            field.setToolTip(tip)
            self.fields[spec.name] = field
            self._rows[spec.name] = (label, field)
        self.error.clear()
        self._shown: list[str] | None = None
        self._sync_values()

    def _make_field(self, spec: ParamSpec) -> QWidget:
        if spec.kind == "choice":
            box = QComboBox()
            box.addItems(list(spec.choices))
            box.currentTextChanged.connect(lambda text, name=spec.name: self._commit(name, text))
            return box
        edit = QLineEdit()
        edit.editingFinished.connect(lambda name=spec.name, e=edit: self._commit(name, e.text()))
        return edit

    def _commit(self, name: str, text: str) -> None:
        if self.method_id is None:
            return
        try:
            self.model.set_method_param(self.method_id, name, text)
        except ValueError as exc:
            field = self.fields.get(name)
            if field is not None:
                field.setStyleSheet(ERROR_FIELD_STYLE)
            self.error.setText(str(exc))
            self.message.emit(str(exc))
            return
        self.fields[name].setStyleSheet("")
        self.error.clear()

    def _use_rate(self, rate: float) -> None:
        """Set lr to ``rate`` (the stable one), replacing a refused lr text if there is one."""
        self._forget_refused()
        self._commit("lr", repr(rate))

    def _reset(self) -> None:
        if self.method_id is not None:
            self.model.reset_method(self.method_id)
            self._forget_refused()

    def _forget_refused(self) -> None:
        """Drop refused texts (red): the values shown next are the model's (a reset, a file, a preset)."""
        self.error.clear()
        for field in self.fields.values():
            field.setStyleSheet("")

    def _sync_values(self) -> None:
        """Show the model's values (after presets, resets or a refused edit) and hide unused rows."""
        if self.method_id is None:
            return
        params = self.model.methods[self.method_id].params
        for spec in get_method(self.method_id).params():
            field = self.fields[spec.name]
            value = params[spec.name]
            field.blockSignals(True)
            if isinstance(field, QComboBox):
                field.setCurrentText(str(value))
            elif field.styleSheet() != ERROR_FIELD_STYLE:
                field.setText(_text(value))
            field.blockSignals(False)
        self._place(
            [spec.name for spec in get_method(self.method_id).params() if self._applies(spec, params)]
        )
        self.stable_rate.refresh(self.method_id)

    def _applies(self, spec: ParamSpec, params: dict) -> bool:
        """Whether ``spec`` matters now (a schedule's own parameter; minibatches on data landscapes)."""
        if spec.name == "batch_size":
            return isinstance(self.model.landscape, DataLandscape)
        return spec.shown_when is None or params[spec.shown_when[0]] in spec.shown_when[1]

    def _place(self, names: list[str]) -> None:
        """The rows of ``names`` (the others hidden), ``PAIRS_PER_ROW`` label–field pairs a row."""
        if names == self._shown:
            return
        self._shown = names
        for label, field in self._rows.values():
            self.form.removeWidget(label)
            self.form.removeWidget(field)
            label.hide()
            field.hide()
        for k, name in enumerate(names):
            row, pair = divmod(k, PAIRS_PER_ROW)
            for offset, widget in enumerate(self._rows[name]):
                self.form.addWidget(widget, row, 2 * pair + offset)
                widget.show()
        for pair in range(PAIRS_PER_ROW):
            self.form.setColumnStretch(2 * pair + 1, 1)
