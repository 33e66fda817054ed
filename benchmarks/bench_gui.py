"""The window as a person sees it, measured from outside: ``python main.py FILE.json`` in a real X window.

Run: ``python benchmarks/bench_gui.py`` (``--seconds S``: the streaming window, 5 by default;
``--repeats N``: launches per case, 3 by default, the best shown; ``--only NAME``: one case of
launch, runs35, runs210, choose, basins).

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
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATIENCE = "patience=10000000"  # the stochastic runs never settle within the window
# Tiny rates keep the deterministic runs moving (on Rastrigin every start is near a local minimum, so
# any visible rate settles within a few thousand steps); the noisy ones wander over the whole box.
DETERMINISTIC = ("gd:lr=1e-7", "momentum:lr=1e-8", "nesterov:lr=1e-8", "adam:lr=1e-6", "rmsprop:lr=1e-6")
NOISY = (f"sgd:lr=0.002,noise=20000,noise_decay=0,{PATIENCE}", f"langevin:lr=0.002,temperature=5,{PATIENCE}")
STARTS = ((3.1, -2.9), (-3.3, 2.2), (1.4, 4.1), (-4.2, -1.6), (2.5, 0.6))
MORE_STARTS = tuple((-3.7 + 2 * i, -4.2 + 2 * j) for i in range(5) for j in range(5))  # 30 starts in all
MAX_STEPS = 1_000_000  # far more than a run of a few seconds reaches: nothing ends at max-steps
PLAIN = ("gd:lr=0.002", "momentum:lr=0.002,beta=0.9")  # the simple file: two runs from one start
DATA_LANDSCAPES = {"ffp": "fit-frequency-phase", "net": "tiny-net"}  # figure keys' short names
SCREEN = "1920x1080x24"
WAIT = 60.0  # seconds an answer may take (a data landscape's basins are found in seconds)
EXIT_WAIT = 10.0  # seconds a process may take to exit after Ctrl+Q


class Timeout(Exception):
    """Something did not happen in time (reported as "timeout", never waited for longer)."""


class Problem(Exception):
    """The app or a tool failed (reported as "error")."""


# ---- the X server and the app ------------------------------------------------------------------------
@contextmanager
def xvfb() -> Iterator[str]:
    """A fresh Xvfb server (it picks a free display number and says it once it is ready); killed after."""
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        raise SystemExit("bench_gui needs Xvfb and xdotool (Debian: apt-get install xvfb xdotool)")
    read, write = os.pipe()
    command = ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"]
    server = subprocess.Popen(command, pass_fds=(write,), stderr=subprocess.DEVNULL, start_new_session=True)
    os.close(write)
    try:
        if not select.select([read], [], [], 20)[0]:
            raise SystemExit("Xvfb did not start within 20 s")
        yield ":" + os.read(read, 64).decode().strip()
    finally:
        os.close(read)
        server.kill()
        server.wait()


class App:
    """``python main.py FILE.json`` with the probe on; on ``display`` (Xvfb) or offscreen (None)."""

    def __init__(self, path: Path, display: str | None, folder: Path):
        self.display, self._window = display, None
        self.config = Path(tempfile.mkdtemp(prefix="config-", dir=folder))  # no saved session
        self.log = self.config / "app.log"
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        env.update(MINIMA_LAB_PROBE="1", XDG_CONFIG_HOME=str(self.config), QT_QPA_PLATFORM="offscreen")
        env.update({"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"} if display else {})
        self._answers: queue.Queue = queue.Queue()
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "text": True, "bufsize": 1}
        command = [sys.executable, "main.py", str(path)]
        with open(self.log, "w") as log:
            # A session of its own: the app and its engine process are killed together in ``close``.
            self.started = time.time()
            self.proc = subprocess.Popen(
                command, cwd=ROOT, env=env, stderr=log, start_new_session=True, **pipes
            )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                self._answers.put(json.loads(line))
            except ValueError:  # not the probe's (a library's message)
                pass
        self._answers.put(None)

    def expect(self, name: str, timeout: float = WAIT) -> dict:
        """The next answer (or event) called ``name``; others before it are dropped."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                answer = self._answers.get(timeout=left)
            except queue.Empty:
                break
            if answer is None:
                self._answers.put(None)
                raise Problem(f"the app exited (status {self.proc.poll()}) before answering {name!r}")
            if name in (answer.get("reply"), answer.get("event")):
                if "error" in answer:
                    raise Problem(f"{name}: {answer['error']}")
                return answer
        raise Timeout(f"no answer to {name!r} within {timeout:.0f} s")

    def send(self, command: str) -> None:
        try:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise Problem(f"the app has gone (status {self.proc.poll()})") from exc

    def ask(self, command: str, timeout: float = WAIT) -> dict:
        self.send(command)
        return self.expect(command.split()[0], timeout)

    def ready(self) -> None:
        """Wait until the file's runs are prepared; on Xvfb, give the window the keyboard."""
        self.ask("ready")
        if self.display is not None:
            pid = str(self.proc.pid)
            self._window = self.xdotool("search", "--sync", "--onlyvisible", "--pid", pid).split()[-1]
            self.focus()

    def xdotool(self, *args: str) -> str:
        env = {**os.environ, "DISPLAY": self.display}
        try:
            done = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=WAIT)
        except subprocess.TimeoutExpired as exc:
            raise Timeout(f"xdotool {args[0]}: no result within {WAIT:.0f} s") from exc
        if done.returncode != 0:
            raise Problem(f"xdotool {' '.join(args)}: {done.stderr.strip() or done.returncode}")
        return done.stdout

    def focus(self) -> None:
        """Without a window manager nothing else gives the window the keyboard."""
        self.xdotool("windowfocus", "--sync", self._window)

    def press(self, key: str, command: str) -> None:
        """Press ``key`` in the X window; offscreen, send the probe ``command`` instead."""
        if self.display is None:
            self.ask(command)
        else:
            self.focus()
            self.xdotool("key", key)

    def quit(self) -> float:
        """Ctrl+Q (offscreen: the probe's ``quit``) until the process has exited, in seconds."""
        if self.display is None:
            began = time.perf_counter()
            self.send("quit")
        else:
            self.focus()
            began = time.perf_counter()
            self.xdotool("key", "ctrl+q")
        try:
            status = self.proc.wait(EXIT_WAIT)
        except subprocess.TimeoutExpired as exc:
            raise Timeout(f"still running {EXIT_WAIT:.0f} s after Ctrl+Q") from exc
        if status != 0:
            raise Problem(f"exit status {status} after Ctrl+Q")
        return time.perf_counter() - began

    def close(self) -> str:
        """Kill whatever is left of the app's process group; the end of its log (its folder removed)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.proc.stdin.close()
        tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-5:])
        shutil.rmtree(self.config, ignore_errors=True)
        return tail


# ---- the cases ---------------------------------------------------------------------------------------
Start = Callable[[str], App]  # launches the app on one of the files written by ``write_files``


def stream(app: App, seconds: float) -> dict:
    """Speed "max", Space, ``seconds`` of running: the probe's report."""
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


CASES = {"launch": case_launch, "runs35": case_runs35, "runs210": case_runs210}
CASES.update(choose=case_choose, basins=case_basins)


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
    ]
)
BUSY = {"fps35": "≥ 50 /s"}  # the lower bar the issue accepts on a busy machine


def write_files(folder: Path) -> dict[str, Path]:
    """The experiment files the cases open."""
    from core.experiment.file_format import save_state
    from core.experiment.presets import Preset

    files = {
        "runs35": ("rastrigin", DETERMINISTIC + NOISY, STARTS, MAX_STEPS),
        "runs210": ("rastrigin", DETERMINISTIC + NOISY, STARTS + MORE_STARTS, MAX_STEPS),
        "plain": ("rastrigin", PLAIN, STARTS[:1], 1500),
    }
    for name, spec in files.items():
        save_state(folder / f"{name}.json", Preset(name, name, "", *spec).state())
    return {name: folder / f"{name}.json" for name in files}


# ---- running and reporting ---------------------------------------------------------------------------
def measure(display: str | None, names: list[str], repeats: int, seconds: float, files: dict) -> dict:
    """Every figure of the cases ``names``, one value per launch (or "timeout" / "error")."""
    values: dict[str, list] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as folder:
        for name in names:
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
