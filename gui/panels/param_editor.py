"""An editor for one method's hyper-parameters, built from the core's ParamSpec descriptions."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.landscapes.data import DataLandscape
from core.methods import get_method
from core.params import ParamSpec
from gui.model import AppModel
from gui.style import ERROR_FIELD_STYLE, ERROR_STYLE


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
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.reset_button = QPushButton("Reset to defaults")
        self.reset_button.setToolTip("Restore every parameter of this method to its default")
        self.reset_button.clicked.connect(self._reset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.reset_button)
        self.fields: dict[str, QWidget] = {}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        model.stateLoaded.connect(self._forget_refused)
        model.methodsChanged.connect(self._sync_values)
        model.landscapeChanged.connect(self._sync_values)

    def show_method(self, method_id: str) -> None:
        self.method_id = method_id
        cls = get_method(method_id)
        self.title.setText(f"<b>{cls.name}</b><br><span style='color:#555'>{cls.description}</span>")
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields, self._rows = {}, {}
        for spec in cls.params():
            field = self._make_field(spec)
            label = QLabel(spec.name)
            tip = f"{spec.description}\nValid: {spec.describe_range()}; default {_text(spec.default)}"
            label.setToolTip(tip)
            field.setToolTip(tip)
            self.form.addRow(label, field)
            self.fields[spec.name] = field
            self._rows[spec.name] = (label, field)
        self.error.clear()
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
            visible = spec.shown_when is None or params[spec.shown_when[0]] in spec.shown_when[1]
            if spec.name == "batch_size":  # minibatches exist only on data landscapes
                visible = isinstance(self.model.landscape, DataLandscape)
            for widget in self._rows[spec.name]:
                widget.setVisible(visible)
