"""Drawing offscreen into the bytes of a file: a widget as a PNG of an exact size (the command line's
pictures), an image as PNG, and any painting as an SVG that other renderers draw as Qt draws it.

Qt's SVG generator needs three corrections for that:

- Resolution: the screen's, not the generator's 72 dpi (see ``svg_bytes``).
- Clipping (SVG 1.1; SVG Tiny has none, so a run leaving the plot crossed the axes and the caption):
  the generator follows the clip through QPainter's state changes, and loses it when
  ``QPainter.restore()`` replays the clips of an outer state. ``QGraphicsView.render`` clips to the
  view and a plot clips its data inside that, so everything painted after a plot (axes, legend) was
  clipped to the plot, or to the last text label. Drawings reach the generator through
  ``_StatefulEngine`` instead, which sets the painter's whole state, clip included, before each one.
- Pixel-wide lines, which some renderers widen by the data's scale (see ``pixel_strokes``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import reduce
from operator import or_
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPaintDevice, QPaintEngine, QPainter, QPainterPath, QPolygonF, QTransform
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QWidget

from core.files import atomic_write_bytes


def save_widget_png(window: QWidget, part: QWidget, path: str | Path, size: tuple[int, int]) -> None:
    """Lay ``window`` out offscreen so that ``part`` (the window itself or a widget inside it) is
    ``size`` pixels, and write ``part`` as a PNG, atomically."""
    app = QApplication.instance()
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.show()
    target = QSize(*size)
    window.resize(target)
    for _ in range(3):  # the window's size that gives the part exactly ``size``
        app.processEvents()
        have = part.size()
        if have == target:
            break
        window.resize(
            window.width() + target.width() - have.width(), window.height() + target.height() - have.height()
        )
    app.processEvents()
    image = part.grab().toImage()
    if image.size() != target:  # a minimum size or a high-density screen got in the way
        image = image.scaled(
            target, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    atomic_write_bytes(path, encoded_png(image))


def encoded_png(image: QImage) -> bytes:
    """The PNG bytes of ``image`` (encoded in memory: Qt reports a failed file write only as False,
    without the reason, so the file is written by Python, which says why)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError("Qt could not encode the image as PNG")
    return bytes(buffer.data())


