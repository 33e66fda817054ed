"""A lesson's Markdown as rich text: Qt reads the Markdown, the ``$…$`` formulas become formulas
(``core.lessons.formulas``), never raw TeX."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from core.lessons.formulas import with_formulas

PLACEHOLDER = "QQFORMULA{}QQ"  # letters only: Markdown leaves it alone


def lesson_html(markdown: str) -> str:
    """HTML for a text view: ``markdown`` with its formulas rendered."""
    formulas: list[str] = []

    def hold(formula: str) -> str:
        formulas.append(formula)
        return PLACEHOLDER.format(len(formulas) - 1)

    document = QTextDocument()
    document.setMarkdown(with_formulas(markdown, hold))
    html = document.toHtml()
    for k, formula in enumerate(formulas):
        html = html.replace(PLACEHOLDER.format(k), f'<span style="font-family: serif">{formula}</span>')
    return html
