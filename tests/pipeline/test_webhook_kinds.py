"""Webhook kinds a payload probe found mishandled (2026-12-02): a reaction or a Meta notice is
no wrong menu choice; a customer who changes number keeps their contact (and an opt-out);
business-scoped user ids (BSUIDs) longer than 32 characters stay distinct."""

from __future__ import annotations

import time

from sqlmodel import select

from tests.pipeline.conftest import SECRET, wait_for
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import ConsentRecord, Contact, Message


def _post(client, bot, messages, contacts=True):
    doc = samples.inbound_webhook(bot.phone_number_id, messages)
    if not contacts:
        doc["entry"][0]["changes"][0]["value"].pop("contacts", None)
    raw, headers = samples.signed(doc, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200


def _msg(from_, mtype, content):
    return {"from": from_, "id": samples.new_wamid(), "timestamp": str(int(time.time())),
            "type": mtype, mtype: content}


def _processed(db, wamid):
    def done():
        db.expire_all()
        row = db.exec(select(Message).where(Message.wamid == wamid)).first()
        return row is not None and row.status not in ("pending",) and row
    row = wait_for(done)
    assert row.status == "processed", (row.type, row.status, row.error)
    return row


def _to(graph, wa):
    return [m for m in list(graph.sent) if m.get("to") == wa]


def _menu(client, bot, graph, db, wa):
    first = samples.text_message(wa, "oi")
    _post(client, bot, [first])
    wait_for(lambda: _to(graph, wa))
    _processed(db, first["id"])
    return len(_to(graph, wa))


def test_reactions_and_notices_are_kept_but_not_answered(client, bot, graph_url, db):
    wa = "5511987658001"
    before = _menu(client, bot, graph_url, db, wa)
    bot_wamid = _to(graph_url, wa)[0]["wamid"]
    quiet = [samples.reaction_message(wa, bot_wamid, "👍"),
             _msg(wa, "reaction", {"message_id": bot_wamid}),  # a reaction taken back
             _msg(wa, "interactive", {"type": "call_permission_reply",
                                      "call_permission_reply": {"response": "accept"}}),
             _msg(wa, "interactive", {}),
             _msg(wa, "system", {"body": "customer identity changed", "identity": "abc",
                                 "type": "customer_identity_changed"})]
    for m in quiet:
        _post(client, bot, [m], contacts=m["type"] != "system")
        assert _processed(db, m["id"]).direction == "in"  # in the inbox's history
    time.sleep(0.5)
    assert _to(graph_url, wa)[before:] == []
    # the menu still waits for its choice: the reactions did not use up its retries
    menu = next(m for m in _to(graph_url, wa) if m["type"] == "interactive")
    button = menu["interactive"]["action"]["buttons"][0]["reply"]
    choice = samples.button_reply(wa, button["id"], button["title"])
    _post(client, bot, [choice])
    _processed(db, choice["id"])
    answer = wait_for(lambda: _to(graph_url, wa)[before:])
    assert "Não entendi" not in str(answer)


def test_a_changed_number_keeps_its_contact_and_history(client, bot, graph_url, db):
    old, new = "5511987658101", "5511987658102"
    _menu(client, bot, graph_url, db, old)
    db.expire_all()
    contact = db.exec(select(Contact).where(Contact.instance_id == bot.instance_id,
                                            Contact.wa_id == old)).one()
    notice = _msg(old, "system", {"body": f"User Ana changed from {old} to {new}",
                                  "wa_id": new, "type": "user_changed_number"})
    _post(client, bot, [notice], contacts=False)
    _processed(db, notice["id"])
    db.expire_all()
    assert db.get(Contact, contact.id).wa_id == new
    hello = samples.text_message(new, "oi")
    _post(client, bot, [hello])
    assert _processed(db, hello["id"]).conversation_id == \
        db.exec(select(Message).where(Message.wamid == notice["id"])).one().conversation_id
    wait_for(lambda: _to(graph_url, new))


def test_an_opt_out_follows_the_customer_to_a_number_already_known(client, bot, graph_url, db):
    old, new = "5511987658201", "5511987658202"
    _menu(client, bot, graph_url, db, new)  # the new number talked to the bot before
    bye = samples.text_message(old, "sair")
    _post(client, bot, [bye])
    _processed(db, bye["id"])
    notice = _msg(old, "system", {"body": "changed", "new_wa_id": new,
                                  "type": "customer_changed_number"})
    _post(client, bot, [notice], contacts=False)
    _processed(db, notice["id"])
    db.expire_all()
    by_number = {c.wa_id: c for c in db.exec(select(Contact).where(
        Contact.instance_id == bot.instance_id, Contact.wa_id.in_([old, new]))).all()}
    assert by_number[old].opted_out and by_number[new].opted_out
    proof = db.exec(select(ConsentRecord).where(
        ConsentRecord.contact_id == by_number[new].id)).all()
    assert [p.source for p in proof] == ["number_changed"]
    assert proof[0].evidence == {"from_wa_id": old}


def test_long_business_scoped_ids_stay_two_customers(client, bot, graph_url, db):
    base = "US." + "1" * 40  # Meta: country code, ".", up to 128 characters
    ids = [base + "A", base + "B"]
    for uid in ids:
        m = {"from_user_id": uid, "id": samples.new_wamid(),
             "timestamp": str(int(time.time())), "type": "text", "text": {"body": "oi"}}
        doc = samples.inbound_webhook(bot.phone_number_id, [])
        value = doc["entry"][0]["changes"][0]["value"]
        value["messages"] = [m]
        value["contacts"] = [{"user_id": uid, "profile": {"name": uid[-1]}}]
        raw, headers = samples.signed(doc, SECRET)
        assert client.post(bot.url, content=raw, headers=headers).status_code == 200
        _processed(db, m["id"])
    db.expire_all()
    stored = db.exec(select(Contact.wa_id).where(Contact.instance_id == bot.instance_id)).all()
    assert sorted(stored) == sorted(ids)