def svg_bytes(
    size: QSize, dpi: int, paint: Callable[[QPainter], None], title: str, description: str
) -> bytes:
    """What ``paint`` draws on ``size`` pixels, as SVG 1.1 (drawn in memory: a QSvgGenerator writing a
    file reports no error, and a full disk left it empty). ``dpi`` is the resolution the painting was
    laid out at, the screen's: at the generator's default 72, fonts (sized in points) and pyqtgraph's
    axes (QPictures recorded at the screen's resolution) came out at 72/96 of the data's scale."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setOutputDevice(buffer)
    generator.setResolution(dpi)
    generator.setSize(size)
    generator.setViewBox(QRectF(QPointF(0, 0), QSizeF(size)))
    generator.setTitle(title)
    generator.setDescription(description)
    target = QPainter()
    if not target.begin(generator):
        raise ValueError("Qt could not start drawing the SVG")
    device = _StatefulDevice(generator, target)
    painter = QPainter()
    begun = painter.begin(device)
    try:
        if begun:
            paint(painter)
    finally:
        if begun:
            painter.end()
        ended = target.end()
    if not begun or not ended or buffer.size() == 0:
        raise ValueError("Qt could not draw the SVG")
    return pixel_strokes(bytes(buffer.data()))


class _StatefulEngine(QPaintEngine):
    """Passes every drawing on to ``target`` (a painter on a QSvgGenerator) after setting the source
    painter's state on it: transform, clip, pen, brush, font, opacity (see the module docstring).
    Its type is SVG, so items that draw vectors for SVG (the run heads) do here too."""

    def __init__(self, target: QPainter):
        svg = target.paintEngine()
        features = (f for f in QPaintEngine.PaintEngineFeature if svg.hasFeature(f))
        super().__init__(reduce(or_, features, QPaintEngine.PaintEngineFeature(0)))
        self.target = target
        self._clip: QRectF | None = None  # in device coordinates

    def begin(self, device: QPaintDevice) -> bool:
        return True

    def end(self) -> bool:
        return True

    def type(self) -> QPaintEngine.Type:
        return QPaintEngine.Type.SVG

    def updateState(self, state) -> None:  # noqa: N802 (Qt's name)
        pass  # read whole before each drawing (``_synced``)

    def _synced(self) -> QPainter:
        source, target = self.painter(), self.target
        transform = source.combinedTransform()
        # The clip's bounding rectangle (the plots clip to rectangles): ``clipPath()`` of nested clips
        # goes through a QRegion in the painter's units, whole data units inside a plot.
        clip = transform.mapRect(source.clipBoundingRect()) if source.hasClipping() else None
        if clip != self._clip:
            self._clip = clip
            target.setTransform(QTransform())
            if clip is None:
                target.setClipping(False)
            else:
                target.setClipRect(clip)
        target.setTransform(transform)
        target.setPen(source.pen())
        target.setBrush(source.brush())
        target.setBrushOrigin(source.brushOrigin())
        target.setFont(source.font())
        target.setOpacity(source.opacity())
        target.setRenderHints(source.renderHints())
        return target

    def drawPath(self, path: QPainterPath) -> None:  # noqa: N802 (Qt's names, from here on)
        self._synced().drawPath(path)

    def drawPolygon(self, points, mode: QPaintEngine.PolygonDrawMode) -> None:  # noqa: N802
        polygon = QPolygonF([QPointF(p) for p in points])
        if mode == QPaintEngine.PolygonDrawMode.PolylineMode:
            self._synced().drawPolyline(polygon)
        else:
            winding = mode == QPaintEngine.PolygonDrawMode.WindingMode
            rule = Qt.FillRule.WindingFill if winding else Qt.FillRule.OddEvenFill
            self._synced().drawPolygon(polygon, rule)

    def drawLines(self, lines) -> None:  # noqa: N802
        self._synced().drawLines(list(lines))

    def drawRects(self, rects) -> None:  # noqa: N802
        self._synced().drawRects(list(rects))

    def drawPoints(self, points) -> None:  # noqa: N802
        self._synced().drawPoints(QPolygonF([QPointF(p) for p in points]))

    def drawEllipse(self, rect) -> None:  # noqa: N802
        self._synced().drawEllipse(QRectF(rect))

    def drawPixmap(self, rect, pixmap, source) -> None:  # noqa: N802
        self._synced().drawPixmap(QRectF(rect), pixmap, QRectF(source))

    def drawImage(self, rect, image, source, flags=Qt.ImageConversionFlag.AutoColor) -> None:  # noqa: N802
        self._synced().drawImage(QRectF(rect), image, QRectF(source), flags)

    def drawTiledPixmap(self, rect, pixmap, offset) -> None:  # noqa: N802
        self._synced().drawTiledPixmap(QRectF(rect), pixmap, QPointF(offset))

    def drawTextItem(self, point, item) -> None:  # noqa: N802
        target = self._synced()
        target.setFont(item.font())
        target.drawText(QPointF(point), item.text())


class _StatefulDevice(QPaintDevice):
    """A paint device of the generator's size and resolution whose engine is a ``_StatefulEngine``."""

    def __init__(self, generator: QSvgGenerator, target: QPainter):
        super().__init__()
        self._generator = generator
        self._engine = _StatefulEngine(target)

    def paintEngine(self) -> QPaintEngine:  # noqa: N802 (Qt's name)
        return self._engine

    def metric(self, metric: QPaintDevice.PaintDeviceMetric) -> int:
        g, m = self._generator, QPaintDevice.PaintDeviceMetric
        values = {
            m.PdmWidth: g.width(),
            m.PdmHeight: g.height(),
            m.PdmWidthMM: g.widthMM(),
            m.PdmHeightMM: g.heightMM(),
            m.PdmDpiX: g.logicalDpiX(),
            m.PdmDpiY: g.logicalDpiY(),
            m.PdmPhysicalDpiX: g.physicalDpiX(),
            m.PdmPhysicalDpiY: g.physicalDpiY(),
            m.PdmDepth: g.depth(),
        }
        return values[metric] if metric in values else super().metric(metric)


SVG_NS = "http://www.w3.org/2000/svg"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"({_NUMBER}),({_NUMBER})")
_MATRIX = re.compile(rf"matrix\(({_NUMBER}(?:,{_NUMBER}){{5}})\)")
_SHAPES = {f"{{{SVG_NS}}}{tag}" for tag in ("path", "polyline", "polygon", "rect", "circle", "ellipse")}
_KAPPA = 0.5522847498  # a quarter ellipse's Bézier control distance, in radii
Matrix = tuple[float, float, float, float, float, float]


