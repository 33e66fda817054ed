"""The window as a person sees it, measured from outside: ``python main.py FILE.json`` in a real X window.

Run: ``python benchmarks/bench_gui.py`` (``--seconds S``: the streaming window, 5 by default;
``--repeats N``: launches per case, 3 by default, the best shown; ``--only NAME``: one case of
launch, runs35, runs210, choose, basins, view3d — the last under Xvfb only, with Mesa's software
OpenGL: Qt's offscreen platform has none).

Each case launches the app as a person does, ``python main.py FILE.json`` (a file written here), first
under an Xvfb server of its own (QT_QPA_PLATFORM=xcb, a fresh settings folder per launch, keys pressed
with xdotool), then offscreen (QT_QPA_PLATFORM=offscreen, where the probe's commands stand in for
the keys). The app measures itself with ``gui/probe.py`` (switched on by MINIMA_LAB_PROBE=1):
repaints of the landscape view, the lateness of a precise 5 ms timer (how much longer than 5 ms the
event loop took to get back to it), engine steps, the longest waits between refreshes of the results
table and of the status line while running, and the time from a Space press reaching the app to
"paused". Launch and quit times are taken here: ``time.time()`` before ``Popen`` to the first frame
painted, Ctrl+Q to the process's exit.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_harness import DATA_LANDSCAPES, SCREEN, WAIT, App, Problem, Timeout, write_files, xvfb  # noqa: E402

# ---- the cases ---------------------------------------------------------------------------------------
Start = Callable[[str], App]  # launches the app on one of the files written by ``write_files``


def stream(app: App, seconds: float, ready: bool = True) -> dict:
    """Speed "max", Space, ``seconds`` of running: the probe's report."""
    if ready:
        app.ready()
    app.ask("speed 0")
    app.ask("mark")
    app.press("space", "play")
    time.sleep(seconds)
    report = app.ask("report")
    if report["state"] != "running":
        raise Problem(f"the runs are {report['state']} after Space, not running")
    return report


def case_launch(start: Start, out: dict, seconds: float) -> None:
    app = start("plain")
    out["shown"] = app.expect("shown")["time"] - app.started
    app.ready()
    app.quit()


def case_runs35(start: Start, out: dict, seconds: float) -> None:
    app = start("runs35")
    report = stream(app, seconds)
    out.update(fps35=report["repaints_per_s"], late35=report["late_worst_ms"], p99_35=report["late_p99_ms"])
    out["steps35"] = report["steps_per_s"]
    out["quit_running"] = app.quit()


def case_runs210(start: Start, out: dict, seconds: float) -> None:
    app = start("runs210")
    report = stream(app, seconds)
    out.update(fps210=report["repaints_per_s"], late210=report["late_worst_ms"])
    out.update(table210=report["table_gap_s"], status210=report["status_gap_s"])
    sent, deadline = time.time(), time.monotonic() + WAIT
    app.press("space", "pause")
    while (report := app.ask("report"))["space_to_paused_ms"] is None:
        if time.monotonic() > deadline:
            raise Timeout(f"not paused within {WAIT:.0f} s of Space")
        time.sleep(0.05)
    out["space210"] = report["space_to_paused_ms"]
    out["space_wall210"] = (report["paused_time"] - sent) * 1000
    app.quit()


def case_choose(start: Start, out: dict, seconds: float) -> None:
    app = start("plain")
    app.ready()
    for short, landscape in DATA_LANDSCAPES.items():
        app.ask("mark")
        app.ask(f"choose {landscape}")
        app.ask("labelled", timeout=2 * WAIT)
        report = app.ask("report")
        out[f"late_{short}"], out[f"labelled_{short}"] = report["late_worst_ms"], report["seconds"]
    app.quit()


def case_basins(start: Start, out: dict, seconds: float) -> None:
    app = start("plain")
    app.ready()
    app.ask("basins")
    out["quit_basins"] = app.quit()


