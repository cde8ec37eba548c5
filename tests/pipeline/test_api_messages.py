"""POST /api/v1/messages on the real pipeline: through the outbox to the fake Graph API,
once per Idempotency-Key (even when two retries race), refused — with nothing written —
outside the 24-hour window, for an opted-out contact, over the quota, for another
business's contact, or when the message has a shape WhatsApp would refuse."""

from __future__ import annotations

import threading

from sqlmodel import func, select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import wait_for
from tests.pipeline.test_quota import _tiny_plan
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Contact, Message, UsageCounter
from ylada_app.services import api_keys, contacts


def _key(db, tenant_id: int) -> dict[str, str]:
    _, raw = api_keys.create_key(db, tenant_id=tenant_id, name="erp", scopes="read,write")
    db.commit()
    return {"Authorization": f"Bearer {raw}"}


def _contact_that_wrote(client, bot, graph, db, wa: str) -> int:
    post(client, bot, [samples.text_message(wa, "oi")])
    wait_for(lambda: replies_to(graph, wa))
    db.expire_all()
    return db.exec(select(Contact.id).where(Contact.wa_id == wa,
                                            Contact.instance_id == bot.instance_id)).one()


def _outbound(db, contact_id: int) -> int:
    from ylada_app.models import Conversation

    db.expire_all()
    return db.exec(select(func.count(Message.id)).join(
        Conversation, Conversation.id == Message.conversation_id).where(
        Conversation.contact_id == contact_id, Message.direction == "out")).one()


def test_a_retried_send_goes_once_and_a_reused_key_is_refused(client, bot, graph_url, db):
    auth = _key(db, bot.tenant_id)
    wa = "5511944440001"
    cid = _contact_that_wrote(client, bot, graph_url, db, wa)
    body = {"contact_id": cid, "type": "text", "text": "Seu pedido saiu para entrega 🚚"}
    headers = {**auth, "Idempotency-Key": "pedido-123-saiu"}
    first = client.post("/api/v1/messages", json=body, headers=headers)
    assert first.status_code == 202, first.text
    again = client.post("/api/v1/messages", json=body, headers=headers)
    assert again.status_code == 202 and again.json() == first.json()
    sent = wait_for(lambda: [m for m in replies_to(graph_url, wa)
                             if m["type"] == "text" and "saiu para entrega" in m["text"]["body"]])
    assert len(sent) == 1
    db.expire_all()
    row = db.get(Message, first.json()["id"])
    assert row.payload["source"] == "api" and row.author_user_id is None
    reused = client.post("/api/v1/messages", json={**body, "text": "outra"}, headers=headers)
    assert reused.status_code == 409 and reused.json()["code"] == "api.error.idempotency_reused"
    # without a key, two POSTs are two messages
    for _ in range(2):
        assert client.post("/api/v1/messages", json=body, headers=auth).status_code == 202
    wait_for(lambda: len([m for m in replies_to(graph_url, wa)
                          if "saiu para entrega" in str(m)]) == 3)


def test_racing_retries_with_one_key_send_once(client, bot, graph_url, db):
    auth = _key(db, bot.tenant_id)
    wa = "5511944440002"
    cid = _contact_that_wrote(client, bot, graph_url, db, wa)
    before = _outbound(db, cid)
    answers = []

    def send() -> None:
        answers.append(client.post(
            "/api/v1/messages", json={"contact_id": cid, "type": "text", "text": "uma vez"},
            headers={**auth, "Idempotency-Key": "corrida-1"}))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["id"] for a in answers}) == 1
    assert _outbound(db, cid) == before + 1


def test_buttons_and_lists_arrive_as_interactive_messages(client, bot, graph_url, db):
    auth = _key(db, bot.tenant_id)
    wa = "5511944440003"
    cid = _contact_that_wrote(client, bot, graph_url, db, wa)
    assert client.post("/api/v1/messages", headers=auth, json={
        "contact_id": cid, "type": "buttons", "text": "Confirma a entrega?",
        "buttons": [{"id": "sim", "title": "Sim"}, {"id": "nao", "title": "Não"}]}
    ).status_code == 202
    assert client.post("/api/v1/messages", headers=auth, json={
        "contact_id": cid, "type": "list", "text": "Escolha o horário", "button_label": "Ver",
        "sections": [{"rows": [{"id": "m", "title": "Manhã"}, {"id": "t", "title": "Tarde"}]}]}
    ).status_code == 202
    got = wait_for(lambda: [m["interactive"]["type"] for m in replies_to(graph_url, wa)
                            if m["type"] == "interactive"
                            and m["interactive"]["body"]["text"] != "Olá Cliente! Como posso "
                                                                   "ajudar?"] or None)
    wait_for(lambda: len([m for m in replies_to(graph_url, wa) if m["type"] == "interactive"
                          and "Escolha" in m["interactive"]["body"]["text"]]) == 1)
    assert "button" in got


