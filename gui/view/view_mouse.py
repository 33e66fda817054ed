"""The landscape view's mouse: a click places a start (Shift+click adds one, right-click removes the one
under the cursor, Ctrl+click picks the run drawn there) and hovering reads out x, y and f."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt

REMOVE_RADIUS_PX = 12


class ViewMouse:
    """Handles ``view``'s scene clicks and moves (a ``LandscapeView``)."""

    def __init__(self, view):
        self.view = view
        view.scene().sigMouseClicked.connect(self._on_click)
        view.scene().sigMouseMoved.connect(self._on_move)

    def _view_point(self, scene_pos) -> QPointF | None:
        if not self.view.vb.sceneBoundingRect().contains(scene_pos):
            return None
        return self.view.vb.mapSceneToView(scene_pos)

    def _on_click(self, event) -> None:
        p = self._view_point(event.scenePos())
        if p is None:
            return
        if (
            event.button() == Qt.MouseButton.LeftButton
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.view.picked.emit(p.x(), p.y())
            event.accept()
            return
        land = self.view.model.landscape
        point = (p.x(),) if land.dim == 1 else (p.x(), p.y())
        if event.button() == Qt.MouseButton.LeftButton and not self._inside(point):
            box = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in land.domain)
            where = ", ".join(f"{v:.4g}" for v in point)
            self.view.message.emit(
                f"({where}) is outside the domain {box}: starts go inside it (or widen it)"
            )
            event.accept()
            return
        try:
            if event.button() == Qt.MouseButton.RightButton:
                if not self._remove_start_near(event.scenePos()):
                    self.view.menuAsked.emit(event.screenPos().toPoint())
            elif event.button() == Qt.MouseButton.LeftButton:
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.view.model.add_start(point)
                else:
                    self.view.model.set_starts([point])
            event.accept()
        except ValueError as exc:
            self.view.message.emit(str(exc))

    def _inside(self, point: tuple[float, ...]) -> bool:
        return all(lo <= v <= hi for v, (lo, hi) in zip(point, self.view.model.landscape.domain, strict=True))

    def _remove_start_near(self, scene_pos) -> bool:
        best, best_d = None, REMOVE_RADIUS_PX
        for i, start in enumerate(self.view.model.starts):
            sp = self.view.vb.mapViewToScene(QPointF(*self.view.start_xy(start)))
            d = ((sp.x() - scene_pos.x()) ** 2 + (sp.y() - scene_pos.y()) ** 2) ** 0.5
            if d <= best_d:
                best, best_d = i, d
        if best is not None:
            self.view.model.remove_start(best)
        return best is not None

    def _on_move(self, scene_pos) -> None:
        p = self._view_point(scene_pos)
        if p is None:
            self.view.hover_label.hide()
            return
        land = self.view.model.landscape
        point = (p.x(),) if land.dim == 1 else (p.x(), p.y())
        with np.errstate(all="ignore"):
            f = float(land.value([point])[0])
        where = [p.x()] if land.dim == 1 else [p.x(), p.y()]
        coordinates = [f"{name} = {v:.4g}" for name, v in zip(land.axis_names, where, strict=True)]
        text = ", ".join([*coordinates, f"{land.value_name} = {f:.6g}"])
        self.view.hover_label.setText(text)
        (x0, x1), (y0, y1) = self.view.vb.viewRange()
        # Towards the right or the top, the read-out sits left of or below the cursor: never clipped.
        right, top = p.x() > (x0 + x1) / 2, p.y() > (y0 + y1) / 2
        self.view.hover_label.setAnchor((1.0 if right else 0.0, 0.0 if top else 1.0))
        self.view.hover_label.setPos(p)
        self.view.hover_label.show()
        self.view.hovered.emit(text)
