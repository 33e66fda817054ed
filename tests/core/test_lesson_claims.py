"""Every claim of every built-in lesson holds (``python main.py lessons check``, over the seeds each
claim names), and the checker says so when a claim does not."""

from __future__ import annotations

import pytest

from core.cli import main
from core.lessons import builtin_lesson_paths, check_lesson, load_lesson, parse_lesson
from core.methods import get_method
from tests.core.test_lesson_files import GOOD

STOCHASTIC_SEEDS = 5  # a claim about a stochastic method is checked over at least this many seeds
# Stochastic methods whose noise these parameters switch off (all of them zero: the run is deterministic).
NOISE_OFF = {"langevin": ("temperature",), "mala": ("temperature",), "sgd": ("noise", "batch_size")}


def random_runs(spec) -> bool:
    """Whether the runs of ``spec`` depend on the seed."""
    noise = NOISE_OFF.get(spec.method)
    quiet = noise is not None and all(spec.params.get(name, 0) == 0 for name in noise)
    return get_method(spec.method).stochastic and not quiet


@pytest.mark.parametrize("path", builtin_lesson_paths(), ids=lambda p: p.stem)
def test_every_claim_of_the_built_in_lessons_holds(path) -> None:
    lesson = load_lesson(path)
    for result in check_lesson(lesson):
        assert result.holds, f"{path.name}, step {result.step + 1}: {result.line()}"


@pytest.mark.parametrize("path", builtin_lesson_paths(), ids=lambda p: p.stem)
def test_stochastic_claims_name_enough_seeds(path) -> None:
    lesson = load_lesson(path)
    for index, step in enumerate(lesson.steps):
        specs = lesson.setup_at(index).specs()
        for claim in step.claims:
            chosen = [s for k, s in enumerate(specs) if claim.method in (None, s.method, f"#{k + 1}")]
            if any(random_runs(s) for s in chosen) and step.run.action in ("play", "sweep"):
                assert claim.seeds >= STOCHASTIC_SEEDS, f"{path.name}:{claim.line}: {claim.says}"


def test_a_claim_that_does_not_hold_fails_the_check(tmp_path, capsys) -> None:
    wrong = tmp_path / "wrong.md"
    wrong.write_text(GOOD.replace("near: 1.5707963", "near: -0.7016741"))
    assert main(["lessons", "check", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "final_x = 1.5708 " in out and "DOES NOT HOLD" in out and "it stops at pi/2" in out


def test_check_and_list_from_the_command_line(tmp_path, capsys) -> None:
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    assert main(["lessons", "check", str(good)]) == 0
    assert "every claim holds" in capsys.readouterr().out
    broken = tmp_path / "broken.md"
    broken.write_text(GOOD.replace("version: 1", "version: 9"))
    assert main(["lessons", "check", str(broken)]) == 1
    assert "broken.md:3: version" in capsys.readouterr().out
    assert main(["lessons", "list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(builtin_lesson_paths())


def test_a_claim_too_costly_is_refused_before_any_work() -> None:
    costly = GOOD.replace("max_steps: 100", "max_steps: 1000000").replace("steps: 50", "steps: 1000000")
    costly = costly.replace("within: 1e-4", "within: 1e-4\nseeds: 50")
    lesson = parse_lesson(costly.replace("start: 1.0", "random_starts: 2000"), "costly.md")
    with pytest.raises(ValueError, match="costly.md:29: claim.seeds: .* run-steps"):
        list(check_lesson(lesson))
