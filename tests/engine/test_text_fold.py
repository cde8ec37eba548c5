"""Folding and cleaning take shortcuts for the common text (ASCII, short, repeated): the
shortcuts give exactly what the full work gives, for any text."""

from __future__ import annotations

import math
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ylada_app.engine.text import MAX_MATCH_INPUT, fold, fold_loose
from ylada_app.services.inbox import clean_json, clean_text

ANY_TEXT = st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127)),
                     st.sampled_from(["Olá!", "OLA", " ola ", "📦 ver catálogo", "ﬁm", "Ｂｏｍ",
                                      "a\x00b", "\ud800x", "x" * 5000]))


def _fold_the_long_way(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text[:MAX_MATCH_INPUT])
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@settings(max_examples=400, deadline=None, derandomize=True)
@given(ANY_TEXT)
def test_fold_is_the_same_with_or_without_shortcuts(text):
    assert fold(text) == _fold_the_long_way(text)
    assert fold(text) == fold(text)  # (cached the second time)


def test_fold_examples():
    assert fold("  Olá   MUNDO ") == "ola mundo"
    assert fold_loose("Sim, quero!") == "sim quero"
    assert fold("ＢＯＭ ﬁm") == "bom fim"


def _clean_text_the_long_way(value: str, limit: int) -> str:
    value = value[:limit].replace("\x00", "")
    return value.encode("utf-8", "replace").decode("utf-8")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(ANY_TEXT, st.integers(min_value=1, max_value=6000))
def test_clean_text_is_the_same_with_or_without_shortcuts(text, limit):
    assert clean_text(text, limit) == _clean_text_the_long_way(text, limit)


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), ANY_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(ANY_TEXT, inner, max_size=4)),
    max_leaves=20)


def _storable(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # no lone surrogates
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    return True


@settings(max_examples=300, deadline=None, derandomize=True)
@given(JSON)
def test_clean_json_leaves_only_what_a_database_stores(value):
    cleaned = clean_json(value)
    assert _storable(cleaned)
    assert clean_json(cleaned) == cleaned  # and cleaning again changes nothing
