"""Lesson files: every built-in one reads back equal after writing, and broken files are refused with
the line and the field that is wrong."""

from __future__ import annotations

import pytest

from core.lessons import (
    BUILTIN_FOLDER,
    FORMAT,
    LessonFileError,
    builtin_lesson_paths,
    lesson_to_text,
    load_lesson,
    parse_lesson,
)
from core.lessons.formulas import formula_html, with_formulas

GOOD = """---
format: minima-lab-lesson
version: 1
title: A small lesson
summary: for the tests
---
An introduction with $x^2$.

## First
Some *text*.

```experiment
landscape: sine-mix
method: gd:lr=0.1
start: 1.0
max_steps: 100
```

```predict
Where does it stop?
- here
* there
```

```run
steps: 50
```

```claim
says: it stops at pi/2
measure: final_x
near: 1.5707963
within: 1e-4
```

## Second, no experiment
```python
# a code block stays text
```
"""


def test_a_lesson_reads_as_written() -> None:
    lesson = parse_lesson(GOOD, "good.md")
    assert lesson.title == "A small lesson" and len(lesson.steps) == 2
    first, second = lesson.steps
    assert first.setup.methods == ("gd:lr=0.1",) and first.setup.starts == ((1.0,),)
    assert first.predict.choices == ("here", "there") and first.predict.answer == 1
    assert first.run.steps == 50 and first.claims[0].near == pytest.approx(1.5707963)
    assert second.setup is None and "a code block stays text" in second.text
    assert lesson.setup_at(1) is first.setup  # the last experiment stays in force
    assert first.claims[0].line == 29  # (its fence's line)


@pytest.mark.parametrize("path", builtin_lesson_paths(), ids=lambda p: p.stem)
def test_every_built_in_lesson_round_trips(path) -> None:
    lesson = load_lesson(path)
    again = parse_lesson(lesson_to_text(lesson), path.name)
    assert again == lesson
    assert lesson_to_text(again) == lesson_to_text(lesson)


def test_there_are_at_least_ten_built_in_lessons_each_with_claims() -> None:
    lessons = [load_lesson(p) for p in builtin_lesson_paths()]
    assert len(lessons) >= 10
    for lesson in lessons:
        assert any(step.claims for step in lesson.steps), lesson.title
        assert any(step.predict for step in lesson.steps), lesson.title


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


RUN_BLOCK = "```run\nsteps: 1\n```"
SECOND_EXPERIMENT = "```experiment\nlandscape: rastrigin\n```"
BROKEN = {
    "no front matter": (GOOD.split("---\n", 2)[2], 1, ""),
    "another format": (_broken(f"format: {FORMAT}", "format: minima-lab-experiment"), 2, "format"),
    "a newer version": (_broken("version: 1", "version: 2"), 3, "version"),
    "no title": (_broken("title: A small lesson\n", ""), 1, "title"),
    "unknown header field": (_broken("summary:", "sumary:"), 5, "sumary"),
    "no steps": (GOOD.split("## First")[0], 8, "steps"),
    "unknown landscape": (_broken("landscape: sine-mix", "landscape: sine-max"), 13, "experiment.landscape"),
    "bad method parameter": (_broken("gd:lr=0.1", "gd:lr=-3"), 14, "experiment.method"),
    "start outside the domain": (_broken("start: 1.0", "start: 1e9"), 12, "experiment"),
    "start with two coordinates": (_broken("start: 1.0", "start: 1.0, 2.0"), 12, "experiment"),
    "steps not whole": (_broken("max_steps: 100", "max_steps: 10.5"), 16, "experiment.max_steps"),
    "unknown experiment field": (_broken("max_steps: 100", "steps: 100"), 16, "experiment.steps"),
    "no answer marked": (_broken("* there", "- there"), 19, "predict"),
    "two answers marked": (_broken("- here", "* here"), 19, "predict"),
    "claim without says": (_broken("says: it stops at pi/2\n", ""), 29, "claim.says"),
    "claim with an unknown measure": (_broken("measure: final_x", "measure: final_y"), 29, "claim.measure"),
    "claim without bounds": (_broken("near: 1.5707963\nwithin: 1e-4\n", ""), 29, "claim"),
    "seeds over the limit": (_broken("within: 1e-4", "within: 1e-4\nseeds: 1000"), 34, "claim.seeds"),
    "a NaN bound": (_broken("near: 1.5707963", "near: nan"), 32, "claim.near"),
    "a field given twice": (_broken("steps: 50", "steps: 50\nsteps: 60"), 27, "run.steps"),
    "not key: value": (_broken("steps: 50", "steps 50"), 26, "run"),
    "an unclosed block": (GOOD.rstrip() + "\n```claim\nsays: x\n", 41, "claim"),
    "a block before any step": (_broken("An introduction", f"{RUN_BLOCK}\nAn introduction"), 7, "run"),
    "two experiments": (_broken("```predict", f"{SECOND_EXPERIMENT}\n```predict"), 19, "experiment"),
}  # fmt: skip


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_lesson_files_are_refused_with_line_and_field(case: str) -> None:
    text, line, field = BROKEN[case]
    with pytest.raises(LessonFileError) as caught:
        parse_lesson(text, "broken.md")
    error = caught.value
    assert error.line == line, str(error)
    assert error.where.startswith(field), str(error)
    assert str(error).startswith(f"broken.md:{line}: ")


