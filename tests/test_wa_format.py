"""WhatsApp formatting turned into styled pieces — never markup — following WhatsApp's rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ylada_app.core.wa_format import Piece, pieces


def test_each_style_and_nesting():
    assert pieces("Olá *Ana*, seu pedido _saiu_ ~ontem~ hoje: ```AB-12```") == [
        Piece("Olá "), Piece("Ana", bold=True), Piece(", seu pedido "),
        Piece("saiu", italic=True), Piece(" "), Piece("ontem", strike=True),
        Piece(" hoje: "), Piece("AB-12", mono=True)]
    assert pieces("*_ambos_*") == [Piece("ambos", bold=True, italic=True)]
    assert pieces("*Total:* R$ 10,00") == [Piece("Total:", bold=True), Piece(" R$ 10,00")]


def test_markers_that_are_not_formatting_stay_as_typed():
    for text in ("2*3*4", "um * solto", "* espaço*", "*sem fechar", "nome_do_arquivo.pdf",
                 "**", "a ~ b ~ c", "*duas\nlinhas*", "<b>x</b>"):
        assert pieces(text) == [Piece(text)], text


def test_mono_keeps_its_inside_as_typed_and_may_span_lines():
    assert pieces("```*não* negrito\nlinha 2```") == [Piece("*não* negrito\nlinha 2",
                                                           mono=True)]


@given(st.text(alphabet="ab *_~`\n", max_size=60))
def test_nothing_is_lost_but_the_markers(text):
    joined = "".join(p.text for p in pieces(text))
    assert len(joined) <= len(text)
    assert joined.replace("*", "").replace("_", "").replace("~", "").replace("`", "") == \
        text.replace("*", "").replace("_", "").replace("~", "").replace("`", "")
