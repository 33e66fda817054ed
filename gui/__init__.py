"""Minima Lab's Qt desktop window. Holds no maths: everything it computes comes from ``core``."""
