"""Minima Lab's simulation core: landscapes, methods, schedules and the engine.

Pure NumPy; nothing here imports Qt.
"""