def pixel_strokes(svg: bytes) -> bytes:
    """Qt's SVG with its pixel-wide lines given in pixels: the transform of each group of such lines
    is applied to their points instead.

    A cosmetic pen (pyqtgraph's default: a curve or trail 3 px wide at any zoom, a marker's 1 px
    outline) is written as a group scaled to the data's units whose lines say
    ``vector-effect="non-scaling-stroke"``; a renderer without that property (librsvg before 2.58,
    many editors) widens the strokes by the scale: at 70 pixels a data unit a line 200 px wide, a
    marker's outline a blob. In pixels, every renderer draws them alike."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    for group in root.iter(f"{{{SVG_NS}}}g"):
        matrix = _matrix(group.get("transform", ""))
        if matrix is not None and _bakeable(group):
            for shape in group:
                _map_shape(shape, matrix)
            del group.attrib["transform"]
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _matrix(transform: str) -> Matrix | None:
    """The group's ``matrix(a,b,c,d,e,f)`` if it scales or turns (a translation leaves widths alone)."""
    found = _MATRIX.fullmatch(transform.strip())
    if found is None:
        return None
    a, b, c, d, e, f = (float(v) for v in found.group(1).split(","))
    return None if (a, b, c, d) == (1, 0, 0, 1) else (a, b, c, d, e, f)


def _bakeable(group: ET.Element) -> bool:
    """Only lines and shapes of pixel-wide strokes (Qt writes paths with absolute M, L, C and Z only;
    a gradient is laid out in the group's units: such a group keeps its transform)."""
    shapes = list(group)
    return (
        bool(shapes)
        and all(s.tag in _SHAPES for s in shapes)
        and any(s.get("vector-effect") == "non-scaling-stroke" for s in shapes)
        and all(set(re.sub(_NUMBER, "", s.get("d", ""))) <= set("MLCZ, ") for s in shapes)
        and not any(s.tag.endswith("rect") and (s.get("rx") or s.get("ry")) for s in shapes)
        and "url(" not in group.get("fill", "") + group.get("stroke", "")
    )


def _map_shape(shape: ET.Element, matrix: Matrix) -> None:
    _as_path(shape)
    for name in ("d", "points"):
        if name in shape.attrib:
            shape.set(name, _PAIR.sub(lambda m: _mapped_pair(m, matrix), shape.get(name)))


def _as_path(shape: ET.Element) -> None:
    """A rectangle, circle or ellipse as the same path (any transform maps a path's points)."""
    kind = shape.tag.rpartition("}")[2]
    if kind == "rect":
        x, y, w, h = (float(shape.attrib.pop(k)) for k in ("x", "y", "width", "height"))
        d = f"M{x},{y} L{x + w},{y} L{x + w},{y + h} L{x},{y + h} Z"
    elif kind in ("circle", "ellipse"):
        cx, cy = float(shape.attrib.pop("cx")), float(shape.attrib.pop("cy"))
        radius = shape.attrib.pop("r", None)
        rx, ry = (float(radius),) * 2 if radius else (float(shape.attrib.pop(k)) for k in ("rx", "ry"))
        kx, ky = _KAPPA * rx, _KAPPA * ry
        d = (
            f"M{cx + rx},{cy} C{cx + rx},{cy + ky} {cx + kx},{cy + ry} {cx},{cy + ry} "
            f"C{cx - kx},{cy + ry} {cx - rx},{cy + ky} {cx - rx},{cy} "
            f"C{cx - rx},{cy - ky} {cx - kx},{cy - ry} {cx},{cy - ry} "
            f"C{cx + kx},{cy - ry} {cx + rx},{cy - ky} {cx + rx},{cy} Z"
        )
    else:
        return
    shape.tag = f"{{{SVG_NS}}}path"
    shape.set("d", d)


def _mapped_pair(found: re.Match, matrix: Matrix) -> str:
    a, b, c, d, e, f = matrix
    x, y = float(found.group(1)), float(found.group(2))
    return f"{a * x + c * y + e:.6g},{b * x + d * y + f:.6g}"
