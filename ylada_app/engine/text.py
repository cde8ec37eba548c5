"""Text folding for matching what users type against keywords, titles and choices.

WhatsApp users type "Olá!", "OLA", "ola " or "📦 ver catálogo" and mean the same thing, so
matching compares *folded* text: Unicode-compatibility decomposed, accents dropped,
case-folded, whitespace collapsed. Keys for whole-message matches (`fold_loose`) also
turn punctuation and emoji into spaces, so "Sim, quero!" matches the title "SIM QUERO".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Inbound WhatsApp text is at most 4096 characters; folding more than that is wasted work.
MAX_MATCH_INPUT = 4096

_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of `text`."""
    text = text[:MAX_MATCH_INPUT]
    if text.isascii():  # nothing to decompose: the same result, without the work
        return " ".join(text.casefold().split())
    if len(text) <= 200:  # titles, keywords and short messages come back again and again
        return _fold_short(text)
    return _fold(text)


@lru_cache(maxsize=4096)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
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
