"""WhatsApp message templates against the fake Graph API: Meta's rules checked before
anything is submitted; submit → PENDING → approved or rejected by Meta's webhook (or a
sync); a business's templates are its own; and an approved template goes through the API
to a contact who never wrote — outside the 24-hour window — while a pending one, or one
with a missing variable, is refused before any Graph call."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import SECRET, TOKEN, wait_for
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.models import Message, MessageTemplate
from ylada_app.services import instances, message_templates, webhook_keys
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.message_templates import Draft

WABA = samples.DEFAULT_WABA_ID


@pytest.fixture
def number(db, graph_url, unique):
    """A connected number on a WhatsApp Business Account (templates live there)."""
    pnid = str(2 * 10**9 + int(unique[:6], 16))
    graph_url.add_number(pnid, TOKEN)
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    instances.connect_whatsapp(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               instance_id=inst.id, phone_number_id=pnid, waba_id=WABA,
                               access_token=TOKEN, app_secret=SECRET, check=check_phone_number)
    db.commit()
    webhook_keys.forget()
    return owner, inst, pnid


def _draft(**over) -> Draft:
    base = dict(name="pedido_enviado", language="pt_BR", category="UTILITY",
                body="Olá {{1}}, seu pedido {{2}} saiu para entrega.",
                body_examples=["Ana", "#1234"], footer="Loja Teste",
                buttons=[{"type": "quick_reply", "text": "Rastrear"},
                         {"type": "url", "text": "Ver pedido", "url": "https://loja.com.br/p"}])
    base.update(over)
    return Draft(**base)


def test_metas_rules_are_checked_with_pt_br_messages_and_nothing_is_submitted(
        db, number, graph_url):
    owner, inst, _ = number
    cases = [
        (dict(name="Pedido Enviado"), "name", "templates.error.name"),
        (dict(body="Olá {{2}}, pedido {{1}}."), "body", "templates.error.var_order"),
        (dict(body="{{1}}, seu pedido saiu.", body_examples=["Ana"]), "body",
         "templates.error.var_edge"),
        (dict(body="Olá {{nome}}, tudo bem?"), "body", "templates.error.var_named"),
        (dict(body_examples=["Ana"]), "body_examples", "templates.error.examples"),
        (dict(header="Oi {{1}} e {{2}}"), "header", "templates.error.header_vars"),
        (dict(footer="Até {{1}}"), "footer", "templates.error.footer_vars"),
        (dict(category="AUTHENTICATION"), "category", "templates.error.category"),
        (dict(language="pt"), "language", "templates.error.language"),
        (dict(buttons=[{"type": "url", "text": "Site", "url": "http://x.com"}]), "buttons",
         "templates.error.button_url"),
        (dict(buttons=[{"type": "quick_reply", "text": f"b{i}"} for i in range(11)]),
         "buttons", "templates.error.button_count"),
        (dict(body="x" * 1025), "body", "error.too_long"),
    ]
    for over, field, code in cases:
        with pytest.raises(FieldErrors) as err:
            message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     draft=_draft(**over))
        assert err.value.errors.get(field) == code, (over, err.value.errors)
        assert err.value.messages()[field]  # a pt-BR sentence, not a key
    assert graph_url.templates == {}
    assert db.exec(select(MessageTemplate).where(
        MessageTemplate.tenant_id == owner.tenant_id)).all() == []


def test_submit_then_metas_webhook_approves_or_rejects(db, number, graph_url, client):
    owner, inst, _ = number
    tpl = message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                   draft=_draft())
    db.commit()
    assert tpl.status == "PENDING" and tpl.meta_id
    [remote] = graph_url.templates.values()
    assert remote["components"][0] == {"type": "BODY", "text": _draft().body,
                                       "example": {"body_text": [["Ana", "#1234"]]}}
    assert [b["type"] for b in remote["components"][-1]["buttons"]] == ["QUICK_REPLY", "URL"]
    with pytest.raises(FieldErrors) as err:  # the same name and language again
        message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 draft=_draft())
    assert err.value.errors == {"name": "templates.error.name_taken"}

    def review(status: str, reason: str = "NONE") -> None:
        update = graph_url.set_template_status("pedido_enviado", status, reason)
        raw, headers = samples.signed(samples.template_status_webhook(update), SECRET)
        assert client.post(f"/webhooks/whatsapp/{inst.webhook_key}", content=raw,
                           headers=headers).status_code == 200

    review("REJECTED", "INVALID_FORMAT")
    db.expire_all()
    row = db.get(MessageTemplate, tpl.id)
    assert (row.status, row.reason) == ("REJECTED", "INVALID_FORMAT")
    review("APPROVED")
    db.expire_all()
    assert db.get(MessageTemplate, tpl.id).status == "APPROVED"
    assert db.get(MessageTemplate, tpl.id).reason == ""
    # Meta's rating: told by webhook, read again by a sync
    update = graph_url.set_template_quality("pedido_enviado", "YELLOW")
    raw, headers = samples.signed(samples.envelope(
        [("message_template_quality_update", update)]), SECRET)
    assert client.post(f"/webhooks/whatsapp/{inst.webhook_key}", content=raw,
                       headers=headers).status_code == 200
    db.expire_all()
    assert db.get(MessageTemplate, tpl.id).quality == "YELLOW"
    graph_url.set_template_quality("pedido_enviado", "GREEN")
    assert message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id) == 1
    assert db.get(MessageTemplate, tpl.id).quality == "GREEN"
    # a sync on demand takes what Meta says now
    graph_url.set_template_status("pedido_enviado", "PAUSED", "Quality rating low")
    assert message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id) == 1
    assert db.get(MessageTemplate, tpl.id).status == "PAUSED"
    # deleted: on Meta's side (DELETE /{waba-id}/message_templates) and here
    message_templates.delete(db, tenant_id=owner.tenant_id, template_id=tpl.id)
    db.commit()
    assert graph_url.templates == {}
    assert db.get(MessageTemplate, tpl.id) is None


def test_templates_belong_to_their_business(db, number, graph_url, client):
    owner, inst, _ = number
    tpl = message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                   draft=_draft())
    db.commit()
    other = make_owner(db)
    other_inst = make_instance(db, other.tenant_id)
    with pytest.raises(NotFound):
        message_templates.delete(db, tenant_id=other.tenant_id, template_id=tpl.id)
    with pytest.raises(NotFound):
        message_templates.create(db, tenant_id=other.tenant_id, instance_id=inst.id,
                                 draft=_draft(name="outro"))
    assert message_templates.list_templates(db, tenant_id=other.tenant_id) == []
    with pytest.raises(ServiceError) as err:
        message_templates.template_payload(db, tenant_id=other.tenant_id,
                                           instance_id=inst.id, name="pedido_enviado",
                                           variables=["a", "b"])
    assert err.value.code == "templates.error.unknown"
    # another business's review webhook (its own number, the same WABA) changes nothing
    update = graph_url.set_template_status("pedido_enviado", "APPROVED")
    assert message_templates.apply_status_update(db, tenant_id=other.tenant_id, waba_id=WABA,
                                                 update=update) == 0
    db.expire_all()
    assert db.get(MessageTemplate, tpl.id).status == "PENDING"
    del other_inst


def test_an_approved_template_reaches_a_contact_who_never_wrote(db, number, graph_url,
                                                                client, template_send):
    owner, inst, _ = number
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft())
    db.commit()
    send = template_send(owner, inst, "11987650099")
    contact, auth, body = send.contact, send.auth, send.body
    pending = client.post("/api/v1/messages", json=body, headers=auth)
    assert pending.status_code == 400, pending.text
    assert pending.json()["code"] == "templates.error.not_approved"
    graph_url.set_template_status("pedido_enviado", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    short = client.post("/api/v1/messages", json={**body, "variables": ["Ana"]}, headers=auth)
    assert short.status_code == 400 and short.json()["code"] == "templates.error.var_count"
    assert graph_url.messages_to(contact.wa_id) == []
    assert db.exec(select(Message).where(Message.direction == "out",
                                         Message.tenant_id == owner.tenant_id)).all() == []
    free_form = client.post("/api/v1/messages", headers=auth, json={
        "contact_id": contact.id, "type": "text", "text": "oi"})
    assert free_form.status_code == 400  # no window: only a template may start it
    sent = client.post("/api/v1/messages", json=body, headers=auth)
    assert sent.status_code == 202, sent.text
    [out] = wait_for(lambda: graph_url.messages_to(contact.wa_id))
    assert out["type"] == "template"
    assert out["template"]["name"] == "pedido_enviado"
    assert out["template"]["language"] == {"code": "pt_BR"}
    assert out["template"]["components"] == [{"type": "body", "parameters": [
        {"type": "text", "text": "Ana"}, {"type": "text", "text": "#1234"}]}]

    def recorded():  # Graph has it before the worker writes down the outcome
        db.expire_all()
        row = db.get(Message, sent.json()["id"])
        return row if row.status != "sending" else None
    row = wait_for(recorded)
    assert row.text == "Olá Ana, seu pedido #1234 saiu para entrega." and row.status == "sent"


def test_a_simulator_number_has_its_templates_approved_at_once(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)  # the simulator
    tpl = message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                   draft=_draft(name="lembrete"))
    assert tpl.status == "APPROVED" and tpl.meta_id is None
    payload, _ = message_templates.template_payload(
        db, tenant_id=owner.tenant_id, instance_id=inst.id, name="lembrete",
        variables=["Ana", "#9"])
    assert payload["text"] == "Olá Ana, seu pedido #9 saiu para entrega."


def test_the_inbox_reopens_a_closed_window_with_an_approved_template(db, number, graph_url):
    from datetime import timedelta

    from ylada_app.models import Instance, utcnow
    from ylada_app.services import agent_inbox, inbox

    owner, inst, _ = number
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft())
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name="ainda_pendente"))
    graph_url.set_template_status("pedido_enviado", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    contact, conv = inbox.contact_and_conversation(
        db, instance=db.get(Instance, inst.id), wa_id="5511987650077", name="Bruno")
    conv.last_inbound_at = utcnow() - timedelta(days=2)
    db.add(conv)
    db.commit()
    view = agent_inbox.conversation_view(db, tenant_id=owner.tenant_id,
                                         conversation_id=conv.id)
    assert not view.send.allowed and view.send.template_only
    choices = agent_inbox.template_choices(db, tenant_id=owner.tenant_id,
                                           conversation_id=conv.id)
    assert [(c.name, c.variables) for c in choices] == [("pedido_enviado", 2)]
    with pytest.raises(ServiceError):
        agent_inbox.send_agent_message(tenant_id=owner.tenant_id, conversation_id=conv.id,
                                       user_id=owner.user_id, text="oi")
    with pytest.raises(ServiceError) as err:
        agent_inbox.send_agent_template(tenant_id=owner.tenant_id, conversation_id=conv.id,
                                        user_id=owner.user_id, name="ainda_pendente",
                                        variables=["Bruno", "#7"])
    assert err.value.code == "templates.error.not_approved"
    agent_inbox.send_agent_template(tenant_id=owner.tenant_id, conversation_id=conv.id,
                                    user_id=owner.user_id, name="pedido_enviado",
                                    variables=["Bruno", "#7"])
    [out] = wait_for(lambda: graph_url.messages_to("5511987650077"))
    assert out["type"] == "template" and out["template"]["name"] == "pedido_enviado"
    db.expire_all()
    assert db.exec(select(Message).where(Message.conversation_id == conv.id,
                                         Message.direction == "out")).one().author_user_id \
        == owner.user_id
