"""Test configuration: Qt runs headless, settings are isolated, and no test may leave a QThread running."""

import gc
import os

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app does (core/__init__.py)

try:  # property tests draw the same examples on every run, so CI is repeatable
    from hypothesis import settings

    settings.register_profile("repeatable", derandomize=True)
    settings.load_profile("repeatable")
except ImportError:
    pass


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """QSettings written by the app go to a temporary folder, never the user's."""
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # the core tests do not need Qt
        yield
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture(autouse=True)
def _dangling_qthreads(request):
    """Fail any test that leaves a QThread or an engine's process running (after napari's fixture of
    the same name).

    Only tests under tests/gui can start one (core/ has no Qt), and the scan of every object costs
    tens of milliseconds a test, so the others skip it."""
    yield
    import sys

    if "PySide6.QtCore" not in sys.modules or "gui" not in request.path.parts:
        return
    import multiprocessing

    from PySide6.QtCore import QThread

    children = multiprocessing.active_children()  # (joins those that have ended)
    for child in children:
        child.kill()
        child.join()
    if children:
        pytest.fail(f"test left {len(children)} engine process(es) running")
    gc.collect()
    running = [obj for obj in gc.get_objects() if isinstance(obj, QThread) and _is_running(obj)]
    if running:
        for thread in running:
            thread.quit()
            thread.wait(2000)
        pytest.fail(f"test left {len(running)} QThread(s) running")


def _is_running(thread) -> bool:
    try:
        return thread.isRunning()
    except RuntimeError:  # the C++ object is already gone
        return False
