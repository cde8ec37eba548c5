"""A flow's `template` block end to end: an inbound message starts a published flow whose
template block becomes the number's APPROVED template, filled with the contact's values, and
reaches the contact through the fake Graph API; a template Meta has not approved (or one left
with a blank value) is never sent — the rest of the flow goes on, and the conversation shows
the team a pt-BR line saying why."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import SECRET, TOKEN, wait_for
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.models import AnalyticsEvent, ConversationLog, Message
from ylada_app.services import conversations, flows, instances, message_templates, webhook_keys
from ylada_app.services.message_templates import Draft

WABA = samples.DEFAULT_WABA_ID
BODY = "Olá {{1}}, sua consulta é amanhã às {{2}}."


@pytest.fixture
def number(db, graph_url, unique):
    """A connected number on a WhatsApp Business Account, with one template submitted."""
    pnid = str(3 * 10**9 + int(unique[:6], 16))
    graph_url.add_number(pnid, TOKEN)
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    instances.connect_whatsapp(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               instance_id=inst.id, phone_number_id=pnid, waba_id=WABA,
                               access_token=TOKEN, app_secret=SECRET, check=check_phone_number)
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id, draft=Draft(
        name="lembrete_consulta", language="pt_BR", category="UTILITY", body=BODY,
        body_examples=["Ana", "14h"]))
    db.commit()
    webhook_keys.forget()
    return owner, inst, pnid


def _publish(db, owner, inst, *templates: dict) -> None:
    """start ("lembrete") → horario = 14h → the template blocks → a closing text."""
    nodes = [
        {"id": "inicio", "type": "start",
         "data": {"triggers": [{"type": "keyword", "keywords": ["lembrete"]}]}},
        {"id": "hora", "type": "set_variable", "data": {"variable": "horario", "value": "14h"}},
        *({"id": f"tpl-{i}", "type": "template", "data": data}
          for i, data in enumerate(templates)),
        {"id": "fim", "type": "message", "data": {"text": "Até logo!"}},
    ]
    edges = [{"id": f"e{i}", "source": a["id"], "target": b["id"]}
             for i, (a, b) in enumerate(zip(nodes, nodes[1:], strict=False))]
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             name="Lembretes", definition={"version": 1, "nodes": nodes,
                                                           "edges": edges})
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()


def _say(client, inst, pnid, wa_id: str, text: str) -> None:
    raw, headers = samples.signed(samples.inbound_webhook(
        pnid, [samples.text_message(wa_id, text)], names={wa_id: "Ana Souza"}), SECRET)
    assert client.post(f"/webhooks/whatsapp/{inst.webhook_key}", content=raw,
                       headers=headers).status_code == 200


def test_an_approved_template_block_sends_the_filled_template(db, number, graph_url, client):
    owner, inst, pnid = number
    graph_url.set_template_status("lembrete_consulta", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    _publish(db, owner, inst, {"name": "lembrete_consulta", "language": "pt_BR",
                               "variables": ["{{contact.first_name}}", "{{vars.horario}}"]})
    wa = "5511987653001"
    _say(client, inst, pnid, wa, "lembrete")
    template, text = wait_for(lambda: len(graph_url.messages_to(wa)) >= 2
                              and graph_url.messages_to(wa))
    assert template["type"] == "template"
    assert template["template"]["name"] == "lembrete_consulta"
    assert template["template"]["language"] == {"code": "pt_BR"}
    assert template["template"]["components"] == [{"type": "body", "parameters": [
        {"type": "text", "text": "Ana"}, {"type": "text", "text": "14h"}]}]
    assert text["type"] == "text" and text["text"]["body"] == "Até logo!"

    def written():
        db.expire_all()
        return db.exec(select(Message).where(Message.instance_id == inst.id,
                                             Message.direction == "out",
                                             Message.type == "template")).first()
    row = wait_for(written)
    assert row.text == "Olá Ana, sua consulta é amanhã às 14h."
    assert "variables" not in row.payload  # the engine's shape never reaches the outbox


def test_an_unapproved_or_unfillable_template_is_not_sent_and_the_team_is_told(
        db, number, graph_url, client):
    owner, inst, pnid = number
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id, draft=Draft(
        name="confirmacao", language="pt_BR", category="UTILITY", body="Confirmado, {{1}}!",
        body_examples=["Ana"]))
    db.commit()
    graph_url.set_template_status("confirmacao", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    # lembrete_consulta is still PENDING; confirmacao is approved but its value is blank
    _publish(db, owner, inst,
             {"name": "lembrete_consulta", "variables": ["{{contact.name}}", "{{vars.horario}}"]},
             {"name": "confirmacao", "variables": ["{{vars.nao_informado}}"]})
    wa = "5511987653002"
    _say(client, inst, pnid, wa, "lembrete")
    [text] = wait_for(lambda: graph_url.messages_to(wa))
    assert text["type"] == "text" and text["text"]["body"] == "Até logo!"
    time.sleep(0.5)
    assert [m["type"] for m in graph_url.messages_to(wa)] == ["text"]

    def logged():
        db.expire_all()
        rows = db.exec(select(ConversationLog).where(
            ConversationLog.tenant_id == owner.tenant_id,
            ConversationLog.kind == "template_failed").order_by(ConversationLog.id)).all()
        return rows if len(rows) == 2 else None
    pending, blank = wait_for(logged)
    assert pending.data["code"] == "templates.error.not_approved"
    assert "ainda não foi aprovado" in pending.text and "lembrete_consulta" in pending.text
    assert blank.data["code"] == "templates.error.var_value"
    assert "Cada variável precisa de um valor" in blank.text
    events = db.exec(select(AnalyticsEvent.data).where(
        AnalyticsEvent.tenant_id == owner.tenant_id,
        AnalyticsEvent.type == "template_failed")).all()
    assert sorted(e["name"] for e in events) == ["confirmacao", "lembrete_consulta"]
    assert db.exec(select(Message).where(Message.instance_id == inst.id,
                                         Message.type == "template")).all() == []


def _publish_booking(db, owner, inst, day: str) -> None:
    """agendar → data/horário → a reminder one day before → "Agendado!"; at reminder time
    the approved template with the contact's name and the time."""
    nodes = [
        {"id": "inicio", "type": "start",
         "data": {"triggers": [{"type": "keyword", "keywords": ["agendar"]}]}},
        {"id": "dia", "type": "set_variable", "data": {"variable": "data", "value": day}},
        {"id": "hora", "type": "set_variable", "data": {"variable": "horario", "value": "14:00"}},
        {"id": "lembrete", "type": "reminder",
         "data": {"date": "{{vars.data}}", "time": "{{vars.horario}}", "before_amount": 1,
                  "before_unit": "days"}},
        {"id": "ok", "type": "message", "data": {"text": "Agendado!"}},
        {"id": "aviso", "type": "template",
         "data": {"name": "lembrete_consulta",
                  "variables": ["{{contact.first_name}}", "{{vars.horario}}"]}},
    ]
    edges = [{"id": "e1", "source": "inicio", "target": "dia"},
             {"id": "e2", "source": "dia", "target": "hora"},
             {"id": "e3", "source": "hora", "target": "lembrete"},
             {"id": "e4", "source": "lembrete", "target": "ok"},
             {"id": "e5", "source": "lembrete", "sourceHandle": "later", "target": "aviso"}]
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             name="Agenda", definition={"version": 1, "nodes": nodes,
                                                        "edges": edges})
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()


