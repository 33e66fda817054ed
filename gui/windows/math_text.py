"""Plain-text update rules (``x_t = x_{t-1} - η ∇f(x_{t-1})``) as HTML formulas for Qt's rich text.

The notation is TeX-like: ``_{...}`` and ``^{...}`` are sub- and superscripts (groups may nest). Without
braces, ``_`` and ``^`` take the whole run of letters and digits that follows, not TeX's single character:
``v_t``, ``β1^t``, ``g_thres`` (the rules write such names and mean them whole). A single letter followed
by digits is indexed (``β1`` is β with subscript 1). Single letters are italic, Greek ones always single
(``σξ`` is σ times ξ); words of two or more Latin letters (``exp``, ``batch_size``, underscores kept),
numbers, operators and capital Greek letters (Δ) are upright. ``-`` is a minus sign, ``'`` a prime,
``²``/``³`` superscripts. The text is only matched, never run.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

_MARKS = r"[\u0300-\u036f]*"  # combining accents: m̂, g̃
_GREEK = "\u0391-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03f5"
_LATIN = rf"[A-Za-z]{_MARKS}"
_LETTER = rf"[A-Za-z{_GREEK}]{_MARKS}"
_TOKEN = re.compile(
    rf"(?P<word>(?:{_LATIN}){{2,}}(?:-(?:{_LATIN}){{2,}}|_(?:{_LETTER}|[0-9])+)*)"
    rf"|(?P<letter>{_LETTER})(?P<index>[0-9]+)?"
    r"|(?P<script>[_^])"
    r"|(?P<gap> {2,})"
    r"|(?P<other>.)",
    re.S,
)
_RUN = re.compile(rf"[-−+]?(?:{_LETTER}|[0-9])+")
# In prose ``_`` joins the words of a name (batch_size, t_max): only after a Greek letter is it a subscript.
_PROSE_SCRIPT = re.compile(rf"(?<=[{_GREEK}])_|\^")
_SCRIPT_TAGS = {"_": "sub", "^": "sup"}
_OPENING, _CLOSING = "({[", ")}]"
_SYMBOLS = {"-": "−", "'": "′", "²": "<sup>2</sup>", "³": "<sup>3</sup>"}


def statements(rule: str) -> list[str]:
    """The statements of ``rule``: its parts between ``;`` outside brackets, stripped, empty ones left out."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(rule):
        depth += (char in _OPENING) - (char in _CLOSING)
        if char == ";" and depth <= 0:
            parts.append(rule[start:i])
            start = i + 1
    parts.append(rule[start:])
    return [part.strip() for part in parts if part.strip()]


def math_html(text: str) -> str:
    """``text`` as inline HTML: ``<sub>``/``<sup>`` for scripts, ``<i>`` for single-letter variables."""
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match["script"]:
            html_text, pos = _script(text, match.end(), match["script"], math_html)
        else:
            html_text, pos = _token_html(match), match.end()
        out.append(html_text)
    return "".join(out)


def prose_html(text: str) -> str:
    """``text`` escaped for HTML, with its ``^`` scripts (``β2^t``, ``(1+t)^γ``) and a Greek letter's ``_``
    (``η_n``) as ``<sup>``/``<sub>``; the rest as written (names such as ``t_max`` keep their ``_``)."""
    out, pos = [], 0
    for match in _PROSE_SCRIPT.finditer(text):
        if match.start() >= pos:  # else it is inside the script just converted
            script, end = _script(text, match.end(), match.group(), html.escape)
            out += [html.escape(text[pos : match.start()]), script]
            pos = end
    return "".join(out) + html.escape(text[pos:])


def _token_html(match: re.Match[str]) -> str:
    if match["word"]:
        return html.escape(match["word"])
    if match["letter"]:
        index = f"<sub>{match['index']}</sub>" if match["index"] else ""
        return _letter_html(match["letter"]) + index
    if match["gap"]:
        return "&nbsp; "  # the rules' double spaces separate clauses: keep them wider, still breakable
    return _SYMBOLS.get(match["other"]) or html.escape(match["other"])


def _letter_html(letter: str) -> str:
    """Italic, as in print, except capital Greek letters (Δ), which stay upright."""
    return letter if "\u0391" <= letter[0] <= "\u03a9" else f"<i>{letter}</i>"


def _script(text: str, pos: int, mark: str, render: Callable[[str], str]) -> tuple[str, int]:
    """The sub- or superscript just after its ``mark`` (``_`` or ``^``) at ``pos``, rendered, and its end."""
    tag = _SCRIPT_TAGS[mark]
    if text.startswith("{", pos):
        end = _closing_brace(text, pos)
        return f"<{tag}>{render(text[pos + 1 : end])}</{tag}>", end + 1
    run = _RUN.match(text, pos)
    if run is None:  # a lone _ or ^ is shown as it is
        return mark, pos
    return f"<{tag}>{render(run.group())}</{tag}>", run.end()


def _closing_brace(text: str, start: int) -> int:
    """The index of the ``}`` closing the ``{`` at ``start`` (the text's end if it is never closed)."""
    depth = 0
    for i in range(start, len(text)):
        depth += (text[i] == "{") - (text[i] == "}")
        if depth == 0:
            return i
    return len(text)
