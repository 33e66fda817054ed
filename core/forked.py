"""Computing in a forked child process, so the caller's process keeps its interpreter lock.

Python runs one thread at a time per process: a worker thread computing a basin map made the window's
thread wait for the lock (0.1–0.2 s at a time). ``call_in_child(fn, …)`` forks — the child inherits
everything as it is (landscapes, data, caches: nothing rebuilt) — runs ``fn`` there and sends its
result back pickled. The caller only waits on the pipe (which releases the lock), hears progress, and
kills the child if cancelled. Only results that pickle come back; keep them small (unpickling holds
the lock too).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from core.progress import Cancelled, Progress

POLL_SECONDS = 0.05  # how often the waiting caller looks at its cancel flag
PROGRESS_INTERVAL = 0.05  # the child reports progress at most this often
# Children compute in the background: below the window's process in the scheduler, so on a machine with
# fewer cores than busy threads the window's thread (and the thread holding the lock it waits for)
# still runs at once. Without it, a child on one core and a worker on the other left the window's
# timer up to 0.3 s late.
CHILD_NICENESS = 5
# Work nobody waits for (escape events while runs stream) gives way to the engine's process too.
BACKGROUND_NICENESS = 15


def start_forked(target: Callable, args: tuple, niceness: int = CHILD_NICENESS) -> multiprocessing.Process:
    """A daemon child made by ``fork`` running ``target(*args)`` at a lower priority, started."""
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_niced, args=(niceness, target, *args), daemon=True)
    with warnings.catch_warnings():
        # Python ≥ 3.12 warns about forking a process that has threads. The children only compute with
        # what they inherited, touch no Qt and no I/O, and the locks the core holds are renewed after a
        # fork (``os.register_at_fork`` in the modules that have them).
        warnings.simplefilter("ignore", DeprecationWarning)
        process.start()
    return process


def _niced(niceness: int, target: Callable, *args: Any) -> None:
    try:
        os.nice(niceness)
        if niceness >= BACKGROUND_NICENESS and hasattr(os, "SCHED_IDLE"):
            # Background work runs only on a core nobody else wants (the engine at full speed keeps
            # one busy, the window the other): it catches up when the runs pause.
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except OSError:  # not allowed here: run at the priority reached so far
        pass
    target(*args)


def call_in_child(
    fn: Callable[..., Any],
    *args: Any,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    niceness: int = CHILD_NICENESS,
) -> Any:
    """``fn(*args, progress=…)`` computed in a forked child (see the module docstring) at ``niceness``.
    Raises ``Cancelled`` once ``cancel`` is set, and what ``fn`` raised (the same type and message; a
    ``RuntimeError`` with its text if that exception does not pickle)."""
    return ForkedCall(fn, *args, niceness=niceness).result(progress, cancel)


class ForkedCall:
    """``fn(*args, progress=…)`` started in a forked child at once; ``result`` waits for it (see
    ``call_in_child``). Fork in the thread that owns what ``fn`` reads (the child sees it as it is at
    that moment, without a copy) and wait in another."""

    def __init__(self, fn: Callable[..., Any], *args: Any, niceness: int = CHILD_NICENESS):
        self._conn, theirs = multiprocessing.Pipe(duplex=False)
        self._process = start_forked(_child, (fn, args, theirs, self._conn), niceness)
        theirs.close()

    def result(self, progress: Progress | None = None, cancel: threading.Event | None = None) -> Any:
        """The child's result (once: the child is ended and joined here, whatever happens)."""
        try:
            return _wait(self._conn, self._process, progress, cancel)
        finally:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._conn.close()


def _wait(conn: Connection, process, progress: Progress | None, cancel: threading.Event | None) -> Any:
    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if not conn.poll(POLL_SECONDS):
            continue
        try:
            kind, value = conn.recv()
        except EOFError:
            raise RuntimeError(
                f"the computing process ended unexpectedly (exit code {process.exitcode})"
            ) from None
        if kind == "progress":
            if progress is not None:
                progress(value)
        elif kind == "result":
            return value
        elif kind == "raised":
            raise value
        else:
            raise RuntimeError(value)


def _child(fn: Callable, args: tuple, conn: Connection, parents_end: Connection) -> None:
    parents_end.close()  # the caller's end, inherited: the pipe must end when the caller goes
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    last = [0.0]

    def report(fraction: float) -> None:
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            conn.send(("progress", fraction))

    try:
        conn.send(("result", fn(*args, progress=report)))
    except BrokenPipeError:
        pass
    except Exception as exc:  # raised again in the caller, never printed here
        _send_error(conn, exc)


def _send_error(conn: Connection, exc: Exception) -> None:
    try:
        conn.send(("raised", exc.with_traceback(None)))
    except Exception:  # an exception that does not pickle: its words
        conn.send(("error", traceback.format_exception_only(exc)[-1].strip()))
