"""Lessons: guided steps through the lecture on bad local minima, read from Markdown lesson files, each
observation a claim that ``python main.py lessons check`` (and the test suite) measures."""

from core.lessons.blocks import LessonFileError
from core.lessons.builtin import BUILTIN_FOLDER, builtin_lesson_paths, load_builtin
from core.lessons.check import ClaimResult, check_lesson, measure_claim, measure_step
from core.lessons.claims import MEASURES, Claim, RunAction
from core.lessons.lesson import (
    FORMAT,
    VERSION,
    Lesson,
    Predict,
    Step,
    lesson_header,
    lesson_to_text,
    load_lesson,
    parse_lesson,
)
from core.lessons.setup import StepSetup

__all__ = [
    "BUILTIN_FOLDER",
    "FORMAT",
    "MEASURES",
    "VERSION",
    "Claim",
    "ClaimResult",
    "Lesson",
    "LessonFileError",
    "Predict",
    "RunAction",
    "Step",
    "StepSetup",
    "builtin_lesson_paths",
    "check_lesson",
    "lesson_header",
    "lesson_to_text",
    "load_builtin",
    "load_lesson",
    "measure_claim",
    "measure_step",
    "parse_lesson",
]
