"""A lesson step's experiment block: what the window (and the headless check) loads for that step.

```experiment
landscape: sine-mix          # an id of `python main.py list`, or a formula "expr:…"
domain: -3, 3                # optional: lo, hi per dimension
method: gd:lr=0.1            # one line per method, as on the command line (-m)
start: 1.0                   # one line per start (coordinates separated by commas)…
random_starts: 20            # …and/or this many uniform starts drawn from the seed
max_steps: 100
seed: 0
view.log_loss: true          # optional view options of experiment files
tab: basins                  # optional: the side tab to show (plots or basins)
```

or, for anything an experiment file can hold (a data landscape over your own samples, parked methods):

```experiment
file: my-experiment.json     # an experiment file, beside the lesson file
tab: plots                   # (view.* and tab may be given too)
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from core.experiment.spec import MethodSpec, parse_method_spec
from core.experiment.state import ExperimentState, StateError, ViewOptions, uniform_starts
from core.landscape import Landscape
from core.landscapes.registry import FORMULA_PREFIX, all_landscape_ids, get_landscape, is_nn_id
from core.lessons.blocks import Block, Entry, LessonFileError, flag, numbers, whole
from core.limits import MAX_SEED, MAX_STARTS, MAX_STEPS
from core.params import ParamError

EXPERIMENT_KEYS = (
    "landscape",
    "domain",
    "method",
    "start",
    "random_starts",
    "max_steps",
    "seed",
    "tab",
    "file",
)
WITH_FILE = ("file", "tab")  # (and view.*) the keys that go with an experiment file
TABS = ("plots", "basins")


@dataclass(frozen=True)
class StepSetup:
    """An experiment as a lesson states it (the text it came from kept, for writing it back)."""

    landscape: str = ""
    methods: tuple[str, ...] = ()
    starts: tuple[tuple[float, ...], ...] = ()
    random_starts: int = 0
    domain: tuple[tuple[float, float], ...] | None = None
    max_steps: int = 1000
    seed: int = 0
    view: tuple[tuple[str, object], ...] = ()
    tab: str = "plots"
    file: str = ""  # an experiment file (relative to ``folder``) instead of the fields above
    folder: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    method_lines: tuple[int, ...] = field(default=(), compare=False)

    def landscape_object(self) -> Landscape:
        """The landscape with the lesson's domain (network slices take seconds to build)."""
        land = get_landscape(
            self.landscape, self.domain if self.landscape.startswith(FORMULA_PREFIX) else None
        )
        return (
            land.with_domain(self.domain)
            if self.domain and not self.landscape.startswith(FORMULA_PREFIX)
            else land
        )

    def specs(self) -> tuple[MethodSpec, ...]:
        if self.file:
            return self.state().methods
        return tuple(parse_method_spec(text) for text in self.methods)

    def state(self, seed: int | None = None) -> ExperimentState:
        """The experiment state (checked); ``seed`` replaces the lesson's (the starts stay the same)."""
        if self.file:
            from core.experiment.file_format import load_state

            state = load_state(os.path.join(self.folder, self.file))
            view = ViewOptions({**dict(state.view), **dict(self.view)})
            return replace(state, view=view, seed=state.seed if seed is None else seed).check()
        land = self.landscape_object()
        drawn = (
            tuple(map(tuple, uniform_starts(land, self.random_starts, self.seed)))
            if self.random_starts
            else ()
        )
        state = ExperimentState(
            land, self.specs(), self.starts + drawn, self.seed, self.max_steps, ViewOptions(dict(self.view))
        )
        return replace(state, seed=self.seed if seed is None else seed).check()

    def to_text(self) -> str:
        view = [f"view.{k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in self.view]
        tab = [f"tab: {self.tab}"] if self.tab != "plots" else []
        if self.file:
            return "\n".join([f"file: {self.file}", *view, *tab])
        lines = [f"landscape: {self.landscape}"]
        if self.domain:
            lines.append("domain: " + ", ".join(f"{v:g}" for pair in self.domain for v in pair))
        lines += [f"method: {m}" for m in self.methods]
        lines += ["start: " + ", ".join(f"{v!r}" for v in s) for s in self.starts]
        if self.random_starts:
            lines.append(f"random_starts: {self.random_starts}")
        lines += [f"max_steps: {self.max_steps}", f"seed: {self.seed}"]
        return "\n".join(lines + view + tab)


def read_setup(block: Block, source: str, folder: str = "") -> StepSetup:
    """The block as a ``StepSetup``, every field checked (the experiment itself too, except a network
    slice's, which takes seconds to build: it is checked when its step is loaded or checked)."""
    entries = block.entries(source, repeatable=("method", "start"))
    fields: dict[str, object] = {"line": block.line, "folder": folder}
    methods, lines, starts, view = [], [], [], []
    for e in entries:
        where = f"experiment.{e.key}"
        if e.key == "method":
            methods.append(_method_text(e, source))
            lines.append(e.line)
        elif e.key == "start":
            starts.append(numbers(e, source, where))
        elif e.key.startswith("view."):
            view.append((e.key[5:], _view_value(e, source)))
        elif e.key in EXPERIMENT_KEYS:
            fields[e.key] = _field(e, source, where)
        else:
            valid = ", ".join((*EXPERIMENT_KEYS, "view.OPTION"))
            raise LessonFileError(source, e.line, where, f"unknown field; valid: {valid}")
    if "file" in fields:
        return _with_file(fields, entries, view, source)
    if "landscape" not in fields:
        raise LessonFileError(source, block.line, "experiment.landscape", "missing")
    if not methods:
        raise LessonFileError(source, block.line, "experiment.method", "at least one method line is needed")
    setup = StepSetup(
        methods=tuple(methods), starts=tuple(starts), view=tuple(view), method_lines=tuple(lines), **fields
    )
    if not is_nn_id(setup.landscape):
        check_setup(setup, source)
    return setup


def _with_file(fields: dict, entries: list[Entry], view: list, source: str) -> StepSetup:
    for e in entries:
        if e.key not in WITH_FILE and not e.key.startswith("view."):
            problem = "with a file, give only tab and view.* (the file holds the rest)"
            raise LessonFileError(source, e.line, f"experiment.{e.key}", problem)
    setup = StepSetup(view=tuple(view), **fields)
    check_setup(setup, source)
    return setup


def check_setup(setup: StepSetup, source: str) -> ExperimentState:
    """The setup's experiment state, or LessonFileError at the block's line naming the field."""
    try:
        return setup.state()
    except (StateError, ParamError, ValueError, OSError) as exc:
        raise LessonFileError(source, setup.line, "experiment", str(exc)) from None


def _field(e: Entry, source: str, where: str) -> object:
    if e.key == "landscape":
        ids = all_landscape_ids()
        if e.value not in ids and not e.value.startswith(FORMULA_PREFIX):
            raise LessonFileError(
                source, e.line, where, f"unknown landscape {e.value!r}; valid: {', '.join(ids)}"
            )
        return e.value
    if e.key == "domain":
        values = numbers(e, source, where)
        if len(values) % 2 or any(lo >= hi for lo, hi in zip(values[::2], values[1::2], strict=True)):
            raise LessonFileError(source, e.line, where, "expected lo, hi per dimension with lo < hi")
        return tuple(zip(values[::2], values[1::2], strict=True))
    if e.key == "file":
        if not e.value:
            raise LessonFileError(source, e.line, where, "empty")
        return e.value
    if e.key == "tab":
        if e.value not in TABS:
            raise LessonFileError(source, e.line, where, f"{e.value!r}: expected one of {', '.join(TABS)}")
        return e.value
    limits = {"random_starts": (1, MAX_STARTS), "max_steps": (1, MAX_STEPS), "seed": (0, MAX_SEED)}
    return whole(e, source, where, *limits[e.key])


def _method_text(e: Entry, source: str) -> str:
    try:
        parse_method_spec(e.value)
    except (ParamError, ValueError) as exc:
        raise LessonFileError(source, e.line, "experiment.method", str(exc)) from None
    return e.value


def _view_value(e: Entry, source: str) -> object:
    name, where = e.key[5:], f"experiment.{e.key}"
    default = ViewOptions.DEFAULTS.get(name)
    if isinstance(default, bool):
        return flag(e, source, where)
    if name in ViewOptions.CHOICES:
        if e.value not in ViewOptions.CHOICES[name]:
            valid = ", ".join(ViewOptions.CHOICES[name])
            raise LessonFileError(source, e.line, where, f"{e.value!r}: expected one of {valid}")
        return e.value
    raise LessonFileError(
        source, e.line, where, f"unknown view option; valid: {', '.join(ViewOptions.DEFAULTS)}"
    )
