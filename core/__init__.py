"""Minima Lab's simulation core: landscapes, methods, schedules and the engine.

Pure NumPy; nothing here imports Qt.
"""

import os

# One BLAS thread unless the user says otherwise (read when NumPy loads, so set before it does).
# The matrices here are small and the app already runs a GUI thread and a worker: on a 2-core machine
# OpenBLAS's extra threads made basin maps 2.5× slower (1.07 s → 0.42 s single-threaded) and the
# high-dimensional retraining up to 10× slower (docs/benchmarks.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
