"""Coexistence: what the business writes in the WhatsApp Business app on a number that also
runs here (`smb_message_echoes`) shows in the inbox as the team's reply, and the bot steps
aside in that conversation; retries are stored once, edits and deletions follow. The app's
address book names contacts (`smb_app_state_sync`) and its past chats are imported as they
were (`history`), never answered. Nothing crosses to another number or business."""

from __future__ import annotations

import time

from sqlmodel import col, select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import SECRET, wait_for
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.components.timeline import timeline_bubble
from ylada_app.jobs import drain
from ylada_app.models import (
    Contact,
    Conversation,
    ConversationLog,
    Message,
    UsageCounter,
)
from ylada_app.services import agent_inbox, contacts


def _echo(client, bot, *echoes: dict, phone_number_id: str | None = None) -> None:
    raw, headers = samples.signed(
        samples.echo_webhook(phone_number_id or bot.phone_number_id, list(echoes)), SECRET)
    answer = client.post(bot.url, content=raw, headers=headers)
    assert answer.status_code == 200, answer.text


def _conversation(db, bot, wa: str) -> Conversation | None:
    db.expire_all()
    return db.exec(select(Conversation).join(Contact, Contact.id == Conversation.contact_id)
                   .where(Contact.wa_id == wa, Conversation.instance_id == bot.instance_id)
                   ).first()


def _messages(db, conversation_id: int) -> list[Message]:
    db.expire_all()
    return list(db.exec(select(Message).where(Message.conversation_id == conversation_id)
                        .order_by(col(Message.id))).all())


def _usage_out(db, tenant_id: int) -> int:
    db.expire_all()
    row = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == tenant_id)).first()
    return row.messages_out if row else 0


def test_an_app_reply_shows_in_the_inbox_and_the_bot_steps_aside(client, bot, graph_url, db):
    """(The embedded pipeline answers here; with Redis set — the `path` tests below — the
    echo takes the general path all the same.)"""
    wa, W1 = "5511955560001", samples.new_wamid()
    post(client, bot, [samples.text_message(wa, "oi")])
    wait_for(lambda: replies_to(graph_url, wa))
    conv = wait_for(lambda: (c := _conversation(db, bot, wa)) and c.last_inbound_at and c)
    window_from, out_before = conv.last_inbound_at, _usage_out(db, bot.tenant_id)

    _echo(client, bot, samples.app_echo(wa, "Oi! Aqui é a Ana, da loja 😊",
                                        wamid=W1))
    conv = _conversation(db, bot, wa)
    assert conv.status == "human" and conv.human_since is not None
    assert conv.last_message_from == "app" and "Aqui é a Ana" in conv.last_message_preview
    assert conv.last_inbound_at == window_from  # not the customer writing: no new window
    app = [m for m in _messages(db, conv.id) if m.wamid == W1]
    assert len(app) == 1 and app[0].direction == "out" and app[0].status == "sent"
    assert app[0].text == "Oi! Aqui é a Ana, da loja 😊"
    assert _usage_out(db, bot.tenant_id) == out_before  # we did not send it
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=conv.id)
    kinds = [(i.kind, i.type) for i in view.items]
    # (the line comes first, as "taken over by the team" does before a person's reply)
    assert kinds[-2:] == [("system", "app_reply"), ("app", "text")]
    bubble = timeline_bubble(view.items[-1], "pt")
    assert bubble.kind == "app" and bubble.text == "Oi! Aqui é a Ana, da loja 😊"

    # the customer answers the person: the bot stays quiet
    sent_before = len(replies_to(graph_url, wa))
    post(client, bot, [samples.text_message(wa, "quero 2 bolos de pote")])

    def handled():
        msgs = [m for m in _messages(db, conv.id) if m.text == "quero 2 bolos de pote"]
        return msgs and msgs[0].status != "pending"
    wait_for(handled)
    assert len(replies_to(graph_url, wa)) == sent_before
    assert _conversation(db, bot, wa).status == "human"


