"""The diagnostic probe (``gui/probe.py``): ``python main.py FILE.json`` with MINIMA_LAB_PROBE=1 answers
the benchmark's commands with JSON lines and exits cleanly. Sanity only: no timing is asserted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "escape-rastrigin.json"
COMMANDS = ("ready", "mark", "speed 0", "play", "report", "quit")


def _answers(proc: subprocess.Popen, deadline: float) -> dict[str, dict]:
    """Send the commands one at a time, each after the previous answer; the answers by reply name."""
    answers: dict[str, dict] = {}
    for command in COMMANDS:
        if command == "report":
            time.sleep(1.0)  # let the runs stream a little
        proc.stdin.write(command + "\n")
        proc.stdin.flush()
        name = command.split()[0]
        while name not in answers:
            assert time.monotonic() < deadline, f"no answer to {command!r} in time"
            line = proc.stdout.readline()
            assert line, f"the app exited before answering {command!r}"
            if line.startswith("{"):
                message = json.loads(line)
                answers[message.get("reply") or message.get("event")] = message
    return answers


def test_probe_answers_and_the_app_exits(tmp_path):
    path = shutil.copy(EXAMPLE, tmp_path / "plain.json")
    env = {**os.environ, "MINIMA_LAB_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "main.py", str(path)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        answers = _answers(proc, time.monotonic() + 25)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert answers["ready"]["runs"] == 7  # 7 methods × 1 start in the example file
    assert answers["speed"]["speed"] == 0
    assert answers["play"]["state"] == "running"
    report = answers["report"]
    assert report["state"] in ("running", "finished")
    assert report["seconds"] > 0.5 and report["paints"] > 0 and report["firings"] > 0
    assert report["repaints_per_s"] == report["paints"] / report["seconds"]
    assert 0 <= report["late_p99_ms"] <= report["late_worst_ms"]
    assert report["steps"] > 0 and report["steps_per_s"] > 0
    assert report["table_gap_s"] >= 0 and report["status_gap_s"] >= 0
    assert report["space_to_paused_ms"] is None  # nothing paused since the mark
    assert answers["quit"] == {"reply": "quit"}
