"""Help ▸ About the methods says what the methods do (the texts fixed against the reference sheet)."""

import html
import re

from PySide6.QtWidgets import QApplication

from core.methods import METHODS
from core.methods.schedules import SCHEDULE_PARAMS
from gui.windows.about import AboutMethodsDialog, methods_html, rule_html
from gui.windows.math_text import math_html, prose_html, statements


def section(text: str, method_id: str) -> str:
    """The About text of one method: from its heading to the next one."""
    start = text.index(f"<code>{method_id}</code>")
    end = text.find("<h3>", start)
    return text[start : end if end >= 0 else None]


def test_about_states_each_fixed_convention() -> None:
    text = html.unescape(methods_html())
    sgd = section(text, "sgd")
    said = (
        "the Gaussian noise of [GN] is added on top of the minibatch gradient; "
        "set noise = 0 for plain minibatch SGD"
    )
    assert sgd.count(said) == 3  # the description, noise and batch_size
    assert "noise is the variance the formula gives at t = 0" in sgd and "minibatches on data" not in sgd
    assert "maximum of the raw v" in section(text, "adam") and "maximum of v̂" not in text
    for method_id in ("momentum", "nesterov"):
        assert "only at a constant learning rate" in section(text, method_id)
    schedules = text[text.index("Learning-rate schedules") :]
    t_max = next(s for s in SCHEDULE_PARAMS if s.name == "t_max")
    assert t_max.description in schedules and "period 2·t_max" in schedules
    assert "only at a constant learning rate" in schedules and "recorded learning rate" in schedules
    assert "beta2 = 0.999 (float in [0, 1))" in section(text, "adam")


def test_scripts_become_sub_and_superscripts() -> None:
    assert math_html("x_{t-1}") == "<i>x</i><sub><i>t</i>−1</sub>"
    assert math_html("v_t") == "<i>v</i><sub><i>t</i></sub>"
    assert math_html("g_t²") == "<i>g</i><sub><i>t</i></sub><sup>2</sup>"
    assert math_html("x^2") == "<i>x</i><sup>2</sup>"
    assert math_html("e^{-x}") == "<i>e</i><sup>−<i>x</i></sup>"
    assert math_html("β1^t") == "<i>β</i><sub>1</sub><sup><i>t</i></sup>"
    assert math_html("(1+t)^γ") == "(1+<i>t</i>)<sup><i>γ</i></sup>"
    assert math_html("x_{t_{k}}") == "<i>x</i><sub><i>t</i><sub><i>k</i></sub></sub>"  # nested groups


def test_names_words_and_symbols_in_rules() -> None:
    assert math_html("g_thres") == "<i>g</i><sub>thres</sub>"  # a run, not TeX's one character
    assert math_html("batch_size > 0") == "batch_size &gt; 0"  # a parameter's name stays as written
    assert math_html("exp(−Δf/T)") == "exp(−Δ<i>f</i>/<i>T</i>)"
    assert math_html("σξ") == "<i>σ</i><i>ξ</i>"  # Greek letters are never a word
    assert math_html("m̂_t") == "<i>m̂</i><sub><i>t</i></sub>"  # the accent stays on its letter
    assert math_html("x' < y") == "<i>x</i>′ &lt; <i>y</i>"


def test_unbalanced_or_lone_scripts_do_not_break() -> None:
    assert math_html("a_{b") == "<i>a</i><sub><i>b</i></sub>"
    assert math_html("x_") == "<i>x</i>_"
    assert math_html("x^ 2") == "<i>x</i>^ 2"
    assert math_html("") == ""


def test_each_statement_is_its_own_line() -> None:
    assert statements("v_t = β v;  x_t = x + v_t") == ["v_t = β v", "x_t = x + v_t"]
    assert statements("f(a; b); c;") == ["f(a; b)", "c"]  # only ; outside brackets separates


def test_prose_keeps_names_and_raises_powers() -> None:
    assert prose_html("1 − β2^t after t_max") == "1 − β2<sup>t</sup> after t_max"
    assert prose_html("scale η_n, noise/(1+t)^−γ") == "scale η<sub>n</sub>, noise/(1+t)<sup>−γ</sup>"
    assert prose_html("a <b> & c") == "a &lt;b&gt; &amp; c"


def test_every_rule_is_shown_as_formulas() -> None:
    for cls in METHODS.values():
        shown = rule_html(cls.rule)
        assert "<pre>" not in shown and shown.count("<p ") == len(statements(cls.rule))
        plain = html.unescape(re.sub(r"<[^>]+>", "", shown))
        assert "^" not in plain and "{" not in plain, cls.id
        assert all(re.fullmatch(r"[a-z]{2,}(_[a-z]+)+", name) for name in re.findall(r"\S*_\S*", plain))
    text = methods_html()
    assert "_{" not in text and "^{" not in text and "<pre>" not in text
    assert "<i>x</i><sub><i>t</i>−1</sub>" in section(text, "gd")


def shown_dialog(qtbot, width: int, height: int) -> AboutMethodsDialog:
    dialog = AboutMethodsDialog()
    qtbot.addWidget(dialog)
    dialog.resize(width, height)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    return dialog


def test_no_horizontal_scrolling(qtbot) -> None:
    dialog = shown_dialog(qtbot, 640, 720)
    assert dialog.size().toTuple() == (640, 720)  # the default size
    assert dialog.browser.horizontalScrollBar().maximum() == 0
    dialog.resize(1280, 720)
    QApplication.processEvents()
    assert dialog.browser.horizontalScrollBar().maximum() == 0


def test_the_scroll_check_sees_overflow(qtbot) -> None:
    """The check above can fail: the old unwrapped <pre> rule did need a horizontal scroll bar."""
    dialog = shown_dialog(qtbot, 640, 720)
    nesterov = METHODS["nesterov"]
    dialog.browser.setHtml(f"<pre>{html.escape(nesterov.rule)}</pre>")
    QApplication.processEvents()
    assert dialog.browser.horizontalScrollBar().maximum() > 0
