"""What the window benchmarks share: the experiment files they open, an Xvfb server of their own, and
``App`` — ``python main.py FILE.json`` with the probe on (``gui/probe.py``), asked questions on its
standard input and given keys with xdotool."""

from __future__ import annotations

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
from collections.abc import Iterator
from contextlib import contextmanager
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
