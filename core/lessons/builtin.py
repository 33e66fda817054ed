"""The lessons that ship with Minima Lab: ``resources/lessons/NN-name.md``, in file-name order."""

from __future__ import annotations

from pathlib import Path

from core.lessons.lesson import Lesson, load_lesson

BUILTIN_FOLDER = Path(__file__).resolve().parents[2] / "resources" / "lessons"


def builtin_lesson_paths() -> list[Path]:
    """The built-in lesson files, in order."""
    return sorted(BUILTIN_FOLDER.glob("*.md"))


def load_builtin(name: str) -> Lesson:
    """The built-in lesson whose file name (without ``.md``, with or without its number) is ``name``."""
    for path in builtin_lesson_paths():
        if name in (path.stem, path.stem.split("-", 1)[-1]):
            return load_lesson(path)
    valid = ", ".join(p.stem for p in builtin_lesson_paths())
    raise ValueError(f"no built-in lesson {name!r}; valid: {valid}")
