"""Lesson files: Markdown with a front matter and fenced blocks, read into a ``Lesson`` and written back.

The format (version 1; ``docs/lessons.md`` is the teacher's how-to)::

    ---
    format: minima-lab-lesson
    version: 1
    title: Stuck in a local minimum
    summary: one line for the list of lessons
    ---
    Text before the first step: the lesson's introduction (Markdown; formulas between $…$).

    ## The title of step 1
    Markdown text, then any of these fenced blocks (at most one of each but claim):

    ```experiment      (see core.lessons.setup: what the window loads; a step without one keeps the last)
    ```predict         (a question, choices "- …", the answer "* …": revealed after the run)
    ```run             (see core.lessons.claims: play N steps, or a sweep, highdim, retrain, roughness)
    ```claim           (see core.lessons.claims: an observation and its check; any number of them)

A file that breaks a rule is refused whole with ``LessonFileError`` (``FILE:LINE: FIELD: problem``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from core.files import TextFileError, read_text_limited
from core.lessons.blocks import Block, LessonFileError, RawStep, split_lesson
from core.lessons.claims import Claim, RunAction, claim_text, read_claim, read_run, run_text
from core.lessons.setup import StepSetup, read_setup
from core.methods import get_method

FORMAT = "minima-lab-lesson"
VERSION = 1
MAX_LESSON_BYTES = 512 * 1024
MAX_STEPS_PER_LESSON = 40
HEADER_KEYS = ("format", "version", "title", "summary")


@dataclass(frozen=True)
class Predict:
    """A multiple-choice question asked before the run; ``answer`` indexes ``choices``."""

    question: str
    choices: tuple[str, ...]
    answer: int
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    setup: StepSetup | None = None  # None: the previous step's experiment stays
    predict: Predict | None = None
    run: RunAction | None = None
    claims: tuple[Claim, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Lesson:
    title: str
    summary: str
    intro: str
    steps: tuple[Step, ...]
    source: str = field(default="", compare=False)

    def setup_at(self, index: int) -> StepSetup | None:
        """The experiment in force at step ``index`` (its own, or the last one before it)."""
        return next((s.setup for s in reversed(self.steps[: index + 1]) if s.setup is not None), None)


def load_lesson(path: str | os.PathLike) -> Lesson:
    """The lesson in the file at ``path``; LessonFileError if it is unreadable or breaks a rule."""
    source = os.fspath(path)
    try:
        text = read_text_limited(source, MAX_LESSON_BYTES)
    except TextFileError as exc:
        raise LessonFileError(
            source, 1, "", f"{exc} (at most {MAX_LESSON_BYTES // 1024} KB of UTF-8)"
        ) from None
    return parse_lesson(text, os.path.basename(source), os.path.dirname(os.path.abspath(source)))


def lesson_header(path: str | os.PathLike) -> tuple[str, str, int]:
    """A lesson file's title, summary and number of steps, read without building its experiments (for
    a list of lessons); LessonFileError as ``load_lesson``."""
    source = os.fspath(path)
    try:
        text = read_text_limited(source, MAX_LESSON_BYTES)
    except TextFileError as exc:
        raise LessonFileError(source, 1, "", str(exc)) from None
    raw = split_lesson(text, os.path.basename(source))
    header = {e.key: e.value for e in raw.header}
    return header.get("title", os.path.basename(source)), header.get("summary", ""), len(raw.steps)


def parse_lesson(text: str, source: str = "lesson", folder: str = "") -> Lesson:
    """The lesson ``text`` holds (see the module docstring); an experiment ``file:`` is read from
    ``folder`` (the lesson file's)."""
    raw = split_lesson(text, source)
    header = {e.key: e for e in raw.header}
    for e in raw.header:
        if e.key not in HEADER_KEYS:
            raise LessonFileError(source, e.line, e.key, f"unknown field; valid: {', '.join(HEADER_KEYS)}")
    _check_header(header, source)
    if not raw.steps:
        raise LessonFileError(
            source, len(text.splitlines()) or 1, "steps", "a lesson needs at least one '## ' step"
        )
    if len(raw.steps) > MAX_STEPS_PER_LESSON:
        raise LessonFileError(source, raw.steps[-1].line, "steps", f"at most {MAX_STEPS_PER_LESSON} steps")
    steps = tuple(_step(s, source, folder) for s in raw.steps)
    if steps[0].setup is None:
        raise LessonFileError(
            source, raw.steps[0].line, "experiment", "the first step needs an experiment block"
        )
    summary = header["summary"].value if "summary" in header else ""
    lesson = Lesson(header["title"].value, summary, _text(raw.intro), steps, source)
    for index, step in enumerate(steps):
        if step.run is not None and step.run.action == "sweep":
            _check_swept(lesson, index, source)
    return lesson


def _check_swept(lesson: Lesson, index: int, source: str) -> None:
    """Refuse a sweep whose parameter the swept method does not have (said at the claim's line)."""
    step = lesson.steps[index]
    methods = [spec.method for spec in lesson.setup_at(index).specs()]
    numbered = {f"#{k + 1}": m for k, m in enumerate(methods)}
    for claim in step.claims or (None,):
        chosen = claim.method if claim is not None and claim.method else "#1"
        method = numbered.get(chosen, chosen)
        if method not in methods:
            continue  # (the claim's check says which methods there are)
        numeric = [p.name for p in get_method(method).params() if p.kind in ("float", "int")]
        if step.run.param not in numeric:
            line = claim.line if claim is not None else step.run.line
            problem = f"{method} has no numeric parameter {step.run.param!r}; it has {', '.join(numeric)}"
            raise LessonFileError(source, line, "run.param", problem)


def _check_header(header: dict, source: str) -> None:
    for key in ("format", "version", "title"):
        if key not in header or not header[key].value:
            raise LessonFileError(source, 1, key, "missing from the front matter")
    if header["format"].value != FORMAT:
        raise LessonFileError(source, header["format"].line, "format", f"expected {FORMAT!r}")
    if header["version"].value != str(VERSION):
        problem = f"{header['version'].value!r}: this version of Minima Lab reads version {VERSION}"
        raise LessonFileError(source, header["version"].line, "version", problem)


def _step(raw: RawStep, source: str, folder: str) -> Step:
    if not raw.title:
        raise LessonFileError(source, raw.line, "step", "a step needs a title after '## '")
    kinds = [b.kind for b in raw.blocks]
    for kind in ("experiment", "predict", "run"):
        if kinds.count(kind) > 1:
            second = [b for b in raw.blocks if b.kind == kind][1]
            raise LessonFileError(source, second.line, kind, "at most one per step")
    found = {b.kind: b for b in raw.blocks}
    action = read_run(found["run"], source) if "run" in found else RunAction()
    claims = tuple(read_claim(b, source, action) for b in raw.blocks if b.kind == "claim")
    return Step(
        raw.title,
        _text(raw.text),
        read_setup(found["experiment"], source, folder) if "experiment" in found else None,
        _predict(found["predict"], source) if "predict" in found else None,
        action if "run" in found or claims else None,
        claims,
        raw.line,
    )


def _predict(block: Block, source: str) -> Predict:
    question, choices, answers = [], [], []
    for _number, line in block.lines:
        mark, _, choice = line.strip().partition(" ")
        if mark in ("-", "*") and choice.strip():
            answers += [len(choices)] if mark == "*" else []
            choices.append(choice.strip())
        elif line.strip():
            question.append(line.strip())
    if not question or len(choices) < 2:
        raise LessonFileError(source, block.line, "predict", "needs a question and at least two '- ' choices")
    if len(answers) != 1:
        problem = f"mark exactly one choice as the answer with '* ' ({len(answers)} marked)"
        raise LessonFileError(source, block.line, "predict", problem)
    return Predict(" ".join(question), tuple(choices), answers[0], block.line)


def _text(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def lesson_to_text(lesson: Lesson) -> str:
    """The lesson as a file (``parse_lesson`` reads it back to an equal lesson, line numbers aside)."""
    out = ["---", f"format: {FORMAT}", f"version: {VERSION}", f"title: {lesson.title}"]
    out += [f"summary: {lesson.summary}"] if lesson.summary else []
    out += ["---", "", lesson.intro, ""] if lesson.intro else ["---", ""]
    for step in lesson.steps:
        out += [f"## {step.title}", "", step.text, ""] if step.text else [f"## {step.title}", ""]
        if step.setup is not None:
            out += ["```experiment", step.setup.to_text(), "```", ""]
        if step.predict is not None:
            p = step.predict
            marks = ["* " if k == p.answer else "- " for k in range(len(p.choices))]
            out += [
                "```predict",
                p.question,
                *(m + c for m, c in zip(marks, p.choices, strict=True)),
                "```",
                "",
            ]
        if step.run is not None:
            out += ["```run", run_text(step.run), "```", ""]
        for claim in step.claims:
            out += ["```claim", claim_text(claim), "```", ""]
    return "\n".join(out).rstrip() + "\n"
