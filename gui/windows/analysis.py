"""The Analysis menu: parameter sweeps, the plain-vs-skip network comparison and the high-dimensional
study, each a window of its own, made on first use, one of each per main window, kept (hidden) when
closed. They are children of the main window, so its ``stop_workers`` reaches their computations too."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QWidget

from gui.panels.nn_box import NNBox
from gui.qt_helpers import make_action


class AnalysisWindows:
    """Owns the analysis windows of one main window; ``close`` stops their computations."""

    def __init__(self, menu: QMenu, network_box: NNBox, host: QWidget):
        self.network_box, self.host = network_box, host
        self.nn_compare = None
        self.highdim = None
        self.sweep = None
        for text, slot, key in (
            ("&Parameter sweep: success against a parameter…", self.show_sweep, "Ctrl+Shift+P"),
            ("Compare &network slices: plain vs skip…", lambda: self.show_nn_compare(), "Ctrl+Shift+N"),
            ("&High dimensions: saddles and good minima…", self.show_highdim, "Ctrl+Shift+H"),
        ):
            menu.addAction(make_action(menu, text, slot, key))
        network_box.compareRequested.connect(lambda: self.show_nn_compare(from_network_box=True))

    def show_nn_compare(self, from_network_box: bool = False) -> QWidget:
        """The comparison window; it takes the Network box's depth, width and seed when first made, or
        when opened from that box (not while it computes)."""
        from gui.windows.slice_compare_window import NNCompareWindow

        fresh = self.nn_compare is None
        if fresh:
            self.nn_compare = NNCompareWindow(self.host)
        if (fresh or from_network_box) and not self.nn_compare.runner.busy:
            config = self.network_box.config()
            for name in ("depth", "width", "seed"):
                self.nn_compare.spins[name].setValue(getattr(config, name))
        return _raised(self.nn_compare)

    def show_sweep(self) -> QWidget:
        """The parameter-sweep window, on the main window's landscape, methods and seed."""
        from gui.windows.sweep_window import SweepWindow

        if self.sweep is None:
            self.sweep = SweepWindow(self.host.model, self.host)
        return _raised(self.sweep)

    def show_highdim(self) -> QWidget:
        """The high-dimensional study window."""
        from gui.windows.highdim_window import HighDimWindow

        if self.highdim is None:
            self.highdim = HighDimWindow(self.host)
        return _raised(self.highdim)

    def close(self) -> None:
        for window in (self.sweep, self.nn_compare, self.highdim):
            if window is not None:
                window.close()  # their closeEvent stops and joins their worker threads


def _raised(window: QWidget) -> QWidget:
    window.show()
    window.raise_()
    return window
