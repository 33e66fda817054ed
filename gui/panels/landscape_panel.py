"""The Landscape panel: choosing the landscape, its domain and the minima toggle."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.landscape import Landscape
from core.landscapes.data import data_landscape_info
from core.landscapes.registry import FORMULA_PREFIX, LANDSCAPES, data_landscape_ids, get_landscape, is_nn_id
from gui.model import AppModel
from gui.panels.landscape_chooser import LandscapeChooser
from gui.panels.landscape_extras import LandscapeExtras
from gui.panels.nn_box import nn_items
from gui.qt_helpers import bind_view_option, error_label
from gui.workers.preparer import Preparer

CUSTOM = "__custom__"


class LandscapePanel(QWidget):
    """The landscape chooser (grouped 1-D / 2-D / data / networks / formula), a description, the
    domain fields and the minima toggle."""

    message = Signal(str)

    def __init__(self, model: AppModel, preparer: Preparer, parent=None):
        super().__init__(parent)
        self.model, self.preparer = model, preparer
        self.chooser = LandscapeChooser()
        self.chooser.setToolTip("The loss landscape the runs descend")
        for title, lands in (
            ("1-D curves", [la for la in LANDSCAPES.values() if la.dim == 1]),
            ("2-D surfaces", [la for la in LANDSCAPES.values() if la.dim == 2]),
        ):
            self.chooser.add_heading(title)
            for land in lands:
                self.chooser.add_entry(land.id, land.name, f"{land.description}\n{land.formula}")
        self.chooser.add_heading("Data: a model's loss (minibatches)")
        for land_id in data_landscape_ids():  # (named without building them: each searches its minima)
            name, description, formula = data_landscape_info(land_id)
            self.chooser.add_entry(land_id, name, f"{description}\n{formula}")
        self.chooser.add_heading("Neural-network slices (two moons)")
        for land_id, label, tooltip in nn_items():
            self.chooser.add_entry(land_id, label, tooltip)
        self.chooser.add_heading("Your own")
        self.chooser.add_entry(CUSTOM, "Custom formula…", "Type f(x) or f(x, y)")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.domain_edits = [QLineEdit() for _ in range(4)]
        domain = QHBoxLayout()  # x [min] [max]  y [min] [max]: one row
        self.axis_labels = [QLabel("x"), QLabel("y")]
        for i, (edit, name) in enumerate(
            zip(self.domain_edits, ("x min", "x max", "y min", "y max"), strict=True)
        ):
            if i % 2 == 0:
                domain.addWidget(self.axis_labels[i // 2])
            edit.setToolTip(f"Domain: {name} (press Enter to apply)")
            edit.setPlaceholderText(name)
            edit.setMinimumWidth(36)
            edit.editingFinished.connect(self._apply_domain)
            domain.addWidget(edit, 1)
        self.error = error_label()
        self.show_minima = QCheckBox("Show known minima")
        self.show_minima.setToolTip(
            "★ global minima, ▲ local ones, ☆ the box's lowest point when it is on the edge"
        )
        bind_view_option(model, "show_minima", self.show_minima)
        self.extras = LandscapeExtras(model, preparer)
        self.extras.formula.message.connect(self.message)
        self.extras.dataset.message.connect(self.message)
        self.extras.nn.message.connect(self.message)
        self.extras.nn.finished.connect(self._on_nn_finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)  # (compact: the left column fits 1280×720)
        layout.setSpacing(4)
        layout.addWidget(self.chooser)
        layout.addWidget(self.extras)
        layout.addWidget(self.description)
        layout.addLayout(domain)
        layout.addWidget(self.error)
        layout.addWidget(self.show_minima)
        layout.addStretch(1)
        self.chooser.chosen.connect(self._on_select)
        model.landscapeChanged.connect(self._sync)
        self._sync()

    def choose(self, landscape_id: str) -> None:
        """Pick ``landscape_id`` in the chooser, as a person does."""
        self.chooser.choose(landscape_id)

    def _on_select(self, landscape_id: str) -> None:
        if landscape_id and self.extras.nn.busy:
            self.extras.nn.cancel(superseded=True)  # the latest choice wins
        if landscape_id and landscape_id != CUSTOM:
            self.preparer.cancel()  # …over a formula, data or file still being prepared too
        if landscape_id == CUSTOM:
            self.extras.show_formula(True)
            self.extras.formula.edit.setFocus()
        elif landscape_id and is_nn_id(landscape_id):
            if _list_id(self.model.landscape.id) != landscape_id:
                self.extras.show_formula(False)
                self.extras.nn.prepare(landscape_id.removeprefix("nn-"))  # trains in the background
        elif landscape_id and landscape_id != self.model.landscape.id:
            self.extras.show_formula(False)
            if landscape_id in LANDSCAPES:  # built-in: at once
                self.model.set_landscape(landscape_id)
            else:  # a data landscape searches its minima: in the worker
                build = lambda state: get_landscape(landscape_id)  # noqa: E731
                text = self.chooser.entry_text(landscape_id)
                self.preparer.prepare(f"Preparing {text}…", build, self.model.set_landscape_object)

    def _on_nn_finished(self) -> None:
        if not self.extras.nn.superseded:  # back to the landscape shown, unless the user moved on
            self._sync()

    def _apply_domain(self) -> None:
        land = self.model.landscape
        texts = [e.text().strip() for e in self.domain_edits[: 2 * land.dim]]
        try:
            values = [float(t) for t in texts]
            domain = tuple((values[2 * i], values[2 * i + 1]) for i in range(land.dim))
            if domain != land.domain:
                Landscape.with_domain(land, domain)  # checks the box at once (bounds, order, limits)
                self._widen(land, domain)
        except ValueError as exc:
            text = (
                str(exc) if "domain" in str(exc) else f"invalid domain {texts}: enter numbers with min < max"
            )
            self.error.setText(text)
            self.message.emit(text)
            self._sync_domain()
            return
        self.error.clear()

    def _widen(self, land: Landscape, domain: tuple[tuple[float, float], ...]) -> None:
        """The same landscape on ``domain``, its minima searched there in the worker."""

        def build(state) -> Landscape:
            if land.id.startswith(FORMULA_PREFIX):  # a formula must also be finite somewhere there
                return get_landscape(land.id, domain)
            return land.with_domain(domain)

        def refused(problem: str) -> None:
            self.error.setText(problem)
            self._sync_domain()

        self.preparer.prepare(
            "Searching the minima on the new domain…", build, self.model.set_landscape_object, refused
        )

    def _sync(self) -> None:
        land = self.model.landscape
        if not self.extras.nn.busy:
            self.chooser.show_choice(_list_id(land.id))
        text = f"<b>{land.name}</b>: {land.description}<br><code>{land.formula}</code>"
        if land.lowest_edge is not None:
            edge = land.lowest_edge
            where = ", ".join(f"{v:.4g}" for v in edge.location)
            text += (
                f"<br><i>The box's lowest point is on its edge, at ({where}), f = {edge.value:.4g}"
                " (☆): no minimum inside is global.</i>"
            )
        self.description.setText(text)
        self._sync_domain()

    def _sync_domain(self) -> None:
        land = self.model.landscape
        values = [v for pair in land.domain for v in pair]
        for label, name in zip(self.axis_labels, land.axis_names, strict=False):
            label.setText(name.split()[0])  # (a network's "α (direction d₁)": α)
        self.axis_labels[1].setVisible(land.dim == 2)
        for i, edit in enumerate(self.domain_edits):
            edit.setVisible(i < 2 * land.dim)
            if i < len(values):
                edit.setText(f"{values[i]:g}")


def _list_id(landscape_id: str) -> str:
    """The landscape list's entry for a landscape id (formulas: Custom; networks: their variant)."""
    if landscape_id.startswith(FORMULA_PREFIX):
        return CUSTOM
    return landscape_id.partition(":")[0] if is_nn_id(landscape_id) else landscape_id
