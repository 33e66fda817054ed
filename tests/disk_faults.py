"""Failing disks for the write tests: a full disk (ENOSPC part-way through writing), a read-only file
system (EROFS when the temporary file is created) and a missing folder, in one folder of the test's.

The faults are injected where the operating system would raise them (``os.fdopen``'s file, and
``tempfile.mkstemp``), only for files in the broken folder, so every writer of the app meets them.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

FAULTS = ("full", "read-only", "missing")
REASONS = {
    "full": "no space left on the disk",
    "read-only": "read-only",
    "missing": "does not exist",
}


class _FullFile:
    """A file that takes a few bytes, then fails as a full disk does."""

    def __init__(self, real):
        self._real, self._taken = real, 0

    def write(self, data) -> int:
        self._taken += len(data)
        if self._taken > 64:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._real.write(data)

    def __getattr__(self, name):
        return getattr(self._real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._real.close()


def break_disk(monkeypatch, kind: str, folder: Path) -> Path:
    """Make writes into ``folder`` fail as ``kind`` says; returns the folder to write into (for
    "missing", a folder that does not exist)."""
    folder = Path(os.path.realpath(folder))
    if kind == "missing":
        return folder / "no-such-folder"
    if kind == "full":
        real_fdopen = os.fdopen

        def fdopen(fd, *args, **kwargs):
            fh = real_fdopen(fd, *args, **kwargs)
            inside = os.path.dirname(os.readlink(f"/proc/self/fd/{fd}")) == str(folder)
            return _FullFile(fh) if inside and "w" in (args[0] if args else kwargs.get("mode", "r")) else fh

        monkeypatch.setattr(os, "fdopen", fdopen)
    else:
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args, dir=None, **kwargs):  # noqa: A002 (tempfile's name)
            if dir is not None and os.path.realpath(dir) == str(folder):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))
            return real_mkstemp(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return folder
