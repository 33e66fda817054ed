"""The colour key of the basin maps: a swatch and a name for each outcome drawn, wrapping to the width."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

SWATCH, GAP, PAD = 12, 5, 14  # swatch side; swatch to name; between entries (pixels)


class BasinKey(QWidget):
    """``show_entries([(name, (r, g, b)), …])``; ``entries`` keeps them. Entries wrap like words."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[tuple[str, tuple[int, int, int]]] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setToolTip("Each start is coloured by where most of its runs (over the seeds) ended")

    def show_entries(self, entries: list[tuple[str, tuple[int, int, int]]]) -> None:
        """Show these entries (none: the key is hidden)."""
        self.entries = list(entries)
        self.setVisible(bool(self.entries))
        self.updateGeometry()
        self.update()

    def _boxes(self, width: int) -> list[QRect]:
        """Where each entry goes at this width: left to right, a new line when the next does not fit."""
        metrics, line = self.fontMetrics(), self.fontMetrics().height() + 4
        boxes, x, y = [], 0, 0
        for name, _ in self.entries:
            w = SWATCH + GAP + metrics.horizontalAdvance(name)
            if x > 0 and x + w > width:
                x, y = 0, y + line
            boxes.append(QRect(x, y, w, line))
            x += w + PAD
        return boxes

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        boxes = self._boxes(width)
        return boxes[-1].bottom() + 1 if boxes else 0

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(200, self.heightForWidth(max(self.width(), 200)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(60, self.heightForWidth(max(self.width(), 60)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.height() != self.heightForWidth(self.width()):
            self.updateGeometry()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for (name, colour), box in zip(self.entries, self._boxes(self.width()), strict=True):
            swatch = QRect(box.x(), box.center().y() - SWATCH // 2, SWATCH, SWATCH)
            painter.fillRect(swatch, QColor(*colour))
            painter.setPen(QColor("#606060"))  # an edge, so light swatches show on the panel
            painter.drawRect(swatch.adjusted(0, 0, -1, -1))
            painter.setPen(self.palette().windowText().color())
            text = box.adjusted(SWATCH + GAP, 0, 0, 0)
            painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        painter.end()
