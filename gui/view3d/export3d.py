"""Pictures of the 3-D view: a PNG at 1–4× its size on screen, and an animated GIF of the camera turning
slowly once around the surface while the runs play. Written atomically (a failed write leaves the
previous file as it was); the GIF's size is checked against ``MAX_GIF_PIXELS`` before any frame."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image

from core.files import atomic_write_bytes
from core.limits import MAX_GIF_PIXELS, LimitError, check_count

SCALES = (1, 2, 3, 4)
GIF_FRAMES = 48  # one turn
GIF_SECONDS = 6.0
GIF_STEPS = 10  # steps the runs take between two frames


def render(view, scale: int = 1) -> np.ndarray:
    """The 3-D view drawn at ``scale`` × its size: an RGB array (height, width, 3)."""
    if scale not in SCALES:
        raise ValueError(f"scale {scale}: expected one of {', '.join(map(str, SCALES))}")
    ratio = view.devicePixelRatioF()
    size = (int(view.width() * ratio * scale), int(view.height() * ratio * scale))
    bgra = view.renderToArray(size)
    return np.ascontiguousarray(bgra[:, :, [2, 1, 0]])


def save_png(view, path: str, scale: int = 1) -> tuple[int, int]:
    """Write the 3-D view as a PNG (atomically); returns its (width, height)."""
    rgb = render(view, scale)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue())
    return rgb.shape[1], rgb.shape[0]


def save_rotating_gif(
    view,
    path: str,
    advance: Callable[[], None],
    frames: int = GIF_FRAMES,
    seconds: float = GIF_SECONDS,
    cancelled: Callable[[int], bool] = lambda _k: False,
) -> int:
    """One slow turn of the camera around the surface in ``frames`` frames, ``advance()`` (the runs'
    next steps) called before each; ``cancelled(k)`` is asked after frame k (True: nothing written).
    Returns the number of frames written."""
    width, height = (
        int(view.width() * view.devicePixelRatioF()),
        int(view.height() * view.devicePixelRatioF()),
    )
    try:
        check_count("GIF pixels (frames × width × height)", frames * width * height, MAX_GIF_PIXELS)
    except LimitError as exc:
        raise ValueError(str(exc)) from None
    start = view.cameraParams()["azimuth"]
    images = []
    try:
        for k in range(frames):
            advance()
            view.setCameraParams(azimuth=start + 360.0 * k / frames)
            images.append(
                Image.fromarray(render(view)).quantize(colors=255, method=Image.Quantize.FASTOCTREE)
            )
            if cancelled(k):
                return 0
    finally:
        view.setCameraParams(azimuth=start)
    buffer = io.BytesIO()
    duration = int(1000 * seconds / frames)
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0)
    atomic_write_bytes(path, buffer.getvalue())
    return len(images)
