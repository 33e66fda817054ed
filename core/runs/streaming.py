"""Streaming an engine's runs: steps in batches, paced to a rate, handed on as immutable ``Update``s.

``EngineTask`` is the loop (Qt-free); it runs in the engine's own process (``core.runs.remote``), so
the window's thread never computes steps and never waits for the interpreter lock while it draws.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from core.runs.engine import Chunk, Engine
from core.runs.status import RunStatuses, StatusTracker

EMIT_INTERVAL = 1 / 90  # at most this often an update is handed on: more than one a frame at 60 Hz
MAX_BATCH = 20  # steps per engine call: short calls let a waiting command in often
BATCH_SECONDS = 0.015  # …and fewer steps per call when there are thousands of runs (Pause waits for one)
# Every run's status is rebuilt at most this often while streaming, and then with the loop spending
# at most a quarter of its time on it (6,000 runs cost ~0.1 s of Python; the table shows it ~4 times a
# second); always at the end.
STATUS_INTERVAL = 0.1
STATUS_SHARE = 0.25


@dataclass(frozen=True)
class Update:
    """New rows since the last update (concatenated chunks) and every run's status."""

    chunk: Chunk | None
    statuses: RunStatuses | None  # None only on the pipe: the last ones still hold
    step: int
    done: bool
    streamed: bool = False  # from the running loop (drawn by the frame timer) rather than a single step


def merge_chunks(chunks: list[Chunk]) -> Chunk | None:
    """One chunk holding the rows of consecutive ``chunks``."""
    if not chunks:
        return None
    if len(chunks) == 1:
        return chunks[0]
    last = chunks[-1]
    return Chunk(
        chunks[0].first_step,
        np.concatenate([c.positions for c in chunks]),
        np.concatenate([c.losses for c in chunks]),
        np.concatenate([c.learning_rates for c in chunks]),
        {k: np.concatenate([c.extras[k] for c in chunks]) for k in last.extras},
        last.status,
        last.steps,
        last.batches,
    )


def merge_updates(updates: list[Update]) -> Update:
    """One update standing for consecutive ``updates``: their rows, the latest statuses (None only if
    every one is None: "the last ones still hold"), the last one's step."""
    if len(updates) == 1:
        return updates[0]
    last = updates[-1]
    chunk = merge_chunks([u.chunk for u in updates if u.chunk is not None])
    statuses = next((u.statuses for u in reversed(updates) if u.statuses is not None), None)
    return replace(last, chunk=chunk, statuses=statuses)


@dataclass
class Pacing:
    """How fast the loop runs: steps per second (0 = as fast as possible), read every batch."""

    steps_per_second: float = 0.0


class EngineTask:
    """Advances ``engine`` until it is done or ``should_stop()`` says so, yielding an ``Update`` at
    most every ``EMIT_INTERVAL`` seconds and an exact one (fresh statuses) when it stops."""

    def __init__(self, engine: Engine, tracker: StatusTracker, pacing: Pacing):
        self.engine, self.tracker, self.pacing = engine, tracker, pacing
        self.batch = 1  # steps per engine call, adapted so that one call takes about BATCH_SECONDS
        self._statuses: RunStatuses | None = None
        self._statuses_due = 0.0  # when the statuses are rebuilt next

    def stream(self, should_stop: Callable[[], bool]) -> Iterator[Update]:
        pending: list[Chunk] = []
        started, steps_done = time.perf_counter(), 0
        last_emit = -float("inf")
        while not should_stop() and not self.engine.done:
            batch = self._due(started, steps_done)
            if batch <= 0:
                time.sleep(min(0.005, 1 / self.pacing.steps_per_second))
                continue
            chunk = self._advance(batch)
            steps_done += batch
            if chunk is not None:
                pending.append(chunk)
            if time.perf_counter() - last_emit >= EMIT_INTERVAL or self.engine.done:
                last_emit = time.perf_counter()
                yield self.update(pending, fresh=self.engine.done)
                pending = []
        if pending or not self.engine.done:  # (at the end the last update was exact already)
            yield self.update(pending, streamed=False, fresh=True)  # what Pause shows: exact, in full

    def step(self, n: int) -> Update:
        """``n`` steps at once, as one exact update (not streamed)."""
        chunk = self.engine.advance(n)
        return self.update([chunk] if chunk is not None else [], streamed=False, fresh=True)

    def _due(self, started: float, steps_done: int) -> int:
        rate = self.pacing.steps_per_second
        if rate <= 0:
            return self.batch
        return min(int((time.perf_counter() - started) * rate) - steps_done, self.batch)

    def _advance(self, steps: int) -> Chunk | None:
        began = time.perf_counter()
        chunk = self.engine.advance(steps)
        took = time.perf_counter() - began
        if took < BATCH_SECONDS / 2 and steps == self.batch:
            self.batch = min(MAX_BATCH, 2 * self.batch)
        elif took > BATCH_SECONDS:
            self.batch = max(1, self.batch // 2)
        return chunk

    def update(self, chunks: list[Chunk], streamed: bool = True, fresh: bool = False) -> Update:
        e = self.engine
        return Update(merge_chunks(chunks), self._status(fresh), e.t, e.done, streamed)

    def _status(self, fresh: bool) -> RunStatuses:
        began = time.perf_counter()
        if fresh or self._statuses is None or began >= self._statuses_due:
            self._statuses = self.tracker.snapshot()
            took = time.perf_counter() - began
            self._statuses_due = began + max(STATUS_INTERVAL, took / STATUS_SHARE)
        return self._statuses