def case_view3d(start: Start, out: dict, seconds: float) -> None:
    """The 35-run file with View ▸ 3-D surface shown beside the window (Xvfb: Mesa's software OpenGL)."""
    app = start("runs35")
    app.ready()
    if not app.ask("view3d")["shown"]:
        raise Problem("the 3-D view did not show (no OpenGL?)")
    time.sleep(1.0)  # (the surface built and drawn once)
    report = stream(app, seconds, ready=False)
    out.update(paints3d=report["paints3d_per_s"], late3d=report["late_worst_ms"])
    out.update(fps2d_3d=report["repaints_per_s"], steps3d=report["steps_per_s"])
    app.quit()


CASES = {"launch": case_launch, "runs35": case_runs35, "runs210": case_runs210}
CASES.update(choose=case_choose, basins=case_basins, view3d=case_view3d)
X_ONLY = {"view3d"}  # (offscreen, Qt has no OpenGL)


@dataclass(frozen=True)
class Figure:
    key: str
    case: str  # the function in CASES that measures it
    row: str
    text: str
    unit: str  # the value's format
    target: str = "—"  # "≥ N …", "< N …" or "≤ N …"; "—": none (lower is better)

    @property
    def higher_is_better(self) -> bool:
        return self.target.startswith("≥")

    def meets(self, value: float, bar: str | None = None) -> bool:
        sign, number = (bar or self.target).split()[:2]
        limit = float(number.replace(",", ""))
        return value >= limit if sign == "≥" else value <= limit if sign == "≤" else value < limit


# The table: key, case, row, figure, format, target.
FIGURES = tuple(
    Figure(*spec)
    for spec in [
        ("fps35", "runs35", "1. Rastrigin, 35 runs, max", "repaints of the view", "{:.1f} /s", "≥ 60 /s"),
        ("late35", "runs35", "", "worst lateness (5 ms timer)", "{:.1f} ms", "< 50 ms"),
        ("p99_35", "runs35", "", "99th-percentile lateness", "{:.1f} ms"),
        ("fps210", "runs210", "2. the same, 210 runs", "repaints of the view", "{:.1f} /s", "≥ 30 /s"),
        ("late210", "runs210", "", "worst lateness (5 ms timer)", "{:.1f} ms", "< 100 ms"),
        ("space210", "runs210", "", "Space to paused (in the app)", "{:.1f} ms", "< 100 ms"),
        ("space_wall210", "runs210", "", "key sent to paused (incl. xdotool start)", "{:.0f} ms"),
        ("table210", "runs210", "", "longest wait between table refreshes", "{:.3f} s", "≤ 0.25 s"),
        ("status210", "runs210", "", "longest wait between status lines", "{:.3f} s", "≤ 0.25 s"),
        ("steps35", "runs35", "3. engine, 35 runs, max", "steps per second", "{:,.0f} /s", "≥ 10,000 /s"),
        ("late_ffp", "choose", "4. choose fit-frequency-phase", "worst lateness", "{:.1f} ms", "< 100 ms"),
        ("labelled_ffp", "choose", "", "choice to labelled", "{:.2f} s"),
        ("late_net", "choose", "4. then choose tiny-net", "worst lateness", "{:.1f} ms", "< 100 ms"),
        ("labelled_net", "choose", "", "choice to labelled", "{:.2f} s"),
        ("shown", "launch", "5. launch, simple file", "Popen to first frame shown", "{:.2f} s", "< 1 s"),
        ("quit_running", "runs35", "6. Ctrl+Q while running", "to process exit", "{:.3f} s", "< 0.5 s"),
        ("quit_basins", "basins", "6. Ctrl+Q, basin map computing", "to process exit", "{:.3f} s", "< 0.5 s"),
        ("paints3d", "view3d", "7. case 1 with 3-D view", "3-D view repaints", "{:.1f} /s", "≥ 30 /s"),
        ("late3d", "view3d", "", "worst lateness (5 ms timer)", "{:.1f} ms", "< 50 ms"),
        ("fps2d_3d", "view3d", "", "repaints of the 2-D view beside it", "{:.1f} /s"),
        ("steps3d", "view3d", "", "engine steps per second", "{:,.0f} /s"),
    ]
)
BUSY = {"fps35": "≥ 50 /s"}  # the lower bar the issue accepts on a busy machine


