"""Contacts and leads: import (phones as WhatsApp knows them, all or nothing), filters,
edits, leads, and isolation between businesses."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.models import AnalyticsEvent, Contact, Conversation
from ylada_app.services import contacts
from ylada_app.services.errors import FieldErrors, NotFound
from ylada_app.services.phones import normalize_phone
from ylada_app.services.tables import ImportRejected


@pytest.mark.parametrize(("raw", "wa_id"), [
    ("11987654321", "5511987654321"), ("(11) 8765-4321", "5511987654321"),
    ("+55 11 98765-4321", "5511987654321"), ("551187654321", "5511987654321"),
    ("11 3333-4444", "551133334444"), ("+1 650 253 0000", "16502530000"),
    ("abc", None), ("123", None), ("", None),
])
def test_phone_numbers_are_normalised_like_whatsapp(raw, wa_id):
    assert normalize_phone(raw) == wa_id


@pytest.fixture
def shop(db):
    owner = make_owner(db, tenant_name="Loja Contatos")
    inst = make_instance(db, owner.tenant_id, name="Vendas")
    return owner, inst


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_import_creates_and_updates_matching_the_9th_digit(db, shop):
    owner, inst = shop
    # a customer who already wrote on WhatsApp, reported without the 9
    db.add(Contact(tenant_id=owner.tenant_id, instance_id=inst.id, wa_id="551187654321",
                   name="Ana (WhatsApp)", tags=["cliente"]))
    db.commit()
    data = _csv("Telefone;Nome;Tags;Cidade\n"
                "(11) 98765-4321;Ana Souza;vip, atacado;São Paulo\n"
                "21 99999-8888;Bruno;;Rio\n"
                "+55 31 3333-4444;Padaria Sol;b2b;\n")
    result = contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                      filename="contatos.csv", data=data)
    db.commit()
    assert (result.created, result.updated) == (2, 1)
    ana = db.exec(select(Contact).where(Contact.instance_id == inst.id,
                                        Contact.wa_id == "551187654321")).one()
    assert ana.name == "Ana Souza" and ana.tags == ["cliente", "vip", "atacado"]
    assert ana.fields == {"cidade": "São Paulo"}
    assert len(db.exec(select(Contact).where(Contact.instance_id == inst.id)).all()) == 3


def test_a_bad_row_rejects_the_file_listing_every_problem(db, shop):
    owner, inst = shop
    data = _csv("telefone,nome\n11987654321,Ok\nabc,Ruim\n,Sem telefone\n11987654321,Repetido\n")
    with pytest.raises(ImportRejected) as exc:
        contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 filename="c.csv", data=data)
    assert "Nada foi importado" in exc.value.message
    assert exc.value.row_errors == ["Linha 3: telefone inválido (abc)",
                                    "Linha 4: telefone vazio",
                                    "Linha 5: telefone repetido no arquivo"]
    db.rollback()
    assert db.exec(select(Contact).where(Contact.instance_id == inst.id)).all() == []


@pytest.mark.parametrize(("filename", "data", "says"), [
    ("c.csv", b"nome;email\nAna;a@x.com\n", "coluna de telefone"),
    ("c.csv", b"telefone\n", "não tem contatos"),
    ("c.csv", b"telefone\n" + b"11987654321\n" * 1_000_000, "limite"),  # ~12 MB
    ("c.exe", b"MZ\x90\x00", "não suportado"),
    ("c.xlsx", b"not a zip", "XLSX inválida"),
    ("c.csv", b"\x00\x01\x02\x03" * 100, "codificação"),
])
def test_unreadable_or_wrong_files_are_refused_with_a_reason(db, shop, filename, data, says):
    owner, inst = shop
    with pytest.raises(ImportRejected) as exc:
        contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 filename=filename, data=data)
    assert says in exc.value.message


def test_xlsx_import(db, shop):
    from openpyxl import Workbook

    owner, inst = shop
    wb = Workbook()
    ws = wb.active
    ws.append(["WhatsApp", "Nome", "Plano"])
    ws.append([11912345678, "Carla", "ouro"])
    buf = io.BytesIO()
    wb.save(buf)
    result = contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                      filename="lista.xlsx", data=buf.getvalue())
    db.commit()
    assert result.created == 1
    carla = db.exec(select(Contact).where(Contact.wa_id == "5511912345678")).one()
    assert carla.fields == {"plano": "ouro"}


def test_an_xlsx_that_unpacks_to_gigabytes_is_refused_before_it_is_opened(db, shop,
                                                                          monkeypatch):
    # a "zip bomb": 1,000 shared strings of 1 MiB each in a ~1 MB file held 1 GB of memory
    # in openpyxl before it was refused (2026-12-03); now the zip's own listing refuses it
    import zipfile

    from openpyxl import Workbook

    owner, inst = shop
    wb = Workbook()
    wb.active.append(["telefone", "nome"])
    plain = io.BytesIO()
    wb.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for part in src.infolist():
            out.writestr(part, src.read(part))
        filler = "<si><t>" + "a" * (1024 * 1024) + "</t></si>"
        out.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst xmlns="http://'
                     'schemas.openxmlformats.org/spreadsheetml/2006/main">' + filler * 100
                     + "</sst>")
    assert len(bomb.getvalue()) < 1024 * 1024

    def never(*_a, **_k):
        raise AssertionError("the workbook must not be opened")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    with pytest.raises(ImportRejected) as exc:
        contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 filename="lista.xlsx", data=bomb.getvalue())
    assert "descompactada" in exc.value.message


def test_filters_search_and_leads(db, shop):
    owner, inst = shop
    rows = [Contact(tenant_id=owner.tenant_id, instance_id=inst.id, wa_id=w, name=n, tags=t,
                    fields=f, opted_out=o)
            for w, n, t, f, o in [
                ("5511900000001", "Ana Lima", ["vip"], {"cidade": "SP"}, False),
                ("5511900000002", "Bruno", ["atacado"], {}, True),
                ("5511900000003", "Carla", [], {"cidade": "RJ"}, False),
                ("5511900000004", "Davi", ["vip", "atacado"], {}, False)]]
    db.add_all(rows)
    db.commit()
    davi = rows[3]
    conv = Conversation(tenant_id=owner.tenant_id, instance_id=inst.id, contact_id=davi.id)
    db.add(conv)
    db.commit()
    db.add(AnalyticsEvent(tenant_id=owner.tenant_id, instance_id=inst.id,
                          conversation_id=conv.id, type="goal_reached", flow_id="999",
                          data={"name": "pedido_feito"}))
    db.commit()

    def names(**kw) -> list[str]:
        found, total = contacts.list_contacts(db, tenant_id=owner.tenant_id, **kw)
        assert total == len(found)
        return sorted(c.name for c in found)

    assert names() == ["Ana Lima", "Bruno", "Carla", "Davi"]
    assert contacts.tags_in_use(db, tenant_id=owner.tenant_id) == ["atacado", "vip"]
    assert names(search="ana") == ["Ana Lima"]
    assert names(search="0000003") == ["Carla"]
    assert names(tag="vip") == ["Ana Lima", "Davi"]
    assert names(field_name="cidade") == ["Ana Lima", "Carla"]
    assert names(field_name="cidade", field_value="RJ") == ["Carla"]
    assert names(opted_out="yes") == ["Bruno"]
    assert names(leads=True) == ["Ana Lima", "Carla", "Davi"]  # a goal, or data captured
    lead = next(c for c in contacts.list_contacts(db, tenant_id=owner.tenant_id,
                                                  leads=True)[0] if c.name == "Davi")
    assert lead.goal == "pedido feito"
    with pytest.raises(FieldErrors):
        contacts.list_contacts(db, tenant_id=owner.tenant_id, field_name="x'; drop--")


def test_edits_are_validated_and_another_business_cannot_touch_them(db, shop):
    owner, inst = shop
    other = make_owner(db)
    c = Contact(tenant_id=owner.tenant_id, instance_id=inst.id, wa_id="5511900000009",
                name="Eva")
    db.add(c)
    db.commit()
    contacts.update_contact(db, tenant_id=owner.tenant_id, contact_id=c.id, name="Eva Maria",
                            tags="vip; vip, novo", fields={"cidade": "BH", "": "x"})
    db.commit()
    assert (c.name, c.tags, c.fields) == ("Eva Maria", ["vip", "novo"], {"cidade": "BH"})
    for bad in ({"tags": "x" * 51}, {"fields": {"1bad": "x"}}, {"fields": {"ok": "y" * 501}},
                {"fields": "nope"}, {"name": "n" * 121}):
        kwargs = {"name": "Eva", "tags": "", "fields": {}, **bad}
        with pytest.raises(FieldErrors):
            contacts.update_contact(db, tenant_id=owner.tenant_id, contact_id=c.id, **kwargs)
        db.rollback()
    for call in (
        lambda: contacts.contact_detail(db, tenant_id=other.tenant_id, contact_id=c.id),
        lambda: contacts.update_contact(db, tenant_id=other.tenant_id, contact_id=c.id,
                                        name="Roubada", tags="", fields={}),
        lambda: contacts.set_opted_out(db, tenant_id=other.tenant_id, contact_id=c.id,
                                       opted_out=True),
        lambda: contacts.note_conversation(db, tenant_id=other.tenant_id, contact_id=c.id),
        lambda: contacts.import_contacts(db, tenant_id=other.tenant_id, instance_id=inst.id,
                                         filename="c.csv", data=b"telefone\n11987654321\n"),
    ):
        with pytest.raises(NotFound):
            call()
        db.rollback()
    assert contacts.list_contacts(db, tenant_id=other.tenant_id)[1] == 0
    db.refresh(c)
    assert c.name == "Eva Maria" and not c.opted_out
