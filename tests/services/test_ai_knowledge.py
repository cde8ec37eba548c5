"""Knowledge import (CSV/XLSX/FAQ/text), bad input, CRUD, retrieval and tenant isolation."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tests.factories import make_instance, make_owner
from ylada_app.services import knowledge
from ylada_app.services.errors import ServiceError
from ylada_app.services.knowledge import KnowledgeImportError
from ylada_app.testing.retrieval_eval import EXAMPLES


@pytest.fixture
def shop(db):
    owner = make_owner(db, niche="distribuidores")
    inst = make_instance(db, owner.tenant_id)
    return owner.tenant_id, inst.id


def _import(db, shop, name, data, kind="product"):
    tenant_id, instance_id = shop
    n = knowledge.import_upload(db, tenant_id=tenant_id, instance_id=instance_id,
                                filename=name, data=data, kind=kind)
    db.commit()
    return n


def _items(db, shop):
    return knowledge.list_items(db, tenant_id=shop[0], instance_id=shop[1])


def test_csv_with_pt_br_headers_semicolons_and_prices(db, shop):
    data = ("Nome;Descrição;Preço;Código;Categoria;Marca\n"
            "Arroz 5kg;Tipo 1;27,90;ARZ-1;Mercearia;Camil\n"
            "Feijão 1kg;Carioca;R$ 8,49;FEJ-1;Mercearia;Kicaldo\n").encode()
    assert _import(db, shop, "catalogo.csv", data) == 2
    arroz, feijao = _items(db, shop)
    assert (arroz.title, arroz.price, arroz.sku, arroz.category) == \
        ("Arroz 5kg", "R$ 27,90", "ARZ-1", "Mercearia")
    assert feijao.price == "R$ 8,49" and feijao.extra == {"Marca": "Kicaldo"}


def test_xlsx_catalog_with_numeric_prices(db, shop):
    wb = Workbook()
    ws = wb.active
    ws.append(["produto", "descricao", "valor", "sku"])
    ws.append(["Café 500g", "Torrado e moído", 18.9, "CAF-5"])
    ws.append(["Açúcar 1kg", "Refinado", 5, "ACU-1"])
    buf = io.BytesIO()
    wb.save(buf)
    assert _import(db, shop, "planilha.xlsx", buf.getvalue()) == 2
    assert [(i.title, i.price) for i in _items(db, shop)] == \
        [("Café 500g", "R$ 18,90"), ("Açúcar 1kg", "R$ 5,00")]


def test_windows_1252_csv_is_decoded(db, shop):
    data = "nome,preço\nSabão em pó,24,90\n".replace("24,90", '"24,90"').encode("cp1252")
    assert _import(db, shop, "latin.csv", data) == 1
    assert _items(db, shop)[0].title == "Sabão em pó"


def test_faq_csv_and_markdown(db, shop):
    assert _import(db, shop, "faq.csv", (EXAMPLES / "faq.csv").read_bytes(), kind="faq") == 12
    md = ("# Política de trocas\nTrocas em até 7 dias.\n\n"
          "## Vocês abrem no domingo?\nNão, só de segunda a sábado.\n").encode()
    assert _import(db, shop, "sobre.md", md, kind="text") == 2
    kinds = [(i.kind, i.title) for i in _items(db, shop)][-2:]
    assert kinds == [("text", "Política de trocas"), ("faq", "Vocês abrem no domingo?")]


@pytest.mark.parametrize("name,data,message", [
    ("vazio.csv", b"", "vazio"),
    ("espacos.csv", b"  \n \n", "vazio"),
    ("so_cabecalho.csv", b"nome;preco\n", "só tem o cabeçalho"),
    ("sem_nome.csv", b"cor;tamanho\nazul;M\n", "falta a coluna"),
    ("aspas.csv", b'nome,preco\nArroz,10\n"Feijao,5\nMilho,3\n', "aspas abertas"),
    ("aspas2.csv", b'nome,descricao\n"Arroz "bom" demais",x\n', "CSV malformado perto da linha 2"),
    ("binario.csv", bytes(range(256)) * 20, "codificação"),
    ("quebrada.xlsx", b"PK\x03\x04 isto nao e um xlsx", "XLSX inválida"),
    ("velha.xls", b"\xd0\xcf\x11\xe0", ".xls"),
    ("foto.png", b"\x89PNG....", "não suportado"),
])
def test_bad_files_get_clear_pt_br_errors(db, shop, name, data, message):
    with pytest.raises(KnowledgeImportError) as err:
        _import(db, shop, name, data)
    assert message in err.value.message
    assert _items(db, shop) == []


def test_oversize_upload_is_refused(db, shop):
    data = b"nome\n" + b"x" * (knowledge.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(KnowledgeImportError, match="limite"):
        _import(db, shop, "grande.csv", data)


def test_bad_rows_import_nothing_and_list_every_row(db, shop):
    data = ("nome;preco\nArroz;10,00\n;5,00\nFeijão;barato\nMacarrão;4,79\n").encode()
    with pytest.raises(KnowledgeImportError) as err:
        _import(db, shop, "ruim.csv", data)
    assert "Nada foi importado" in err.value.message
    assert err.value.row_errors == ["Linha 3: nome vazio.", "Linha 4: preço inválido 'barato'."]
    assert _items(db, shop) == []


def test_edit_delete_and_search_accent_insensitive(db, shop):
    _import(db, shop, "c.csv", (EXAMPLES / "catalogo.csv").read_bytes())
    tenant_id, instance_id = shop
    [hit] = knowledge.search(db, tenant_id=tenant_id, instance_id=instance_id,
                             question="FEIJAO PRETO", k=1)
    assert hit.item.sku == "FEJ-003"
    [hit] = knowledge.search(db, tenant_id=tenant_id, instance_id=instance_id,
                             question="açucar", k=1)
    assert hit.item.sku == "ACU-004"
    item = knowledge.update_item(db, tenant_id=tenant_id, item_id=hit.item.id,
                                 title="Açúcar Cristal 2kg", body="novo", price="9,90")
    db.commit()
    [hit] = knowledge.search(db, tenant_id=tenant_id, instance_id=instance_id,
                             question="acucar cristal", k=1)
    assert hit.item.id == item.id and hit.item.price == "R$ 9,90"
    knowledge.delete_item(db, tenant_id=tenant_id, item_id=item.id)
    db.commit()
    assert all(h.item.id != item.id for h in knowledge.search(
        db, tenant_id=tenant_id, instance_id=instance_id, question="acucar cristal"))
    with pytest.raises(ServiceError):
        knowledge.update_item(db, tenant_id=tenant_id, item_id=item.id, title="x")


def test_tenant_b_never_sees_or_retrieves_tenant_a_knowledge(db, shop):
    _import(db, shop, "c.csv", (EXAMPLES / "catalogo.csv").read_bytes())
    b = make_owner(db, tenant_name="Loja B")
    inst_b = make_instance(db, b.tenant_id)
    assert knowledge.search(db, tenant_id=b.tenant_id, instance_id=inst_b.id,
                            question="arroz feijão café") == []
    # B passing A's instance id gets nothing either: every query filters on B's tenant.
    assert knowledge.search(db, tenant_id=b.tenant_id, instance_id=shop[1],
                            question="arroz") == []
    assert knowledge.list_items(db, tenant_id=b.tenant_id, instance_id=shop[1]) == []
    a_item = _items(db, shop)[0]
    with pytest.raises(ServiceError):
        knowledge.get_item(db, tenant_id=b.tenant_id, item_id=a_item.id)
    with pytest.raises(ServiceError):
        knowledge.delete_item(db, tenant_id=b.tenant_id, item_id=a_item.id)
    with pytest.raises(ServiceError):
        knowledge.import_upload(db, tenant_id=b.tenant_id, instance_id=shop[1],
                                filename="x.csv", data=b"nome\nx\n")


def test_page_search_forgives_typos_but_not_unrelated_words(db, shop):
    data = ("nome;preço\nPizza Calabresa;45,00\nPizza Margherita;42,00\n"
            "Refrigerante Guaraná 2L;9,00\n").encode()
    _import(db, shop, "menu.csv", data)

    def titles(query):
        return [i.title for i in knowledge.list_items(db, tenant_id=shop[0],
                                                      instance_id=shop[1], query=query)]

    assert titles("calabreza") == ["Pizza Calabresa"]
    assert titles("pitza margerita") == ["Pizza Margherita"]
    assert titles("guarana") == ["Refrigerante Guaraná 2L"]  # accents never matter
    assert titles("xilofone") == []
    assert titles("pizza xilofone") != titles("xilofone")  # a real word still finds items
    stranger = make_owner(db)
    other = make_instance(db, stranger.tenant_id)
    assert knowledge.list_items(db, tenant_id=stranger.tenant_id, instance_id=other.id,
                                query="calabreza") == []


def test_an_age_in_years_finds_the_age_group_the_catalog_is_written_in(db, shop):
    csv = ("nome;descrição;preço;sku\n"
           "Inglês Kids;Turma para crianças de 6 a 11 anos, aulas com jogos;249,00;K-1\n"
           "Inglês Teens;Turma para adolescentes de 12 a 16 anos;269,00;T-1\n"
           "Inglês Adultos;Turma para adultos, à noite;289,00;A-1\n").encode()
    _import(db, shop, "cursos.csv", csv)
    tenant_id, instance_id = shop

    def best(question):
        return knowledge.search(db, tenant_id=tenant_id, instance_id=instance_id,
                                question=question, k=1)[0].item.sku

    # "filha" alone means a child; with the age said, the age decides
    assert best("minha filha tem 14 anos, qual turma?") == "T-1"
    assert best("meu filho de 8 anos pode fazer?") == "K-1"
    assert best("tenho 35 anos, tem turma pra mim?") == "A-1"


def test_an_over_long_code_or_category_is_a_field_error_not_cut(db, shop):
    # update_item kept sku[:80] and category[:120] without a word, and add_item handed a
    # longer value to the database (a 500 on PostgreSQL's varchar); an import's category too
    from ylada_app.services.errors import FieldErrors

    tenant_id, instance_id = shop
    with pytest.raises(FieldErrors) as err:
        knowledge.add_item(db, tenant_id=tenant_id, instance_id=instance_id, kind="product",
                           title="Arroz", sku="A" * 81, category="C" * 121)
    assert err.value.messages("pt") == {
        "sku": "Use no máximo 80 caracteres.", "category": "Use no máximo 120 caracteres."}
    assert _items(db, shop) == []
    item = knowledge.add_item(db, tenant_id=tenant_id, instance_id=instance_id,
                              kind="product", title="Arroz", sku="A" * 80, category="C" * 120)
    db.commit()
    for field, value in (("sku", "B" * 81), ("category", "D" * 121)):
        with pytest.raises(FieldErrors) as err:
            knowledge.update_item(db, tenant_id=tenant_id, item_id=item.id, title="Feijão",
                                  **{field: value})
        assert set(err.value.errors) == {field}
        db.rollback()
    db.expire_all()
    [kept] = _items(db, shop)
    assert (kept.title, kept.sku, kept.category) == ("Arroz", "A" * 80, "C" * 120)
    data = ("nome;categoria\nArroz;" + "M" * 121 + "\n").encode()
    with pytest.raises(KnowledgeImportError) as bad:
        _import(db, shop, "longo.csv", data)
    assert bad.value.row_errors == ["Linha 2: categoria com mais de 120 caracteres."]