def _timers(db, inst):
    from ylada_app.models import Conversation, Timer

    db.expire_all()
    return db.exec(select(Timer).join(Conversation, Conversation.id == Timer.conversation_id)
                   .where(Conversation.instance_id == inst.id)).all()


def test_a_reminder_block_sends_the_template_a_day_before_in_the_business_timezone(
        db, number, graph_url, client):
    """The serviços reminder: set when the customer books, kept whatever they say meanwhile,
    due one day before 14:00 Brasília (17:00 UTC), then the approved template goes out."""
    from datetime import date, datetime, timedelta

    from ylada_app.jobs.conversations import fire_timer

    owner, inst, pnid = number
    graph_url.set_template_status("lembrete_consulta", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    day = date.today() + timedelta(days=5)
    _publish_booking(db, owner, inst, day.strftime("%d/%m/%Y"))
    wa = "5511987653003"
    _say(client, inst, pnid, wa, "agendar")
    [confirm] = wait_for(lambda: graph_url.messages_to(wa))
    assert confirm["text"]["body"] == "Agendado!"
    [timer] = wait_for(lambda: _timers(db, inst))
    assert timer.status == "pending"
    assert timer.wake_at == datetime.combine(day - timedelta(days=1), datetime.min.time()) \
        + timedelta(hours=17)
    assert timer.payload == {"reminder": {"flow_id": timer.payload["reminder"]["flow_id"],
                                          "node_id": "lembrete"}}
    _say(client, inst, pnid, wa, "oi, tudo bem?")  # talks meanwhile: the reminder stays
    time.sleep(0.5)
    assert [t.status for t in _timers(db, inst)] == ["pending"]
    _say(client, inst, pnid, wa, "agendar")  # books again: the reminder moves, never doubles
    wait_for(lambda: len(_timers(db, inst)) == 2)
    replaced, timer = sorted(_timers(db, inst), key=lambda t: t.id)
    assert (replaced.status, timer.status) == ("replaced", "pending")

    assert fire_timer(timer.id) == {"fired": True}
    template = wait_for(lambda: next((m for m in graph_url.messages_to(wa)
                                      if m["type"] == "template"), None))
    assert template["template"]["name"] == "lembrete_consulta"
    assert template["template"]["components"][0]["parameters"][1] == {"type": "text",
                                                                      "text": "14:00"}
    assert fire_timer(timer.id) == {"fired": False}  # once


def test_a_reminder_for_a_moment_already_past_sets_nothing(db, number, graph_url, client):
    owner, inst, pnid = number
    _publish_booking(db, owner, inst, "01/01/2020")
    wa = "5511987653004"
    _say(client, inst, pnid, wa, "agendar")
    wait_for(lambda: graph_url.messages_to(wa))

    def said_past():
        db.expire_all()
        return db.exec(select(AnalyticsEvent).where(
            AnalyticsEvent.tenant_id == owner.tenant_id,
            AnalyticsEvent.type == "reminder_past")).first()
    assert wait_for(said_past) is not None
    assert _timers(db, inst) == []


def test_a_marketing_template_block_needs_the_contacts_consent(db, number, graph_url, client):
    """Found by review and fixed: a flow's own template block sent a MARKETING template to a
    contact who never consented (the API, the inbox and broadcasts refused it). It goes only
    after consent — a consent block earlier in the same run counts — and otherwise the team
    reads why in the conversation."""
    owner, inst, pnid = number
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id, draft=Draft(
        name="oferta_semana", language="pt_BR", category="MARKETING",
        body="Oferta da semana, {{1}}: 20% off!", body_examples=["Ana"]))
    db.commit()
    graph_url.set_template_status("oferta_semana", "APPROVED")
    message_templates.sync(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    _publish(db, owner, inst, {"name": "oferta_semana", "variables": ["{{contact.first_name}}"]})
    wa = "5511987653009"
    _say(client, inst, pnid, wa, "lembrete")
    [text] = wait_for(lambda: graph_url.messages_to(wa))
    assert text["type"] == "text"
    time.sleep(0.5)
    assert [m["type"] for m in graph_url.messages_to(wa)] == ["text"]

    def logged():
        db.expire_all()
        return db.exec(select(ConversationLog).where(
            ConversationLog.tenant_id == owner.tenant_id,
            ConversationLog.kind == "template_failed")).first()
    line = wait_for(logged)
    assert line.data["code"] == "outbound.no_marketing_consent"
    assert "consentimento" in line.text

    # the same flow with a consent block first: the offer goes out
    nodes = [{"id": "inicio", "type": "start",
              "data": {"triggers": [{"type": "keyword", "keywords": ["quero"]}]}},
             {"id": "sim", "type": "consent", "data": {}},
             {"id": "oferta", "type": "template",
              "data": {"name": "oferta_semana", "variables": ["{{contact.first_name}}"]}}]
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Ofertas",
                             definition={"version": 1, "nodes": nodes, "edges": [
                                 {"id": "e1", "source": "inicio", "target": "sim"},
                                 {"id": "e2", "source": "sim", "target": "oferta"}]})
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()
    conversations.forget_flows(inst.id)  # (the pipeline reads active flows every 2 s)
    _say(client, inst, pnid, wa, "quero")
    offer = wait_for(lambda: [m for m in graph_url.messages_to(wa) if m["type"] == "template"])
    assert offer[0]["template"]["name"] == "oferta_semana"
