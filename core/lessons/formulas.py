"""Formulas in lesson text: ``$…$`` in a small TeX subset, turned into rich text (HTML) a text view
shows as a formula (italic variables, Greek letters, superscripts, fractions, roots), never raw TeX.

The subset (``docs/lessons.md``): Greek letters, ``\\nabla \\partial \\sum \\infty \\leftarrow
\\rightarrow \\to \\cdot \\times \\le \\ge \\approx \\ne \\pm \\in \\ell \\propto \\sim \\dots``, the
names ``\\min \\max \\exp \\log \\ln \\sin \\cos \\tan \\tanh \\arg``, accents ``\\tilde \\hat \\bar``,
``\\sqrt{…}``, ``\\frac{a}{b}``, ``^{…}``/``^x``, ``_{…}``/``_x``, ``\\mathcal{N}``, ``\\lVert \\rVert``.
A command outside it is shown as its name (``\\foo`` → ``foo``), so nothing is lost or executed.
"""

from __future__ import annotations

import html
import re

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
}  # fmt: skip
SYMBOLS = {
    "nabla": "∇", "partial": "∂", "sum": "∑", "infty": "∞", "leftarrow": "←", "rightarrow": "→",
    "to": "→", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "approx": "≈", "ne": "≠", "neq": "≠", "pm": "±", "lVert": "‖", "rVert": "‖", "|": "‖",
    "in": "∈", "notin": "∉", "ell": "ℓ", "propto": "∝", "sim": "∼", "mid": "|", "dots": "…",
    "ldots": "…", "cdots": "⋯", "quad": "\u2003", ",": "\u2009", ";": "\u2005", " ": " ", "{": "{", "}": "}",
}  # fmt: skip
NAMED = ("min", "max", "exp", "log", "ln", "sin", "cos", "tan", "tanh", "arg")
TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_])|([A-Za-z])|(\s+)|(.)", re.S)
INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\$)")


def formula_html(tex: str) -> str:
    """The rich-text form of one formula (the text between the dollar signs)."""
    tokens = [m for m in TOKEN.finditer(tex)]
    out, _ = _sequence(tokens, 0, stop_at_brace=False)
    return out


def with_formulas(text: str, replace) -> str:
    """``text`` with each ``$…$`` replaced by ``replace(formula_html(inside))``."""
    return INLINE.sub(lambda m: replace(formula_html(m.group(1))), text)


def _sequence(tokens, i: int, stop_at_brace: bool) -> tuple[str, int]:
    parts = []
    while i < len(tokens):
        m = tokens[i]
        if m.group(2) == "}" and stop_at_brace:
            return "".join(parts), i + 1
        piece, i = _atom(tokens, i)
        parts.append(piece)
    return "".join(parts), i


def _argument(tokens, i: int) -> tuple[str, int]:
    """A ``{…}`` group or the single token at ``i``."""
    if i >= len(tokens):
        return "", i
    if tokens[i].group(2) == "{":
        return _sequence(tokens, i + 1, stop_at_brace=True)
    return _atom(tokens, i)


def _atom(tokens, i: int) -> tuple[str, int]:
    m = tokens[i]
    command, mark, letter, space, other = m.groups()
    if command is not None:
        return _command(command, tokens, i + 1)
    if mark == "{":
        inner, j = _sequence(tokens, i + 1, stop_at_brace=True)
        return inner, j
    if mark in ("^", "_"):
        inner, j = _argument(tokens, i + 1)
        tag = "sup" if mark == "^" else "sub"
        return f"<{tag}>{inner}</{tag}>", j
    if letter is not None:
        return f"<i>{letter}</i>", i + 1
    if space is not None:
        return " ", i + 1
    text = other if other is not None else (mark or "")
    return html.escape("−" if text == "-" else text), i + 1


def _command(name: str, tokens, i: int) -> tuple[str, int]:
    if name in GREEK:
        return GREEK[name], i
    if name in SYMBOLS:
        return html.escape(SYMBOLS[name]), i
    if name in NAMED:
        return name, i
    if name == "frac":
        top, i = _argument(tokens, i)
        bottom, i = _argument(tokens, i)
        return f"{_grouped(top)}/{_grouped(bottom)}", i
    if name == "sqrt":
        inner, i = _argument(tokens, i)
        return f'√<span style="text-decoration: overline">{inner}</span>', i
    if name in ("tilde", "hat", "bar"):
        inner, i = _argument(tokens, i)
        return inner + {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304"}[name], i
    if name == "mathcal":
        inner, i = _argument(tokens, i)
        return re.sub(r"</?i>", "", inner).replace("N", "𝒩").replace("L", "ℒ"), i
    return html.escape(name), i


def _grouped(part: str) -> str:
    plain = re.sub(r"<[^>]+>", "", part)
    return part if len(plain) <= 1 or plain.isalnum() else f"({part})"