def test_files_too_large_or_not_text_are_refused(tmp_path) -> None:
    big = tmp_path / "big.md"
    big.write_text(GOOD + "x" * 600_000)
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"---\n\xff\xfe\x00")
    for path in (big, binary, tmp_path / "missing.md"):
        with pytest.raises(LessonFileError, match=path.name):
            load_lesson(path)


def test_formulas_render_as_rich_text_not_tex() -> None:
    assert formula_html(r"x \leftarrow x - \eta \nabla f(x)") == (
        "<i>x</i> ← <i>x</i> − η ∇ <i>f</i>(<i>x</i>)"
    )
    assert formula_html(r"\sqrt{2\eta T}") == '√<span style="text-decoration: overline">2η <i>T</i></span>'
    assert formula_html(r"x^{2}_t") == "<i>x</i><sup>2</sup><sub><i>t</i></sub>"
    assert formula_html(r"\frac{1}{2}") == "1/2" and formula_html(r"\frac{a+b}{2}") == "(<i>a</i>+<i>b</i>)/2"
    assert formula_html("<script>") == "&lt;<i>s</i><i>c</i><i>r</i><i>i</i><i>p</i><i>t</i>&gt;"
    assert with_formulas("costs $5, and $x$ here", lambda h: f"[{h}]") == "costs $5, and [<i>x</i>] here"


def test_an_experiment_file_beside_the_lesson_is_loaded_as_it_is(tmp_path) -> None:
    from core.experiment.file_format import load_state, save_state

    example = load_state(sorted((BUILTIN_FOLDER.parent / "examples").glob("*.json"))[0])
    save_state(tmp_path / "mine.json", example)
    text = GOOD.replace(
        "landscape: sine-mix\nmethod: gd:lr=0.1\nstart: 1.0\nmax_steps: 100", "file: mine.json"
    )
    (tmp_path / "lesson.md").write_text(text.split("```predict")[0])
    lesson = load_lesson(tmp_path / "lesson.md")
    state = lesson.steps[0].setup.state()
    assert state.landscape.id == example.landscape.id and state.starts == example.starts
    assert state.methods == example.methods
    assert parse_lesson(lesson_to_text(lesson), "again.md", str(tmp_path)) == lesson
    (tmp_path / "missing.md").write_text(text.replace("mine.json", "nowhere.json").split("```predict")[0])
    with pytest.raises(LessonFileError, match="missing.md:12: experiment: .*nowhere.json"):
        load_lesson(tmp_path / "missing.md")
    (tmp_path / "both.md").write_text(text.replace("file: mine.json", "file: mine.json\nseed: 3"))
    with pytest.raises(LessonFileError, match="both.md:14: experiment.seed: with a file"):
        load_lesson(tmp_path / "both.md")


def test_a_sweep_of_a_parameter_the_method_lacks_is_refused_at_its_claim() -> None:
    text = GOOD.replace("steps: 50", "action: sweep\nparam: beta\nvalues: 0.5, 0.9").replace(
        "measure: final_x", "measure: global_share\nvalue: 0.5"
    )
    with pytest.raises(LessonFileError, match=r"sweep.md:31: run.param: gd has no numeric parameter 'beta'"):
        parse_lesson(text, "sweep.md")
