"""An upload refused on a page in English says why in English (it said it in pt-BR): the
file as a whole and each bad row, for the contacts and the knowledge imports."""

from __future__ import annotations

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.services import contacts, knowledge
from ylada_app.services.tables import ImportRejected


def test_contacts_rows_are_refused_in_both_languages(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    data = b"telefone;nome\n11 98765-4321;Ana\n123;Bia\n;Caio\n"
    with pytest.raises(ImportRejected) as refused:
        contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 filename="c.csv", data=data)
    exc = refused.value
    assert exc.text() == exc.message == "Nada foi importado: 2 linha(s) com problema."
    assert exc.text("en") == "Nothing was imported: 2 row(s) with problems."
    assert exc.rows("en") == ["Row 3: invalid phone (123)", "Row 4: empty phone"]
    assert exc.row_errors == ["Linha 3: telefone inválido (123)", "Linha 4: telefone vazio"]


@pytest.mark.parametrize(("filename", "data", "english"), [
    ("k.csv", b"", "The file is empty."),
    ("k.xls", b"x", "The old .xls format is not supported: save as .xlsx or CSV."),
    ("k.pdf", b"x", "File type not supported: send CSV, XLSX, TXT or MD."),
    ("k.csv", b"sabor;valor\nCalabresa;10\n",
     "Header not recognised: the column 'nome (ou produto)' is missing. Columns found: "
     "sabor, valor."),
    ("k.csv", b'nome;descricao\n"Pizza;boa\n', None),
])
def test_knowledge_uploads_are_refused_in_english_too(filename, data, english):
    with pytest.raises(ImportRejected) as refused:
        knowledge.parse_upload(filename, data, kind="product")
    text = refused.value.text("en")
    assert text != refused.value.text()  # (never the pt-BR one)
    if english:
        assert text == english
    else:
        assert text.startswith("Malformed CSV near line")


def test_knowledge_bad_rows_are_listed_in_english():
    data = "nome;preço\n;10\nPizza;dez reais\n".encode()
    with pytest.raises(ImportRejected) as refused:
        knowledge.parse_upload("k.csv", data, kind="product")
    assert refused.value.rows("en") == ["Row 2: empty name.", "Row 3: invalid price 'dez reais'."]
