"""WhatsApp's text formatting, as the app shows it: `*negrito*`, `_itálico_`, `~riscado~`
and ```` ```mono``` ```` become styled pieces of text (never HTML, so nothing a customer types
can inject markup). The rules follow WhatsApp's: a marker opens before a non-space and closes
after one, not inside a word (`2*3*4` stays as typed), on one line (mono may span lines), and
styles nest (`*_ambos_*`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TEXT = 4096
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mono", re.compile(r"```(.+?)```", re.S)),
    ("bold", re.compile(r"(?<![\w*])\*(?=[^\s*])([^\n*]*?[^\s*])\*(?![\w*])")),
    ("italic", re.compile(r"(?<![\w_])_(?=[^\s_])([^\n_]*?[^\s_])_(?![\w_])")),
    ("strike", re.compile(r"(?<![\w~])~(?=[^\s~])([^\n~]*?[^\s~])~(?![\w~])")),
)


@dataclass(frozen=True)
class Piece:
    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    mono: bool = False


def pieces(text: str) -> list[Piece]:
    """The text split into consecutive styled pieces (their texts joined give the text
    without the markers)."""
    out: list[Piece] = []
    _parse((text or "")[:MAX_TEXT], frozenset(), out)
    return out


def _parse(text: str, styles: frozenset[str], out: list[Piece]) -> None:
    pos = 0
    while pos < len(text):
        best: tuple[int, str, re.Match[str]] | None = None
        for kind, rule in _RULES:
            if kind in styles or "mono" in styles:
                continue
            match = rule.search(text, pos)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), kind, match)
        if best is None:
            break
        start, kind, match = best
        if start > pos:
            _add(out, text[pos:start], styles)
        inner = styles | {kind}
        if kind == "mono":
            _add(out, match.group(1), inner)
        else:
            _parse(match.group(1), inner, out)
        pos = match.end()
    if pos < len(text):
        _add(out, text[pos:], styles)


def _add(out: list[Piece], text: str, styles: frozenset[str]) -> None:
    if text:
        out.append(Piece(text, "bold" in styles, "italic" in styles, "strike" in styles,
                         "mono" in styles))


def as_rows(text: str) -> list[dict[str, str]]:
    """Pieces as plain string maps (what a UI state can hold): text, and "1"/"" flags."""
    return [{"text": p.text, "b": "1" if p.bold else "", "i": "1" if p.italic else "",
             "s": "1" if p.strike else "", "m": "1" if p.mono else ""} for p in pieces(text)]
