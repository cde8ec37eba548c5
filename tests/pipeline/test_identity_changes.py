"""Meta's identity notices (changelog, Aug 2026), end to end.

- "user_changed_user_id": the customer's business-scoped user id (BSUID) changed. The
  contact holding the previous BSUID takes the new one (history, tags, consent stay); a
  message with the new BSUID alone reaches it, the previous one is forgotten by the caches.
  When another contact of the number already holds the new BSUID, nothing is moved (the
  unique index holds) and the diagnostics keep a trace.
- "user_changed_number" with the previous and the new BSUID: the contact ends up with the
  new phone AND the new BSUID.
- A notice is applied as it is stored: what the new identity sends right after it (same
  POST, or before the workers caught up) reaches the same contact.
- The notices are shown in the inbox in pt-BR words and never answered by the bot.
- A change on the non-subscribable field "user_id_update" is not applied, only recorded;
  odd notices never fail the webhook.

Each test runs on the general path and, on PostgreSQL + Redis, on the fast one.
"""

from __future__ import annotations

import time

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from tests.pipeline.conftest import SECRET, wait_for
from tests.pipeline.test_whatsapp_usernames import _contacts, _conversation_of, _post, _say
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Contact, Message, WebhookLog
from ylada_app.services import contacts, inbox, message_words


def _notice(system: dict, *, phone=None, uid=None) -> dict:
    msg = {"id": samples.new_wamid(), "timestamp": str(int(time.time())), "type": "system",
           "system": system}
    if phone:
        msg["from"] = phone
    if uid:
        msg["from_user_id"] = uid
    return msg


def _user_id_changed(old: str, new: str, **top) -> dict:
    return _notice({"body": "User Bia changed their user ID", "type": "user_changed_user_id",
                    "user_id": new, "previous_user_id": old,
                    "parent_user_id": None, "previous_parent_user_id": None}, **top)


def _processed(db, wamid) -> Message:
    def done():
        db.expire_all()
        row = db.exec(select(Message).where(Message.wamid == wamid)).first()
        return row is not None and row.status != "pending" and row
    row = wait_for(done)
    assert row.status == "processed", (row.type, row.status, row.error)
    return row


def _sent(graph, *ids) -> list:
    return [m for m in list(graph.sent) if {m.get("to"), m.get("recipient")} & set(ids)]


def test_a_new_bsuid_moves_to_the_contact_and_the_old_one_is_forgotten(
        path, client, bot, graph_url, db):
    phone, old, new = "5511987659301", "BR.7781234567893011", "BR.7781234567893012"
    first = _say(client, bot, path, "oi", phone=phone, uid=old)
    wait_for(lambda: _sent(graph_url, phone))
    conv = _conversation_of(db, first)
    answered = len(_sent(graph_url, phone, old, new))
    notice = _user_id_changed(old, new)  # (no `from`: no phone can be shared)
    _post(client, bot, path, [notice], [])
    row = _processed(db, notice["id"])
    assert row.conversation_id == conv and row.direction == "in"
    (contact,) = _contacts(db, bot)
    assert (contact.wa_id, contact.user_id) == (phone, new)
    time.sleep(0.5)
    assert len(_sent(graph_url, phone, old, new)) == answered  # (no "Não entendi")
    # the caches no longer take the previous BSUID for this contact
    assert inbox.known_conversation(bot.instance_id, old, old) is None
    # in the inbox in words, not Meta's English; the bot said nothing about it
    words = message_words.describe(row.type, row.text, row.payload).text
    assert words == "🔄 O cliente mudou de identificação no WhatsApp; a conversa continua aqui"
    assert message_words.preview(row.type, row.text, row.payload) == words
    later = _say(client, bot, path, "sair", uid=new)
    assert _conversation_of(db, later) == conv
    wait_for(lambda: _contacts(db, bot)[0].opted_out)
    assert len(_contacts(db, bot)) == 1


def test_a_contact_known_only_by_its_bsuid_takes_the_new_one_as_its_id_too(
        path, client, bot, graph_url, db):
    old, new = "BR.7781234567893021", "BR.7781234567893022"
    first = _say(client, bot, path, "oi", uid=old)
    # Meta's `from_user_id` may already be the new BSUID: the notice still reaches the
    # contact known by the previous one
    notice = _user_id_changed(old, new, uid=new)
    _post(client, bot, path, [notice], [])
    assert _processed(db, notice["id"]).conversation_id == _conversation_of(db, first)
    (contact,) = _contacts(db, bot)
    assert (contact.wa_id, contact.user_id) == (new, new)
    again = _say(client, bot, path, "voltei", uid=new)
    assert _conversation_of(db, again) == _conversation_of(db, first)


