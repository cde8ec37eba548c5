"""The webhook's event-loop path (PostgreSQL + Redis): messages from new and known contacts
and delivery statuses stored in plain SQL, with the same rules as the general path."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlmodel import select

from tests.pipeline.conftest import SECRET
from tests.pipeline.test_webhook_pipeline import post
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.core.queue import DIRTY_KEY, DRAIN_FLAG, get_queue, redis_connection
from ylada_app.core.settings import get_settings, reset_settings_cache
from ylada_app.models import Contact, Conversation, Message, WebhookLog, utcnow
from ylada_app.services import inbox, inbox_fast


@pytest.fixture
def lane(redis_url, database_url, monkeypatch):
    """Redis mode with no worker: what the webhook stores stays pending for inspection."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the event-loop path is PostgreSQL only")
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    yield redis_connection(redis_url)
    conn = redis_connection(get_settings().redis_url)
    conn.delete(DIRTY_KEY, DRAIN_FLAG)
    get_queue().empty()
    monkeypatch.delenv("REDIS_URL")
    reset_settings_cache()


def _pending(db, bot, wa_id):
    db.expire_all()
    return db.exec(select(Message).join(Conversation)
                   .join(Contact, Contact.id == Conversation.contact_id)
                   .where(Contact.instance_id == bot.instance_id, Contact.wa_id == wa_id)
                   .order_by(Message.id)).all()