def test_a_file_by_link_arrives_as_media(client, bot, graph_url, db):
    auth = _key(db, bot.tenant_id)
    wa = "5511944440007"
    cid = _contact_that_wrote(client, bot, graph_url, db, wa)
    for kind, extra in (("document", {"filename": "Nota 1234.pdf"}),
                        ("image", {"caption": "Seu pedido"})):
        sent = client.post("/api/v1/messages", headers=auth, json={
            "contact_id": cid, "type": "media",
            "media": {"kind": kind, "url": f"https://loja.example/{kind}-1234", **extra}})
        assert sent.status_code == 202, sent.text
    doc = wait_for(lambda: [m for m in replies_to(graph_url, wa) if m["type"] == "document"])
    img = wait_for(lambda: [m for m in replies_to(graph_url, wa) if m["type"] == "image"])
    assert doc[0]["document"] == {"link": "https://loja.example/document-1234",
                                  "filename": "Nota 1234.pdf"}
    assert img[0]["image"] == {"link": "https://loja.example/image-1234",
                               "caption": "Seu pedido"}
    assert len(doc) == len(img) == 1


def test_refusals_write_nothing(client, bot, graph_url, db, unique):
    auth = _key(db, bot.tenant_id)
    wa = "5511944440004"
    cid = _contact_that_wrote(client, bot, graph_url, db, wa)
    before = _outbound(db, cid)

    def refused(body: dict, status: int, code: str, field: str = "") -> None:
        answer = client.post("/api/v1/messages", headers=auth, json=body)
        assert answer.status_code == status, answer.text
        assert answer.json()["code"] == code
        assert answer.headers["content-type"].startswith("application/problem+json")
        if field:
            assert field in answer.json()["errors"], answer.json()

    # shapes WhatsApp would refuse, found before anything is written
    refused({"contact_id": cid, "type": "text"}, 422, "error.invalid_fields", "text")
    refused({"contact_id": cid, "type": "text", "text": "oi", "extra": 1}, 422,
            "error.invalid_fields", "extra")
    refused({"contact_id": cid, "type": "buttons", "text": "x",
             "buttons": [{"id": "a", "title": "Sim"}, {"id": "b", "title": "Sim"}]}, 422,
            "error.invalid_fields", "message")
    refused({"contact_id": cid, "type": "media", "media": {
        "kind": "image", "url": "http://inseguro.example/a.png"}}, 422, "error.invalid_fields",
            "media.url")
    refused({"contact_id": cid, "type": "sticker", "text": "x"}, 422, "error.invalid_fields",
            "type")
    # a contact who never wrote: WhatsApp's 24-hour window is closed
    quiet, _ = contacts.upsert_contact(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                                       phone="11933332222", name="Nunca escreveu")
    db.commit()
    refused({"contact_id": quiet.id, "type": "text", "text": "oi"}, 400,
            "outbound.window_closed", "message")
    from ylada_app.models import Conversation
    assert db.exec(select(Conversation).where(Conversation.contact_id == quiet.id)
                   ).first() is None  # nothing created for the refusal
    # opted out
    contacts.set_opted_out(db, tenant_id=bot.tenant_id, contact_id=cid, opted_out=True)
    db.commit()
    refused({"contact_id": cid, "type": "text", "text": "oi"}, 400, "outbound.opted_out")
    contacts.set_opted_out(db, tenant_id=bot.tenant_id, contact_id=cid, opted_out=False)
    db.commit()
    # another business's contact
    other = make_owner(db, tenant_name="Outra loja")
    inst = make_instance(db, other.tenant_id)
    theirs, _ = contacts.upsert_contact(db, tenant_id=other.tenant_id, instance_id=inst.id,
                                        phone="11922221111")
    db.commit()
    refused({"contact_id": theirs.id, "type": "text", "text": "oi"}, 404, "error.not_found")
    # over the plan's monthly quota
    _tiny_plan(db, bot.tenant_id, unique)
    usage = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == bot.tenant_id)).one()
    usage.messages_out = 10_000
    db.add(usage)
    db.commit()
    refused({"contact_id": cid, "type": "text", "text": "oi"}, 400, "inbox.quota_over")
    assert _outbound(db, cid) == before
    assert client.post("/api/v1/messages", json={"contact_id": cid, "type": "text",
                                                  "text": "oi"}).status_code == 401


