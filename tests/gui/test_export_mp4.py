"""MP4 (H.264) animation export: the frames and their even size read back, a failure or a cancel keeps
the previous file and leaves no temporary file, a wrong file name is refused naming both formats."""

import dataclasses
import logging
import sys
import warnings
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from PySide6.QtCore import QSize

import gui.export.video as video
from core.experiment.presets import PRESETS
from core.limits import LimitError
from gui.export.exporters import ExperimentFigure, check_animation, export_animation
from gui.export.figure import FigureLayout
from gui.export.video import ENCODER_STOPPED, even_size, fit_frame
from gui.style import method_color
from tests.disk_faults import REASONS, break_disk
from tests.gui.helpers import make_window

PREVIOUS = b"the previous video\n"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in ffmpeg is a shell script")


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    win.model.load_preset(PRESETS["seed-lecture"])
    win.model.set_max_steps(40)
    yield win
    win.close()


@pytest.fixture
def out(tmp_path) -> Path:
    """An empty folder for the exports (the test's own folder also holds its settings)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def small_experiment():
    """The seed lecture (four methods from its starts), 40 steps."""
    return dataclasses.replace(PRESETS["seed-lecture"].experiment(), max_steps=40)


def read_video(path: Path) -> tuple[int, tuple[int, int, int], np.ndarray, float]:
    """The frame count (ffmpeg decodes every frame), the first frame's shape, the last-but-one frame
    and the frame rate. (Reading to the very end would leave imageio's pipes to ffmpeg open.)"""
    with imageio.get_reader(path, format="FFMPEG") as reader:
        count, fps = reader.count_frames(), reader.get_meta_data()["fps"]
        return count, reader.get_data(0).shape, reader.get_data(count - 2), fps


def expected_shape(exp) -> tuple[int, int, int]:
    """The video's frame shape: the last frame's figure, rounded up to even numbers."""
    figure = ExperimentFigure(exp)
    try:
        size = figure.layout(figure.last_step).size
    finally:
        figure.close()
    return size.height() + size.height() % 2, size.width() + size.width() % 2, 3


def colour_pixels(frame: np.ndarray, hex_colour: str, tolerance: int = 40) -> int:
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(frame.reshape(-1, 3).astype(int) - target).max(axis=1) <= tolerance).sum())


def previous_file(folder: Path, name: str = "runs.mp4") -> Path:
    path = folder / name
    path.write_bytes(PREVIOUS)
    return path


def assert_kept(folder: Path, previous: Path) -> None:
    assert previous.read_bytes() == PREVIOUS
    assert sorted(p.name for p in folder.iterdir()) == [previous.name]  # no temporary file left


def assert_quiet(capfd, caplog) -> None:
    """Nothing on the terminal: no ffmpeg output, no logged warning (imageio's resize warning)."""
    assert capfd.readouterr().err == ""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def export_in_window(qtbot, window, path: Path, frames: int = 5, fps: float = 10) -> str | None:
    """Run the window's animation export to its end; the error message, or None."""
    with qtbot.waitSignal(window.exports.finished, timeout=60_000) as outcome:
        assert window.exports.export_animation_to(str(path), frames, fps) is None
    return outcome.args[0]


def stand_in_ffmpeg(folder: Path, script: str) -> str:
    """An executable that imageio runs as ffmpeg, failing as ``script`` says (``$last``: the output)."""
    exe = folder / "ffmpeg"
    exe.write_text(f"#!/bin/sh\nfor last; do :; done\n{script}\nexit 1\n")
    exe.chmod(0o755)
    return str(exe)


def test_the_window_exports_the_requested_frames_at_an_even_size(qtbot, window, out):
    target = out / "runs.mp4"
    assert export_in_window(qtbot, window, target, frames=7, fps=12) is None
    count, shape, late_frame, fps = read_video(target)
    assert count == 7 and fps == 12
    assert shape == expected_shape(window.model.experiment()) and shape[0] % 2 == 0 and shape[1] % 2 == 0
    assert colour_pixels(late_frame, method_color("gd")) > 20  # the runs are drawn, in their colours
    assert sorted(p.name for p in out.iterdir()) == ["runs.mp4"]


def test_a_headless_mp4_replaces_a_previous_file_and_prints_nothing(qtbot, out, capfd, caplog):
    target = previous_file(out)
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert export_animation(
            small_experiment(), target, frames=4, fps=8, progress=lambda d, t: calls.append(d) or True
        )
    count, shape, _, fps = read_video(target)
    assert count == 4 and fps == 8 and shape == expected_shape(small_experiment())
    assert calls == [1, 2, 3, 4, 5]
    assert target.read_bytes()[4:8] == b"ftyp" and sorted(p.name for p in out.iterdir()) == ["runs.mp4"]
    assert_quiet(capfd, caplog)


def test_an_odd_sized_figure_gets_one_more_white_pixel_each_way(qtbot, out, monkeypatch):
    """The caption's height comes from the fonts, so a figure may be odd-sized: here one pixel less
    each way than this machine draws it."""
    monkeypatch.setattr(FigureLayout, "size", property(lambda self: QSize(self.width - 1, self.height - 1)))
    exp = small_experiment()
    figure = ExperimentFigure(exp)
    odd = figure.layout(figure.last_step).size
    figure.close()
    assert odd.width() % 2 == 1 and odd.height() % 2 == 1
    target = out / "odd.mp4"
    assert export_animation(exp, target, frames=3, fps=10)
    count, shape, frame, _ = read_video(target)
    assert count == 3 and shape == (odd.height() + 1, odd.width() + 1, 3)
    assert frame[-1].min() > 230 and frame[:, -1].min() > 230  # the added row and column are white