def test_first_message_creates_contact_and_conversation_then_the_cache_serves(
        lane, client, bot, db):
    wa = "5511976540001"
    body = samples.inbound_webhook(bot.phone_number_id, [samples.text_message(wa, "oi")],
                                   names={wa: "Ana Souza"})
    raw, headers = samples.signed(body, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200
    contact = db.exec(select(Contact).where(Contact.instance_id == bot.instance_id,
                                            Contact.wa_id == wa)).one()
    assert contact.name == "Ana Souza" and contact.tenant_id == bot.tenant_id
    conv = db.exec(select(Conversation).where(Conversation.contact_id == contact.id)).one()
    assert inbox.known_conversation(bot.instance_id, wa) == conv.id
    assert post(client, bot, [samples.text_message(wa, "menu")]).status_code == 200
    rows = _pending(db, bot, wa)
    assert [(m.text, m.status, m.direction) for m in rows] == [("oi", "pending", "in"),
                                                               ("menu", "pending", "in")]
    assert lane.zscore(DIRTY_KEY, conv.id) is not None
    assert get_queue().count >= 1  # a drain job waits for a worker


def test_duplicates_in_and_across_posts_are_stored_once(lane, client, bot, db):
    wa = "5511976540002"
    msg = samples.text_message(wa, "oi")
    assert post(client, bot, [msg, msg]).status_code == 200
    assert post(client, bot, [msg]).status_code == 200
    assert len(db.exec(select(Message).where(Message.wamid == msg["id"])).all()) == 1


def test_concurrent_first_messages_of_one_contact_make_one_contact(lane, client, bot, db):
    wa = "5511976540003"
    msgs = [samples.text_message(wa, f"m{i}") for i in range(8)]
    codes: list[int] = []
    threads = [threading.Thread(target=lambda m=m: codes.append(post(client, bot, [m])
                                                                .status_code)) for m in msgs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 8
    assert len(db.exec(select(Contact).where(Contact.instance_id == bot.instance_id,
                                             Contact.wa_id == wa)).all()) == 1
    assert sorted(m.text for m in _pending(db, bot, wa)) == sorted(f"m{i}" for i in range(8))


def _outbound(db, tenant_id, instance_id, wa, wamid):
    """A sent reply to `wa` on the instance, as delivery leaves it."""
    contact = Contact(tenant_id=tenant_id, instance_id=instance_id, wa_id=wa)
    db.add(contact)
    db.flush()
    conv = Conversation(tenant_id=tenant_id, instance_id=instance_id, contact_id=contact.id)
    db.add(conv)
    db.flush()
    msg = Message(tenant_id=tenant_id, instance_id=instance_id, conversation_id=conv.id,
                  direction="out", type="text", payload={}, wamid=wamid, status="sent",
                  sent_at=utcnow())
    db.add(msg)
    db.commit()
    return msg.id


def test_statuses_only_move_forward_whatever_their_order(lane, client, bot, db):
    wa, wamid = "5511976540004", f"wamid.out.{time.time_ns()}"
    mid = _outbound(db, bot.tenant_id, bot.instance_id, wa, wamid)
    t0 = int(time.time())
    for st, ts in (("read", t0 + 20), ("delivered", t0 + 10), ("sent", t0),
                   ("failed", t0 + 30)):
        assert post(client, bot, statuses=[samples.status(wamid, st, wa, ts=ts)]
                    ).status_code == 200
    db.expire_all()
    row = db.get(Message, mid)
    assert row.status == "read" and row.error is None
    assert row.read_at is not None and row.delivered_at is not None
    assert row.delivered_at <= row.read_at  # read first: delivered_at taken from read


def test_several_statuses_in_one_post_apply_in_order_and_failed_keeps_its_error(
        lane, client, bot, db):
    wa = "5511976540005"
    ok, bad = f"wamid.ok.{time.time_ns()}", f"wamid.bad.{time.time_ns()}"
    ok_id = _outbound(db, bot.tenant_id, bot.instance_id, wa, ok)
    bad_id = _outbound(db, bot.tenant_id, bot.instance_id, wa + "9", bad)
    statuses = [samples.status(ok, "delivered", wa), samples.status(ok, "read", wa),
                samples.status(bad, "failed", wa,
                               errors=[{"code": 131047, "title": "Re-engagement message"}]),
                samples.status("wamid.unknown", "read", wa),
                samples.status(ok, "no-such-status", wa)]
    assert post(client, bot, statuses=statuses).status_code == 200
    db.expire_all()
    assert db.get(Message, ok_id).status == "read"
    failed = db.get(Message, bad_id)
    assert failed.status == "failed" and failed.error == "131047 Re-engagement message"


def test_a_nul_in_a_failed_status_error_is_stored_cleaned(lane, client, bot, db):
    wa, wamid = "5511976540008", f"wamid.nul.{time.time_ns()}"
    mid = _outbound(db, bot.tenant_id, bot.instance_id, wa, wamid)
    status = samples.status(wamid, "failed", wa, errors=[{"code": 1, "title": "bad\x00title"}])
    assert post(client, bot, statuses=[status]).status_code == 200
    db.expire_all()
    row = db.get(Message, mid)
    assert row.status == "failed" and row.error == "1 badtitle"


def test_statuses_never_touch_another_instances_messages(lane, client, bot, db, graph_url,
                                                         unique):
    from tests.factories import make_instance, make_owner

    other = make_owner(db)
    inst = make_instance(db, other.tenant_id, channel="whatsapp_cloud")
    wamid = f"wamid.other.{unique}"
    mid = _outbound(db, other.tenant_id, inst.id, "5511976540006", wamid)
    assert post(client, bot, statuses=[samples.status(wamid, "read", "5511976540006")]
                ).status_code == 200
    db.expire_all()
    assert db.get(Message, mid).status == "sent"


def test_errors_in_a_post_take_the_general_path_and_are_logged(lane, client, bot, db):
    wa = "5511976540007"
    body = samples.inbound_webhook(bot.phone_number_id, [samples.text_message(wa, "oi")])
    body["entry"][0]["changes"][0]["value"]["errors"] = [
        {"code": 131051, "title": "Unsupported message type", "message": "x"}]
    raw, headers = samples.signed(body, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200
    assert [m.text for m in _pending(db, bot, wa)] == ["oi"]
    logs = db.exec(select(WebhookLog).where(WebhookLog.instance_id == bot.instance_id,
                                            WebhookLog.kind == "error")).all()
    assert logs and logs[0].detail["code"] == 131051


def test_new_contacts_and_statuses_become_webhook_events_in_the_same_transaction(
        lane, client, bot, db):
    from ylada_app.models import WebhookDelivery, WebhookEvent
    from ylada_app.services import webhooks_out

    endpoint, _ = webhooks_out.create_endpoint(
        db, tenant_id=bot.tenant_id, url="http://127.0.0.1:9/hooks",
        events=["contact.created", "message.status"])
    db.commit()
    webhooks_out.forget()
    wa, wamid = "5511976540099", f"wamid.out.{time.time_ns()}"
    assert post(client, bot, [samples.text_message(wa, "oi")]).status_code == 200
    mid = _outbound(db, bot.tenant_id, bot.instance_id, "5511976540098", wamid)
    assert post(client, bot, statuses=[samples.status(wamid, "read", "5511976540098")]
                ).status_code == 200
    assert post(client, bot, statuses=[samples.status(wamid, "delivered", "5511976540098")]
                ).status_code == 200  # a late "delivered" moves nothing: no event
    db.expire_all()
    events = db.exec(select(WebhookEvent).where(WebhookEvent.tenant_id == bot.tenant_id)
                     .order_by(WebhookEvent.id)).all()
    assert [e.type for e in events] == ["contact.created", "message.status"]
    assert events[0].data["contact"]["phone"] == wa
    assert events[1].data["message"]["id"] == mid
    assert events[1].data["message"]["status"] == "read"
    deliveries = db.exec(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id)).all()
    assert len(deliveries) == 2 and {d.status for d in deliveries} == {"pending"}
    assert any(j.func_name == webhooks_out.DELIVER_JOB for j in get_queue().jobs)


def test_a_status_names_an_unrecorded_send_by_its_reference(lane, client, bot, db):
    """Graph accepted a send nobody recorded (the worker died): its status, carrying the
    reference the send had, settles the row — statuses of other sends in the same group
    commit are applied too."""
    from ylada_app.services.inbox import message_reference

    wa = "5511976540011"
    other = f"wamid.known.{time.time_ns()}"
    other_id = _outbound(db, bot.tenant_id, bot.instance_id, wa + "1", other)
    mid = _outbound(db, bot.tenant_id, bot.instance_id, wa, f"placeholder.{time.time_ns()}")
    row = db.get(Message, mid)
    row.wamid, row.status, row.sent_at = None, "sending", None
    db.commit()
    accepted = f"wamid.accepted.{time.time_ns()}"
    out = []
    threads = [threading.Thread(target=lambda st=st: out.append(post(client, bot, statuses=[st])
                                                                .status_code))
               for st in (samples.status(accepted, "sent", wa,
                                         callback_data=message_reference(mid)),
                          samples.status(other, "delivered", wa + "1"),
                          samples.status(other, "read", wa + "1"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [200, 200, 200]
    db.expire_all()
    settled = db.get(Message, mid)
    assert (settled.status, settled.wamid) == ("sent", accepted)
    assert settled.sent_at is not None
    assert db.get(Message, other_id).status == "read"


def _known_contacts(client, bot, db, n: int, prefix: str) -> list[str]:
    """n contacts whose conversations this process knows (their first message stored)."""
    was = [f"{prefix}{i:02d}" for i in range(n)]
    for wa in was:
        assert post(client, bot, [samples.text_message(wa, "oi")]).status_code == 200
        assert inbox.known_conversation(bot.instance_id, wa)
    return was


def _post_together(client, bot, messages) -> list[int]:
    """Each message in its own POST, a moment apart; their HTTP codes in message order."""
    codes: list[int] = [0] * len(messages)

    def send(i: int) -> None:
        codes[i] = post(client, bot, [messages[i]]).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(messages))]
    for t in threads:
        t.start()
        time.sleep(0.02)
    for t in threads:
        t.join(10)
    return codes


def test_posts_that_arrive_together_share_one_insert(lane, client, bot, db, monkeypatch):
    was = _known_contacts(client, bot, db, 4, "55119765411")
    groups: list[int] = []
    original = inbox_fast.InboundBatcher._write

    async def slow_write(self, items):
        groups.append(len(items))
        if len(groups) == 1:
            await asyncio.sleep(0.6)  # the others arrive meanwhile and wait together
        await original(self, items)

    monkeypatch.setattr(inbox_fast.InboundBatcher, "_write", slow_write)
    lane.delete(DIRTY_KEY)
    codes = _post_together(client, bot, [samples.text_message(wa, "quero pedir") for wa in was])
    assert codes == [200] * 4
    assert groups == [1, 3]
    for wa in was:
        rows = _pending(db, bot, wa)
        assert [(m.text, m.status) for m in rows] == [("oi", "pending"),
                                                       ("quero pedir", "pending")]
        assert lane.zscore(DIRTY_KEY, rows[0].conversation_id) is not None


def test_a_group_that_fails_is_retried_post_by_post(lane, client, bot, db, monkeypatch):
    """A conversation erased a moment ago (its id still cached): its POST is refused, and
    nothing of it is stored; the POSTs that shared its group are stored all the same."""
    was = _known_contacts(client, bot, db, 3, "55119765412")
    bad = was[1]
    real = inbox.known_conversation
    monkeypatch.setattr(inbox_fast, "known_conversation",
                        lambda instance_id, wa_id, user_id=None: 10**9 if wa_id == bad
                        else real(instance_id, wa_id, user_id))
    groups: list[int] = []
    original = inbox_fast.InboundBatcher._write

    async def slow_write(self, items):
        groups.append(len(items))
        if len(groups) == 1:
            await asyncio.sleep(0.6)
        await original(self, items)

    monkeypatch.setattr(inbox_fast.InboundBatcher, "_write", slow_write)
    codes = dict(zip(was, _post_together(client, bot, [samples.text_message(wa, f"m {wa}")
                                                       for wa in was]), strict=True))
    assert groups[:2] == [1, 2] and sorted(groups[2:]) == [1, 1]  # the group, then alone
    assert codes == {was[0]: 200, bad: 503, was[2]: 200}
    assert [m.text for m in _pending(db, bot, bad)] == ["oi"]
    assert [m.text for m in _pending(db, bot, was[2])] == ["oi", f"m {was[2]}"]
