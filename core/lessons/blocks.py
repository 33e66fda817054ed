"""The pieces of a lesson file: its front matter, its ``## `` steps and their fenced ``key: value``
blocks, each remembering the line it came from (so a refusal names the line and the field)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^(`{3,}|~{3,})\s*([A-Za-z-]*)\s*$")
BLOCK_KINDS = ("experiment", "predict", "run", "claim")


class LessonFileError(ValueError):
    """A lesson file was refused. The message reads ``FILE:LINE: FIELD: what is wrong``."""

    def __init__(self, source: str, line: int, where: str, problem: str):
        self.source, self.line, self.where, self.problem = source, line, where, problem
        super().__init__(f"{source}:{line}: {where}: {problem}" if where else f"{source}:{line}: {problem}")


@dataclass
class Entry:
    """One ``key: value`` line of a block (or of the front matter)."""

    key: str
    value: str
    line: int


@dataclass
class Block:
    """A fenced block of one of ``BLOCK_KINDS``: its lines after the opening fence."""

    kind: str
    line: int  # of the opening fence
    lines: list[tuple[int, str]] = field(default_factory=list)

    def entries(self, source: str, repeatable: tuple[str, ...] = ()) -> list[Entry]:
        """The block's ``key: value`` lines (blank lines and ``#`` comments skipped); a key may appear
        twice only if ``repeatable``."""
        out: list[Entry] = []
        for number, text in self.lines:
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            key, colon, value = text.partition(":")
            if not colon or not re.fullmatch(r"[a-z][a-z0-9_.]*", key.strip()):
                raise LessonFileError(
                    source, number, self.kind, f"expected 'key: value', got {text.strip()!r}"
                )
            entry = Entry(key.strip(), value.strip(), number)
            if entry.key not in repeatable and any(e.key == entry.key for e in out):
                raise LessonFileError(source, number, f"{self.kind}.{entry.key}", "given twice")
            out.append(entry)
        return out


@dataclass
class RawStep:
    """A ``## `` heading and what follows it up to the next one."""

    title: str
    line: int
    text: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class RawLesson:
    header: list[Entry]
    header_line: int
    intro: list[str]
    steps: list[RawStep]


def split_lesson(text: str, source: str) -> RawLesson:
    """Front matter, intro text and steps of a lesson file (nothing interpreted yet)."""
    lines = text.splitlines()
    header, body_start = _front_matter(lines, source)
    intro: list[str] = []
    steps: list[RawStep] = []
    fence: tuple[str, Block | None] | None = None  # (the fence's marks, our block or None for code)
    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        if fence is not None:
            fence = _inside_fence(fence, number, line, steps, intro)
            continue
        opening = FENCE.match(line)
        if opening and opening.group(2).lower() in BLOCK_KINDS:
            if not steps:
                raise LessonFileError(source, number, opening.group(2), "a block before the first '## ' step")
            block = Block(opening.group(2).lower(), number)
            steps[-1].blocks.append(block)
            fence = (opening.group(1), block)
        elif line.startswith("## "):
            steps.append(RawStep(line[3:].strip(), number))
        else:
            (steps[-1].text if steps else intro).append(line)
            if opening:
                fence = (opening.group(1), None)
    if fence is not None:
        where = fence[1].kind if fence[1] else "text"
        raise LessonFileError(source, len(lines), where, f"a block opened with {fence[0]} is never closed")
    return RawLesson(header, 1, intro, steps)


def _inside_fence(fence, number: int, line: str, steps: list[RawStep], intro: list[str]):
    marks, block = fence
    closing = line.strip() == marks
    if block is not None:
        if not closing:
            block.lines.append((number, line))
    else:
        (steps[-1].text if steps else intro).append(line)
    return None if closing else fence


def _front_matter(lines: list[str], source: str) -> tuple[list[Entry], int]:
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "---":
        raise LessonFileError(source, (first or 0) + 1, "", "a lesson starts with a '---' front matter")
    header = Block("front matter", first + 1)
    for k in range(first + 1, len(lines)):
        if lines[k].strip() == "---":
            return header.entries(source), k + 1
        header.lines.append((k + 1, lines[k]))
    raise LessonFileError(source, first + 1, "front matter", "never closed by a '---' line")


def number(entry: Entry, source: str, where: str, low: float = -math.inf, high: float = math.inf) -> float:
    """The entry's value as a finite number in [low, high]."""
    try:
        value = float(entry.value)
    except ValueError:
        raise LessonFileError(source, entry.line, where, f"{entry.value!r} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise LessonFileError(source, entry.line, where, f"{entry.value} is outside [{low:g}, {high:g}]")
    return value


def whole(entry: Entry, source: str, where: str, low: int, high: int) -> int:
    """The entry's value as a whole number in [low, high]."""
    value = number(entry, source, where, low, high)
    if value != int(value) or "." in entry.value or "e" in entry.value.lower():
        raise LessonFileError(source, entry.line, where, f"{entry.value!r} is not a whole number")
    return int(value)


def numbers(entry: Entry, source: str, where: str, separator: str = ",") -> tuple[float, ...]:
    """A list of finite numbers such as ``1, 2, 5``."""
    parts = [p.strip() for p in entry.value.split(separator)]
    if not all(parts):
        raise LessonFileError(source, entry.line, where, f"expected numbers separated by '{separator}'")
    return tuple(number(Entry(entry.key, p, entry.line), source, where) for p in parts)


def flag(entry: Entry, source: str, where: str) -> bool:
    if entry.value.lower() not in ("true", "false"):
        raise LessonFileError(source, entry.line, where, f"{entry.value!r}: expected true or false")
    return entry.value.lower() == "true"
