"""Writing files safely (a temporary file in the same folder, fsync, then an atomic rename) and reading
text files of bounded size."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    target = _checked_target(asked)
    if os.path.exists(target) and not os.path.isfile(target):
        _write_through(target, asked, write)
        return
    with _temporary(asked, target, ".tmp") as (fd, _):
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[str]:
    """The name of a temporary file beside ``path`` (ending in ``suffix``) for a writer that needs a
    name (ffmpeg); when the block ends the file is fsync'd and renamed over ``path``, as
    ``atomic_write`` does; if it raises, the file is removed and ``path`` left as it was. A target that
    is a device or a pipe is refused (ValueError)."""
    asked = os.fspath(path)
    target = _checked_target(asked)
    if os.path.exists(target) and not os.path.isfile(target):
        raise ValueError(f"{asked} is not a regular file (a device or a pipe)")
    with _temporary(asked, target, suffix) as (fd, tmp):
        os.close(fd)
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())


@contextmanager
def _temporary(asked: str, target: str, suffix: str) -> Iterator[tuple[int, str]]:
    """A temporary file beside ``target`` (its descriptor, open, and name), renamed over ``target``
    with its permissions when the block ends; removed if the block raises (an OSError then names
    ``asked``)."""
    folder = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".minima-", suffix=suffix)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, asked) from None
    try:
        yield fd, tmp
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename != asked:
            raise type(exc)(exc.errno, exc.strerror or str(exc), asked) from exc
        raise
    _sync_folder(folder)


def _checked_target(asked: str) -> str:
    """Where ``asked`` leads (a symlink followed: the link stays a link); refused if its folder is
    missing or it is a folder."""
    target = os.path.realpath(asked)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", asked)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", asked)
    return target


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
