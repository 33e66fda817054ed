"""Writing files safely: a temporary file in the same folder, then an atomic rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` to fill a temporary file beside ``path``, then rename it over ``path``.

    On any failure the temporary file is removed and ``path`` is left as it was (absent, or the
    previous file), so a failed save never destroys the previous file or leaves half a file behind.
    """
    target = os.path.abspath(os.fspath(path))
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".minima-", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _mode_for(target: str) -> int:
    """The existing file's permissions, or the usual ones for a new file (0666 less the umask)."""
    try:
        return os.stat(target).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see ``atomic_write``)."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)

    atomic_write(path, write)


class TextFileError(ValueError):
    """Why a text file could not be read: ``kind`` is "unreadable", "too-large" or "not-utf8".

    ``detail`` is the system's reason (unreadable); ``offset``, ``byte`` and ``line`` (1-based)
    locate the first byte that is not UTF-8.
    """

    def __init__(self, kind: str, detail: str = "", offset: int = 0, byte: int = 0, line: int = 0):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail, self.offset, self.byte, self.line = kind, detail, offset, byte, line


def read_text_limited(path: str | os.PathLike, max_bytes: int) -> str:
    """UTF-8 text (a byte-order mark allowed) of a file of at most ``max_bytes``, else TextFileError."""
    try:
        with open(os.fspath(path), "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise TextFileError("unreadable", str(exc.strerror or exc)) from None
    if len(raw) > max_bytes:
        raise TextFileError("too-large")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TextFileError("not-utf8", offset=exc.start, byte=raw[exc.start], line=line) from None
