"""SVG exports: the figure of the PNG export, drawn by an independent renderer (librsvg), in vectors."""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from core.experiment.presets import PRESETS
from core.experiment.spec import Experiment, parse_method_spec
from core.landscapes.registry import get_landscape
from gui.app import configure_pyqtgraph
from gui.export.exporters import export_image
from gui.style import method_color

RSVG = shutil.which("rsvg-convert")
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _experiment(name: str) -> Experiment:
    gd, momentum = parse_method_spec("gd"), parse_method_spec("momentum")
    if name == "sine-mix":
        return Experiment(
            get_landscape(name), (parse_method_spec("gd:lr=0.05"), momentum), [[1.0], [-2.0]], 200
        )
    if name == "himmelblau":  # runs leave the plot here: their trails must be clipped as in the PNG
        return Experiment(get_landscape(name), (gd, momentum), [[0.0, 0.0], [-1.0, 2.0]], 200, seed=1)
    return PRESETS[name].experiment()


FIGURES = ["sine-mix", "himmelblau", "minibatch-noise"]


@pytest.fixture(scope="module")
def exports(tmp_path_factory, qapp):
    """Each figure exported once as PNG and once as SVG: name -> (experiment, png path, svg path)."""
    configure_pyqtgraph()  # the app's look: dark on white
    folder = tmp_path_factory.mktemp("svg")
    made = {}
    for name in FIGURES:
        exp = _experiment(name)
        png, svg = folder / f"{name}.png", folder / f"{name}.svg"
        export_image(exp, png)
        export_image(exp, svg)
        made[name] = (exp, png, svg)
    return made


def _gray(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"), dtype=float)


def _box2(image: np.ndarray) -> np.ndarray:
    """The mean of each 2×2 block of pixels."""
    h, w = (image.shape[0] // 2) * 2, (image.shape[1] // 2) * 2
    return image[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def _bounds(path: ET.Element) -> tuple[float, float, float, float]:
    """A path's points' rectangle (x0, y0, x1, y1), from its absolute coordinates."""
    values = [float(v) for v in NUMBER.findall(path.get("d", ""))]
    xs, ys = values[0::2], values[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _area(image: ET.Element, group: ET.Element) -> float:
    """An image's area on the page, in square pixels (its group's transform scales it)."""
    a, b, c, d = (float(v) for v in NUMBER.findall(group.get("transform", "matrix(1,0,0,1,0,0)"))[:4])
    return float(image.get("width")) * float(image.get("height")) * abs(a * d - b * c)


@pytest.mark.skipif(RSVG is None, reason="rsvg-convert (Debian package librsvg2-bin) is not installed")
@pytest.mark.parametrize("name", FIGURES)
def test_librsvg_draws_the_svg_as_the_png_shows_it(exports, tmp_path, name):
    """Grayscale correlation of the two pictures, each averaged over 2×2 pixels: the renderers
    antialias and hint glyphs their own way (text moves by a pixel), which alone costs a figure full
    of text up to 0.14 pixel by pixel. Axes at 3/4 of the data's scale scored 0.6–0.85, strokes
    widened by the data's scale 0.04–0.55."""
    _, png, svg = exports[name]
    width, height = Image.open(png).size
    drawn = tmp_path / "rsvg.png"
    subprocess.run(
        [RSVG, "-w", str(width), "-h", str(height), "-b", "white", "-o", str(drawn), str(svg)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    expected, got = _gray(png), _gray(drawn)
    assert got.shape == expected.shape
    correlation = np.corrcoef(_box2(expected).ravel(), _box2(got).ravel())[0, 1]
    assert correlation >= 0.9, f"{name}: correlation {correlation:.3f}"


@pytest.mark.parametrize("name", FIGURES)
def test_markers_are_vector_paths(exports, name):
    """No bitmap but the heat map and its colour bar (each far larger than a marker); a path of a
    marker's size for every start, run head and known minimum."""
    exp, _, svg = exports[name]
    root = ET.parse(svg).getroot()
    parents = {child: parent for parent in root.iter() for child in parent}
    images = list(root.iter(f"{SVG}image"))
    assert len(images) <= (0 if exp.landscape.dim == 1 else 2)
    assert all(_area(image, parents[image]) > 50 * 50 for image in images)
    sizes = [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in map(_bounds, root.iter(f"{SVG}path"))]
    marker_sized = [s for s in sizes if 4 <= s[0] <= 30 and 4 <= s[1] <= 30]
    markers = len(exp.starts) + exp.n_runs + len(exp.landscape.minima_in_domain())
    assert len(marker_sized) >= markers


def test_trails_are_clipped_to_the_plot(exports):
    """A run that leaves the plot stops at its edge, as in the PNG (SVG Tiny has no clipping, and Qt's
    SVG 1.1 clipping got lost after the first plot)."""
    exp, _, svg = exports["himmelblau"]
    root = ET.parse(svg).getroot()
    clips = {c.get("id"): _bounds(c.find(f"{SVG}path")) for c in root.iter(f"{SVG}clipPath")}
    parents = {child: parent for parent in root.iter() for child in parent}
    colours = {method_color(spec.method).lower() for spec in exp.methods} - {"#000000"}  # black: outlines too
    trail_clips = set()
    for group in root.iter(f"{SVG}g"):
        if group.get("stroke", "").lower() in colours and group.find(f"{SVG}path") is not None:
            ancestor = parents.get(group)
            while ancestor is not None and ancestor.get("clip-path") is None:
                ancestor = parents.get(ancestor)
            assert ancestor is not None, "a trail is not clipped"
            trail_clips.add(clips[ancestor.get("clip-path")[len("url(#") : -1]])
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert len(trail_clips) == 1
    x0, y0, x1, y1 = trail_clips.pop()
    assert 0 < x0 < x1 < width * 0.8 and 0 < y0 < y1 < height * 0.95  # the plot, inside the view
