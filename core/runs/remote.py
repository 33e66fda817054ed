"""An engine in its own process: the window's process only draws.

Python runs one thread at a time per process, so an engine stepping thousands of runs in a thread of
the window's process made every frame wait for it (issue: 0.3–0.6 s stalls with 6,000 runs). Here the
engine is handed to a child process made by ``fork`` — which inherits it as it is (landscape, data,
trained network, random state: nothing rebuilt or pickled) — and the two talk over a pipe.

The window sends commands (``play``, ``pause``, ``speed``, ``step``, ``quit``); the child sends
``("update", Update)`` messages while playing (``statuses`` None: the same as the last ones),
``("paused", None)`` once a pause is done (after the exact last update), ``("finished", None)`` when
every run has ended, and ``("failed", text)`` if the engine raised.
Results are the same as in one process: the same engine object and random state.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from dataclasses import replace
from multiprocessing.connection import Connection

from core.forked import start_forked
from core.runs.engine import Engine
from core.runs.status import StatusTracker
from core.runs.streaming import EngineTask, Pacing, Update


def serve(engine: Engine, conn: Connection, parents_end: Connection) -> None:
    """The child's loop: obey commands, stream updates while playing (see the module docstring)."""
    parents_end.close()  # else the pipe would outlive the window, and this process with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the window to handle
    pacing = Pacing()
    task = EngineTask(engine, StatusTracker(engine), pacing)
    playing = False
    try:
        while True:
            if playing:
                sent = None
                for update in task.stream(conn.poll):
                    conn.send(("update", _without_repeats(update, sent)))
                    sent = update.statuses
                if engine.done:
                    playing = False
                    conn.send(("finished", None))
            command, argument = conn.recv()
            if command == "quit":
                return
            playing = _obey(command, argument, task, pacing, conn, playing)
    except (EOFError, BrokenPipeError):  # the window has gone: nothing to tell
        return
    except Exception as exc:  # said in words to the window, never printed here
        conn.send(("failed", traceback.format_exception_only(exc)[-1].strip()))


def _without_repeats(update: Update, sent: tuple | None) -> Update:
    """``update`` with ``statuses`` None when they are the ones sent last: rebuilt at most ~10 times a
    second, they would otherwise be pickled with every update (thousands of runs: ~20 ms each)."""
    return replace(update, statuses=None) if update.statuses is sent else update


def _obey(command: str, argument, task: EngineTask, pacing: Pacing, conn: Connection, playing: bool) -> bool:
    """Carry out one command; whether the child is playing afterwards."""
    if command == "speed":
        pacing.steps_per_second = argument
        return playing
    if command == "pause":
        conn.send(("paused", None))
        return False
    if command == "step":
        conn.send(("update", task.step(argument)))
        return False
    return command == "play" and not task.engine.done


class EngineProcess:
    """The parent's end: starts the child on first use and sends it commands (see the module docstring).

    ``engine`` stays here at its current step as the runs' description (their count, starts, landscape);
    the child owns the copy that advances."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._conn: Connection | None = None
        self._process = None

    @property
    def started(self) -> bool:
        return self._process is not None

    def connection(self) -> Connection:
        """The pipe to the child, starting the child first if needed."""
        if self._conn is None:
            ours, theirs = multiprocessing.Pipe()
            self._process = start_forked(serve, (self.engine, theirs, ours))  # inherits the engine
            theirs.close()
            self._conn = ours
        return self._conn

    def send(self, command: str, argument=None) -> None:
        self.connection().send((command, argument))

    def receive(self) -> tuple[str, object]:
        """The child's next message (blocks until there is one); ("failed", why) if it has gone."""
        try:
            return self.connection().recv()
        except (EOFError, OSError):
            return ("failed", "the engine's process ended unexpectedly")

    def ready(self) -> bool:
        """Whether a message is waiting."""
        return self._conn is not None and self._conn.poll()

    def step(self, n: int) -> Update | str:
        """``n`` steps (the child must not be playing): the exact update, or why it failed."""
        self.send("step", n)
        kind, payload = self.receive()
        return payload if kind == "update" else str(payload)

    def close(self) -> None:
        """End the child and join it. It holds nothing worth saving (the window has every row it
        sent), so it is killed rather than asked: closing takes milliseconds even mid-batch."""
        if self._process is None:
            return
        self._process.kill()
        self._process.join()
        self._conn.close()
        self._conn, self._process = None, None