def test_conversations_read_and_act_like_the_inbox(client, bot, graph_url, db):
    from tests.pipeline.test_agent_inbox import _owner_of
    from ylada_app.models import ConversationLog, Notification

    auth = _key(db, bot.tenant_id)
    wa = "5511944440005"
    contact_id = _contact_that_wrote(client, bot, graph_url, db, wa)
    listed = client.get("/api/v1/conversations?status=bot", headers=auth).json()["data"]
    conv = next(c for c in listed if c["contact_id"] == contact_id)
    cid = conv["id"]
    msgs = client.get(f"/api/v1/conversations/{cid}/messages?limit=1", headers=auth).json()
    assert msgs["data"][0]["author"] == "customer" and msgs["next_cursor"]
    rest = client.get(f"/api/v1/conversations/{cid}/messages",
                      params={"cursor": msgs["next_cursor"]}, headers=auth).json()
    assert rest["data"][0]["author"] == "bot" and rest["data"][0]["id"] > msgs["data"][0]["id"]
    # hand to a person: the bot goes quiet and the team is told
    handed = client.post(f"/api/v1/conversations/{cid}/handoff", headers=auth)
    assert handed.status_code == 200 and handed.json()["status"] == "human"
    db.expire_all()
    assert db.exec(select(Notification).where(Notification.tenant_id == bot.tenant_id,
                                              Notification.conversation_id == cid)).first()
    post(client, bot, [samples.text_message(wa, "quero falar com alguém")])
    wait_for(lambda: client.get(f"/api/v1/conversations/{cid}", headers=auth
                                ).json()["unread"] >= 1)
    owner = _owner_of(db, bot)
    assigned = client.post(f"/api/v1/conversations/{cid}/assign", headers=auth,
                           json={"assignee_user_id": owner})
    assert assigned.json()["assignee_user_id"] == owner
    stranger = make_owner(db, tenant_name="Estranha")
    bad = client.post(f"/api/v1/conversations/{cid}/assign", headers=auth,
                      json={"assignee_user_id": stranger.user_id})
    assert bad.status_code == 422 and "assignee" in bad.json()["errors"]
    assert client.post(f"/api/v1/conversations/{cid}/resolve", headers=auth
                       ).json()["status"] == "closed"
    assert client.post(f"/api/v1/conversations/{cid}/return-to-bot", headers=auth,
                       json={}).status_code == 200
    db.expire_all()
    kinds = [lg.kind for lg in db.exec(select(ConversationLog).where(
        ConversationLog.conversation_id == cid).order_by(ConversationLog.id)).all()]
    assert kinds[:4] == ["handoff", "assigned", "resolved", "returned_to_bot"]
    # another business's key sees none of it
    other = make_owner(db, tenant_name="Vizinha")
    theirs = _key(db, other.tenant_id)

    def state() -> tuple:
        got = client.get(f"/api/v1/conversations/{cid}", headers=auth).json()
        return got["status"], got["assignee_user_id"]

    before = state()
    for method, path, body in (
            ("GET", f"/api/v1/conversations/{cid}", None),
            ("GET", f"/api/v1/conversations/{cid}/messages", None),
            ("POST", f"/api/v1/conversations/{cid}/resolve", None),
            ("POST", f"/api/v1/conversations/{cid}/handoff", None),
            ("POST", f"/api/v1/conversations/{cid}/assign", {"assignee_user_id": None}),
            ("POST", f"/api/v1/conversations/{cid}/return-to-bot", {})):
        answer = client.request(method, path, headers=theirs, json=body)
        assert answer.status_code == 404, (path, answer.text)
    assert client.get("/api/v1/conversations", headers=theirs).json()["data"] == []
    assert state() == before  # their resolve / hand-off / assign changed nothing


def test_starting_a_flow_for_a_contact(client, bot, graph_url, db):
    from ylada_app.models import Flow

    auth = _key(db, bot.tenant_id)
    flow_id = db.exec(select(Flow.id).where(Flow.instance_id == bot.instance_id)).first()
    wa = "5511944440006"
    contact_id = _contact_that_wrote(client, bot, graph_url, db, wa)
    before = len(replies_to(graph_url, wa))
    started = client.post(f"/api/v1/flows/{flow_id}/start", headers=auth,
                          json={"contact_id": contact_id})
    assert started.status_code == 202, started.text
    wait_for(lambda: len(replies_to(graph_url, wa)) > before)  # the menu again
    assert replies_to(graph_url, wa)[-1]["type"] == "interactive"
    # a flow of no number of this business, or a contact who cannot receive: refused
    bad = client.post("/api/v1/flows/999999/start", headers=auth, json={"contact_id": contact_id})
    assert bad.status_code == 422 and "flow_id" in bad.json()["errors"]
    quiet, _ = contacts.upsert_contact(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                                       phone="11933334444")
    db.commit()
    closed = client.post(f"/api/v1/flows/{flow_id}/start", headers=auth,
                         json={"contact_id": quiet.id})
    assert closed.status_code == 400 and closed.json()["code"] == "outbound.window_closed"
    other = make_owner(db, tenant_name="Terceira")
    assert client.post(f"/api/v1/flows/{flow_id}/start", headers=_key(db, other.tenant_id),
                       json={"contact_id": contact_id}).status_code == 404
