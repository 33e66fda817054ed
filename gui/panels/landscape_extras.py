"""Extra landscape controls: a typed formula ("Custom…") and the dataset of a data landscape."""

from __future__ import annotations

import importlib
import sys
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.landscape import Landscape
from core.landscapes.data import DataLandscape, load_csv_dataset_apart, make_data_landscape
from core.landscapes.registry import FORMULA_PREFIX, is_nn_id
from core.limits import MAX_SEED
from gui.file_dialogs import open_path
from gui.model import AppModel
from gui.panels.nn_box import NNBox
from gui.qt_helpers import error_label
from gui.workers.preparer import Preparer

ALLOWED_HELP = (
    "Variables x (and y for a surface), constants pi and e, + − * / ** and parentheses; "
    "functions sin cos tan exp log sqrt abs tanh sinh cosh arctan."
)


FORMULA_MODULE = "core.landscapes.formula"


class FormulaBox(QGroupBox):
    """Type f(x) or f(x, y); Apply builds it (exact gradient by SymPy). Errors show inline."""

    message = Signal(str)

    def __init__(self, model: AppModel, preparer: Preparer, parent=None):
        super().__init__("Custom formula", parent)
        self.model, self.preparer = model, preparer
        self._warming: threading.Thread | None = None
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(
            "e.g. sin(x) + 0.5*sin(3*x)   or   (x**2 + y - 11)**2 + (x + y**2 - 7)**2"
        )
        self.edit.setToolTip(ALLOWED_HELP)
        self.apply = QPushButton("Apply")
        self.apply.setToolTip("Build the landscape from the formula (Enter)")
        self.help = QLabel(ALLOWED_HELP)
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #555;")
        self.error = error_label()
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.apply)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.help)
        layout.addWidget(self.error)
        self.apply.clicked.connect(self.apply_formula)
        self.edit.returnPressed.connect(self.apply_formula)

    def warm_up(self) -> threading.Thread | None:
        """Import the formula parser (SymPy: about a second) in the background while the user types,
        so that applying the first formula does not stall the window. The thread, if one started."""
        if FORMULA_MODULE in sys.modules or self._warming is not None:
            return self._warming
        self._warming = threading.Thread(
            target=importlib.import_module, args=(FORMULA_MODULE,), name="formula-import", daemon=True
        )
        self._warming.start()
        return self._warming

    def apply_formula(self) -> bool:
        """Check the typed formula at once (an error shows here and the landscape stays); then build
        it in the worker (its minima search) and show it when ready. True if it was accepted."""
        from core.landscapes.formula import formula_landscape, parse_formula  # SymPy: loaded on first use

        text = self.edit.text().strip()
        try:
            formula = parse_formula(text)
        except ValueError as exc:
            self._refuse(str(exc))
            return False
        domain = self.model.landscape.domain
        domain = domain if formula.dim == len(domain) else None

        def build(state) -> Landscape:
            return formula_landscape(text, domain)

        self.error.clear()
        self.preparer.prepare(
            "Searching the formula's minima…", build, self.model.set_landscape_object, self._refuse
        )
        return True

    def _refuse(self, problem: str) -> None:
        self.error.setText(problem)
        self.message.emit(f"Formula refused: {problem}")


