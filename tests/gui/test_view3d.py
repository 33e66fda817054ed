"""The 3-D view in a real X server with OpenGL (Xvfb + Mesa's software renderer): the surface shows,
coloured by height; the heads are the 2-D view's positions at the same step; the camera resets; a 1-D
landscape turns the view off. (Qt's offscreen platform has no OpenGL: the checks run in a process of
their own under ``xvfb-run``, which ``.ci/run`` installs.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.landscapes.registry import get_landscape
from core.surface3d import surface_mesh

CHECKS = Path(__file__).with_name("gl_view3d_checks.py")


@pytest.fixture(scope="module")
def checks(tmp_path_factory) -> dict:
    pytest.importorskip("OpenGL")
    if shutil.which("xvfb-run") is None:
        pytest.skip("needs xvfb-run (installed by .ci/run)")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, str(CHECKS),
         str(tmp_path_factory.mktemp("view3d"))],
        capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_surface_shows_coloured_by_height(checks) -> None:
    assert checks["enabled_2d"]
    assert checks["pixel_std"] > 20 and checks["non_white_share"] > 0.05  # not a blank picture
    assert checks["colour_matches_height"] and checks["colour_span"] > 0.2


def test_the_heads_are_where_the_2d_view_has_them(checks) -> None:
    assert checks["step"] == 60 and checks["heads_match"]
    assert checks["heads_at_25"]  # scrubbed back on the timeline: the 3-D heads are those of step 25
    assert checks["escape_marks"] == checks["escape_points"] > 0  # noisy SGD escapes: marked in 3-D too


def test_the_3d_view_follows_the_runs_without_redrawing_the_still_surface(checks) -> None:
    assert checks["heads_follow"]  # the rows reach it after each of its frames, never asked
    assert checks["backdrop_kept"] and checks["backdrop_redrawn"]  # once per camera position
    assert checks["backdrop_diff"] < 1.0  # the picture on screen is the picture drawn whole (0–255 levels)
    assert checks["frame_ms_shared"] == 25 and checks["frame_ms_alone"] == 16  # 2-D at 40 /s beside it


def test_the_camera_resets_and_1d_turns_the_view_off(checks) -> None:
    assert checks["camera_moved"] and checks["camera_reset"]
    assert not checks["enabled_1d"] and checks["hidden_1d"]


def test_png_at_2x_and_a_turning_gif_are_valid_files(checks) -> None:
    assert checks["png_problem"] is None and checks["png_size"] == [2 * v for v in checks["view_size"]]
    assert checks["gif_problem"] is None and checks["gif_frames"] == 8
    assert checks["gif_size"] == checks["view_size"] and checks["gif_steps"] == 80  # the runs played
    assert "Could not save" in checks["refused_problem"]


def test_heights_follow_the_values_linearly_or_on_a_log_scale() -> None:
    land = get_landscape("rosenbrock")
    linear, log = surface_mesh(land), surface_mesh(land, log=True, vertical=2.0)
    assert linear.z.min() == pytest.approx(0.0, abs=1e-9) and linear.share.max() == pytest.approx(1.0)
    assert log.heights.top == pytest.approx(2 * linear.heights.top)
    median = float(np.median(linear.share))
    assert median < 0.1 < float(np.median(log.share))  # the valley becomes readable
    assert linear.heights.lifted(linear.heights.low) > 0
    with pytest.raises(ValueError, match="1-D"):
        surface_mesh(get_landscape("sine-mix"))


def test_contour_lines_lie_on_the_surface_at_their_heights() -> None:
    from core.surface3d import contour_segments
    from core.surface3d.heights import LIFT_SHARE

    land = get_landscape("himmelblau")
    mesh = surface_mesh(land)
    segments = contour_segments(mesh)
    assert len(segments) > 100 and len(segments) % 2 == 0
    on_surface = mesh.heights.z(land.value_fn(segments[:, :2]))
    lifted = segments[:, 2] - 0.5 * LIFT_SHARE * mesh.heights.top
    assert np.median(np.abs(on_surface - lifted)) < 0.02 * mesh.heights.top  # (the mesh is a grid of it)
    assert len(np.unique(np.round(segments[:, 2], 9))) == 12
