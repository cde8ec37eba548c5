"""Words typed without accents (a flow's variable names) are shown as they are written."""

from __future__ import annotations

from ylada_app.services import knowledge_text as kt


def test_variable_names_read_with_their_accents_in_brazilian_spelling():
    assert kt.with_accents("endereco de entrega") == "endereço de entrega"
    assert kt.with_accents("numero pedido opcao") == "número pedido opção"
    assert kt.with_accents("genero economico") == "gênero econômico"  # not género
    assert kt.with_accents("esta pais bebe") == "esta pais bebe"  # words of their own
    assert kt.with_accents("Endereco CEP") == "Endereco CEP"  # only lower-case words


def test_the_shipped_file_is_what_the_word_list_gives():
    """scripts/gen_accents.py wrote it; a new pyspellchecker must not leave it stale."""
    assert kt._written_forms() == kt.written_forms_from_word_list()
