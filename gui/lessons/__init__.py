"""The Lesson dock: lessons walked in the main window (``core.lessons`` reads and checks them)."""

from gui.lessons.lesson_dock import LessonDock
from gui.lessons.lesson_panel import LessonPanel

__all__ = ["LessonDock", "LessonPanel"]