def test_retries_edits_and_deletions_from_the_app(path, client, bot, db):
    W2 = samples.new_wamid()  # (wamids are unique across the whole table)
    wa = "5511955560002"  # the business writes first: contact and conversation are created
    first = samples.app_echo(wa, "Seu pedido saiu para entrega", wamid=W2)
    _echo(client, bot, first)
    _echo(client, bot, first)  # Meta sent it again
    conv = _conversation(db, bot, wa)
    assert conv is not None and conv.status == "human"
    assert [m.wamid for m in _messages(db, conv.id)] == [W2]
    logs = db.exec(select(ConversationLog).where(ConversationLog.conversation_id == conv.id,
                                                 ConversationLog.kind == "app_reply")).all()
    assert len(logs) == 1

    _echo(client, bot, samples.app_echo(wa, "Seu pedido saiu para entrega (motoboy João)",
                                        edit_of=W2))
    msg = _messages(db, conv.id)[0]
    assert msg.text == "Seu pedido saiu para entrega (motoboy João)"
    assert _conversation(db, bot, wa).last_message_preview.endswith("(motoboy João)")
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=conv.id)
    item = next(i for i in view.items if i.kind == "app")
    assert timeline_bubble(item, "pt").at.startswith("editada · ")

    _echo(client, bot, samples.app_echo(wa, "", revoke_of=W2))
    msg = _messages(db, conv.id)[0]
    assert msg.text is None and msg.payload.get("revoked")
    assert "motoboy" not in str(msg.payload)  # the contents are gone, as in WhatsApp
    assert _conversation(db, bot, wa).last_message_preview == "🚫 Mensagem apagada"
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=conv.id)
    bubble = timeline_bubble(next(i for i in view.items if i.kind == "app"), "pt")
    assert bubble.text == "Mensagem apagada no app" and bubble.type == "revoked"
    assert len(_messages(db, conv.id)) == 1  # edits and deletions add no message


def test_echoes_never_reach_another_number_or_business(path, client, bot, db):
    wa, W3, W4 = "5511955560003", samples.new_wamid(), samples.new_wamid()
    other = make_owner(db)
    other_inst = make_instance(db, other.tenant_id, channel="whatsapp_cloud")
    theirs, _ = contacts.upsert_contact(db, tenant_id=other.tenant_id,
                                        instance_id=other_inst.id, phone=wa, name="Bia")
    db.commit()
    # an echo of another number reaching this URL: logged, not applied
    _echo(client, bot, samples.app_echo(wa, "oi", wamid=W3),
          phone_number_id="999000111")
    assert _conversation(db, bot, wa) is None
    assert db.exec(select(Message).where(Message.wamid == W3)).first() is None
    # this business's echo to the same phone: only its own contact gets it
    _echo(client, bot, samples.app_echo(wa, "oi Bia", wamid=W4))
    mine = _conversation(db, bot, wa)
    assert [m.wamid for m in _messages(db, mine.id)] == [W4]
    db.expire_all()
    their_conv = db.exec(select(Conversation).where(Conversation.contact_id == theirs.id)
                         ).first()
    assert their_conv is None or not _messages(db, their_conv.id)
    # a deletion naming a message of another conversation changes nothing
    other_wa = "5511955560004"
    _echo(client, bot, samples.app_echo(other_wa, "", revoke_of=W4))
    assert _messages(db, mine.id)[0].text == "oi Bia"