# ---- running and reporting ---------------------------------------------------------------------------
def measure(display: str | None, names: list[str], repeats: int, seconds: float, files: dict) -> dict:
    """Every figure of the cases ``names``, one value per launch (or "timeout" / "error")."""
    values: dict[str, list] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as folder:
        for name in names:
            if display is None and name in X_ONLY:
                continue
            for repeat in range(repeats):
                out = run_case(name, display, Path(folder), files, seconds)
                for key, value in out.items():
                    values[key].append(value)
                brief = ", ".join(
                    f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in out.items()
                )
                print(f"{'Xvfb' if display else 'offscreen'} {name} #{repeat + 1}: {brief}", file=sys.stderr)
    return values


def run_case(name: str, display: str | None, folder: Path, files: dict, seconds: float) -> dict:
    """One launch (or a few) of case ``name``: its figures; every app it started killed after."""
    apps: list[App] = []
    out: dict = {}

    def start(kind: str) -> App:
        apps.append(App(files[kind], display, folder))
        return apps[-1]

    failure = None
    try:
        CASES[name](start, out, seconds)
    except (Timeout, Problem) as exc:
        failure = exc
        for figure in FIGURES:
            if figure.case == name:
                out.setdefault(figure.key, "timeout" if isinstance(exc, Timeout) else "error")
    finally:
        logs = [app.close() for app in apps]
    if failure is not None:
        print(f"  {name}: {failure}; the app's log ends:\n{logs[-1] if logs else ''}", file=sys.stderr)
    return out


def best(figure: Figure, values: list) -> float | str | None:
    numbers = [v for v in values if isinstance(v, int | float)]
    if numbers:
        return max(numbers) if figure.higher_is_better else min(numbers)
    return values[0] if values else None


def cell(figure: Figure, value: float | str | None) -> str:
    if value is None:
        return "—"
    return figure.unit.format(value) if isinstance(value, int | float) else value


def verdict(figure: Figure, value: float | str | None) -> str:
    if figure.target == "—" or value is None:
        return ""
    if not isinstance(value, int | float):
        return "MISS"
    if figure.meets(value):
        return "PASS"
    busy = BUSY.get(figure.key)
    return f"PASS ({busy}, busy)" if busy is not None and figure.meets(value, busy) else "MISS"


def print_table(names: list[str], on_x: dict, offscreen: dict, repeats: int) -> None:
    figures = [figure for figure in FIGURES if figure.case in names]
    print("| case | figure | Xvfb | offscreen | target | Xvfb vs target |\n|---|---|---|---|---|---|")
    for figure in figures:
        x_best, off_best = best(figure, on_x[figure.key]), best(figure, offscreen[figure.key])
        cells = (figure.row, figure.text, cell(figure, x_best), cell(figure, off_best), figure.target)
        print(f"| {' | '.join(cells)} | {verdict(figure, x_best)} |")
    print(f"\nEvery launch (best of {repeats} above), Xvfb / offscreen:")
    for figure in figures:
        x_all, off_all = (", ".join(cell(figure, v) for v in vals[figure.key]) for vals in (on_x, offscreen))
        print(f"  {figure.key}: {x_all} / {off_all}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="streaming window (s), 5 by default")
    parser.add_argument("--repeats", type=int, default=3, help="launches per case, 3 by default")
    parser.add_argument("--only", choices=list(CASES), help="measure one case only")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers and apps are cleaned up
    names = [args.only] if args.only else list(CASES)
    with tempfile.TemporaryDirectory(prefix="bench-gui-files-") as folder:
        files = write_files(Path(folder))
        with xvfb() as display:
            on_x = measure(display, names, args.repeats, args.seconds, files)
        offscreen = measure(None, names, args.repeats, args.seconds, files)
    print(
        f"\nbench_gui {time.strftime('%Y-%m-%d')}: Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"streaming {args.seconds:g} s, best of {args.repeats} launches; Xvfb {SCREEN}, default window size\n"
    )
    print_table(names, on_x, offscreen, args.repeats)


if __name__ == "__main__":
    main()
