"""The live view's pace: slow panels take turns by the clock, and the frame timer keeps its schedule."""

from __future__ import annotations

from PySide6.QtCore import QObject

from gui.view.pacing import FrameClock, PanelTurns


def test_panels_take_turns_by_their_periods_one_at_a_time():
    now = [0.0]
    turns = PanelTurns({"table": 0.15, "loss": 0.25}, clock=lambda: now[0])
    assert turns.due() == "table" and turns.due() == "loss" and turns.due() is None  # both due at first
    seen = []
    for k in range(1, 101):  # 1 s of frames 10 ms apart, each asking once
        now[0] = k * 0.01
        seen.append((now[0], turns.due()))
    table = [t for t, name in seen if name == "table"]
    loss = [t for t, name in seen if name == "loss"]
    # (each at most one frame late)
    assert all(0.15 <= b - a <= 0.17 for a, b in zip(table, table[1:], strict=False))
    assert all(0.25 <= b - a <= 0.27 for a, b in zip(loss, loss[1:], strict=False))
    turns.restart()
    assert turns.due() is not None  # new runs: every panel due again


def test_the_frame_clock_widens_only_with_the_typical_frame_cost(qtbot):
    owner = QObject()
    clock = FrameClock(owner, 60, lambda: None)
    assert clock.timer.interval() == 16
    clock.took(40.0)  # one slow frame (a side plot refreshed in it)
    assert clock.timer.interval() == 16
    for _ in range(30):  # frames that keep costing 20 ms (thousands of runs)
        clock.took(20.0)
    assert 38 <= clock.timer.interval() <= 40
    for _ in range(30):
        clock.took(3.0)
    assert clock.timer.interval() == 16
