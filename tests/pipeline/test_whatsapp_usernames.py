"""Found by review and fixed: WhatsApp usernames (2026). Meta gives every user a
business-scoped user id (BSUID, "BR.1349…"), sends it on every message (`from_user_id`,
contacts[].user_id) and the phone (`from`) only while the phone is shareable.

1. A customer known only by the BSUID never heard the bot: the reply went out with the
   BSUID in `to`, which takes a phone number; Meta sends to a BSUID through `recipient`.
2. One person written to by phone+BSUID and then by the BSUID alone became two contacts
   (two conversations: history, opt-out and the flow's place left on the first). The
   contact keeps the BSUID (contact.user_id, migration 0047) and a message is matched by
   phone or by BSUID — on the general path and on the PostgreSQL fast lane, whose cache
   serves a contact known by phone without a lookup once its BSUID is stored.

Each test runs on the general path and, on PostgreSQL + Redis, on the fast one.
"""

from __future__ import annotations

import time

from sqlmodel import select

from tests.pipeline.conftest import SECRET, wait_for
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.jobs import drain
from ylada_app.models import Contact, Message
from ylada_app.services import inbox


def _post(client, bot, path, messages, contacts) -> None:
    doc = samples.envelope([("messages", samples.value(
        bot.phone_number_id, messages=messages, contacts=contacts))])
    raw, headers = samples.signed(doc, SECRET)
    answer = client.post(bot.url, content=raw, headers=headers)
    assert answer.status_code == 200, answer.text
    if path == "fast":  # no worker runs here: drain what the webhook marked, in-process
        drain.drain(linger_s=0.3)


def _say(client, bot, path, text, *, phone=None, uid=None, name="Bia") -> str:
    """A text from the phone and/or the BSUID, as Meta sends it; returns its wamid."""
    msg = {"id": samples.new_wamid(), "timestamp": str(int(time.time())), "type": "text",
           "text": {"body": text}}
    contact = {"profile": {"name": name}}
    if phone:
        msg["from"] = contact["wa_id"] = phone
    if uid:
        msg["from_user_id"] = contact["user_id"] = uid
    if not phone:
        contact["profile"]["username"] = "@" + name.lower()
    _post(client, bot, path, [msg], [contact])
    return msg["id"]


def _conversation_of(db, wamid) -> int:
    db.expire_all()
    return db.exec(select(Message.conversation_id).where(Message.wamid == wamid)).one()


def _contacts(db, bot) -> list[Contact]:
    db.expire_all()
    return list(db.exec(select(Contact).where(Contact.instance_id == bot.instance_id)).all())


def test_reply_to_a_username_customer_goes_to_recipient_not_to(path, client, bot, graph_url,
                                                                db):
    uid = "BR.1502576394655843"
    _say(client, bot, path, "oi", uid=uid, name="Ana")
    reply = wait_for(lambda: graph_url.messages_to(uid))[0]
    assert "to" not in reply, f"BSUID sent as a phone number: to={reply.get('to')!r}"
    assert reply["recipient"] == uid
    assert [c.wa_id for c in _contacts(db, bot)] == [uid]
    assert _contacts(db, bot)[0].user_id == uid


def test_phone_then_bsuid_only_is_one_customer(path, client, bot, graph_url, db):
    phone, uid = "5511987659201", "BR.7781234567890123"
    first = _say(client, bot, path, "oi", phone=phone, uid=uid)
    later = _say(client, bot, path, "ainda tem bolo de pote?", uid=uid)
    assert _conversation_of(db, later) == _conversation_of(db, first)
    (contact,) = _contacts(db, bot)
    assert (contact.wa_id, contact.user_id) == (phone, uid)
    # the hot path: both ids are served from the cache from now on (no lookup)
    conv = _conversation_of(db, first)
    assert inbox.known_conversation(bot.instance_id, phone, uid) == conv
    assert inbox.known_conversation(bot.instance_id, uid, uid) == conv


def test_bsuid_only_then_phone_is_one_customer(path, client, bot, graph_url, db):
    phone, uid = "5511987659202", "BR.7781234567890124"
    first = _say(client, bot, path, "oi", uid=uid)
    later = _say(client, bot, path, "meu pedido", phone=phone, uid=uid)
    assert _conversation_of(db, later) == _conversation_of(db, first)
    assert len(_contacts(db, bot)) == 1


def test_a_contact_known_by_phone_keeps_its_bsuid_from_the_first_message_with_it(
        path, client, bot, graph_url, db):
    """A contact from before BSUIDs (its conversation cached by phone): the first message
    with both ids stores the BSUID on it; the opt-out said without the phone reaches it."""
    phone, uid = "5511987659203", "BR.7781234567890125"
    first = _say(client, bot, path, "oi", phone=phone)
    assert inbox.known_conversation(bot.instance_id, phone) == _conversation_of(db, first)
    _say(client, bot, path, "oi de novo", phone=phone, uid=uid)
    (contact,) = _contacts(db, bot)
    assert contact.user_id == uid
    bye = _say(client, bot, path, "sair", uid=uid)
    assert _conversation_of(db, bye) == _conversation_of(db, first)

    def opted_out():
        db.expire_all()
        return db.get(Contact, contact.id).opted_out

    assert wait_for(opted_out)
    assert len(_contacts(db, bot)) == 1


def test_both_forms_in_one_post_are_one_customer(path, client, bot, graph_url, db):
    phone, uid = "5511987659204", "BR.7781234567890126"
    now = str(int(time.time()))
    a = {"from": phone, "from_user_id": uid, "id": samples.new_wamid(), "timestamp": now,
         "type": "text", "text": {"body": "oi"}}
    b = {"from_user_id": uid, "id": samples.new_wamid(), "timestamp": now, "type": "text",
         "text": {"body": "tudo bem?"}}
    _post(client, bot, path, [a, b], [{"wa_id": phone, "user_id": uid,
                                       "profile": {"name": "Bia"}}])
    assert _conversation_of(db, a["id"]) == _conversation_of(db, b["id"])
    assert len(_contacts(db, bot)) == 1


def test_after_an_erasure_the_bsuid_starts_a_new_contact(path, client, bot, graph_url, db):
    """LGPD: an erased contact keeps no BSUID (nor is it cached under it): the person who
    writes again without the phone is a new contact, not the anonymised one."""
    from ylada_app.services import privacy_erase

    phone, uid = "5511987659205", "BR.7781234567890127"
    erased_conv = _conversation_of(db, _say(client, bot, path, "oi", phone=phone, uid=uid))
    (contact,) = _contacts(db, bot)
    privacy_erase.erase_contact(db, tenant_id=bot.tenant_id, contact_id=contact.id)
    db.commit()
    db.expire_all()
    assert db.get(Contact, contact.id).user_id is None
    again = _say(client, bot, path, "voltei", uid=uid)
    assert _conversation_of(db, again) != erased_conv
    assert sorted(c.user_id or "" for c in _contacts(db, bot)) == ["", uid]
