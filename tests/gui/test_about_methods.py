"""Help ▸ About the methods says what the methods do (the texts fixed against the reference sheet)."""

import html

from core.methods.schedules import SCHEDULE_PARAMS
from gui.windows.about import methods_html


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
