"""When the assistant does not know — or states a price the business never wrote — the
conversation goes to the team's inbox instead of ending on "não sei": signed webhook → drain
→ AI (real `openai` client → fake server) → hand-off, with the customer's question on the
inbox line and in the team's notification; the bot then stays quiet until the team hands
the conversation back. Each business sees only its own lines and notifications."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from tests.factories import make_owner
from tests.pipeline.conftest import SECRET, TOKEN, Bot, wait_for
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.jobs.inbox import return_to_bot
from ylada_app.models import (
    AiLog,
    AnalyticsEvent,
    Contact,
    Conversation,
    ConversationLog,
    Message,
    Notification,
)
from ylada_app.services import agent_inbox, ai, flows, instances, knowledge, webhook_keys
from ylada_app.services.errors import NotFound


def _node(node_id, kind, **data):
    return {"id": node_id, "type": kind, "position": {"x": 0, "y": 0}, "data": data}


def _edge(a, b, handle="out"):
    return {"id": f"{a}-{handle}-{b}", "source": a, "sourceHandle": handle, "target": b}


def _ai_flow(*, own_handoff: bool = False) -> dict:
    nodes = [_node("start", "start", triggers=[{"type": "keyword", "keywords": ["ia"],
                                                "match": "exact"}]),
             _node("ask", "question", text="Pode perguntar!", variable="pergunta"),
             _node("ai", "ai_reply", prompt="Responda sobre o cardápio.", use_knowledge=True)]
    edges = [_edge("start", "ask"), _edge("ask", "ai", "ok")]
    if own_handoff:  # the business designed its own error path: a handoff block
        nodes.append(_node("team", "handoff", text="Vou chamar alguém da equipe!"))
        edges.append(_edge("ai", "team", "error"))
    return {"version": 1, "variables": [], "nodes": nodes, "edges": edges}


def _setup(db, bot: Bot, *, flow: dict | None = None) -> None:
    knowledge.add_item(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                       kind="product", title="Pizza Calabresa Grande", price="59,90",
                       sku="PZ-1")
    if flow is not None:
        row = flows.create_flow(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                                name="IA", definition=flow)
        flows.publish(db, tenant_id=bot.tenant_id, flow_id=row.id)
    ai.save_config(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                   data={"fallback_enabled": flow is None, "company": "Pizzaria Teste",
                         "policies": "Taxa de entrega: R$ 7,00."})
    db.commit()


def _another_bot(db, graph_url, unique) -> Bot:
    """A second business with its own connected number (the `bot` fixture's recipe)."""
    pnid = str(2 * 10**9 + int(unique[:6], 16))
    graph_url.add_number(pnid, TOKEN)
    owner = make_owner(db, tenant_name="Outra Pizzaria")
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Outra",
                                     channel="whatsapp_cloud")
    db.commit()
    instances.connect_whatsapp(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               instance_id=inst.id, phone_number_id=pnid, waba_id=None,
                               access_token=TOKEN, app_secret=SECRET, check=check_phone_number)
    db.commit()
    webhook_keys.forget()
    return Bot(owner.tenant_id, inst.id, inst.webhook_key, pnid,
               f"/webhooks/whatsapp/{inst.webhook_key}")


def _texts(graph, wa):
    return [m["text"]["body"] for m in replies_to(graph, wa) if m["type"] == "text"]


def _conversation(db, tenant_id, wa) -> Conversation | None:
    db.expire_all()
    return db.exec(select(Conversation).join(Contact, Contact.id == Conversation.contact_id)
                   .where(Conversation.tenant_id == tenant_id, Contact.wa_id == wa)).first()


def _handed_over(db, tenant_id, wa) -> Conversation:
    return wait_for(lambda: (c := _conversation(db, tenant_id, wa)) is not None
                    and c.status == "human" and c)


def _lines(db, tenant_id) -> list[ConversationLog]:
    db.expire_all()
    return list(db.exec(select(ConversationLog).where(ConversationLog.tenant_id == tenant_id)
                        .order_by(ConversationLog.id)))


def _notifications(db, tenant_id) -> list[Notification]:
    db.expire_all()
    return list(db.exec(select(Notification).where(Notification.tenant_id == tenant_id)))


