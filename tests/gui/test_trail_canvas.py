"""The trails on screen are kept as a picture between frames: a frame paints only the rows that
arrived, the picture is the one a whole repaint gives, and it is painted whole again when the view
changes. Exports still paint the trails as vectors."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import make_window, settle

STARTS = [(-3.3, 2.2), (1.4, 4.1), (2.5, 0.6), (-4.2, -1.6)]


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.set_landscape("rastrigin")
    for mid in win.model.methods:
        win.model.set_method_enabled(mid, mid in ("gd", "sgd", "langevin"))
    win.model.set_starts(STARTS)
    yield win
    win.close()


def view_pixels(window) -> np.ndarray:
    QApplication.processEvents()
    image = window.view.grab().toImage().convertToFormat(window.view.grab().toImage().Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def test_frames_add_new_rows_to_the_picture_and_match_a_whole_repaint(qtbot, window):
    # (no legend: its symbol key grows as escapes are found, and the plot's new size repaints all)
    window.model.set_view_option("legend", "hidden")
    canvas = window.view.runs_drawn.canvas
    window.controller.step(1)
    view_pixels(window)  # painted whole once: the runs are new
    whole_paints = canvas.full_paints
    for _ in range(12):  # a few rows per frame (as when streaming), each run's every row drawn
        window.controller.step(8)
        view_pixels(window)
    assert canvas.full_paints == whole_paints  # no frame repainted the trails whole
    assert window.controller.step_count == 97
    built = view_pixels(window)
    canvas.invalidate()
    fresh = view_pixels(window)
    assert canvas.full_paints == whole_paints + 1
    surface = view_pixels_without_trails(window)
    on_built, on_fresh = (np.abs(pixels - surface).max(axis=2) > 40 for pixels in (built, fresh))
    assert on_fresh.sum() > 2000  # the trails do show
    # The same trails, to a pixel (a path drawn in pieces is rasterized a hair differently from one
    # drawn whole, and where two trails cross the newer one lies on top in the built picture).
    missing, extra = on_fresh & ~widened(on_built), on_built & ~widened(on_fresh)
    assert missing.sum() + extra.sum() < 0.01 * on_fresh.sum(), (missing.sum(), extra.sum(), on_fresh.sum())


def widened(mask: np.ndarray) -> np.ndarray:
    """``mask`` grown by a pixel in every direction."""
    grown = mask.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            grown |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return grown


def view_pixels_without_trails(window) -> np.ndarray:
    for item in window.view.trails:
        item.setVisible(False)
    pixels = view_pixels(window)
    for item in window.view.trails:
        item.setVisible(True)
    return pixels


def test_a_resize_paints_the_trails_whole_again_with_every_row(qtbot, window):
    canvas = window.view.runs_drawn.canvas
    window.controller.set_speed(0)
    window.toggle_play()
    qtbot.waitUntil(lambda: window.controller.step_count > 300, timeout=10_000)
    window.toggle_play()
    settle(0.2)
    before = canvas.full_paints
    window.resize(1100, 800)
    settle(0.3)
    assert canvas.full_paints > before
    # The items the whole picture is painted from hold every row received (up to the latest step).
    x, y = window.view.trails[0].getData()
    latest = window.presenter.buffer.trajectory(window.view.run_groups[0][-1])[-1]
    assert (x[-1], y[-1]) == pytest.approx(tuple(latest))