def _sync(client, bot, *items: dict, phone_number_id: str | None = None) -> None:
    body = samples.envelope([("smb_app_state_sync", {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881",
                     "phone_number_id": phone_number_id or bot.phone_number_id},
        "state_sync": list(items)})])
    raw, headers = samples.signed(body, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200


def _synced(phone: str, action: str = "add", name: str = "", ts: int = 1739321024) -> dict:
    contact = {"phone_number": phone}
    if name:
        contact |= {"full_name": name, "first_name": name.split()[0]}
    return {"type": "contact", "contact": contact, "action": action,
            "metadata": {"timestamp": str(ts)}}


def test_the_apps_address_book_names_contacts_and_a_removal_deletes_nothing(path, client,
                                                                              bot, db):
    other = make_owner(db)
    other_inst = make_instance(db, other.tenant_id, channel="whatsapp_cloud")
    theirs, _ = contacts.upsert_contact(db, tenant_id=other.tenant_id,
                                        instance_id=other_inst.id, phone="+5511955560011",
                                        name="Outra Pessoa")
    db.commit()
    _sync(client, bot,
          _synced("5511955560011", name="Pablo Morales"),
          _synced("5511955560012", name="Dona Cida", ts=1739321024),
          _synced("5511955560012", name="Dona Cida (bolos)", ts=1739321030),  # edited later
          _synced("12", name="?"),  # not a phone: skipped
          {"type": "contact", "action": "add"})  # malformed: logged

    def named(phone: str) -> str | None:
        db.expire_all()
        row = db.exec(select(Contact).where(Contact.instance_id == bot.instance_id,
                                            Contact.wa_id == phone)).first()
        return row.name if row else None
    assert named("5511955560011") == "Pablo Morales"
    assert named("5511955560012") == "Dona Cida (bolos)"
    db.refresh(theirs)
    assert theirs.name == "Outra Pessoa"  # the other business's contact with that phone
    _sync(client, bot, _synced("5511955560011", action="remove"))
    assert named("5511955560011") == "Pablo Morales"  # history and consents stay
    _sync(client, bot, _synced("5511955560013", name="De outro número"),
          phone_number_id="999000111")
    assert named("5511955560013") is None


def _settle(path: str) -> None:
    """Let the pipeline handle what is pending: in-process jobs run by themselves; with
    Redis ("fast") no worker runs here, so drain in-process."""
    if path == "fast":
        drain.drain(linger_s=0.3)
    else:
        time.sleep(1.0)


def _history(client, bot, threads: list[dict], *, declined: bool = False,
             phone_number_id: str | None = None) -> None:
    chunk = ({"errors": [{"code": 2593109, "title": "History sharing declined"}]} if declined
             else {"metadata": {"phase": 0, "chunk_order": 1, "progress": 100},
                   "threads": threads})
    body = samples.envelope([("history", {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881",
                     "phone_number_id": phone_number_id or bot.phone_number_id},
        "history": [chunk]})])
    raw, headers = samples.signed(body, SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200


def _said(wa: str, text: str, ts: int, *, mine: bool = False, status: str = "read") -> dict:
    return {"from": "15550783881" if mine else wa, "id": samples.new_wamid(),
            "timestamp": str(ts), "type": "text", "text": {"body": text},
            "history_context": {"status": status} | ({"from_me": True} if mine else {})}


def test_the_apps_past_chats_are_imported_as_they_were_and_never_answered(path, client, bot,
                                                                        graph_url, db):
    wa, other_wa = "5511955560021", "5511955560022"
    now = int(time.time())
    thread = [_said(wa, "Vocês fazem bolo de aniversário?", now - 7200),
              _said(wa, "Fazemos sim! Para quantas pessoas?", now - 7100, mine=True),
              _said(wa, "Umas 20", now - 7000),
              _said(wa, "Fica R$ 180,00", now - 6900, mine=True, status="delivered")]
    _history(client, bot, [{"id": wa, "messages": thread},
                           {"id": other_wa, "messages": [_said(other_wa, "oi", now - 90000)]}])
    _history(client, bot, [{"id": wa, "messages": thread + thread[:1]}])  # sent again
    conv = _conversation(db, bot, wa)
    rows = _messages(db, conv.id)
    assert [(m.direction, m.text, m.status) for m in rows] == [
        ("in", "Vocês fazem bolo de aniversário?", "processed"),
        ("out", "Fazemos sim! Para quantas pessoas?", "read"),
        ("in", "Umas 20", "processed"),
        ("out", "Fica R$ 180,00", "delivered")]
    assert conv.status == "bot" and conv.last_message_preview == "Fica R$ 180,00"
    assert conv.last_message_from == "app" and conv.last_inbound_at is not None
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=conv.id)
    assert [i.kind for i in view.items] == ["customer", "app", "customer", "app"]
    assert _conversation(db, bot, other_wa) is not None
    assert _usage_out(db, bot.tenant_id) == 0  # not sent by us, not counted
    # the past is never answered: nothing reached Graph for these customers
    _settle(path)
    assert not replies_to(graph_url, wa) and not replies_to(graph_url, other_wa)
    # the past arriving after newer messages: the inbox still opens on the newest
    post(client, bot, [samples.text_message(other_wa, "bom dia, ainda tem bolo?")])
    _settle(path)
    wait_for(lambda: replies_to(graph_url, other_wa))
    _history(client, bot, [{"id": other_wa, "messages": [
        _said(other_wa, f"mensagem antiga {n}", now - 200000 + n) for n in range(60)]}])
    other_conv = _conversation(db, bot, other_wa)
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id,
                                         conversation_id=other_conv.id, limit=20)
    assert view.older and view.items[-2].text == "bom dia, ainda tem bolo?"
    assert view.items[-1].kind == "bot"
    # declined, or another number's: nothing stored
    _history(client, bot, [], declined=True)
    _history(client, bot, [{"id": "5511955560023", "messages": [
        _said("5511955560023", "oi", now)]}], phone_number_id="999000111")
    assert _conversation(db, bot, "5511955560023") is None
