"""The team's inbox on the real pipeline: hand-off, an agent's reply through the outbox,
the 24-hour window, returning to the bot, ordering with the bot's replies, isolation."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import col, select

from tests.factories import make_owner
from tests.pipeline.conftest import SECRET, wait_for
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.models import Conversation, ConversationLog, Message, UsageCounter, utcnow
from ylada_app.services import agent_inbox
from ylada_app.services.errors import NotFound, ServiceError


def _owner_of(db, bot):
    from ylada_app.models import Membership

    return db.exec(select(Membership.user_id).where(Membership.tenant_id == bot.tenant_id)).one()


def _hand_off(client, bot, graph, wa: str) -> int:
    post(client, bot, [samples.text_message(wa, "oi")])
    wait_for(lambda: replies_to(graph, wa))
    post(client, bot, [samples.button_reply(wa, "atendente", "Falar com atendente")])
    wait_for(lambda: len(replies_to(graph, wa)) >= 2)
    return wait_for(lambda: _conversation(bot, wa, status="human"))


def _conversation(bot, wa: str, status: str | None = None) -> int | None:
    from ylada_app.core.db import session_scope
    from ylada_app.models import Contact

    with session_scope() as s:
        row = s.exec(select(Conversation).join(Contact, Contact.id == Conversation.contact_id)
                     .where(Contact.wa_id == wa, Conversation.instance_id == bot.instance_id)
                     ).first()
        if row is None or (status and row.status != status):
            return None
        return row.id


def test_handoff_shows_in_the_inbox_and_the_agent_reply_goes_through_the_outbox(
        client, bot, graph_url, db):
    wa = "5511955550001"
    agent = _owner_of(db, bot)
    cid = _hand_off(client, bot, graph_url, wa)
    rows = agent_inbox.list_conversations(db, tenant_id=bot.tenant_id, user_id=agent)
    row = next(r for r in rows if r.id == cid)
    assert row.status == "human" and row.waiting_since is not None
    assert row.last_from == "bot" and "equipe" in row.preview
    # the customer writes while waiting: stored, unread, not answered by the bot
    post(client, bot, [samples.text_message(wa, "alguém aí?")])
    wait_for(lambda: agent_inbox.list_conversations(
        db, tenant_id=bot.tenant_id, user_id=agent)[0].unread >= 1)
    assert len(replies_to(graph_url, wa)) == 2
    before = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == bot.tenant_id)).one()
    out_before = before.messages_out
    mid = agent_inbox.send_agent_message(tenant_id=bot.tenant_id, conversation_id=cid,
                                         user_id=agent, text="Olá! Sou a Ana 😊 Como ajudo?")
    sent = wait_for(lambda: [m for m in replies_to(graph_url, wa) if m["type"] == "text"
                             and "Sou a Ana" in m["text"]["body"]])
    assert len(sent) == 1 and sent[0]["text"]["body"] == "Olá! Sou a Ana 😊 Como ajudo?"

    def recorded():  # Graph has it before the worker writes down the outcome
        db.expire_all()
        row = db.get(Message, mid)
        return row if row.status != "sending" else None
    msg = wait_for(recorded)
    assert msg.status == "sent" and msg.author_user_id == agent and msg.wamid
    usage = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == bot.tenant_id)).one()
    assert usage.messages_out == out_before + 1  # counted like the bot's
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=cid)
    kinds = [i.kind for i in view.items]
    assert kinds[:2] == ["customer", "bot"] and kinds[-1] == "agent"
    assert "system" in kinds  # the hand-off line
    assert view.send.allowed and view.send.closes_at is not None
    conv = db.get(Conversation, cid)
    assert conv.waiting_since is None and conv.assignee_user_id == agent


def test_a_note_is_never_sent_and_return_to_bot_answers_the_next_message(
        client, bot, graph_url, db):
    wa = "5511955550002"
    agent = _owner_of(db, bot)
    cid = _hand_off(client, bot, graph_url, wa)
    agent_inbox.add_note(db, tenant_id=bot.tenant_id, conversation_id=cid, user_id=agent,
                         text="Cliente VIP, oferecer frete grátis")
    agent_inbox.return_to_bot(db, tenant_id=bot.tenant_id, conversation_id=cid, user_id=agent)
    db.commit()
    wait_for(lambda: _conversation(bot, wa, status="bot"))
    assert not [m for m in replies_to(graph_url, wa) if "VIP" in str(m)]
    count = len(replies_to(graph_url, wa))
    post(client, bot, [samples.text_message(wa, "menu")])
    wait_for(lambda: len(replies_to(graph_url, wa)) > count)
    assert replies_to(graph_url, wa)[-1]["type"] == "interactive"  # the flow answered
    logs = db.exec(select(ConversationLog.kind).where(ConversationLog.conversation_id == cid)
                   ).all()
    assert {"handoff", "note", "returned_to_bot"} <= set(logs)


def test_outside_the_24_hour_window_the_agent_is_told_and_nothing_is_written(
        client, bot, graph_url, db):
    wa = "5511955550003"
    agent = _owner_of(db, bot)
    cid = _hand_off(client, bot, graph_url, wa)
    conv = db.get(Conversation, cid)
    conv.last_inbound_at = utcnow() - timedelta(hours=25)
    db.add(conv)
    db.commit()
    with pytest.raises(ServiceError) as exc:
        agent_inbox.send_agent_message(tenant_id=bot.tenant_id, conversation_id=cid,
                                       user_id=agent, text="Ainda precisa de ajuda?")
    assert exc.value.code == "outbound.window_closed"
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=cid)
    assert not view.send.allowed and view.send.template_only
    assert not db.exec(select(Message).where(Message.conversation_id == cid,
                                             Message.author_user_id.is_not(None))).all()


@pytest.mark.parametrize("text", ["", "   ", "x" * 4097, ["lista"]])
def test_bad_agent_messages_are_refused(client, bot, graph_url, db, text):
    agent = _owner_of(db, bot)
    cid = _hand_off(client, bot, graph_url, "5511955550004")
    from ylada_app.services.errors import FieldErrors

    with pytest.raises(FieldErrors):
        agent_inbox.send_agent_message(tenant_id=bot.tenant_id, conversation_id=cid,
                                       user_id=agent, text=text)


def test_another_business_cannot_see_or_touch_the_conversation(client, bot, graph_url, db):
    cid = _hand_off(client, bot, graph_url, "5511955550005")
    other = make_owner(db)
    assert all(r.id != cid for tab in agent_inbox.TABS for r in agent_inbox.list_conversations(
        db, tenant_id=other.tenant_id, user_id=other.user_id, tab=tab))
    calls = [
        lambda: agent_inbox.conversation_view(db, tenant_id=other.tenant_id,
                                              conversation_id=cid),
        lambda: agent_inbox.send_agent_message(tenant_id=other.tenant_id, conversation_id=cid,
                                               user_id=other.user_id, text="oi"),
        lambda: agent_inbox.add_note(db, tenant_id=other.tenant_id, conversation_id=cid,
                                     user_id=other.user_id, text="x"),
        lambda: agent_inbox.assign(db, tenant_id=other.tenant_id, conversation_id=cid,
                                   user_id=other.user_id, assignee_id=other.user_id),
        lambda: agent_inbox.set_status(db, tenant_id=other.tenant_id, conversation_id=cid,
                                       user_id=other.user_id, action="resolve"),
        lambda: agent_inbox.return_to_bot(db, tenant_id=other.tenant_id, conversation_id=cid,
                                          user_id=other.user_id),
        lambda: agent_inbox.mark_read(db, tenant_id=other.tenant_id, conversation_id=cid),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
        db.rollback()
    # a member of the business cannot assign it to someone from elsewhere
    owner = _owner_of(db, bot)
    from ylada_app.services.errors import FieldErrors

    with pytest.raises(FieldErrors):
        agent_inbox.assign(db, tenant_id=bot.tenant_id, conversation_id=cid, user_id=owner,
                           assignee_id=other.user_id)
    db.rollback()
    conv = db.get(Conversation, cid)
    assert conv.status == "human" and conv.assignee_user_id is None


def test_agent_and_bot_replies_to_one_contact_keep_their_order_and_go_once(
        client, bot, graph_url, db):
    """Customer messages (answered by the bot) and an agent taking over, at the same time:
    what Graph receives for the contact is exactly the outbox, once each, in id order."""
    wa = "5511955550006"
    agent = _owner_of(db, bot)
    post(client, bot, [samples.text_message(wa, "oi")])
    wait_for(lambda: replies_to(graph_url, wa))
    cid = _conversation(bot, wa)
    stop = threading.Event()

    def customer() -> None:
        for n in range(15):
            post(client, bot, [samples.text_message(wa, "menu" if n % 2 else "oi")])

    def agent_writes() -> None:
        for n in range(5):
            agent_inbox.send_agent_message(tenant_id=bot.tenant_id, conversation_id=cid,
                                           user_id=agent, text=f"agente {n}")

    threads = [threading.Thread(target=customer), threading.Thread(target=agent_writes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()

    def outbox():
        db.expire_all()
        return db.exec(select(Message).where(Message.conversation_id == cid,
                                             Message.direction == "out")
                       .order_by(Message.id)).all()

    wait_for(lambda: all(m.status == "sent" for m in outbox()) and len(outbox()) >= 6)
    rows = outbox()
    graph_ids = [m["_wamid"] for m in replies_to(graph_url, wa)] if replies_to(
        graph_url, wa) and "_wamid" in replies_to(graph_url, wa)[0] else None
    bodies = [_body(m) for m in replies_to(graph_url, wa)]
    assert bodies == [_body(r.payload) for r in rows]  # same messages, same order, once
    assert sum(b.startswith("agente") for b in bodies) == 5
    assert graph_ids is None or len(set(graph_ids)) == len(graph_ids)


def _body(payload: dict) -> str:
    if payload.get("type") == "text":
        text = payload.get("text")
        return text["body"] if isinstance(text, dict) else str(text)
    if payload.get("type") == "interactive":
        return payload["interactive"]["body"]["text"]
    if payload.get("type") == "buttons":
        return payload.get("text", "")
    return str(payload.get("text", payload.get("type")))


def test_a_file_by_link_goes_as_media_and_bad_links_are_refused(client, bot, graph_url, db):
    from ylada_app.services.errors import FieldErrors

    wa = "5511955550007"
    agent = _owner_of(db, bot)
    cid = _hand_off(client, bot, graph_url, wa)
    for url in ("", "http://x.com/a.pdf", "javascript:alert(1)", "https://a b.com/x.pdf",
                "https://" + "a" * 2000):
        with pytest.raises(FieldErrors):
            agent_inbox.media_message(url, "document")
    media = agent_inbox.media_message("https://loja.exemplo/catalogo.pdf?v=2", "document",
                                      "Nosso catálogo")
    agent_inbox.send_agent_message(tenant_id=bot.tenant_id, conversation_id=cid, user_id=agent,
                                   media=media)
    sent = wait_for(lambda: [m for m in replies_to(graph_url, wa) if m["type"] == "document"])
    assert sent[0]["document"]["link"] == "https://loja.exemplo/catalogo.pdf?v=2"
    assert sent[0]["document"]["filename"] == "catalogo.pdf"
    assert sent[0]["document"]["caption"] == "Nosso catálogo"
    row = agent_inbox.list_conversations(db, tenant_id=bot.tenant_id, user_id=agent)
    assert next(r for r in row if r.id == cid).preview == "Nosso catálogo"


def test_quick_replies_and_tags_belong_to_their_business(client, bot, graph_url, db):
    from ylada_app.services.errors import FieldErrors

    agent = _owner_of(db, bot)
    other = make_owner(db)
    cid = _hand_off(client, bot, graph_url, "5511955550008")
    for bad in ("", "com espaço", "Maiúscula", "x" * 31):
        with pytest.raises(FieldErrors):
            agent_inbox.save_quick_reply(db, tenant_id=bot.tenant_id, shortcut=bad, text="oi")
    row = agent_inbox.save_quick_reply(db, tenant_id=bot.tenant_id, shortcut="/horario",
                                       text="Das 8h às 18h")
    agent_inbox.save_quick_reply(db, tenant_id=bot.tenant_id, shortcut="horario",
                                 text="Das 9h às 18h")  # same shortcut: updated
    db.commit()
    assert [(q.shortcut, q.text) for q in agent_inbox.quick_replies(
        db, tenant_id=bot.tenant_id)] == [("horario", "Das 9h às 18h")]
    assert agent_inbox.quick_replies(db, tenant_id=other.tenant_id) == []
    with pytest.raises(NotFound):
        agent_inbox.delete_quick_reply(db, tenant_id=other.tenant_id, reply_id=row.id)
    assert agent_inbox.set_tags(db, tenant_id=bot.tenant_id, conversation_id=cid,
                                user_id=agent, add="vip, troca") == ["vip", "troca"]
    assert agent_inbox.set_tags(db, tenant_id=bot.tenant_id, conversation_id=cid,
                                user_id=agent, remove="vip") == ["troca"]
    db.commit()
    with pytest.raises(NotFound):
        agent_inbox.set_tags(db, tenant_id=other.tenant_id, conversation_id=cid,
                             user_id=other.user_id, add="intruso")
    db.rollback()
    rows = agent_inbox.list_conversations(db, tenant_id=bot.tenant_id, user_id=agent,
                                          tag="troca")
    assert [r.id for r in rows] == [cid]


def test_search_finds_name_phone_and_words_of_messages(client, bot, graph_url, db):
    agent = _owner_of(db, bot)
    wa = "5511955550009"
    cid = _hand_off(client, bot, graph_url, wa)
    post(client, bot, [samples.text_message(wa, "Não recebi o código de rastreio")])
    # listed (unread) as soon as stored; its words are searchable once the pipeline ran
    wait_for(lambda: agent_inbox.list_conversations(
        db, tenant_id=bot.tenant_id, user_id=agent)[0].unread >= 1)
    wait_for(lambda: _no_pending(cid))

    def found(text: str) -> bool:
        return any(r.id == cid for r in agent_inbox.list_conversations(
            db, tenant_id=bot.tenant_id, user_id=agent, search=text))

    assert found("rastreio") and found("nao recebi") and found("RASTR")  # words, prefixes
    assert found("atendente")  # earlier messages' words (the bot answered them) are kept
    assert found("55550009")  # phone digits
    agent_inbox.send_agent_message(tenant_id=bot.tenant_id, conversation_id=cid,
                                   user_id=agent, text="Seu pedido 48213 já saiu")
    assert found("48213") and found("pedido 482")  # what the team wrote
    assert not found("ajudar")  # the bot's greeting is the same for everyone: not searched
    assert not found("boleto") and not found("%") and not found("'; drop table")


def _no_pending(conversation_id: int) -> bool:
    from ylada_app.core.db import session_scope

    with session_scope() as s:
        return s.exec(select(Message.id).where(Message.conversation_id == conversation_id,
                                               Message.status == "pending")).first() is None


def test_inbox_shows_something_for_media_location_and_unsupported(client, bot, db):
    """Found by review and fixed: the team's inbox drew an inbound photo, voice note,
    sticker, location, shared contact, reaction, order or a kind WhatsApp does not deliver
    (and a photo echoed from the WhatsApp Business app) as an empty bubble with only its
    time — `bubble_from` knew only our own outbound file. Each now says what it is in
    Portuguese (services.message_words), a location with a link to the map, never ids or
    internal type names."""
    from ylada_app.components.timeline import timeline_bubble
    from ylada_app.services.coexistence import SOURCE

    wa = "5511987659301"
    contacts = {"from": wa, "id": samples.new_wamid(), "timestamp": "1700000000",
                "type": "contacts", "contacts": [{
                    "name": {"formatted_name": "Maria Souza", "first_name": "Maria"},
                    "phones": [{"phone": "+55 11 98888-7777", "wa_id": "5511988887777"}]}]}
    order = {"from": wa, "id": samples.new_wamid(), "timestamp": "1700000000",
             "type": "order", "order": {"catalog_id": "1", "text": "sem cebola",
                                        "product_items": [
                                            {"product_retailer_id": "p1", "quantity": 2,
                                             "item_price": 30, "currency": "BRL"},
                                            {"product_retailer_id": "p2", "quantity": 1,
                                             "item_price": 9.5, "currency": "BRL"}]}}
    sent = [
        samples.media_message(wa, "image"),
        samples.media_message(wa, "video", caption="Como ficou", mime_type="video/mp4"),
        samples.media_message(wa, "audio", mime_type="audio/ogg; codecs=opus", voice=True),
        samples.media_message(wa, "document", mime_type="application/pdf",
                              filename="orcamento.pdf"),
        samples.media_message(wa, "sticker", mime_type="image/webp", animated=True),
        samples.location_message(wa, -23.56, -46.65, name="Loja Paulista"),
        contacts,
        samples.reaction_message(wa, "wamid.SOMEBOTMSG", "❤️"),
        samples.reaction_message(wa, "wamid.SOMEBOTMSG", ""),
        order,
        samples.list_reply(wa, "pizza_g", "Pizza grande"),
        samples.unsupported_message(wa, "poll_creation"),
    ]
    assert post(client, bot, sent).status_code == 200
    wamids = [m["id"] for m in sent]

    def handled():
        db.expire_all()
        return not db.exec(select(Message.id).where(col(Message.wamid).in_(wamids),
                                                    Message.status == "pending")).first()
    wait_for(handled)  # (the bot's answers first: the app's photo is the last message)
    echo = {"from": "15550001111", "to": wa, "id": samples.new_wamid(),
            "timestamp": str(int(time.time())), "type": "image",
            "image": {"id": "1234567890", "mime_type": "image/jpeg", "sha256": "ab"}}
    raw, headers = samples.signed(samples.echo_webhook(bot.phone_number_id, [echo]), SECRET)
    assert client.post(bot.url, content=raw, headers=headers).status_code == 200

    conv_id = db.exec(select(Message.conversation_id).where(
        Message.wamid == sent[0]["id"])).one()
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=conv_id)
    by_wamid = {m.id: m.wamid for m in db.exec(select(Message).where(
        Message.conversation_id == conv_id)).all()}
    bubbles = {by_wamid[int(i.key[1:])]: timeline_bubble(i, "pt") for i in view.items
               if i.key.startswith("m")}
    shown = [bubbles[m["id"]].text for m in sent]
    assert shown == [
        "📷 Foto", "🎬 Vídeo\nComo ficou", "🎤 Áudio", "📄 Documento: orcamento.pdf",
        "Figurinha", "📍 Localização: Loja Paulista",
        "👤 Contato: Maria Souza +55 11 98888-7777", "Reagiu com ❤️ a uma mensagem",
        "Removeu a reação", "🛒 Pedido: 3 itens\nsem cebola", "Pizza grande",
        "Mensagem não suportada pelo WhatsApp (enquete)"]
    assert bubbles[sent[5]["id"]].map_url == "https://maps.google.com/?q=-23.56,-46.65"
    assert all(not b.map_url for k, b in bubbles.items() if k != sent[5]["id"])
    app = bubbles[echo["id"]]
    assert app.kind == SOURCE and app.text == "📷 Foto"
    for text in shown:  # words, never what only the machine reads
        assert not any(bit in text for bit in ("wamid", "{", "poll_creation", "1234567890"))
    # the conversation list says the same as the bubbles (here: the app's photo, last)
    db.expire_all()
    assert db.get(Conversation, conv_id).last_message_preview == "📷 Foto"
    # and in English for a team member who reads it
    english = [timeline_bubble(i, "en").text for i in view.items if i.kind == "customer"]
    assert "🛒 Order: 3 items\nsem cebola" in english and "Removed the reaction" in english
