"""LGPD data subject requests: recorded with their deadline, the export ZIP checked field by
field, the job's own tenant check, corrections recorded, reminders sent once, and another
business's contact out of reach of every entry point of the service and the job."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.jobs import privacy as privacy_jobs
from ylada_app.models import (
    AiLog,
    AnalyticsEvent,
    AuditLog,
    Contact,
    Conversation,
    EmailMessage,
    Message,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from ylada_app.models.privacy import DataRequest
from ylada_app.services import consent, contacts, notifications, privacy
from ylada_app.services.errors import NotFound


@pytest.fixture(autouse=True)
def _no_background_jobs(monkeypatch):
    """The tests run the jobs themselves (a background run would race them)."""
    started: list[tuple[int, str]] = []
    monkeypatch.setattr(privacy, "start", lambda rid, kind: started.append((rid, kind)))
    return started


def _contact_with_history(db, owner, inst, *, phone="11987651234", name="Josefina Teste"):
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone=phone, name=name, tags=["vip"],
                                         fields={"cidade": "Recife"}, opted_in=True)
    conv = Conversation(tenant_id=owner.tenant_id, instance_id=inst.id, contact_id=contact.id)
    db.add(conv)
    db.flush()
    now = utcnow()
    db.add(Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                   direction="in", type="text", text="quero o pedido 42", wamid=f"w-{phone}",
                   status="processed", wa_timestamp=now, created_at=now))
    db.add(Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                   direction="out", type="image", text="Seu pedido",
                   payload={"type": "image", "image": {"link": "https://cdn.exemplo/p42.jpg"}},
                   status="delivered", sent_at=now, delivered_at=now, created_at=now))
    db.add(AiLog(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                 question="qual o prazo?", answer="Até 3 dias úteis."))
    db.add(AnalyticsEvent(tenant_id=owner.tenant_id, instance_id=inst.id,
                          conversation_id=conv.id, type="goal_reached", flow_id="7",
                          data={"name": "compra"}))
    consent.record(db, tenant_id=owner.tenant_id, contact_id=contact.id, purpose="marketing",
                   granted=True, source="api", text_shown="Aceita ofertas?")
    db.commit()
    return contact, conv


def test_export_request_builds_a_zip_checked_field_by_field(db, _no_background_jobs):
    owner = make_owner(db, tenant_name="Loja Export")
    inst = make_instance(db, owner.tenant_id, name="Vendas")
    contact, conv = _contact_with_history(db, owner, inst)
    row, created = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                          kind="export", source="contact_page",
                                          user_id=owner.user_id)
    db.commit()
    assert created and row.status == "pending"
    assert row.due_at - row.created_at == timedelta(days=15)
    assert _no_background_jobs == [(row.id, "export")]  # queued after the commit
    again, created = privacy.create_request(db, tenant_id=owner.tenant_id,
                                            contact_id=contact.id, kind="export",
                                            source="api")
    assert not created and again.id == row.id  # one open request per kind

    assert privacy_jobs.build_export(row.id) == "done"
    assert privacy_jobs.build_export(row.id) == "skipped"  # a duplicate job does nothing
    db.commit()
    db.expire_all()
    view = privacy.get_request(db, tenant_id=owner.tenant_id, request_id=row.id)
    assert view.status == "done" and view.progress == 100 and view.downloadable
    path, filename = privacy.export_file(db, tenant_id=owner.tenant_id, request_id=row.id,
                                         token=view.file_token)
    assert filename.endswith(".zip")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted(
            ["contact.json", "consents.json", "messages.json", "ai.json", "events.json",
             "flow.json", "notes.json", "resumo.html"])
        c = json.loads(zf.read("contact.json"))
        assert (c["name"], c["phone"], c["tags"], c["fields"]) == (
            "Josefina Teste", "5511987651234", ["vip"], {"cidade": "Recife"})
        assert c["number"] == "Vendas" and c["marketing_consent_source"] == "api"
        cons = json.loads(zf.read("consents.json"))
        history = consent.history(db, tenant_id=owner.tenant_id, contact_id=contact.id)
        assert [(x["purpose"], x["granted"], x["text_shown"], x["source"]) for x in cons] == [
            (e.purpose, e.granted, e.text_shown, e.source) for e in history]
        assert ("marketing", True, "Aceita ofertas?") in [
            (x["purpose"], x["granted"], x["text_shown"]) for x in cons]
        msgs = json.loads(zf.read("messages.json"))
        assert [(m["direction"], m["text"], m["status"]) for m in msgs] == [
            ("received", "quero o pedido 42", "processed"),
            ("sent", "Seu pedido", "delivered")]
        assert msgs[1]["content"]["image"]["link"] == "https://cdn.exemplo/p42.jpg"
        assert msgs[0]["whatsapp_time"] and msgs[1]["delivered_at"]
        ai = json.loads(zf.read("ai.json"))
        assert [(a["question"], a["answer"]) for a in ai] == [("qual o prazo?",
                                                               "Até 3 dias úteis.")]
        events = json.loads(zf.read("events.json"))
        assert [(e["type"], e["data"]) for e in events] == [("goal_reached", {"name": "compra"})]
        summary = zf.read("resumo.html").decode()
        assert "Seus dados pessoais" in summary and "Josefina Teste" in summary
        assert "Loja Export" in summary and "quero o pedido 42" in summary
    # the wrong token, another business, an expired link: nothing
    with pytest.raises(NotFound):
        privacy.export_file(db, tenant_id=owner.tenant_id, request_id=row.id, token="x")
    other = make_owner(db, tenant_name="Outra")
    with pytest.raises(NotFound):
        privacy.export_file(db, tenant_id=other.tenant_id, request_id=row.id,
                            token=view.file_token)
    stored = db.get(DataRequest, row.id)
    stored.done_at = utcnow() - timedelta(days=8)
    db.commit()
    assert privacy.purge_expired_exports(db) == 1
    assert not path.exists()
    with pytest.raises(NotFound):
        privacy.export_file(db, tenant_id=owner.tenant_id, request_id=row.id,
                            token=view.file_token)
    actions = set(db.exec(select(AuditLog.action).where(
        AuditLog.tenant_id == owner.tenant_id)).all())
    assert {"privacy.export.requested", "privacy.export"} <= actions


def test_another_business_cannot_export_or_erase_a_contact(db):
    owner = make_owner(db, tenant_name="Dona do contato")
    inst = make_instance(db, owner.tenant_id)
    contact, conv = _contact_with_history(db, owner, inst, phone="11987651235")
    intruder = make_owner(db, tenant_name="Intrusa")
    for kind in ("export", "erase"):
        with pytest.raises(NotFound):
            privacy.create_request(db, tenant_id=intruder.tenant_id, contact_id=contact.id,
                                   kind=kind, source="api")
    with pytest.raises(NotFound):
        privacy.list_requests(db, tenant_id=intruder.tenant_id, contact_id=contact.id)
    with pytest.raises(NotFound):
        privacy.correct(db, tenant_id=intruder.tenant_id, contact_id=contact.id, name="X",
                        tags="", fields={})
    # a request row that points at another business's contact (however it got there): the
    # jobs re-check and refuse — no file, nothing erased
    forged = [DataRequest(tenant_id=intruder.tenant_id, contact_id=contact.id, kind=k,
                          source="api", due_at=utcnow()) for k in ("export", "erase")]
    db.add_all(forged)
    db.commit()
    assert privacy_jobs.build_export(forged[0].id) == "skipped"
    assert privacy_jobs.erase_contact(forged[1].id) == "skipped"
    db.expire_all()
    for row in forged:
        db.refresh(row)
        assert row.status == "failed" and row.file_token == ""
    db.refresh(contact)
    assert contact.name == "Josefina Teste"
    assert db.exec(select(Message).where(Message.conversation_id == conv.id,
                                         Message.text == "quero o pedido 42")).first()
    assert privacy.list_requests(db, tenant_id=owner.tenant_id) == []
    assert len(privacy.list_requests(db, tenant_id=intruder.tenant_id)) == 2
    with pytest.raises(NotFound):
        privacy.get_request(db, tenant_id=owner.tenant_id, request_id=forged[0].id)


def test_erasure_anonymises_the_contact_and_keeps_the_counts(db):
    owner = make_owner(db, tenant_name="Loja Apaga")
    inst = make_instance(db, owner.tenant_id)
    contact, conv = _contact_with_history(db, owner, inst, phone="11987651236",
                                          name="Genoveva Apagável")
    keep, _ = _contact_with_history(db, owner, inst, phone="11987651237", name="Outra Pessoa")
    export, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                       kind="export", source="contact_page")
    db.commit()
    privacy_jobs.build_export(export.id)
    db.expire_all()
    zip_path = privacy.export_path(export)
    assert zip_path.exists()
    n_proofs = len(consent.history(db, tenant_id=owner.tenant_id, contact_id=contact.id))
    n_messages = len(db.exec(select(Message).where(Message.tenant_id == owner.tenant_id)).all())
    row, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                    kind="erase", source="contact_page", user_id=owner.user_id)
    db.commit()
    assert privacy_jobs.erase_contact(row.id) == "done"
    db.expire_all()
    erased = db.get(type(contact), contact.id)
    assert erased.wa_id.startswith("apagado-") and erased.name == "" and erased.fields == {}
    assert erased.tags == [] and erased.opted_out
    msgs = db.exec(select(Message).where(Message.conversation_id == conv.id)
                   .order_by(Message.id)).all()  # PostgreSQL returns updated rows in any order
    assert len(msgs) == 2 and all(m.text is None for m in msgs)
    assert all(m.payload == {"apagado": True} for m in msgs)
    assert [m.wamid for m in msgs] == [f"erased:{msgs[0].id}", None]
    assert db.exec(select(AiLog).where(AiLog.conversation_id == conv.id)).one().question == ""
    # rows kept (counts), details gone except what analytics reads
    assert len(db.exec(select(Message).where(Message.tenant_id == owner.tenant_id)).all()) \
        == n_messages
    event = db.exec(select(AnalyticsEvent).where(AnalyticsEvent.conversation_id == conv.id)).one()
    assert event.data == {"name": "compra"}
    proofs = db.exec(select(consent.ConsentRecord).where(
        consent.ConsentRecord.tenant_id == owner.tenant_id,
        consent.ConsentRecord.contact_id.is_(None))).all()
    assert len(proofs) == n_proofs >= 1  # kept as proof, unlinked, without evidence
    assert all(p.evidence == {"apagado": True} for p in proofs)
    assert consent.history(db, tenant_id=owner.tenant_id, contact_id=keep.id)
    assert not zip_path.exists()
    db.refresh(export)
    assert export.file_token == ""
    # the other contact is untouched
    db.refresh(keep)
    assert keep.name == "Outra Pessoa" and keep.wa_id == "5511987651237"
    assert any(a == "privacy.erase" for a in db.exec(select(AuditLog.action).where(
        AuditLog.tenant_id == owner.tenant_id)).all())
    # an erased contact cannot be asked for again
    with pytest.raises(Exception):  # noqa: B017 - FieldErrors
        privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                               kind="export", source="api")


def test_correction_is_recorded_with_the_names_of_what_changed(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    contact, _ = _contact_with_history(db, owner, inst, phone="11987651238", name="Nome Errado")
    row = privacy.correct(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                          name="Nome Certo", tags="vip", fields={"cidade": "Olinda"},
                          user_id=owner.user_id)
    db.commit()
    db.refresh(contact)
    assert contact.name == "Nome Certo" and contact.fields == {"cidade": "Olinda"}
    assert row.kind == "correct" and row.status == "done" and row.done_at is not None
    assert row.detail == {"changed": ["name", "fields.cidade"]}
    assert "Olinda" not in json.dumps(row.detail)
    entry = db.exec(select(AuditLog).where(AuditLog.action == "privacy.correct",
                                           AuditLog.tenant_id == owner.tenant_id)).one()
    assert "Nome" not in json.dumps(entry.details)


def test_open_requests_remind_the_owner_once_after_ten_days(db):
    owner = make_owner(db, tenant_name="Loja Prazo")
    inst = make_instance(db, owner.tenant_id)
    contact, _ = _contact_with_history(db, owner, inst, phone="11987651239")
    row, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                    kind="export", source="api")
    db.commit()
    assert privacy.remind_due(db) == 0  # fresh
    row.created_at = utcnow() - timedelta(days=11)
    row.due_at = row.created_at + privacy.DEADLINE
    db.commit()
    assert privacy.remind_due(db) == 1
    assert privacy.remind_due(db) == 0  # once
    db.commit()
    notes = db.exec(select(Notification).where(Notification.tenant_id == owner.tenant_id,
                                               Notification.kind == "privacy")).all()
    assert [n.user_id for n in notes] == [owner.user_id]
    mails = db.exec(select(EmailMessage).where(EmailMessage.to_email == owner.email)).all()
    assert any("LGPD" in m.subject for m in mails)
    row.created_at = utcnow() - timedelta(days=16)
    row.due_at = row.created_at + privacy.DEADLINE
    db.commit()
    (view,) = privacy.list_requests(db, tenant_id=owner.tenant_id)
    assert view.overdue


def test_an_export_never_outlives_an_erasure_that_overtook_it(db, monkeypatch):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    contact, _ = _contact_with_history(db, owner, inst, phone="11987651240")
    erase, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                      kind="erase", source="api")
    # an export being built when the erasure runs (it finds the contact erased at the end)
    # and one still waiting for its job (the erasure fails it)
    running, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                        kind="export", source="contact_page")
    waiting = DataRequest(tenant_id=owner.tenant_id, contact_id=contact.id, kind="export",
                          source="whatsapp", due_at=utcnow())
    db.add(waiting)
    db.commit()
    assert waiting.id != running.id
    real_write = privacy_jobs._write_zip

    def write_then_erase(row, path):
        real_write(row, path)
        assert privacy_jobs.erase_contact(erase.id) == "done"

    monkeypatch.setattr(privacy_jobs, "_write_zip", write_then_erase)
    assert privacy_jobs.build_export(running.id) == "failed"
    db.expire_all()
    for row in (db.get(DataRequest, waiting.id), db.get(DataRequest, running.id)):
        assert row.status == "failed" and row.error == "contact_erased"
    assert not list(privacy.export_dir().glob(f"{owner.tenant_id}/lgpd-{running.id}-*"))


def test_erasure_takes_the_persons_words_out_of_faq_items_the_team_made_from_them(db):
    from ylada_app.services import ai_learning, knowledge

    owner = make_owner(db, tenant_name="Loja Aprende")
    inst = make_instance(db, owner.tenant_id)
    contact, conv = _contact_with_history(db, owner, inst, phone="11987651299",
                                          name="Clotilde Zanzibar")
    other = make_owner(db, tenant_name="Outra Loja")
    other_inst = make_instance(db, other.tenant_id)
    words = "sou a Clotilde Zanzibar do apto 71, entregam marmita vegana xyzzy?"
    verbatim = AiLog(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                     question=words, answer="Não sei.")
    reworded = AiLog(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                     question="Clotilde aqui: aceitam vale-refeição?", answer="Não sei.")
    db.add_all([verbatim, reworded])
    db.flush()
    item = ai_learning.correct(db, tenant_id=owner.tenant_id, log_id=verbatim.id,
                               answer="Sim, entregamos marmitas veganas no bairro.")
    item2 = ai_learning.correct(db, tenant_id=owner.tenant_id, log_id=reworded.id,
                                question="Aceitam vale-refeição, Clotilde Zanzibar?",
                                answer="Aceitamos VR e VA.")
    # another business's FAQ with the same words is not theirs to erase
    theirs = knowledge.add_item(db, tenant_id=other.tenant_id, instance_id=other_inst.id,
                                kind="faq", title=words, body="outra resposta")
    db.commit()
    row, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                    kind="erase", source="contact_page", user_id=owner.user_id)
    db.commit()
    assert privacy_jobs.erase_contact(row.id) == "done"
    db.expire_all()
    faq, faq2 = db.get(type(item), item.id), db.get(type(item2), item2.id)
    assert "xyzzy" not in faq.title and "Clotilde" not in faq.title
    assert faq.body == "Sim, entregamos marmitas veganas no bairro."  # the team's answer stays
    assert faq2.title == "Aceitam vale-refeição, [apagado]?" and faq2.body == "Aceitamos VR e VA."
    assert not [h for h in knowledge.search(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                            question="xyzzy", floor=False)]
    assert db.get(type(theirs), theirs.id).title == words


# --- found by review (LGPD): erasure and export ---------------------------------------------

def _reviewed_contact(db, owner, inst, *, phone: str, name: str):
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone=phone, name=name, tags=[], fields={})
    conv = Conversation(tenant_id=owner.tenant_id, instance_id=inst.id, contact_id=contact.id)
    db.add(conv)
    db.flush()
    db.add(Message(tenant_id=owner.tenant_id, instance_id=inst.id, conversation_id=conv.id,
                   direction="in", type="text", text=f"oi, sou {name}", status="processed"))
    db.commit()
    return contact, conv


def _erase_now(db, owner, contact) -> None:
    row, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                    kind="erase", source="contact_page", user_id=owner.user_id)
    db.commit()
    assert privacy_jobs.erase_contact(row.id) == "done"
    db.expire_all()


def test_erasing_one_contact_does_not_wipe_another_customers_notifications_mails_webhooks(db):
    """Found by review and fixed: erasing a contact called "Maria" emptied the bell
    notifications, e-mails and webhook events of another customer, "Maria Silva" (rows were
    found by name/phone substring). Only rows linked to the contact are touched now:
    notifications by conversation, e-mails by their conversation link, webhook events by
    order key or the contact's and conversation's ids."""
    owner = make_owner(db, tenant_name="Loja Marias")
    inst = make_instance(db, owner.tenant_id, name="Vendas")
    maria, _ = _reviewed_contact(db, owner, inst, phone="11987650001", name="Maria")
    silva, silva_conv = _reviewed_contact(db, owner, inst, phone="11987650002", name="Maria Silva")
    # the team is told that Maria Silva (another customer) asked for a person: bell + e-mail
    notifications.notify_team(db, tenant_id=owner.tenant_id, kind="handoff",
                              conversation_id=silva_conv.id, contact="Maria Silva",
                              instance="Vendas")
    # the business's CRM subscribed to messages; one event about Maria Silva is on its way
    endpoint = WebhookEndpoint(tenant_id=owner.tenant_id, url="https://crm.exemplo/hook",
                               events=["message.received"], secret_enc="x")
    db.add(endpoint)
    db.flush()
    event = WebhookEvent(tenant_id=owner.tenant_id, type="message.received",
                         data={"contact": {"id": silva.id, "name": "Maria Silva",
                                           "phone": silva.wa_id},
                               "message": {"text": "quero 2 pizzas"}})
    db.add(event)
    db.flush()
    delivery = WebhookDelivery(tenant_id=owner.tenant_id, endpoint_id=endpoint.id,
                               event_id=event.id, order_key=f"c{silva_conv.id}",
                               status="pending", next_attempt_at=utcnow())
    db.add(delivery)
    db.commit()

    _erase_now(db, owner, maria)  # the customer called just "Maria" asked to be erased

    note = db.exec(select(Notification).where(
        Notification.conversation_id == silva_conv.id)).first()
    mail = db.exec(select(EmailMessage).where(EmailMessage.tenant_id == owner.tenant_id,
                                              EmailMessage.kind == "team_notice")).first()
    ev, dl = db.get(WebhookEvent, event.id), db.get(WebhookDelivery, delivery.id)
    damage = []
    if "Maria Silva" not in note.title:
        damage.append(("notification", note.title))
    if "Maria Silva" not in mail.subject or mail.status == "failed":
        damage.append(("e-mail", mail.subject, mail.status))
    if ev.data.get("message") != {"text": "quero 2 pizzas"}:
        damage.append(("webhook event", ev.data))
    if dl.status != "pending":  # the CRM never gets Maria Silva's message
        damage.append(("webhook delivery", dl.status, dl.last_error))
    assert damage == []


def test_after_an_erasure_a_new_message_without_the_ninth_digit_is_a_new_contact(db):
    """Found by review and fixed: embedded mode (no Redis): a contact saved with the 9
    ("+55 11 98765-0004") writes from WhatsApp's 12-digit form; the pipeline remembers
    (number, form WhatsApp used) → conversation. The erasure forgot only the form it stored,
    so the person's next message was filed under the erased contact (opted out, its number a
    marker) instead of a new one. Every form is forgotten now, once the erasure commits."""
    from ylada_app.services import inbox

    owner = make_owner(db, tenant_name="Loja Nove")
    inst = make_instance(db, owner.tenant_id)
    contact, conv = _reviewed_contact(db, owner, inst, phone="11987650004", name="Ondina Nove")
    assert contact.wa_id == "5511987650004"
    short = "551187650004"  # how WhatsApp reports some Brazilian mobiles
    assert inbox.store_inbound(db, instance=inst, items=[inbox.Inbound(
        wamid="wamid.audit-nine-1", wa_id=short, type="text", text="oi")]) == [conv.id]
    db.commit()

    _erase_now(db, owner, contact)

    inbox.store_inbound(db, instance=inst, items=[inbox.Inbound(
        wamid="wamid.audit-nine-2", wa_id=short, type="text",
        text="voltei, meu CPF é 123.456.789-00", contact_name="Ondina Nove")])
    db.commit()
    msg = db.exec(select(Message).where(Message.wamid == "wamid.audit-nine-2")).one()
    assert msg.conversation_id != conv.id  # filed under the erased contact
    new = db.exec(select(Contact).join(Conversation, Conversation.contact_id == Contact.id)
                  .where(Conversation.id == msg.conversation_id)).one()
    assert not privacy.is_erased(new)


def test_erasure_empties_the_team_emails_about_the_contact_even_after_a_name_correction(db):
    """Found by review and fixed: the AI hand-off e-mail quotes the customer's question;
    the erasure found e-mails only by the contact's CURRENT name/phone, so after the person
    had their name corrected (LGPD art. 18 III, privacy.correct) the e-mail — their old name
    and their own words — stayed. E-mails are found by their conversation link now."""
    from ylada_app.models import Instance

    owner = make_owner(db, tenant_name="Loja Correio")
    inst = make_instance(db, owner.tenant_id, name="Atendimento")
    contact, conv = _reviewed_contact(db, owner, inst, phone="11987650005", name="Ana Beatriz")
    question = "meu CPF 123.456.789-00 foi cobrado duas vezes, rua das Acácias 12"
    notifications.notify_many(db, [notifications.handoff_event(
        conv, contact, db.get(Instance, inst.id), question=question)])
    db.commit()
    mails = db.exec(select(EmailMessage).where(EmailMessage.tenant_id == owner.tenant_id)).all()
    assert mails and all("123.456.789-00" in m.text_body for m in mails)
    privacy.correct(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                    name="Ana Beatriz Souza", tags="", fields={}, user_id=owner.user_id)
    db.commit()

    _erase_now(db, owner, contact)

    left = [(m.subject, m.text_body[:120]) for m in db.exec(select(EmailMessage).where(
        EmailMessage.tenant_id == owner.tenant_id)).all()
        if "123.456.789-00" in (m.text_body + m.html_body) or "Ana Beatriz" in m.subject]
    assert left == []


def test_export_contains_the_flow_variables_kept_about_the_contact(db):
    """Found by review and fixed: flow variables ("vars" of the session: set_variable,
    http_request mappings — they survive across sessions) are personal data the business
    keeps, and the erasure wipes them; the copy given to the person (art. 18 II) did not
    include them. They are in flow.json and in resumo.html now."""
    owner = make_owner(db, tenant_name="Loja Copia")
    inst = make_instance(db, owner.tenant_id)
    contact, conv = _reviewed_contact(db, owner, inst, phone="11987650006", name="Heloísa Copia")
    conv = db.get(Conversation, conv.id)
    conv.session = {"version": 1, "status": "ended", "vars": {
        "cpf_crm": "98765432100", "endereco": "Rua das Palmeiras 77, apto 3"}}
    db.add(conv)
    db.commit()
    row, _ = privacy.create_request(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                    kind="export", source="contact_page")
    db.commit()
    assert privacy_jobs.build_export(row.id) == "done"
    db.expire_all()
    view = privacy.get_request(db, tenant_id=owner.tenant_id, request_id=row.id)
    path, _ = privacy.export_file(db, tenant_id=owner.tenant_id, request_id=row.id,
                                  token=view.file_token)
    with zipfile.ZipFile(path) as zf:
        everything = "\n".join(zf.read(n).decode() for n in zf.namelist())
    assert "98765432100" in everything and "Rua das Palmeiras 77" in everything


def test_erasure_takes_the_persons_name_out_of_the_consent_proofs_it_keeps(db):
    """Found by review and fixed: a consent record's `text_shown` is the bot's message
    as the contact saw it — rendered, so a flow's "Oi {{contact.name}}, aceita receber
    ofertas?" holds their name. The erasure keeps the records as proof, unlinked, and left
    that text as it was; their name and phone are cut from it now."""
    from ylada_app.models.privacy import ConsentRecord
    from ylada_app.services import consent

    owner = make_owner(db, tenant_name="Loja Prova")
    inst = make_instance(db, owner.tenant_id)
    contact, _ = _reviewed_contact(db, owner, inst, phone="11987650008",
                                   name="Filomena Quintanilha")
    consent.record(db, tenant_id=owner.tenant_id, contact_id=contact.id, purpose="marketing",
                   granted=True, source="flow",
                   text_shown="Oi Filomena Quintanilha! Posso te mandar nossas ofertas?")
    consent.record(db, tenant_id=owner.tenant_id, contact_id=contact.id, purpose="marketing",
                   granted=False, source="keyword",
                   text_shown="Pronto, Filomena Quintanilha: você não recebe mais ofertas.")
    db.commit()

    _erase_now(db, owner, contact)

    proofs = db.exec(select(ConsentRecord).where(
        ConsentRecord.tenant_id == owner.tenant_id)).all()
    assert len(proofs) == 2 and all(p.contact_id is None for p in proofs)  # kept, unlinked
    assert [p.text_shown for p in proofs if "Filomena" in p.text_shown] == []
