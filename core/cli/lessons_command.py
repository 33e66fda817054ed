"""``lessons list`` and ``lessons check [FILE…]``: the built-in lessons, and every claim measured."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.lessons import LessonFileError, builtin_lesson_paths, check_lesson, load_lesson


def add_lessons_arguments(lessons: argparse.ArgumentParser) -> None:
    lessons.add_argument(
        "action", choices=("list", "check"), help="list the built-in lessons, or check claims"
    )
    lessons.add_argument(
        "files", nargs="*", metavar="FILE", help="lesson files (default: every built-in one)"
    )


def command_lessons(args: argparse.Namespace) -> int:
    """Print the lessons (list) or each claim's measured figure (check); 1 if a claim does not hold
    or a file is refused, else 0."""
    paths = [Path(f) for f in args.files] or builtin_lesson_paths()
    failed = 0
    for path in paths:
        try:
            lesson = load_lesson(path)
        except LessonFileError as exc:
            print(f"refused: {exc}", flush=True)
            failed += 1
            continue
        if args.action == "list":
            print(f"{path.stem:<24} {lesson.title} ({len(lesson.steps)} steps): {lesson.summary}", flush=True)
            continue
        failed += _check_one(path, lesson)
    if args.action == "check":
        print("every claim holds" if not failed else f"{failed} claim(s) or file(s) failed", flush=True)
    return 1 if failed else 0


def _check_one(path: Path, lesson) -> int:
    print(f"{path.name}: {lesson.title}", flush=True)
    failed, began = 0, time.perf_counter()
    try:
        for result in check_lesson(lesson):
            step = lesson.steps[result.step]
            print(f"  step {result.step + 1} ({step.title}): {result.line()}", flush=True)
            failed += not result.holds
    except LessonFileError as exc:
        print(f"  refused: {exc}", flush=True)
        return failed + 1
    except ValueError as exc:  # (a run the experiment cannot make: said with the lesson's name)
        print(f"  refused: {path.name}: {exc}", flush=True)
        return failed + 1
    print(f"  ({time.perf_counter() - began:.1f} s)", file=sys.stderr, flush=True)
    return failed
