"""Running an experiment: the engine, per-run results and their escape events."""

from core.runs.engine import CONVERGED, DIVERGED, MAX_STEPS, RUNNING, Chunk, Engine, Tolerances
from core.runs.escapes import EscapeSummary, escape_events, escape_events_many
from core.runs.results import RunResult, collect_results
from core.runs.status import RunStatus, RunStatuses, StatusTracker

__all__ = [
    "CONVERGED",
    "DIVERGED",
    "MAX_STEPS",
    "RUNNING",
    "Chunk",
    "Engine",
    "EscapeSummary",
    "RunResult",
    "RunStatus",
    "RunStatuses",
    "StatusTracker",
    "Tolerances",
    "collect_results",
    "escape_events",
    "escape_events_many",
]
