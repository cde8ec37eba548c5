"""The hot path end to end: signed webhook → stored once → coalesced job → engine → outbox →
fake Graph API, in the embedded mode (in-process jobs) and through real RQ workers."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from tests.pipeline.conftest import SECRET, wait_for
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Conversation, Message, UsageCounter, WebhookLog, utcnow

ROOT = Path(__file__).resolve().parents[2]


def post(client, bot, messages=None, *, statuses=None, secret=SECRET, raw=None, headers=None):
    if raw is None:
        body = samples.inbound_webhook(bot.phone_number_id, messages) if messages is not None \
            else samples.status_webhook(bot.phone_number_id, statuses)
        raw, headers = samples.signed(body, secret)
    return client.post(bot.url, content=raw, headers=headers or {})


def replies_to(graph, wa_id):
    return [m for m in graph.sent if m.get("to") == wa_id]


def test_text_message_gets_the_menu_once_even_when_meta_retries(client, bot, graph_url, db):
    msg = samples.text_message("5511987650001", "oi")
    assert post(client, bot, [msg]).status_code == 200
    sent = wait_for(lambda: replies_to(graph_url, "5511987650001"))
    assert sent[0]["type"] == "interactive" and sent[0]["interactive"]["type"] == "button"
    titles = [b["reply"]["title"] for b in sent[0]["interactive"]["action"]["buttons"]]
    assert titles == ["Ver catálogo", "Status do pedido", "Falar com atendente"]
    assert post(client, bot, [msg]).status_code == 200  # Meta retries the same wamid
    import time
    time.sleep(0.5)
    assert len(replies_to(graph_url, "5511987650001")) == 1
    rows = db.exec(select(Message).where(Message.wamid == msg["id"])).all()
    assert len(rows) == 1 and rows[0].status == "processed"


def test_button_reply_follows_the_branch_and_counts_usage(client, bot, graph_url, db):
    wa = "5511987650002"
    post(client, bot, [samples.text_message(wa, "menu")])
    wait_for(lambda: replies_to(graph_url, wa))
    post(client, bot, [samples.button_reply(wa, "catalogo", "Ver catálogo")])
    texts = wait_for(lambda: [m for m in replies_to(graph_url, wa) if m["type"] == "text"])
    assert "catálogo" in texts[0]["text"]["body"]
    usage = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == bot.tenant_id)).one()
    assert usage.messages_in == 2 and usage.messages_out == 2


def test_bad_or_missing_signature_is_401_and_stores_nothing(client, bot, db):
    msg = samples.text_message("5511987650003", "oi")
    assert post(client, bot, [msg], secret="0" * 32).status_code == 401
    raw, _ = samples.signed(samples.inbound_webhook(bot.phone_number_id, [msg]), SECRET)
    assert client.post(bot.url, content=raw).status_code == 401
    assert db.exec(select(Message).where(Message.wamid == msg["id"])).first() is None


def test_malformed_and_unknown_content_is_200_and_logged(client, bot, db):
    for raw in (b"{not json", b"[]", b'{"object": "page"}', b"\xff\xfe"):
        res = post(client, bot, raw=raw, headers={
            "X-Hub-Signature-256": samples.sign_body(raw, SECRET)})
        assert res.status_code == 200, raw
    other = samples.inbound_webhook("999000111", [samples.text_message("5511900000000", "oi")])
    raw, headers = samples.signed(other, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200
    logs = db.exec(select(WebhookLog).where(WebhookLog.instance_id == bot.instance_id)).all()
    assert any(row.kind == "unknown_phone_number" for row in logs)
    assert client.post("/webhooks/whatsapp/nope", content=raw, headers=headers).status_code == 404


def test_statuses_move_forward_only_even_out_of_order(client, bot, graph_url, db):
    wa = "5511987650004"
    post(client, bot, [samples.text_message(wa, "oi")])
    wait_for(lambda: replies_to(graph_url, wa))
    out = wait_for(lambda: db.exec(select(Message).where(
        Message.instance_id == bot.instance_id, Message.direction == "out",
        Message.status == "sent")).first())
    post(client, bot, statuses=[samples.status(out.wamid, "read", recipient_id=wa)])
    post(client, bot, statuses=[samples.status(out.wamid, "delivered", recipient_id=wa)])
    post(client, bot, statuses=[samples.status(out.wamid, "failed", recipient_id=wa)])
    db.expire_all()
    row = db.get(Message, out.id)
    assert row.status == "read" and row.read_at is not None


def test_a_send_accepted_but_never_recorded_is_known_by_its_status_and_not_sent_again(
        client, bot, graph_url, db):
    """The worker died after Graph accepted the reply and before writing it down: the row
    is still "sending", without a wamid. Meta's "sent" status carries the reference the
    send had (biz_opaque_callback_data): the row is recorded, and the sweeper's retry of
    stuck rows has nothing left to send."""
    from sqlmodel import update

    from ylada_app.jobs.conversations import redeliver
    from ylada_app.services.inbox import message_reference

    wa = "5511987650077"
    post(client, bot, [samples.text_message(wa, "oi")])
    accepted = wait_for(lambda: replies_to(graph_url, wa))[0]
    out = wait_for(lambda: db.exec(select(Message).where(
        Message.instance_id == bot.instance_id, Message.direction == "out",
        Message.status == "sent")).first())
    assert accepted["biz_opaque_callback_data"] == message_reference(out.id)
    db.exec(update(Message).where(Message.id == out.id)
            .values(status="sending", wamid=None, sent_at=None))  # the lost write
    db.commit()
    # a reference to another business's message, in this number's webhook, changes nothing
    from tests.factories import make_instance, make_owner
    from ylada_app.models import Contact

    stranger = make_owner(db, tenant_name="Outra")
    inst = make_instance(db, stranger.tenant_id)
    contact = Contact(tenant_id=stranger.tenant_id, instance_id=inst.id, wa_id="5511900000001")
    db.add(contact)
    db.flush()
    conv = Conversation(tenant_id=stranger.tenant_id, instance_id=inst.id,
                        contact_id=contact.id)
    db.add(conv)
    db.flush()
    theirs = Message(tenant_id=stranger.tenant_id, instance_id=inst.id,
                     conversation_id=conv.id, direction="out", type="text", text="deles",
                     payload={"type": "text", "text": "deles"}, status="sending")
    db.add(theirs)
    db.commit()
    post(client, bot, statuses=[samples.status("wamid.OTHER1", "read", wa,
                                               callback_data=message_reference(theirs.id))])
    db.expire_all()
    assert (db.get(Message, theirs.id).status, db.get(Message, theirs.id).wamid) == (
        "sending", None)
    post(client, bot, statuses=[samples.status(accepted["wamid"], "delivered", wa,
                                               callback_data=accepted[
                                                   "biz_opaque_callback_data"])])
    db.expire_all()
    row = db.get(Message, out.id)
    assert (row.status, row.wamid) == ("delivered", accepted["wamid"])
    assert row.sent_at is not None and row.delivered_at is not None
    redeliver(row.conversation_id)
    assert len(replies_to(graph_url, wa)) == 1  # not sent again
    # a reference to a row without wamid, with a wamid another business's row has: ids are
    # unique per number, so this number's row is recorded and the other business's untouched
    db.exec(update(Message).where(Message.id == out.id).values(status="sending", wamid=None))
    db.exec(update(Message).where(Message.id == theirs.id).values(wamid="wamid.TAKEN1"))
    db.commit()
    assert post(client, bot, statuses=[samples.status(
        "wamid.TAKEN1", "read", wa, callback_data=message_reference(out.id))]).status_code == 200
    db.expire_all()
    assert db.get(Message, theirs.id).status == "sending"
    assert (db.get(Message, out.id).status, db.get(Message, out.id).wamid) == (
        "read", "wamid.TAKEN1")
    # junk in the reference is ignored, never an error
    for junk in ("ylada:m", "ylada:mabc", "x" * 600, "ylada:m" + "9" * 40):
        assert post(client, bot, statuses=[samples.status(
            "wamid.JUNK", "sent", wa, callback_data=junk)]).status_code == 200


def test_outside_the_24h_window_only_templates_are_sent(client, bot, graph_url, db):
    from ylada_app.jobs.delivery import deliver

    wa = "5511987650005"
    post(client, bot, [samples.text_message(wa, "oi")])
    wait_for(lambda: replies_to(graph_url, wa))
    conv = db.exec(select(Conversation).join(Message, Message.conversation_id == Conversation.id)
                   .where(Message.instance_id == bot.instance_id)).first()
    conv.last_inbound_at = utcnow() - timedelta(hours=25)
    db.add(conv)
    for payload in ({"type": "text", "text": "lembrete"},
                    {"type": "template", "name": "lembrete", "language": "pt_BR"}):
        db.add(Message(tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                       conversation_id=conv.id, direction="out", type=payload["type"],
                       payload=payload, status="queued"))
    db.commit()
    before = len(replies_to(graph_url, wa))
    deliver(conv.id)
    after = replies_to(graph_url, wa)[before:]
    assert [m["type"] for m in after] == ["template"]
    db.expire_all()
    failed = db.exec(select(Message).where(Message.conversation_id == conv.id,
                                           Message.status == "failed")).one()
    assert failed.error == "outside_24h_window"


def test_real_rq_worker_processes_the_conversation(client, bot, graph_url, redis_url,
                                                    monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    wa = "5511987650006"
    try:
        burst = [samples.text_message(wa, "oi"), samples.text_message(wa, "menu")]
        assert post(client, bot, burst).status_code == 200
        assert replies_to(graph_url, wa) == []  # nothing happens until a worker runs
        env = {**os.environ, "REDIS_URL": redis_url}
        res = subprocess.run([sys.executable, "-m", "ylada_app.cli", "worker", "--burst"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr[-3000:]
    finally:
        monkeypatch.delenv("REDIS_URL")
        reset_settings_cache()
    sent = replies_to(graph_url, wa)
    assert len(sent) == 2, res.stderr[-3000:]  # one coalesced job answered both, in order