def test_a_new_bsuid_another_contact_holds_already_moves_nothing_and_is_traced(
        path, client, bot, graph_url, db):
    phone, old, new = "5511987659311", "BR.7781234567893111", "BR.7781234567893112"
    by_phone = _conversation_of(db, _say(client, bot, path, "oi", phone=phone, uid=old))
    by_new = _conversation_of(db, _say(client, bot, path, "oi", uid=new, name="Outra"))
    notice = _user_id_changed(old, new, phone=phone)
    _post(client, bot, path, [notice], [])
    assert _processed(db, notice["id"]).conversation_id == by_phone
    held = {c.wa_id: c.user_id for c in _contacts(db, bot)}
    assert held == {phone: old, new: new}
    trace = wait_for(lambda: db.exec(select(WebhookLog).where(
        WebhookLog.instance_id == bot.instance_id,
        WebhookLog.kind == "identity_conflict")).first())
    assert trace.detail["user_id"] == new and trace.detail["wamid"] == notice["id"]
    assert _conversation_of(db, _say(client, bot, path, "e aí", uid=new)) == by_new


def test_a_number_change_moves_the_phone_and_the_bsuid(path, client, bot, graph_url, db):
    old_phone, new_phone = "5511987659321", "5511987659322"
    old, new = "BR.7781234567893211", "BR.7781234567893212"
    conv = _conversation_of(db, _say(client, bot, path, "oi", phone=old_phone, uid=old))
    notice = _notice({"body": f"User Bia changed from {old_phone} to {new_phone}",
                      "wa_id": new_phone, "type": "user_changed_number", "user_id": new,
                      "previous_user_id": old}, phone=old_phone, uid=new)
    _post(client, bot, path, [notice], [])
    row = _processed(db, notice["id"])
    assert row.conversation_id == conv
    assert message_words.describe(row.type, row.text, row.payload).text == \
        "📱 O cliente trocou de número no WhatsApp; a conversa continua aqui"
    (contact,) = _contacts(db, bot)
    assert (contact.wa_id, contact.user_id) == (new_phone, new)
    assert inbox.known_conversation(bot.instance_id, old_phone) is None
    assert inbox.known_conversation(bot.instance_id, old, old) is None
    assert _conversation_of(db, _say(client, bot, path, "oi", uid=new)) == conv
    assert _conversation_of(db, _say(client, bot, path, "oi", phone=new_phone)) == conv
    assert len(_contacts(db, bot)) == 1


def test_a_number_change_meta_sends_again_makes_no_empty_contact(path, client, bot,
                                                                  graph_url, db):
    """Meta retries a webhook it thinks failed: the notice, already applied, comes again
    from the old phone — it was stored once and must not leave an empty contact under the
    old number (it did: the contact was made before the duplicate was seen)."""
    old_phone, new_phone = "5511987659331", "5511987659332"
    conv = _conversation_of(db, _say(client, bot, path, "oi", phone=old_phone))
    notice = _notice({"body": f"User Bia changed from {old_phone} to {new_phone}",
                      "wa_id": new_phone, "type": "user_changed_number"}, phone=old_phone)
    _post(client, bot, path, [notice], [])
    assert _processed(db, notice["id"]).conversation_id == conv
    _post(client, bot, path, [notice], [])  # the same POST again
    time.sleep(0.3)
    db.expire_all()
    assert [c.wa_id for c in _contacts(db, bot)] == [new_phone]
    assert len(db.exec(select(Message).where(Message.wamid == notice["id"])).all()) == 1


