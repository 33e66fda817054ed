"""Colours and symbols, chosen together: a light, low-saturation surface map (low: pale blue, high:
pale sand) under dark method colours, each at least 3:1 in contrast against every colour of the map
and its contour lines (WCAG's ratio; tests sample the rendered view along each trail) and at least
6:1 on white (the results table). Minima and bands keep colour-blind-safe hues (Paul Tol, Okabe–Ito)."""

from __future__ import annotations

import numpy as np

from core.experiment.spec import MethodSpec
from core.methods import METHODS, get_method

# In the order of core.methods.METHODS; relative luminance at most 0.11 (3:1 where a contour line
# crosses the darkest surface colour). Methods the presets show together get clearly different hues
# (plain GD, the baseline, is black).
PALETTE = (
    "#000000",  # gd: black
    "#1A5396",  # momentum: blue
    "#6A3D9A",  # nesterov: purple
    "#1B5E20",  # adagrad: green
    "#9C3D00",  # rmsprop: burnt orange
    "#AD1457",  # adam: raspberry
    "#00695C",  # sgd: teal
    "#6D4C41",  # perturbed-gd: brown
    "#7B1FA2",  # langevin: violet
    "#B71C1C",  # annealing: red
    "#283593",  # metropolis: indigo
    "#5A1E48",  # mala: aubergine
    "#660C12",  # minibatch-mh: maroon
    "#455A64",  # restarts: blue grey
    "#6E5500",  # basin-hopping: mustard
)
# The 2-D view's surface: positions 0..1 along the colour bar and their colours (luminance ≥ 0.63).
SURFACE_STOPS = (0.0, 0.25, 0.5, 0.75, 1.0)
SURFACE_COLOURS = ("#BCD3E8", "#DDE8F0", "#EEF1EE", "#F5EBD6", "#F3DDB5")
CONTOUR_RGBA = (90, 90, 90, 60)  # thin dark lines on the light surface
TRAIL_HALO_RGBA = (255, 255, 255, 210)  # the thin outline around each trail
CURVE_COLOR = "#BDBDBD"  # a 1-D landscape's curve: light, so the dots of every method read on it
ESCAPE_FILL = "#FFFFFF"  # escape events: white diamonds edged in black (no method's colour)
METHOD_COLORS: dict[str, str] = {mid: PALETTE[i % len(PALETTE)] for i, mid in enumerate(METHODS)}
# (never the shapes that mean something else: ◆ an escape, ★ ▲ minima, × a diverged run)
START_SYMBOLS = ("o", "s", "t", "p", "h", "t2", "t3", "+", "arrow_up")
ERROR_COLOR = "#B00020"
ERROR_STYLE = f"color: {ERROR_COLOR};"  # an error message
ERROR_FIELD_STYLE = f"border: 2px solid {ERROR_COLOR};"  # a field holding a refused value
GLOBAL_MIN_COLOR = "#FFD700"
LOCAL_MIN_COLOR = "#FFFFFF"
# Presenter mode (View ▸ Presenter): sizes in pixels, so they hold on any screen's DPI.
PRESENTER_FONT_PX = 18  # the window's widgets, plot titles and axis labels
PRESENTER_TICK_PX = 16  # the plots' tick labels and legends
PRESENTER_TRAIL_SCALE = 2.0  # trail widths
PRESENTER_MARKER_SCALE = 1.5  # heads, start points, escapes and minima


def display_label(spec: MethodSpec) -> str:
    """A short legend label: the method's name, plus its schedule when it has a non-constant one."""
    label = get_method(spec.method).name
    schedule = spec.params.get("schedule", "constant")
    return label if schedule == "constant" else f"{label} ({schedule})"


def thin_indices(n: int, limit: int) -> np.ndarray:
    """Indices of every k-th of ``n`` rows (and always the last) so at most ~``limit`` are drawn."""
    index, used = thin_matrix(np.array([n]), limit)
    return index[0][used[0]]


def thin_matrix(lengths: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``lengths`` rows: every k-th row (stride ⌈n / limit⌉) and always the last, as an
    index matrix (len(lengths), limit + 1) and which of its entries are used."""
    n = np.asarray(lengths, dtype=int)[:, None]
    stride = np.maximum(1, -(-n // limit))
    index = np.arange(limit + 1)[None, :] * stride
    used = (index < n) | ((index >= n) & (index - stride < n - 1))  # …and the last row, once
    return np.minimum(index, np.maximum(n - 1, 0)), used & (n > 0)


def method_color(method_id: str) -> str:
    """The fixed colour of a method, the same in every view."""
    return METHOD_COLORS.get(method_id, "#777777")


def start_symbol(index: int) -> str:
    """The marker symbol of start point ``index`` (so starts differ by shape as well)."""
    return START_SYMBOLS[index % len(START_SYMBOLS)]
