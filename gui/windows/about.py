"""Help ▸ About the methods: each method's update rule, as in the reference sheet."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core.methods import METHODS
from core.methods.schedules import SCHEDULE_PARAMS, SCHEDULES
from core.params import ParamSpec
from gui.windows.math_text import math_html, prose_html, statements

SCHEDULE_NOTES = (
    "Momentum and Nesterov keep the classic form under a schedule: they equal PyTorch's SGD(momentum) / "
    "SGD(nesterov=True) only at a constant learning rate (sheet §1.2: up to ~0.008 apart in its "
    "step-decay example, can be larger).",
    "AdaGrad's lr_decay is applied on top of the schedule, η/(1 + (t−1)·lr_decay), and the recorded "
    "learning rate is that applied rate.",
)


# Serif like printed maths (Qt takes the first family installed); a hanging indent sets a wrapped
# statement's continuation lines apart from the next statement.
FORMULA_STYLE = (
    "font-family:'STIX Two Text','Cambria','DejaVu Serif','Times New Roman',serif; font-size:large; "
    "margin:2px 0 2px 36px; text-indent:-18px"
)


def rule_html(rule: str) -> str:
    """``rule`` as formulas: one paragraph per statement (the parts between its ``;``)."""
    return "".join(f'<p style="{FORMULA_STYLE}">{math_html(part)}</p>' for part in statements(rule))


def _param_item(spec: ParamSpec) -> str:
    text = f"{spec.name} = {spec.default} ({spec.describe_range()}): {spec.description}"
    return f"<li>{prose_html(text)}</li>"


def _method_html(cls) -> str:
    specs = cls.own_params + ((cls.batch_param,) if cls.uses_schedule else ())
    return (
        f"<h3>{html.escape(cls.name)} <code>{cls.id}</code></h3>"
        f"<p>{prose_html(cls.description)}</p>{rule_html(cls.rule)}"
        f"<p style='color:#555'>Parameters:</p><ul style='color:#555'>{''.join(map(_param_item, specs))}</ul>"
    )


def _schedules_html() -> str:
    by_name = {s.name: s for s in SCHEDULE_PARAMS}
    notes = (
        f"{by_name['t_max'].description}.",
        "SGDR restarts the cosine cycle at t0, t0(1 + tmult), ….",
        *SCHEDULE_NOTES,
    )
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return f"<h3>Learning-rate schedules</h3><p>{', '.join(SCHEDULES)}.</p><ul>{items}</ul>"


def methods_html() -> str:
    """The dialog's text: every method's description, rule and parameters, then the schedules."""
    parts = [
        "<h2>The methods</h2>",
        "<p>Update rules as in the reference sheet (PyTorch conventions; t counts steps from 1, "
        "η is the learning rate, ξ a standard normal vector).</p>",
        *(_method_html(cls) for cls in METHODS.values()),
        _schedules_html(),
    ]
    return "\n".join(parts)


class AboutMethodsDialog(QDialog):
    """Help ▸ About the methods: ``methods_html`` in a scrollable browser."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About the methods")
        self.resize(640, 720)
        self.browser = QTextBrowser()
        self.browser.setHtml(methods_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
