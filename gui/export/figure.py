"""Figures for export: the landscape view (optionally with the side plots) and a caption line.

One painting routine serves PNG (any scale: the views are painted as vectors into a larger
image) and SVG (a ``QSvgGenerator``: pyqtgraph 0.14's own SVG exporter crashes with recent Qt).
Animated GIFs are frames of the view encoded with Pillow.

An SVG shows what the PNG shows, in vectors: while it is drawn the views' items paint as for an
export (``vector_items``: no cached bitmaps, markers as paths), and ``render.svg_bytes`` corrects what
Qt's SVG generator gets wrong (resolution, clipping, pixel-wide lines).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from core.experiment.spec import Experiment
from core.files import atomic_write, atomic_write_bytes
from gui.export.render import encoded_png, svg_bytes

CAPTION_FONT_PT = 9
SCALES = (1, 2, 4)
NO_CACHE = QGraphicsItem.CacheMode.NoCache


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


def save_svg(layout: FigureLayout, path: str | Path, title: str = "Minima Lab figure") -> None:
    """Write the figure as SVG (atomically), in vectors, as the PNG shows it."""
    with vector_items([layout.view, *layout.side]):
        svg = svg_bytes(layout.size, layout.view.logicalDpiX(), layout.paint, title, layout.caption)
    atomic_write_bytes(path, svg)


@contextmanager
def vector_items(views: Sequence[QGraphicsView]) -> Iterator[None]:
    """While in the block, the views' items paint as vectors (restored afterwards).

    Two things put bitmaps in an SVG: an item cache (Qt then draws the item's cached pixmap, e.g. the
    landscape's curve) and pyqtgraph's scatter plots, which stamp their symbols from a pixmap atlas.
    pyqtgraph's own exporters tell each item it is being exported (``setExportMode``), and a scatter
    plot then draws every symbol as a path (``drawSymbol``), at the same size in pixels."""
    items = [item for view in views for item in view.scene().items()]
    cached = [(item, item.cacheMode()) for item in items if item.cacheMode() != NO_CACHE]
    exported = [item for item in items if hasattr(item, "setExportMode")]
    for item, _ in cached:
        item.setCacheMode(NO_CACHE)
    for item in exported:
        item.setExportMode(True, {"antialias": True})
    try:
        yield
    finally:
        for item in exported:
            item.setExportMode(False)
        for item, mode in cached:
            item.setCacheMode(mode)


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