def test_a_question_the_assistant_cannot_answer_goes_to_the_team(
        client, bot, graph_url, db, fake_openai, unique):
    other = _another_bot(db, graph_url, unique)
    _setup(db, bot)
    _setup(db, other)
    ours, theirs = "vocês consertam bicicleta?", "vocês fazem bolo de aniversário?"
    wa, wa_other = "5511977771001", "5511977771002"
    # The customer is told a person will answer — never "não sei" — and the chat is the team's.
    post(client, bot, [samples.text_message(wa, ours)])
    assert wait_for(lambda: _texts(graph_url, wa)) == [ai.HANDOFF_UNKNOWN]
    post(client, other, [samples.text_message(wa_other, theirs)])
    assert wait_for(lambda: _texts(graph_url, wa_other)) == [ai.HANDOFF_UNKNOWN]
    conv = _handed_over(db, bot.tenant_id, wa)
    conv_other = _handed_over(db, other.tenant_id, wa_other)
    assert conv.session["status"] == "human" and conv.waiting_since is not None

    # The inbox line highlights the question (instead of "the customer asked for a person").
    view = agent_inbox.conversation_view(db, tenant_id=bot.tenant_id, conversation_id=conv.id)
    assert [(i.kind, i.type, i.text) for i in view.items if i.kind == "system"] == [
        ("system", "ai_unknown", ours)]
    [row] = agent_inbox.list_conversations(db, tenant_id=bot.tenant_id,
                                           user_id=_member(db, bot.tenant_id), tab="open")
    assert row.id == conv.id
    # The team is notified with the question.
    [note] = _notifications(db, bot.tenant_id)
    assert note.kind == "handoff" and note.conversation_id == conv.id
    assert note.title.startswith("A IA não soube responder") and ours in note.body
    [log_row] = db.exec(select(AiLog).where(AiLog.tenant_id == bot.tenant_id)).all()
    assert log_row.error == ai.UNKNOWN_NOTE_TEAM and log_row.answer == ai.HANDOFF_UNKNOWN
    assert db.exec(select(AnalyticsEvent).where(
        AnalyticsEvent.conversation_id == conv.id, AnalyticsEvent.type == "handoff")).one() \
        .data.get("by") == "ai"

    # Each business sees only its own question.
    assert [(ln.kind, ln.text) for ln in _lines(db, bot.tenant_id)] == [("ai_unknown", ours)]
    assert [(ln.kind, ln.text) for ln in _lines(db, other.tenant_id)] == [
        ("ai_unknown", theirs)]
    assert all(theirs not in n.body for n in _notifications(db, bot.tenant_id))
    assert all(ours not in n.body and n.conversation_id == conv_other.id
               for n in _notifications(db, other.tenant_id))
    with pytest.raises(NotFound):
        agent_inbox.conversation_view(db, tenant_id=other.tenant_id, conversation_id=conv.id)

    # While the team has it, the bot (and the model) stay quiet.
    asked = len(fake_openai.chat_requests)
    post(client, bot, [samples.text_message(wa, "alô? alguém?")])
    wait_for(lambda: _status_of(db, conv.id, "alô? alguém?") == "ignored")
    time.sleep(0.3)
    assert _texts(graph_url, wa) == [ai.HANDOFF_UNKNOWN]
    assert len(fake_openai.chat_requests) == asked

    # Handed back, the assistant answers again.
    return_to_bot(conv.id)
    assert _conversation(db, bot.tenant_id, wa).status == "bot"
    post(client, bot, [samples.text_message(wa, "quanto custa a pizza calabresa?")])
    texts = wait_for(lambda: [t for t in _texts(graph_url, wa) if "59,90" in t])
    assert "Pizza Calabresa" in texts[0]  # the catalog item, said by the assistant


def _member(db, tenant_id) -> int:
    from ylada_app.models import Membership

    return db.exec(select(Membership.user_id).where(Membership.tenant_id == tenant_id)).first()


def _status_of(db, conversation_id, text) -> str | None:
    db.expire_all()
    return db.exec(select(Message.status).where(Message.conversation_id == conversation_id,
                                                Message.text == text)).first()


def test_an_invented_price_in_a_flow_hands_over_with_the_amount(
        client, bot, graph_url, db, fake_openai):
    _setup(db, bot, flow=_ai_flow())
    wa = "5511977771003"
    post(client, bot, [samples.text_message(wa, "ia")])
    wait_for(lambda: "Pode perguntar!" in _texts(graph_url, wa))
    fake_openai.script("A calabresa sai por 55,00 hoje!")
    post(client, bot, [samples.text_message(wa, "quanto está a calabresa?")])
    wait_for(lambda: ai.HANDOFF_PRICE in _texts(graph_url, wa))
    assert not any("55,00" in t for t in _texts(graph_url, wa))
    conv = _handed_over(db, bot.tenant_id, wa)
    [line] = [ln for ln in _lines(db, bot.tenant_id) if ln.conversation_id == conv.id]
    assert (line.kind, line.text, line.data) == ("ai_price", "quanto está a calabresa?",
                                                 {"amounts": ["R$ 55,00"]})
    [log_row] = db.exec(select(AiLog).where(AiLog.tenant_id == bot.tenant_id)).all()
    assert log_row.error == "Resposta bloqueada: valor R$ 55,00 não está no catálogo."
    # A true total of the catalog (item + the declared delivery fee) is not blocked.
    return_to_bot(conv.id)
    fake_openai.script("Com a entrega, a calabresa fica R$ 66,90.")
    post(client, bot, [samples.text_message(wa, "ia")])
    wait_for(lambda: _texts(graph_url, wa).count("Pode perguntar!") == 2)
    post(client, bot, [samples.text_message(wa, "quanto está a calabresa?")])
    wait_for(lambda: "Com a entrega, a calabresa fica R$ 66,90." in _texts(graph_url, wa))


def test_a_flow_with_its_own_error_path_keeps_it_and_the_line_says_why(
        client, bot, graph_url, db, fake_openai):
    _setup(db, bot, flow=_ai_flow(own_handoff=True))
    wa = "5511977771004"
    post(client, bot, [samples.text_message(wa, "ia")])
    wait_for(lambda: "Pode perguntar!" in _texts(graph_url, wa))
    fake_openai.script(ai.NO_ANSWER_MARK)
    post(client, bot, [samples.text_message(wa, "vocês aceitam vale-refeição?")])
    wait_for(lambda: "Vou chamar alguém da equipe!" in _texts(graph_url, wa))
    assert ai.HANDOFF_UNKNOWN not in _texts(graph_url, wa)  # the business's own words
    conv = _handed_over(db, bot.tenant_id, wa)
    assert [(ln.kind, ln.text) for ln in _lines(db, bot.tenant_id)
            if ln.conversation_id == conv.id] == [("ai_unknown",
                                                   "vocês aceitam vale-refeição?")]
