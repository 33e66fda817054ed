"""The Lesson dock: lessons walked in the main window (``core.lessons`` reads and checks them)."""

from gui.lessons.lesson_dock import LessonDock

__all__ = ["LessonDock"]
