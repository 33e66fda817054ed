"""Checks of the 3-D view in a real X server with OpenGL (Xvfb + Mesa), run by ``test_view3d.py`` in a
process of its own (Qt's offscreen platform cannot create an OpenGL context). Prints one JSON line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    import numpy as np
    from PIL import Image

    from gui.app import ensure_app

    app = ensure_app()
    from gui.main_window import MainWindow
    from tests.gui.helpers import settle

    window = MainWindow(settings=None)
    window.resize(1200, 800)
    window.show()
    model = window.model
    model.set_landscape("rastrigin")
    for mid in model.methods:
        model.set_method_enabled(mid, mid in ("gd", "sgd"))
    model.set_starts([(3.1, -2.9), (-2.2, 1.4)])
    settle(0.5)
    out: dict = {"enabled_2d": window.surface3d.action.isEnabled()}
    window.surface3d.action.trigger()  # View ▸ 3-D surface
    settle(1.5)
    view = window.surface3d.view3d
    pixels = _pixels(view.grabFramebuffer())
    out["pixel_std"] = float(pixels.std())
    out["non_white_share"] = float((pixels.sum(axis=2) < 740).mean())
    colours = view.surface._meshdata.vertexColors()  # (pyqtgraph keeps the mesh's per-vertex colours there)
    mesh = view.mesh
    share = mesh.share.ravel()
    expected = view.colour_map.map(np.nan_to_num(share, nan=1.0), mode="float")[:, :3]
    given = np.asarray(colours)[..., :3].reshape(-1, 3)
    out["colour_matches_height"] = bool(given.shape == expected.shape and np.allclose(given, expected))
    out["colour_span"] = float(np.ptp(expected.sum(axis=1)))
    out["frame_ms_shared"] = window.presenter._frame_clock.fastest_ms
    window.controller.step(60)
    settle(0.5)
    out["heads_follow"] = _heads_match(view, window.presenter.buffer)  # (no feed asked for: it follows)
    out.update(_backdrop_checks(view, settle))
    for _ in range(200):  # (the escape events come from a search in the background)
        if not window.presenter.escapes_pending and len(window.presenter.escape_points):
            break
        settle(0.05)
    window.surface3d.feed(force=True)
    out["escape_points"] = len(window.presenter.escape_points)
    out["escape_marks"] = len(view.escapes.pos) if view.escapes.pos is not None else 0
    buffer = window.presenter.buffer
    out["heads_match"] = _heads_match(view, buffer)
    window.timeline.seek(25)  # (the timeline: the 3-D view shows step 25 too)
    settle(0.3)
    out["heads_at_25"] = _heads_match(view, buffer.until(25))
    window.timeline.seek(buffer.step)
    settle(0.3)
    out["step"] = int(buffer.step)
    view.orbit(40, 20)
    moved = dict(view.cameraParams())
    window.surface3d.view3d.reset_camera("Corner")
    params = view.cameraParams()
    out["camera_moved"] = moved["azimuth"] != params["azimuth"]
    out["camera_reset"] = (params["elevation"], params["azimuth"]) == (45.0, -60.0)
    folder = Path(sys.argv[1])
    png = folder / "view.png"
    out["png_problem"] = window.surface3d.save_png(str(png), scale=2)
    out["png_size"] = list(__import__("PIL.Image", fromlist=["Image"]).open(png).size)
    out["view_size"] = [
        int(view.width() * view.devicePixelRatioF()),
        int(view.height() * view.devicePixelRatioF()),
    ]
    gif = folder / "turn.gif"
    before = window.controller.step_count
    out["gif_problem"] = window.surface3d.save_gif(str(gif), frames=8)
    image = Image.open(gif)
    out["gif_frames"], out["gif_size"] = image.n_frames, list(image.size)
    out["gif_steps"] = window.controller.step_count - before
    out["refused_problem"] = window.surface3d.save_png(str(folder), scale=1)  # a folder: refused
    model.set_landscape("sine-mix")
    settle(0.3)
    out["enabled_1d"] = window.surface3d.action.isEnabled()
    out["hidden_1d"] = not window.surface3d.shown
    out["frame_ms_alone"] = window.presenter._frame_clock.fastest_ms
    window.close()
    app.processEvents()
    print(json.dumps(out))


def _heads_match(view, buffer) -> bool:
    import numpy as np

    xy = np.array([buffer.trajectory(r)[-1][:2] for r in range(len(buffer.status))])
    return bool(view.heads.pos is not None and np.allclose(view.heads.pos[:, :2], xy))


def _backdrop_checks(view, settle) -> dict:
    """The surface is drawn once while the camera stays, again when it moves; the picture on screen
    (the backdrop copied, the runs over it) is the picture drawn whole."""
    import numpy as np

    renders = view.backdrop.renders
    for _ in range(3):
        view.update()
        settle(0.1)
    out = {"backdrop_kept": view.backdrop.renders == renders}
    view.orbit(10, 0)
    settle(0.2)
    out["backdrop_redrawn"] = view.backdrop.renders == renders + 1
    shown = _pixels(view.grabFramebuffer())  # (the backdrop copied, the runs drawn over it)
    view.keep_backdrop = False
    whole = _pixels(view.grabFramebuffer())  # (every item drawn anew)
    view.keep_backdrop = True
    out["backdrop_diff"] = float(np.abs(shown - whole).mean())
    out["backdrop_std"] = float(shown.std())
    return out


def _pixels(image):
    import numpy as np

    return np.array([[image.pixelColor(x, y).getRgb()[:3] for x in range(0, image.width(), 4)]
                     for y in range(0, image.height(), 4)], dtype=float)  # fmt: skip


if __name__ == "__main__":
    main()
