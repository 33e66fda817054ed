"""Guards against binding bugs that the app cannot work around."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal()


def test_signal_emission_keeps_the_reference_count_of_true(qapp):
    """PySide6 6.12.0 on Python 3.11 decrefs True on every emit, and the process later aborts."""
    emitter = _Emitter()
    emitter.fired.connect(lambda: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit()
    assert sys.getrefcount(True) >= before - 20
