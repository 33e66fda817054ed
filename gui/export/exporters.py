"""Exports of an experiment: images (PNG/SVG), animations (GIF/MP4) and data (CSV/JSON).

``ExperimentFigure`` builds its own offscreen view of an experiment's complete runs, so the same
code serves the window's File ▸ Export menu and the headless ``python main.py export``. The runs are
streamed into a ``RunBuffer`` (``figure_runs``, Qt-free, so a worker can compute them): a long run keeps
a thinned history within ``MAX_WINDOW_VALUES`` numbers, whatever its length. A GIF's frames are
quantized as they are drawn and limited to ``MAX_GIF_PIXELS`` pixels in all, checked before any work;
an MP4's are streamed to the video encoder (``gui.export.video``) and kept nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from core.experiment.spec import Experiment
from core.limits import MAX_GIF_PIXELS, MAX_WINDOW_VALUES, LimitError
from core.minima.grid import loss_limit
from core.runs.engine import Engine
from core.runs.results import write_run_data
from gui.export.figure import (
    FigureLayout,
    ProgressFn,
    caption_text,
    frame_steps,
    paletted,
    qimage_to_pil,
    render_image,
    save_gif,
    save_png,
    save_svg,
)
from gui.export.video import even_size, fit_frame, save_mp4
from gui.model import AppModel
from gui.style import display_label, method_color
from gui.view.landscape_view import LandscapeView
from gui.view.run_arrays import group_points
from gui.view.run_buffer import RunBuffer
from gui.view.side_plots import SidePlots

VIEW_SIZE = (1000, 700)
SIDE_SIZE = (420, 233)
IMAGE_FORMATS = (".png", ".svg")
ANIMATION_FORMATS = (".gif", ".mp4")
DATA_FORMATS = (".csv", ".json")
FIGURE_CHUNK = 500  # engine steps between two progress reports
MAX_FRAMES = 2000


def figure_runs(exp: Experiment, progress: Callable[[float], None] | None = None) -> RunBuffer:
    """Run ``exp`` to the end, keeping what a figure draws (a thinned history in bounded memory)."""
    engine = Engine(exp, record="full", keep_chunks=False)
    buffer = RunBuffer(engine, values=MAX_WINDOW_VALUES)
    for chunk in engine.iter_chunks(FIGURE_CHUNK):
        if chunk is not None:
            buffer.append(chunk)
        if progress is not None:
            progress(min(1.0, engine.t / max(exp.max_steps, 1)))
    return buffer


def check_animation(frames: int, fps: float, size: tuple[int, int] = VIEW_SIZE, suffix: str = ".gif") -> None:
    """Refuse, before any work, an animation outside the frame range, or a GIF over the pixel budget
    (a GIF keeps every frame until it is written; a video streams them to its encoder)."""
    if not 2 <= frames <= MAX_FRAMES or not 0.5 <= fps <= 60:
        raise ValueError(f"frames must be 2–{MAX_FRAMES:,} and frames per second 0.5–60")
    pixels = frames * size[0] * size[1]
    if suffix == ".gif" and pixels > MAX_GIF_PIXELS:
        raise LimitError(
            f"{frames:,} frames of {size[0]}×{size[1]} pixels is {pixels:,} pixels: at most "
            f"{MAX_GIF_PIXELS:,} (the GIF limit; at most {MAX_GIF_PIXELS // (size[0] * size[1]):,} frames)"
        )


def max_frames(size: tuple[int, int] = VIEW_SIZE) -> int:
    """The most frames an animation of ``size`` may have (the pixel budget, or ``MAX_FRAMES``)."""
    return min(MAX_FRAMES, MAX_GIF_PIXELS // (size[0] * size[1]))


class ExperimentFigure:
    """An offscreen landscape view (and side plots) showing an experiment's runs at any step.
    ``runs`` is ``figure_runs(exp)``, computed here unless given (a worker may have computed it)."""

    def __init__(
        self,
        exp: Experiment,
        side_plots: bool = False,
        view_size: tuple[int, int] = VIEW_SIZE,
        runs: RunBuffer | None = None,
    ):
        self.exp = exp
        self.buffer = figure_runs(exp) if runs is None else runs
        self.model = AppModel()
        self.model.load_experiment(exp)
        self.view = LandscapeView(self.model)
        _show_offscreen(self.view, view_size)
        runs = [(spec, i) for spec in exp.methods for i in range(len(exp.starts))]
        colors = [method_color(spec.method) for spec, _ in runs]
        self.view.prepare_runs(
            colors, [i for _, i in runs], [display_label(s) for s, _ in runs], exp.landscape.dim
        )
        self.side: SidePlots | None = None
        if side_plots:
            self.side = SidePlots()
            self.side.log_loss.hide()
            _show_offscreen(self.side, (SIDE_SIZE[0], view_size[1]))
            self.side.prepare_runs(colors, exp.landscape.lowest_value, loss_limit(exp.landscape))
            self.side.refresh(self.buffer)

    @property
    def last_step(self) -> int:
        return self.buffer.step

    def show_step(self, step: int) -> None:
        """Draw every run up to ``step``."""
        land = self.exp.landscape
        groups = [group_points(self.buffer, land, runs, up_to_step=step) for runs in self.view.run_groups]
        diverged = np.array(
            [
                s == "diverged" and step >= n
                for s, n in zip(self.buffer.status, self.buffer.steps, strict=True)
            ]
        )
        self.view.show_runs(groups, diverged)
        QApplication.processEvents()

    def layout(self, step: int) -> FigureLayout:
        self.show_step(step)
        side = [self.side.loss_plot, self.side.lr_plot, self.side.noise_plot] if self.side else []
        return FigureLayout(self.view, side, caption_text(self.exp, step))

    def close(self) -> None:
        # The legend's labels go now: a traceback holding this figure (a failed write) leaves it to
        # Python's cycle collector, which may clear a label before Qt, deleting the layout, asks its size.
        self.view.plot_item.legend.clear()
        self.view.close()
        if self.side is not None:
            self.side.close()


def _show_offscreen(widget, size: tuple[int, int]) -> None:
    """Lay the widget out at ``size`` without putting a window on the screen."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(*size)
    widget.show()
    QApplication.processEvents()


