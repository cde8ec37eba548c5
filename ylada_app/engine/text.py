"""Text folding for matching what users type against keywords, titles and choices.

WhatsApp users type "Olá!", "OLA", "ola " or "📦 ver catálogo" and mean the same thing, so
matching compares *folded* text: Unicode-compatibility decomposed, accents dropped,
case-folded, whitespace collapsed. Keys for whole-message matches (`fold_loose`) also
turn punctuation and emoji into spaces, so "Sim, quero!" matches the title "SIM QUERO".
"""

from __future__ import annotations

import re
import unicodedata

# Inbound WhatsApp text is at most 4096 characters; folding more than that is wasted work.
MAX_MATCH_INPUT = 4096

_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of `text`."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_MATCH_INPUT])
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def fold_loose(text: str) -> str:
    """`fold` with punctuation and emoji as single spaces, trimmed ("Oi, tudo bem?!" →
    "oi tudo bem")."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def contains_words(haystack: str, needle: str) -> bool:
    """True if folded `needle` appears in folded `haystack` as whole word(s).

    Whole words keep the keyword "oi" from firing on "boi" or "oito".
    """
    folded_needle = fold_loose(needle)
    if not folded_needle:
        return False
    return f" {folded_needle} " in f" {fold_loose(haystack)} "
