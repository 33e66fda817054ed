"""Figures for export: the landscape view (optionally with the side plots) and a caption line.

One painting routine serves PNG (any scale: the views are painted as vectors into a larger
image) and SVG (a ``QSvgGenerator``: pyqtgraph 0.14's own SVG exporter crashes with recent Qt,
pyqtgraph issue #3485). Animated GIFs are frames of the view encoded with Pillow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsView

from core.experiment.spec import Experiment
from core.files import atomic_write, atomic_write_bytes

CAPTION_FONT_PT = 9
SCALES = (1, 2, 4)


def caption_text(exp: Experiment, step: int | None = None) -> str:
    """One line naming the landscape, domain, methods with their parameters, the seed (and step)."""
    land = exp.landscape
    domain = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in land.domain)
    methods = "; ".join(spec.to_text() for spec in exp.methods)
    starts = ", ".join("(" + ", ".join(f"{v:g}" for v in s) + ")" for s in exp.starts)
    text = f"{land.name} ({land.id}) on {domain} · {methods} · starts {starts} · seed {exp.seed}"
    return text + (f" · step {step}" if step is not None else "")


class FigureLayout:
    """Where each panel goes: the view on the left, side plots stacked on the right, caption below."""

    def __init__(self, view: QGraphicsView, side: Sequence[QGraphicsView], caption: str):
        self.view, self.side, self.caption = view, list(side), caption
        self.view_size = view.size()
        side_width = max((w.width() for w in self.side), default=0)
        self.width = self.view_size.width() + side_width
        self.panels_height = max(self.view_size.height(), sum(w.height() for w in self.side))
        font = QFont()
        font.setPointSize(CAPTION_FONT_PT)
        self.font = font
        metrics = QFontMetrics(font)
        flags = int(Qt.TextFlag.TextWordWrap)
        text_rect = metrics.boundingRect(0, 0, self.width - 16, 10_000, flags, caption)
        self.caption_height = text_rect.height() + 12
        self.height = self.panels_height + self.caption_height

    @property
    def size(self) -> QSize:
        return QSize(self.width, self.height)

    def paint(self, painter: QPainter, scale: float = 1.0) -> None:
        """Paint the figure ``scale`` times its on-screen size (the views are scenes: vector-sharp)."""
        painter.fillRect(QRectF(0, 0, self.width * scale, self.height * scale), QColor("white"))
        _render_view(painter, self.view, 0, 0, scale)
        y = 0
        for widget in self.side:  # stacked to the right of the view, each at its own size
            _render_view(painter, widget, self.view_size.width(), y, scale)
            y += widget.height()
        painter.save()
        painter.scale(scale, scale)
        painter.setPen(QColor("#222222"))
        painter.setFont(self.font)
        rect = QRectF(8, self.panels_height + 6, self.width - 16, self.caption_height - 6)
        painter.drawText(rect, int(Qt.TextFlag.TextWordWrap), self.caption)
        painter.restore()


def _render_view(painter: QPainter, view: QGraphicsView, x: float, y: float, scale: float) -> None:
    """Render a graphics view's visible scene into the target rectangle (scaled as vectors)."""
    size = view.viewport().size()
    target = QRectF(x * scale, y * scale, size.width() * scale, size.height() * scale)
    view.render(painter, target, view.viewport().rect(), Qt.AspectRatioMode.IgnoreAspectRatio)


def render_image(layout: FigureLayout, scale: int = 1) -> QImage:
    """The figure as an ARGB image ``scale`` times its on-screen size."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale}")
    image = QImage(layout.size * scale, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    layout.paint(painter, scale)
    painter.end()
    return image


def save_png(layout: FigureLayout, path: str | Path, scale: int = 1) -> QSize:
    """Write the figure as PNG (atomically); returns the pixel size written."""
    image = render_image(layout, scale)
    atomic_write_bytes(path, encoded_png(image))
    return image.size()


def encoded_png(image: QImage) -> bytes:
    """The PNG bytes of ``image`` (encoded in memory: Qt reports a failed file write only as False,
    without the reason, so the file is written by Python, which says why)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError("Qt could not encode the image as PNG")
    return bytes(buffer.data())


def save_svg(layout: FigureLayout, path: str | Path, title: str = "Minima Lab figure") -> None:
    """Write the figure as SVG through a QSvgGenerator (atomically): drawn into memory, checked, then
    written by Python (a QSvgGenerator writing a file reports no error, and a full disk left it empty)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(layout.size)
    generator.setViewBox(QRectF(0, 0, layout.width, layout.height))
    generator.setTitle(title)
    generator.setDescription(layout.caption)
    painter = QPainter()
    if not painter.begin(generator):
        raise ValueError("Qt could not start drawing the SVG")
    layout.paint(painter)
    if not painter.end() or buffer.size() == 0:
        raise ValueError("Qt could not finish drawing the SVG")
    atomic_write_bytes(path, bytes(buffer.data()))


def qimage_to_pil(image: QImage) -> Image.Image:
    """A copy of a QImage as an RGB Pillow image."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = rgba.width(), rgba.height()
    data = np.frombuffer(rgba.constBits(), dtype=np.uint8, count=rgba.sizeInBytes())
    data = data.reshape(height, rgba.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
    return Image.fromarray(data[:, :, :3].copy(), "RGB")


def frame_steps(total_steps: int, frames: int) -> list[int]:
    """``frames`` step numbers from 0 to ``total_steps``, evenly spaced (the last is the end)."""
    if frames < 2:
        raise ValueError("an animation needs at least 2 frames")
    return [int(round(k * total_steps / (frames - 1))) for k in range(frames)]


def save_gif(frames: Sequence[Image.Image], path: str | Path, fps: float) -> None:
    """Encode Pillow frames as a looping animated GIF (atomically)."""
    if not frames:
        raise ValueError("no frames to write")
    paletted = [frame if frame.mode == "P" else paletted(frame) for frame in frames]

    def write(fh) -> None:
        paletted[0].save(
            fh,
            format="GIF",
            save_all=True,
            append_images=paletted[1:],
            duration=int(round(1000 / fps)),
            loop=0,
            optimize=False,
        )

    atomic_write(path, write)


ProgressFn = Callable[[int, int], bool]  # (done, total) -> keep going?


def paletted(frame: Image.Image) -> Image.Image:
    """A frame in 256 colours (a quarter of its RGB size, kept until the GIF is written)."""
    return frame.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
