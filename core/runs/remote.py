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

Messages leave through an ``Outbox``: a thread of the child writes them to the pipe, so the engine
computes while the window is busy drawing rather than waiting for it to read (an update of 35 runs is
larger than the pipe's buffer); updates waiting meanwhile go as one.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import traceback
from dataclasses import replace
from multiprocessing.connection import Connection

from core.forked import start_forked
from core.runs.engine import Engine
from core.runs.status import StatusTracker
from core.runs.streaming import EngineTask, Pacing, Update, merge_updates

MAX_WAITING_BYTES = 2 * 2**20  # rows computed but not sent yet: the engine waits beyond this (the window
# unpacks what arrives in one go: a few milliseconds, whatever the number of runs)


def serve(engine: Engine, conn: Connection, parents_end: Connection) -> None:
    """The child's loop: obey commands, stream updates while playing (see the module docstring)."""
    parents_end.close()  # else the pipe would outlive the window, and this process with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the window to handle
    pacing = Pacing()
    task = EngineTask(engine, StatusTracker(engine), pacing)
    outbox = Outbox(conn)
    playing = False
    try:
        while True:
            if playing:
                sent = None
                for update in task.stream(conn.poll):
                    outbox.post("update", _without_repeats(update, sent))
                    sent = update.statuses
                if engine.done:
                    playing = False
                    outbox.post("finished", None)
            command, argument = conn.recv()
            if command == "quit":
                return
            playing = _obey(command, argument, task, pacing, outbox, playing)
    except (EOFError, BrokenPipeError):  # the window has gone: nothing to tell
        return
    except Exception as exc:  # said in words to the window, never printed here
        outbox.post("failed", traceback.format_exception_only(exc)[-1].strip())
        outbox.flush()


class Outbox:
    """Messages to the window, written to ``conn`` by a thread of their own in the order posted;
    consecutive updates still waiting are merged into one."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._waiting: list[tuple[str, object]] = []
        self._bytes = 0  # of the rows waiting
        self._busy = False  # a message is being written
        self._changed = threading.Condition()
        threading.Thread(target=self._write_all, name="outbox", daemon=True).start()

    def post(self, kind: str, payload: object) -> None:
        """Queue a message; waits first while ``MAX_WAITING_BYTES`` of rows are waiting (the window
        reads slower than the engine computes: it must not run ahead without bound)."""
        with self._changed:
            self._changed.wait_for(lambda: self._bytes < MAX_WAITING_BYTES)
            self._waiting.append((kind, payload))
            self._bytes += _row_bytes(payload) if kind == "update" else 0
            self._changed.notify_all()

    def flush(self) -> None:
        """Wait until every message posted so far is written (or the pipe has broken)."""
        with self._changed:
            self._changed.wait_for(lambda: not (self._waiting or self._busy), timeout=5)

    def _write_all(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._waiting)
                messages, self._waiting, self._bytes, self._busy = _merged(self._waiting), [], 0, True
                self._changed.notify_all()
            try:
                for message in messages:
                    self._conn.send(message)
            except OSError:  # the window has gone: the main loop finds out when it next reads
                return
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()


def _merged(messages: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """``messages`` with each run of consecutive updates made one."""
    out: list[tuple[str, object]] = []
    for kind, payload in messages:
        if kind == "update" and out and out[-1][0] == "update":
            out[-1][1].append(payload)
        else:
            out.append((kind, [payload] if kind == "update" else payload))
    return [(k, merge_updates(p)) if k == "update" else (k, p) for k, p in out]


def _row_bytes(update: Update) -> int:
    chunk = update.chunk
    return 0 if chunk is None else chunk.positions.nbytes + 3 * chunk.losses.nbytes


def _without_repeats(update: Update, sent: tuple | None) -> Update:
    """``update`` with ``statuses`` None when they are the ones sent last: rebuilt at most ~10 times a
    second, they would otherwise be pickled with every update (thousands of runs: ~20 ms each)."""
    return replace(update, statuses=None) if update.statuses is sent else update


def _obey(command: str, argument, task: EngineTask, pacing: Pacing, outbox: Outbox, playing: bool) -> bool:
    """Carry out one command; whether the child is playing afterwards."""
    if command == "speed":
        pacing.steps_per_second = argument
        return playing
    if command == "pause":
        outbox.post("paused", None)
        return False
    if command == "step":
        outbox.post("update", task.step(argument))
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
