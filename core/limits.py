"""Every size and cost limit of the app, in one place, checked before the work they bound
(``docs/limits.md`` gives each one's reason).

A request over a limit is refused with a ``LimitError`` that names the limit; where a large request is
legitimate (a long run in the window), it streams within bounded memory instead (the window thins its
history, the command line's summary keeps only final states).
"""

from __future__ import annotations

MAX_STARTS = 10_000  # start points of one experiment
MAX_RUNS = 100_000  # methods × starts of one experiment (each run is a row of vectorized state)
MAX_STEPS = 1_000_000  # steps of one run
MAX_SEED = 2**31 - 1  # seeds: what a 32-bit spin box shows and every generator accepts
MAX_SAMPLES = 10_000  # samples of a data landscape (generated, loaded from CSV or from a file)
MAX_DOMAIN_ABS = 1e6  # |bounds| of a domain: beyond, grids and tolerances lose their meaning
MAX_EXPORT_VALUES = 20_000_000  # numbers in a CSV/JSON export of every step of every run (≈ 400 MB of text)
MAX_WINDOW_VALUES = (
    20_000_000  # numbers a picture export keeps of the runs' history (≈ 160 MB; thinned beyond)
)
# …and the live window (≈ 64 MB): thinning it copies half of it, which must stay well within a frame
MAX_LIVE_VALUES = 8_000_000
MAX_GIF_PIXELS = 400_000_000  # frames × width × height of an animated GIF (Pillow keeps every frame)
MAX_FORMULA_OPS = 3_000  # NumPy operations of a typed formula's value and gradient together
MAX_NETWORK_COST = 1.5e11  # (training steps + slice grid points) × samples × weights: about a minute


class LimitError(ValueError):
    """A request over one of the limits above; the message names it and its value."""


def check_count(what: str, count: int, limit: int, hint: str = "") -> None:
    """Refuse ``count`` over ``limit`` with a message such as ``12000 starts: at most 10000``."""
    if count > limit:
        raise LimitError(f"{count:,} {what}: at most {limit:,}" + (f" ({hint})" if hint else ""))


def show_whole(value: int) -> str:
    """A whole number for a message: in full, or its size when it is too long to read."""
    digits = len(str(abs(value))) if abs(value) < 10**4000 else None
    if digits is not None and digits <= 24:
        return str(value)
    return f"a {digits:,}-digit number" if digits is not None else "a number of over 4,000 digits"
