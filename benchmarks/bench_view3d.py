"""The 3-D view while the runs stream, measured from outside as ``bench_gui.py`` measures the window:
``python main.py FILE.json`` (Rastrigin, 7 methods × 5 starts, as fast as possible) in a real X window
under Xvfb with Mesa's software OpenGL, View ▸ 3-D surface shown; repaints of the 3-D view per second
and the lateness of a precise 5 ms timer on the GUI thread. Best of ``--repeats`` launches."""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gui import App, Problem, Timeout, write_files, xvfb  # noqa: E402

TARGETS = {"paints3d": 30.0, "late": 50.0}  # repaints of the 3-D view per second (≥); worst lateness (ms, <)


def one_launch(display: str, files: dict, folder: Path, seconds: float) -> dict:
    app = App(files["runs35"], display, folder)
    try:
        app.ready()
        if not app.ask("view3d")["shown"]:
            raise Problem("the 3-D view did not show (no OpenGL?)")
        app.ask("speed 0")
        time.sleep(1.0)  # (the surface built and drawn once)
        app.ask("mark")
        app.press("space", "play")
        time.sleep(seconds)
        report = app.ask("report")
        return {
            "paints3d": report["paints3d_per_s"],
            "late": report["late_worst_ms"],
            "fps2d": report["repaints_per_s"],
            "steps": report["steps_per_s"],
        }
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-view3d-"))
    files = write_files(folder)
    launches = []
    with xvfb() as display:
        for k in range(args.repeats):
            try:
                launches.append(one_launch(display, files, folder, args.seconds))
            except (Problem, Timeout) as exc:
                print(f"launch {k + 1}: {exc}")
    if not launches:
        raise SystemExit("no launch succeeded")
    best3d = max(r["paints3d"] for r in launches)
    best_late = min(r["late"] for r in launches)
    stamp = datetime.date.today().isoformat()
    print(f"bench_view3d {stamp}: Python {platform.python_version()}, best of {len(launches)}, Xvfb + Mesa")
    print("| figure | value | target | verdict |\n|---|---|---|---|")
    ok3d = "PASS" if best3d >= TARGETS["paints3d"] else "MISS"
    oklate = "PASS" if best_late < TARGETS["late"] else "MISS"
    print(f"| repaints of the 3-D view | {best3d:.1f} /s | ≥ {TARGETS['paints3d']:.0f} /s | {ok3d} |")
    print(f"| worst lateness (5 ms timer) | {best_late:.1f} ms | < {TARGETS['late']:.0f} ms | {oklate} |")
    for k, r in enumerate(launches, start=1):
        print(f"  launch {k}: 3-D {r['paints3d']:.1f}/s, late {r['late']:.1f} ms, 2-D {r['fps2d']:.1f}/s, "
              f"steps {r['steps']:,.0f}/s")  # fmt: skip


if __name__ == "__main__":
    main()
