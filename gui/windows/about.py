"""Help ▸ About the methods: each method's update rule, as in the reference sheet."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from core.methods import METHODS
from core.methods.schedules import SCHEDULES


def methods_html() -> str:
    parts = [
        "<h2>The methods</h2>",
        "<p>Update rules as in the reference sheet (PyTorch conventions; t counts steps from 1, "
        "η is the learning rate, ξ a standard normal vector).</p>",
    ]
    for cls in METHODS.values():
        parts.append(
            f"<h3>{html.escape(cls.name)} <code>{cls.id}</code></h3>"
            f"<p>{html.escape(cls.description)}</p><pre>{html.escape(cls.rule)}</pre>"
        )
        params = ", ".join(f"{s.name} = {s.default}" for s in cls.own_params)
        parts.append(f"<p style='color:#555'>Parameters: {html.escape(params)}</p>")
    parts.append(
        "<h3>Learning-rate schedules</h3><p>"
        + ", ".join(SCHEDULES)
        + ". SGDR restarts the cosine cycle at t0, t0(1 + tmult), …</p>"
    )
    return "\n".join(parts)


class AboutMethodsDialog(QDialog):
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