def test_a_failing_encoder_is_reported_and_keeps_the_previous_file(qtbot, window, out, monkeypatch):
    class BrokenWriter:
        """imageio's writer after ffmpeg has quit: the second frame cannot be sent."""

        sent = 0

        def append_data(self, frame):
            self.sent += 1
            if self.sent == 2:
                raise OSError("[Errno 32] Broken pipe\n\nFFMPEG COMMAND:\nffmpeg -y -f rawvideo …")

        def close(self):
            pass

    monkeypatch.setattr(video.imageio, "get_writer", lambda *args, **kwargs: BrokenWriter())
    target = previous_file(out)
    assert export_in_window(qtbot, window, target) == f"Could not export {target}: {ENCODER_STOPPED}"
    assert_kept(out, target)


# When ffmpeg quits at once, imageio-ffmpeg leaves its end of the pipe for the garbage collector to
# close: a ResourceWarning, which Python shows only in development mode.
PIPE_LEFT_OPEN = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@posix_only
@pytest.mark.parametrize(
    "script",
    [
        pytest.param("", id="quits-at-once", marks=PIPE_LEFT_OPEN),
        pytest.param("cat > /dev/null", id="takes-the-frames-writes-nothing"),
        pytest.param("cat > /dev/null; printf 'half a video' > \"$last\"", id="writes-a-partial-file"),
    ],
)
def test_an_ffmpeg_that_fails_is_caught_quietly_and_keeps_the_previous_file(
    qtbot, out, tmp_path, monkeypatch, capfd, caplog, script
):
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", stand_in_ffmpeg(tmp_path, script))
    target = previous_file(out)
    with pytest.raises(
        ValueError, match=r"ffmpeg stopped before the video was complete \(is the disk full\?\)"
    ):
        export_animation(small_experiment(), target, frames=3, fps=10)
    assert_kept(out, target)
    assert_quiet(capfd, caplog)


def test_cancel_after_the_first_frame_keeps_the_previous_file(qtbot, out):
    target = previous_file(out)
    calls = []
    assert not export_animation(
        small_experiment(), target, frames=5, fps=10, progress=lambda d, t: calls.append((d, t)) or False
    )
    assert calls == [(1, 6)]
    assert_kept(out, target)


@pytest.mark.parametrize("kind", ["read-only", "missing"])
def test_an_unwritable_folder_is_reported_and_keeps_the_previous_file(qtbot, window, out, monkeypatch, kind):
    previous = previous_file(out)
    target = break_disk(monkeypatch, kind, out) / "runs.mp4"
    message = export_in_window(qtbot, window, target)
    assert message is not None and message.startswith(f"Could not export {target}: ")
    assert REASONS[kind] in message
    assert_kept(out, previous)


@pytest.mark.parametrize("name", ["runs.avi", "runs", "runs.mp4.txt"])
def test_a_wrong_suffix_is_refused_naming_both_formats(qtbot, window, out, name):
    path = out / name
    message = window.exports.export_animation_to(str(path), 5, 10)
    assert message == f"Could not export {path}: the file name must end in .gif or .mp4"
    assert not window.exports.busy
    with pytest.raises(ValueError, match=r"animation export writes \.gif or \.mp4, not "):
        export_animation(small_experiment(), path, frames=5, fps=10)
    assert list(out.iterdir()) == []


def test_only_a_gif_is_held_to_the_gif_pixel_budget():
    check_animation(1000, 15, suffix=".mp4")  # 700,000,000 pixels, streamed to the encoder
    with pytest.raises(LimitError, match="the GIF limit; at most 571 frames"):
        check_animation(1000, 15, suffix=".gif")
    with pytest.raises(ValueError, match="frames must be 2–2,000"):
        check_animation(2001, 15, suffix=".mp4")


def test_an_odd_frame_gets_one_white_pixel_on_the_right_and_at_the_bottom():
    assert even_size(999, 737) == (1000, 738) and even_size(1000, 738) == (1000, 738)
    fitted = fit_frame(np.zeros((737, 999, 3), np.uint8), even_size(999, 737))
    assert fitted.shape == (738, 1000, 3)
    assert (fitted[:737, :999] == 0).all() and (fitted[737] == 255).all() and (fitted[:, 999] == 255).all()


def test_the_animation_dialog_offers_mp4_with_its_own_frame_limit(qtbot, window, out, monkeypatch):
    from PySide6.QtWidgets import QComboBox, QDialog, QSpinBox

    import gui.export.export_actions as actions
    from gui.export.exporters import MAX_FRAMES, max_frames

    seen: dict = {}

    def choose_mp4(dialog) -> int:
        kind, frames = dialog.findChild(QComboBox), dialog.findChild(QSpinBox)
        seen["gif_max"] = frames.maximum()
        kind.setCurrentIndex(1)
        seen["mp4_max"] = frames.maximum()
        frames.setValue(1000)  # (more than a GIF may have)
        return QDialog.DialogCode.Accepted

    def asked(_parent, _title, name, filters):
        seen["name"], seen["filters"] = name, filters
        return str(out / "talk.mp4")

    monkeypatch.setattr(actions._OptionsDialog, "exec", choose_mp4)
    monkeypatch.setattr(actions, "save_path", asked)
    monkeypatch.setattr(window.exports, "export_animation_to", lambda *args: seen.__setitem__("export", args))
    window.exports.export_animation_dialog()
    assert seen["gif_max"] == max_frames() < 1000 <= seen["mp4_max"] == MAX_FRAMES
    assert seen["name"] == "runs.mp4" and seen["filters"].startswith("MP4 video")
    assert seen["export"] == (str(out / "talk.mp4"), 1000, 15.0)