def export_image(
    exp: Experiment, path: str | Path, scale: int = 1, side_plots: bool = False, step: int | None = None
) -> None:
    """PNG (at ``scale``×) or SVG of the runs at ``step`` (default: the end)."""
    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise ValueError(f"image export writes {', '.join(IMAGE_FORMATS)}, not {suffix or 'no extension'}")
    figure = ExperimentFigure(exp, side_plots)
    try:
        layout = figure.layout(figure.last_step if step is None else min(step, figure.last_step))
        if suffix == ".png":
            save_png(layout, path, scale)
        else:
            save_svg(layout, path)
    finally:
        figure.close()


def export_animation(
    exp: Experiment,
    path: str | Path,
    frames: int = 60,
    fps: float = 15,
    progress: ProgressFn | None = None,
    runs: RunBuffer | None = None,
) -> bool:
    """An animated GIF or an H.264 MP4 video (by the file name) of the runs from step 0 to the end.
    ``progress(done, total)`` follows each frame and may return False to cancel: then nothing is
    written and the result is False."""
    suffix = Path(path).suffix.lower()
    if suffix not in ANIMATION_FORMATS:
        raise ValueError(f"animation export writes .gif or .mp4, not {suffix or 'no extension'}")
    check_animation(frames, fps, suffix=suffix)
    figure = ExperimentFigure(exp, runs=runs)
    try:
        steps = frame_steps(figure.last_step, frames)
        drawn = _drawn_frames(figure, steps, progress)
        if suffix == ".mp4":
            _save_video(figure, drawn, path, fps)
        else:
            save_gif([paletted(qimage_to_pil(image)) for image in drawn], path, fps)
        if progress is not None:
            progress(len(steps) + 1, len(steps) + 1)
        return True
    except _Cancelled:
        return False
    finally:
        figure.close()


class _Cancelled(Exception):
    """The progress callback asked to stop drawing frames."""


def _drawn_frames(
    figure: ExperimentFigure, steps: list[int], progress: ProgressFn | None
) -> Iterator[QImage]:
    """Each step's frame; after each, ``progress`` (one more step for the writing) may cancel."""
    for done, step in enumerate(steps):
        yield render_image(figure.layout(step))
        if progress is not None and not progress(done + 1, len(steps) + 1):
            raise _Cancelled


def _save_video(figure: ExperimentFigure, drawn: Iterator[QImage], path: str | Path, fps: float) -> None:
    """Stream the frames into an MP4, all of the last frame's size made even.

    The caption ends with the step number, so the last frame's caption is the longest (the tallest if
    it wraps): its size holds every frame, a shorter one padded with white at the bottom. An odd width
    or height gets one more pixel of white (yuv420p needs even sizes), never a crop."""
    last = figure.layout(figure.last_step).size
    size = even_size(last.width(), last.height())
    save_mp4((fit_frame(np.asarray(qimage_to_pil(image)), size) for image in drawn), path, fps)


def export_data(exp: Experiment, path: str | Path) -> None:
    """Every step of every run as CSV, or the CLI's JSON document, of the complete runs."""
    write_run_data(exp, path)
