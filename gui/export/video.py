"""MP4 (H.264) videos of an animation's frames, encoded by the ffmpeg that imageio-ffmpeg ships.

The frames are streamed to ffmpeg as they are drawn: unlike a GIF, a video keeps no frame in memory.
The file is written as every export is: ffmpeg fills a temporary file beside the target, which is
checked and then renamed over it; after a failure or a cancel it is removed, and a previous file at the
target is left as it was. ffmpeg prints nothing: a failure becomes a ValueError with a short reason.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import imageio.v2 as imageio
import numpy as np

from core.files import atomic_path

VIDEO_CRF = 18  # x264's constant quality (0 lossless … 51 worst): thin trails and caption text stay sharp
ENCODER_STOPPED = "ffmpeg stopped before the video was complete (is the disk full?)"


def even_size(width: int, height: int) -> tuple[int, int]:
    """``(width, height)`` rounded up to even numbers: yuv420p stores colour once per 2 × 2 pixels, so
    H.264 in yuv420p (what players expect) needs an even width and height."""
    return width + width % 2, height + height % 2


def fit_frame(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """An RGB frame (height × width × 3) placed top left on a white canvas of ``size`` (width, height):
    padded on the right and bottom, or cropped there if larger."""
    width, height = size
    if rgb.shape[:2] == (height, width):
        return rgb
    canvas = np.full((height, width, 3), 255, dtype=np.uint8)
    part = rgb[:height, :width, :3]
    canvas[: part.shape[0], : part.shape[1]] = part
    return canvas


def save_mp4(frames: Iterable[np.ndarray], path: str | Path, fps: float) -> None:
    """Encode RGB frames, all of one even size, as an H.264 MP4 at ``path`` (atomically: see above)."""
    # (the name ends in .mp4: imageio and ffmpeg choose the format by the name)
    with atomic_path(path, suffix=".tmp.mp4") as temporary:
        _encode(frames, temporary, fps)
        if not _complete_mp4(temporary):
            raise ValueError(ENCODER_STOPPED)


def _encode(frames: Iterable[np.ndarray], path: str, fps: float) -> None:
    """Stream the frames to ffmpeg, which writes ``path`` (ffmpeg starts with the first frame)."""
    with _encoder_errors():
        writer = imageio.get_writer(
            path,
            format="FFMPEG",
            fps=fps,
            codec="libx264",
            pixelformat="yuv420p",
            quality=None,  # the constant quality below instead of imageio's scale
            macro_block_size=1,  # the frames are already even-sized: no resize by imageio
            ffmpeg_log_level="quiet",
            output_params=["-crf", str(VIDEO_CRF), "-tune", "animation", "-movflags", "+faststart"],
        )
    try:
        for frame in frames:
            with _encoder_errors():
                writer.append_data(frame)
    finally:
        with _encoder_errors():
            writer.close()


@contextmanager
def _encoder_errors() -> Iterator[None]:
    """ffmpeg's failures as a ValueError with a short reason (imageio's holds the whole command)."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, OSError) and exc.errno is None:  # imageio lost its pipe: ffmpeg has quit
            raise ValueError(ENCODER_STOPPED) from None
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        raise ValueError(f"ffmpeg could not encode the video: {lines[0]}") from None


def _complete_mp4(path: str) -> bool:
    """Whether the file is a sequence of whole MP4 boxes, with the header ("moov") and the frames.

    imageio does not check ffmpeg's exit status, so a video that failed as it was finished (a full disk
    while the header is written) is caught here, before it replaces anything."""
    size = os.path.getsize(path)
    kinds, offset = set(), 0
    with open(path, "rb") as fh:
        while offset < size:
            fh.seek(offset)
            header = fh.read(16)
            if len(header) < 8:
                return False
            length, kind = struct.unpack(">I4s", header[:8])
            if length == 1 and len(header) == 16:  # a 64-bit size follows the type
                length = struct.unpack(">Q", header[8:])[0]
            elif length == 0:  # the box runs to the end of the file
                length = size - offset
            if length < 8:
                return False
            kinds.add(kind)
            offset += length
    return offset == size and {b"ftyp", b"moov", b"mdat"} <= kinds
