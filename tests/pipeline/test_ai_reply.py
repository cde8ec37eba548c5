"""The AI assistant on the hot path: signed webhook → drain → engine → ai_reply effect →
the real `openai` client → local fake OpenAI server → answer fed back → Graph API.
Also the AI fallback, the token budget and the failure paths (500, timeout)."""

from __future__ import annotations

from sqlmodel import select

from tests.pipeline.conftest import wait_for
from tests.pipeline.test_webhook_pipeline import post, replies_to
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import AiConfig, AiLog, KnowledgeItem, UsageCounter, utcnow
from ylada_app.services import ai, entitlements, flows, knowledge
from ylada_app.testing.retrieval_eval import EXAMPLES


def _node(node_id, kind, **data):
    return {"id": node_id, "type": kind, "position": {"x": 0, "y": 0}, "data": data}


def _edge(a, b, handle="out"):
    return {"id": f"{a}-{handle}-{b}", "source": a, "sourceHandle": handle, "target": b}


AI_FLOW = {"version": 1, "variables": [], "nodes": [
    _node("start", "start", triggers=[{"type": "keyword", "keywords": ["ia"],
                                       "match": "exact"}]),
    _node("ask", "question", text="Pode perguntar!", variable="pergunta"),
    _node("ai", "ai_reply", prompt="Responda sobre produtos.", use_knowledge=True),
], "edges": [_edge("start", "ask"), _edge("ask", "ai", "ok")]}


def _setup(db, bot, *, fallback=False):
    knowledge.import_upload(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                            filename="catalogo.csv",
                            data=(EXAMPLES / "catalogo.csv").read_bytes())
    flow = flows.create_flow(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                             name="IA", definition=AI_FLOW)
    flows.publish(db, tenant_id=bot.tenant_id, flow_id=flow.id)
    ai.save_config(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                   data={"fallback_enabled": fallback, "company": "Distribuidora Teste",
                         "hours": "seg a sex, 8h às 18h"})
    db.commit()


def _texts(graph, wa):
    return [m["text"]["body"] for m in replies_to(graph, wa) if m["type"] == "text"]


def _logs(db, tenant_id):
    db.expire_all()
    return db.exec(select(AiLog).where(AiLog.tenant_id == tenant_id)
                   .order_by(AiLog.id)).all()


def test_ai_reply_node_answers_with_the_catalog_price_and_counts_tokens(
        client, bot, graph_url, db, fake_openai):
    _setup(db, bot)
    wa = "5511977770001"
    post(client, bot, [samples.text_message(wa, "ia")])
    wait_for(lambda: "Pode perguntar!" in _texts(graph_url, wa))
    post(client, bot, [samples.text_message(wa, "quanto custa o arroz tipo 1 de 5kg?")])
    texts = wait_for(lambda: [t for t in _texts(graph_url, wa) if "R$" in t])
    assert "R$ 27,90" in texts[0]
    [request] = fake_openai.chat_requests
    system = request["messages"][0]
    assert system["role"] == "system" and "ARZ-001" in system["content"]
    assert "Distribuidora Teste" in system["content"] and "Responda sobre produtos." in \
        system["content"]
    assert {"role": "assistant", "content": "Pode perguntar!"} in request["messages"]
    assert request["messages"][-1] == {"role": "user",
                                       "content": "quanto custa o arroz tipo 1 de 5kg?"}
    assert fake_openai.api_keys == ["sk-platform-test"]
    [row] = _logs(db, bot.tenant_id)
    arroz = db.exec(select(KnowledgeItem).where(KnowledgeItem.tenant_id == bot.tenant_id,
                                                KnowledgeItem.sku == "ARZ-001")).one()
    assert row.item_ids[0] == arroz.id and row.source == "flow" and row.error is None
    usage = db.exec(select(UsageCounter).where(UsageCounter.tenant_id == bot.tenant_id)).one()
    assert usage.ai_tokens == row.tokens > 0


def test_ai_fallback_answers_when_no_flow_matches(client, bot, graph_url, db, fake_openai):
    _setup(db, bot, fallback=True)
    wa = "5511977770002"
    post(client, bot, [samples.text_message(wa, "vocês têm coca cola de 2 litros?")])
    texts = wait_for(lambda: _texts(graph_url, wa))
    assert "R$ 10,99" in texts[0]
    [row] = _logs(db, bot.tenant_id)
    assert row.source == "fallback" and row.answer == texts[0]
    # A keyword still starts its flow: the fallback only speaks when nothing matches.
    post(client, bot, [samples.text_message(wa, "menu")])
    wait_for(lambda: any(m["type"] == "interactive" for m in replies_to(graph_url, wa)))
    assert len(fake_openai.chat_requests) == 1


def test_over_the_token_limit_the_model_is_not_called(client, bot, graph_url, db, fake_openai):
    _setup(db, bot, fallback=True)
    limit = entitlements.limits_for(db, tenant_id=bot.tenant_id).max_ai_tokens_month
    from ylada_app.services.conversations import count_usage
    count_usage(db, tenant_id=bot.tenant_id, messages_in=1)  # make sure the row exists
    count_usage(db, tenant_id=bot.tenant_id, ai_tokens=limit)
    db.commit()
    assert entitlements.ai_tokens_remaining(db, tenant_id=bot.tenant_id) <= 0
    wa = "5511977770003"
    post(client, bot, [samples.text_message(wa, "tem arroz?")])
    texts = wait_for(lambda: _texts(graph_url, wa))
    assert texts == [ai.POLITE_FALLBACK]
    assert fake_openai.chat_requests == []
    [row] = _logs(db, bot.tenant_id)
    assert row.error == ai.LIMIT_ERROR and row.tokens == 0
    cfg = db.exec(select(AiConfig).where(AiConfig.instance_id == bot.instance_id)).one()
    assert cfg.last_error == ai.LIMIT_ERROR


def test_model_500_gives_a_polite_fallback_and_the_tenant_sees_why(
        client, bot, graph_url, db, fake_openai):
    _setup(db, bot)
    fake_openai.fail_next(500, count=5)
    wa = "5511977770004"
    post(client, bot, [samples.text_message(wa, "ia")])
    wait_for(lambda: "Pode perguntar!" in _texts(graph_url, wa))
    post(client, bot, [samples.text_message(wa, "tem feijão preto?")])
    wait_for(lambda: ai.POLITE_FALLBACK in _texts(graph_url, wa))
    assert len(fake_openai.chat_requests) == 2  # the first try and one retry
    [row] = _logs(db, bot.tenant_id)
    assert "http_500" in row.error and row.answer is None and row.tokens == 0
    cfg = db.exec(select(AiConfig).where(AiConfig.instance_id == bot.instance_id)).one()
    assert "http_500" in cfg.last_error and cfg.last_error_at <= utcnow()


def test_slow_model_times_out_into_the_polite_fallback(
        client, bot, graph_url, db, fake_openai, monkeypatch):
    monkeypatch.setenv("AI_TIMEOUT_S", "0.5")
    monkeypatch.setenv("AI_MAX_RETRIES", "0")
    reset_settings_cache()
    _setup(db, bot, fallback=True)
    fake_openai.delay_s = 2.0
    wa = "5511977770005"
    post(client, bot, [samples.text_message(wa, "tem sabonete dove?")])
    texts = wait_for(lambda: _texts(graph_url, wa), timeout=15)
    assert texts == [ai.POLITE_FALLBACK]
    [row] = _logs(db, bot.tenant_id)
    assert "timeout" in row.error
