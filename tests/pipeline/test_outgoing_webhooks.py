"""Outgoing webhooks on the real message pipeline: a customer's first "oi" reaches the
business's receiver as contact.created → message.received → message.sent (in that order,
signed), Meta's status callbacks as message.status, a hand-off to a person and its
resolution from the inbox as conversation.handoff / conversation.resolved — and the
pipeline's replies do not wait for a receiver that hangs."""

from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook

from tests.pipeline.conftest import wait_for
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.services import agent_inbox, webhooks_out
from ylada_app.testing.webhook_receiver import WebhookReceiver

ALL = list(webhooks_out.EVENT_TYPES)


@pytest.fixture(scope="module")
def receiver_server():
    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def receiver(receiver_server):
    receiver_server.reset()
    return receiver_server


def _subscribe(db, bot, receiver, events=ALL):
    _, secret = webhooks_out.create_endpoint(db, tenant_id=bot.tenant_id, url=receiver.url,
                                             events=events)
    db.commit()
    return secret


def _of(receiver, wa: str) -> list[dict]:
    """The accepted events about one customer, in the order they arrived."""
    out = []
    for e in receiver.accepted():
        d = e["data"]
        phone = (d.get("contact") or {}).get("phone") or d.get("phone")
        if phone == wa or (e["type"] == "message.status"):
            out.append(e)
    return out


def test_a_first_message_is_told_in_order_and_signed(client, bot, graph_url, db, receiver):
    secret = _subscribe(db, bot, receiver)
    wa = "5511955550001"
    assert post(client, bot, [samples.text_message(wa, "oi")]).status_code == 200
    wait_for(lambda: replies_to(graph_url, wa))
    types = wait_for(lambda: [e["type"] for e in _of(receiver, wa)
                              if e["type"] != "message.status"][:3] == [
        "contact.created", "message.received", "message.sent"] and
        [e["type"] for e in _of(receiver, wa)])
    assert types[:3] == ["contact.created", "message.received", "message.sent"]
    for req in receiver.requests:
        Webhook(secret).verify(req["body"], req["headers"])  # raises if not signed right
    received = next(e for e in _of(receiver, wa) if e["type"] == "message.received")
    assert received["data"]["message"]["text"] == "oi"
    assert received["data"]["contact"]["instance_id"] == bot.instance_id
    sent = next(e for e in _of(receiver, wa) if e["type"] == "message.sent")
    assert sent["data"]["message"]["wamid"] == replies_to(graph_url, wa)[0]["wamid"]
    # Meta's "delivered" callback becomes message.status for that message
    wamid = sent["data"]["message"]["wamid"]
    post(client, bot, statuses=[samples.status(wamid, "delivered", wa)])
    status = wait_for(lambda: [e for e in receiver.accepted() if e["type"] == "message.status"])
    assert status[0]["data"]["message"] == {
        "id": sent["data"]["message"]["id"], "conversation_id":
        sent["data"]["message"]["conversation_id"], "instance_id": bot.instance_id,
        "status": "delivered", "wamid": wamid, "error": None}


def test_hand_off_and_resolve_are_told(client, bot, graph_url, db, receiver):
    _subscribe(db, bot, receiver, ["conversation.handoff", "conversation.resolved"])
    wa = "5511955550002"
    post(client, bot, [samples.text_message(wa, "oi")])
    wait_for(lambda: replies_to(graph_url, wa))
    # the menu's third button hands the conversation to a person
    post(client, bot, [samples.button_reply(wa, "atendente", "Falar com atendente")])
    handoff = wait_for(lambda: [e for e in receiver.accepted()
                                if e["type"] == "conversation.handoff"])
    assert handoff[0]["data"]["by"] == "bot"
    assert handoff[0]["data"]["conversation"]["status"] == "human"
    conv_id = handoff[0]["data"]["conversation"]["id"]
    agent_inbox.set_status(db, tenant_id=bot.tenant_id, conversation_id=conv_id,
                           user_id=None, action="resolve")
    db.commit()
    resolved = wait_for(lambda: [e for e in receiver.accepted()
                                 if e["type"] == "conversation.resolved"])
    assert resolved[0]["data"]["conversation"]["id"] == conv_id
    assert resolved[0]["data"]["by"] == "api"
    # resolving again changes nothing and tells nothing
    agent_inbox.set_status(db, tenant_id=bot.tenant_id, conversation_id=conv_id,
                           user_id=None, action="resolve")
    db.commit()
    time.sleep(0.5)
    assert len([e for e in receiver.accepted() if e["type"] == "conversation.resolved"]) == 1


def test_a_hanging_receiver_does_not_slow_the_replies(client, bot, graph_url, db, receiver,
                                                      monkeypatch):
    from ylada_app.core.settings import reset_settings_cache

    monkeypatch.setenv("WEBHOOK_TIMEOUT_S", "5")
    reset_settings_cache()
    receiver.delay_s = 4.0
    _subscribe(db, bot, receiver, ["message.received", "message.sent"])
    started = time.monotonic()
    for i in range(5):
        post(client, bot, [samples.text_message(f"55119555510{i:02d}", "oi")])
    for i in range(5):
        wait_for(lambda i=i: replies_to(graph_url, f"55119555510{i:02d}"))
    assert time.monotonic() - started < 3.0  # the receiver takes 4 s per request
