"""The settings of a network-slice landscape (depth, width, seed, samples), prepared in a worker thread.

Training the network and searching the slice's minima takes a few seconds, so it runs through a
``TaskRunner`` with a progress bar and Cancel; the window stays responsive, and the model's
landscape changes only when the slice is ready (a cancel or an error leaves it as it was).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox

from core.landscape import Landscape
from core.landscapes.network import SETTINGS, NNConfig
from core.landscapes.registry import is_nn_id, nn_landscape
from gui.model import AppModel
from gui.panels.task_progress import TaskProgress
from gui.style import ERROR_STYLE
from gui.workers.base import TaskRunner

TOOLTIPS = {
    "depth": "Hidden layers of the network (the skip variant adds each layer's input back)",
    "width": "Units per hidden layer",
    "seed": "Seed of the two-moons data, the initial weights and the two slice directions",
    "samples": "Two-moons training points",
}


class NNBox(QGroupBox):
    """See the module docstring. ``finished`` fires after a preparation ends in any way (``superseded``
    tells whether a cancel came from a newer choice)."""

    message = Signal(str)
    finished = Signal()
    compareRequested = Signal()

    def __init__(self, model: AppModel, parent=None):
        super().__init__("Network", parent)
        self.model = model
        self.variant = "plain"
        self.superseded = False
        self.runner = TaskRunner(self)
        self.spins: dict[str, QSpinBox] = {}
        grid = QGridLayout(self)
        defaults = NNConfig()
        for k, (name, lo, hi) in enumerate(SETTINGS):  # two settings a row: the panel is short
            spin = QSpinBox()
            spin.setRange(lo, hi)
            spin.setValue(getattr(defaults, name))
            spin.setToolTip(TOOLTIPS[name])
            spin.setMaximumWidth(90)  # the panel is narrow; a seed of ten digits still shows
            self.spins[name] = spin
            label = QLabel(name.capitalize())
            label.setToolTip(TOOLTIPS[name])
            grid.addWidget(label, k // 2, 2 * (k % 2))
            grid.addWidget(spin, k // 2, 2 * (k % 2) + 1)
        rows = (len(SETTINGS) + 1) // 2
        self.apply = QPushButton("Train && slice")
        self.apply.setToolTip("Train the network with these settings and show its loss slice")
        self.compare = QPushButton("Compare plain vs skip…")
        self.compare.setToolTip("Both variants side by side on one colour scale, with roughness figures")
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply)
        buttons.addWidget(self.compare)
        grid.addLayout(buttons, rows, 0, 1, 4)
        self.progress = TaskProgress(self.runner)
        grid.addWidget(self.progress, rows + 1, 0, 1, 4)
        self.status = self.progress.label
        grid.addWidget(self.status, rows + 2, 0, 1, 4)
        self.apply.clicked.connect(lambda: self.prepare())
        self.compare.clicked.connect(self.compareRequested)
        self.runner.succeeded.connect(self._on_ready)
        self.runner.cancelled.connect(
            lambda: self._end("Cancelled; the landscape is unchanged.", error=False)
        )
        self.runner.failed.connect(self._on_failed)
        model.landscapeChanged.connect(self.sync)
        self.sync()

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def config(self, variant: str | None = None) -> NNConfig:
        """The settings in the fields, for ``variant`` (default: the one last chosen)."""
        values = {name: spin.value() for name, spin in self.spins.items()}
        return NNConfig(variant or self.variant, **values)

    def prepare(self, variant: str | None = None) -> None:
        """Build the slice of the fields' settings (for ``variant``, default the last chosen) in the
        worker; when it is ready the model shows it."""
        config = self.config(variant)
        self._start(config, lambda state: nn_landscape(config.id, state.progress, state.cancel))

    def _start(self, config: NNConfig, task) -> None:
        self.variant = config.variant
        self.superseded = False
        self.apply.setEnabled(False)
        self.status.setStyleSheet("")
        self.progress.start(task, f"Training the {config.variant} network and slicing its loss…")
        self.setVisible(True)

    def cancel(self, superseded: bool = False) -> None:
        """Stop the preparation; ``superseded``: the user chose something else meanwhile, so the
        landscape list keeps that choice instead of going back to the current landscape."""
        self.superseded = superseded
        self.runner.cancel()

    def _on_ready(self, land: Landscape) -> None:
        self.model.set_landscape_object(land)
        self._end(f"Ready: {land.name} (trained loss {land.trained_loss:.3g}).", error=False)

    def _on_failed(self, text: str) -> None:
        self._end(f"Could not prepare the slice: {text}", error=True)

    def _end(self, text: str, error: bool) -> None:
        self.apply.setEnabled(True)
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.message.emit(text)
        self.finished.emit()

    def sync(self) -> None:
        """Show the current landscape's settings when it is a network slice."""
        land_id = self.model.landscape.id
        if not is_nn_id(land_id):
            return
        config = NNConfig.from_id(land_id)
        self.variant = config.variant
        for name, spin in self.spins.items():
            spin.setValue(getattr(config, name))
        self.setTitle(f"Network: {config.variant} MLP ({'with' if config.variant == 'skip' else 'no'} skips)")


def nn_items() -> list[tuple[str, str, str]]:
    """(id, list label, tooltip) of the network-slice entries of the landscape list."""
    return [
        (
            "nn-plain",
            "Network slice: plain MLP",
            "The loss of a tanh MLP on two moons along two filter-normalized directions through the\n"
            "trained weights (Li et al. 2018). Training takes about 5 s with the defaults,\n"
            "up to a minute for large settings (progress shown).",
        ),
        (
            "nn-skip",
            "Network slice: MLP with skip connections",
            "The same network with residual connections between hidden layers: a smoother slice.\n"
            "Training takes about 5 s with the defaults, up to a minute for large settings\n"
            "(progress shown).",
        ),
    ]