class DatasetBox(QGroupBox):
    """The dataset of a data landscape: generated (size, noise, seed) or loaded from a CSV file."""

    message = Signal(str)

    def __init__(self, model: AppModel, preparer: Preparer, parent=None):
        super().__init__("Dataset", parent)
        self.model, self.preparer = model, preparer
        self.size = QSpinBox()
        self.size.setRange(2, 10_000)
        self.size.setValue(64)
        self.size.setToolTip("Number of generated samples")
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 10.0)
        self.noise.setSingleStep(0.05)
        self.noise.setValue(0.1)
        self.noise.setToolTip("Standard deviation of the noise added to the targets")
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        self.seed.setToolTip("Seed of the generated data")
        self.generate = QPushButton("Generate")
        self.load = QPushButton("CSV…")
        self.load.setToolTip("Load the data from a CSV file: x,y pairs, one a line (a header line allowed)")
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.error = error_label()
        grid = QGridLayout(self)  # compact: the Landscape dock fits 1280×720 with it
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setVerticalSpacing(3)
        for row, pairs in enumerate(
            ((("Samples", self.size), ("Noise", self.noise)), (("Seed", self.seed),))
        ):
            for k, (name, field) in enumerate(pairs):
                grid.addWidget(QLabel(name), row, 2 * k)
                grid.addWidget(field, row, 2 * k + 1)
        grid.addWidget(self.generate, 1, 2)
        grid.addWidget(self.load, 1, 3)
        grid.addWidget(self.source, 2, 0, 1, 4)
        grid.addWidget(self.error, 3, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.generate.clicked.connect(self.regenerate)
        self.load.clicked.connect(self._load_dialog)

    def regenerate(self) -> None:
        """New generated data with the fields' size, noise and seed (minima searched in the worker)."""
        land, n, noise, seed = self.model.landscape, self.size.value(), self.noise.value(), self.seed.value()

        def build(state) -> Landscape:
            return make_data_landscape(land.id, n=n, noise=noise, seed=seed).with_domain(land.domain)

        self.error.clear()
        self.preparer.prepare("Generating the data…", build, self.model.set_landscape_object, self._refuse)

    def load_csv(self, path: str) -> None:
        """Use the x,y pairs of ``path``, read, checked (at most the limit of samples) and fitted in the
        worker; a bad file shows its problem here and changes nothing."""
        land = self.model.landscape

        def build(state) -> Landscape:
            return land.with_dataset(load_csv_dataset_apart(path, state.cancel))

        self.error.clear()
        self.preparer.prepare(
            "Reading the data file…", build, self.model.set_landscape_object, self._refuse_file
        )

    def _refuse(self, problem: str) -> None:
        self.error.setText(problem)
        self.message.emit(f"Data refused: {problem}")

    def _refuse_file(self, problem: str) -> None:
        """A file the user chose is refused where they will see it: a message box (not modal: nothing
        waits on it) as well as the box's own note."""
        self._refuse(problem)
        box = QMessageBox(QMessageBox.Icon.Warning, "Data file refused", problem, parent=self.window())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _load_dialog(self) -> None:
        path = open_path(self, "Load x,y data", "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.load_csv(path)

    def sync(self) -> None:
        land = self.model.landscape
        if isinstance(land, DataLandscape):
            self.source.setText(f"{land.n_samples} samples · {land.dataset.source}")


class LandscapeExtras(QWidget):
    """Shows the formula box for typed formulas, the dataset box for data landscapes and the network
    box for network slices (also while one is being prepared)."""

    def __init__(self, model: AppModel, preparer: Preparer, parent=None):
        super().__init__(parent)
        self.model = model
        self.formula = FormulaBox(model, preparer)
        self.dataset = DatasetBox(model, preparer)
        self.nn = NNBox(model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.formula)
        layout.addWidget(self.dataset)
        layout.addWidget(self.nn)
        self.nn.finished.connect(self._sync_nn)
        model.landscapeChanged.connect(self.sync)
        self.sync()

    def _sync_nn(self) -> None:
        self.nn.setVisible(is_nn_id(self.model.landscape.id) or self.nn.busy)

    def show_formula(self, visible: bool = True) -> None:
        self.formula.setVisible(visible)
        if visible:
            self.formula.warm_up()

    def sync(self) -> None:
        land = self.model.landscape
        self.dataset.setVisible(isinstance(land, DataLandscape))
        self.dataset.sync()
        self._sync_nn()
        is_formula = land.id.startswith(FORMULA_PREFIX)
        if is_formula:
            self.formula.edit.setText(land.formula)
        self.formula.setVisible(
            is_formula or self.formula.isVisible() and not isinstance(land, DataLandscape)
        )