def test_a_user_id_update_change_and_odd_notices_change_nobody(path, client, bot, graph_url,
                                                                db):
    phone, old, new = "5511987659331", "BR.7781234567893311", "BR.7781234567893312"
    conv = _conversation_of(db, _say(client, bot, path, "oi", phone=phone, uid=old))
    doc = samples.envelope([("user_id_update", {
        "messaging_product": "whatsapp",
        "metadata": {"phone_number_id": bot.phone_number_id},
        "user_id_update": [{"wa_id": phone, "previous_user_id": old, "user_id": new}]})])
    raw, headers = samples.signed(doc, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200
    odd = [_notice({"type": "user_changed_user_id", "user_id": new}, phone=phone),
           _notice({"type": "user_changed_user_id", "user_id": 7.5, "previous_user_id": old},
                   phone=phone),
           _notice({"type": "user_changed_user_id", "user_id": "x" * 400,
                    "previous_user_id": old}, phone=phone),
           _notice({"type": "user_changed_user_id", "user_id": new,
                    "previous_user_id": "BR.0000000000000000"}, phone=phone),
           _notice({"type": "user_changed_number", "wa_id": ["5511"], "user_id": {"a": 1},
                    "previous_user_id": old}, phone=phone)]
    for notice in odd:
        _post(client, bot, path, [notice], [])
        assert _processed(db, notice["id"]).conversation_id == conv
    held = {c.wa_id: c.user_id for c in _contacts(db, bot)}
    assert held[phone] == old
    assert new not in held.values()
    assert db.exec(select(WebhookLog).where(WebhookLog.instance_id == bot.instance_id,
                                            WebhookLog.kind == "unsupported")).first()
    assert db.exec(select(Contact).where(Contact.user_id == "x" * 400)).first() is None


def _post_unprocessed(client, bot, messages, contacts) -> None:
    """A POST whose messages no worker processes yet (a backlog, a worker restarting)."""
    doc = samples.envelope([("messages", samples.value(
        bot.phone_number_id, messages=messages, contacts=contacts))])
    raw, headers = samples.signed(doc, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200


def _text(text, *, phone=None, uid=None) -> dict:
    msg = {"id": samples.new_wamid(), "timestamp": str(int(time.time())), "type": "text",
           "text": {"body": text}}
    if phone:
        msg["from"] = phone
    if uid:
        msg["from_user_id"] = uid
    return msg


def test_a_message_from_the_new_identity_right_after_the_notice_is_the_same_customer(
        path, client, bot, graph_url, db):
    """Found by review and fixed: the notice was applied when processed, and a message with
    the new BSUID stored before that (same POST, or a backlog) made a second contact. The
    change is applied as the notice is stored, before what follows it."""
    phone, old, new = "5511987659341", "BR.7781234567893411", "BR.7781234567893412"
    conv = _conversation_of(db, _say(client, bot, path, "oi", phone=phone, uid=old))
    together = [_user_id_changed(old, new), _text("oi de novo", uid=new)]
    _post(client, bot, path, together, [{"user_id": new, "profile": {"name": "Bia"}}])
    assert {_conversation_of(db, m["id"]) for m in together} == {conv}
    backlog = [_user_id_changed(new, "BR.7781234567893413"),
               _text("e agora?", uid="BR.7781234567893413")]
    for m in backlog:
        _post_unprocessed(client, bot, [m], [])
    _post(client, bot, path, [], [])  # (the fast path: its worker catches up)
    assert {_conversation_of(db, m["id"]) for m in backlog} == {conv}
    (contact,) = _contacts(db, bot)
    assert (contact.wa_id, contact.user_id) == (phone, "BR.7781234567893413")


def test_a_message_from_the_new_number_right_after_the_notice_is_the_same_customer(
        path, client, bot, graph_url, db):
    old_phone, new_phone = "5511987659351", "5511987659352"
    old, new = "BR.7781234567893511", "BR.7781234567893512"
    conv = _conversation_of(db, _say(client, bot, path, "oi", phone=old_phone, uid=old))
    notice = _notice({"body": "changed", "wa_id": new_phone, "type": "user_changed_number",
                      "user_id": new, "previous_user_id": old}, phone=old_phone)
    _post_unprocessed(client, bot, [notice], [])
    _post(client, bot, path, [_text("oi", phone=new_phone, uid=new)],
          [{"wa_id": new_phone, "user_id": new, "profile": {"name": "Bia"}}])
    (contact,) = _contacts(db, bot)
    assert (contact.wa_id, contact.user_id) == (new_phone, new)
    assert _processed(db, notice["id"]).conversation_id == conv


def test_a_notice_that_meets_a_race_is_applied_on_the_next_attempt(
        path, client, bot, graph_url, db, monkeypatch):
    phone, old, new = "5511987659391", "BR.7781234567893911", "BR.7781234567893912"
    _say(client, bot, path, "oi", phone=phone, uid=old)
    wait_for(lambda: _sent(graph_url, phone))
    follow, raced = contacts.follow_identity_change, []

    def racing(session, **kwargs):
        if not raced:  # another process wrote these contacts first, this one time
            raced.append(1)
            raise IntegrityError("INSERT", {}, Exception("unique violation"))
        return follow(session, **kwargs)

    monkeypatch.setattr(contacts, "follow_identity_change", racing)
    notice = _user_id_changed(old, new)
    _post(client, bot, path, [notice], [])
    _processed(db, notice["id"])
    assert raced
    (contact,) = _contacts(db, bot)
    assert (contact.wa_id, contact.user_id) == (phone, new)
