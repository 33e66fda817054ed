"""Writing files safely (a temporary file in the same folder, fsync, then an atomic rename) and reading
text files of bounded size."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from typing import BinaryIO


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(file)`` to fill a temporary file beside ``path`` (opened for binary writing), flush
    and fsync it, then rename it over ``path``.

    On any failure the temporary file is removed and ``path`` is left byte-identical (absent, or the
    previous file), and the OSError names ``path`` and why (no space left, read-only, no such folder).
    A symlink is followed to the file it names (the link stays a link). A target that exists but is not
    a regular file is written through if it is a device or a pipe (``/dev/null``), never replaced, and
    refused if it is a folder.
    """
    asked = os.fspath(path)
    target = os.path.realpath(asked)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", asked)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", asked)
    if os.path.exists(target) and not os.path.isfile(target):
        _write_through(target, asked, write)
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".minima-", suffix=".tmp")
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, asked) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename != asked:
            raise type(exc)(exc.errno, exc.strerror or str(exc), asked) from exc
        raise
    _sync_folder(folder)


def _write_through(target: str, asked: str, write: Callable[[BinaryIO], None]) -> None:
    """A device or a pipe: write into it (there is no previous content to keep)."""
    try:
        with open(target, "wb") as fh:
            write(fh)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror or str(exc), asked) from exc


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
    data = text.encode("utf-8")
    atomic_write(path, lambda fh: fh.write(data))


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see ``atomic_write``)."""
    atomic_write(path, lambda fh: fh.write(data))


def write_problem(exc: OSError) -> str:
    """Why a write failed, in words: ``no space left on the disk``, ``the folder is read-only``, …"""
    reasons = {
        errno.ENOSPC: "no space left on the disk",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied (the folder or file is read-only)",
        errno.EPERM: "permission denied",
        errno.ENOENT: "the folder does not exist",
        errno.EISDIR: "it is a folder",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))


def failure_text(exc: Exception) -> str:
    """A failed write or refused request in words: ``write_problem`` for an OSError, else its message."""
    return write_problem(exc) if isinstance(exc, OSError) else str(exc)


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
