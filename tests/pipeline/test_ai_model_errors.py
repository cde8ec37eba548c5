"""A failing model is not "the assistant did not know": through the webhook pipeline (real
`openai` client → fake server), a rate limit, a 5xx or a timeout gives the contact the polite
fallback — the conversation stays with the bot, no hand-off line, no notification to the
team, nothing listed as unanswered — while a real "não sei" hands over with the business's
own hand-off text (Treinar IA settings), and only in that business."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from tests.pipeline.conftest import wait_for
from tests.pipeline.test_ai_handoff import (
    _another_bot,
    _conversation,
    _handed_over,
    _lines,
    _notifications,
    _setup,
    _texts,
)
from tests.pipeline.test_webhook_pipeline import post
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import AiLog
from ylada_app.services import ai, ai_learning


def _logs(db, tenant_id) -> list[AiLog]:
    db.expire_all()
    return list(db.exec(select(AiLog).where(AiLog.tenant_id == tenant_id)))


@pytest.mark.parametrize("failure", ["rate_limit", "server_error", "timeout"])
def test_a_failing_model_gives_the_fallback_and_never_hands_over(
        client, bot, graph_url, db, fake_openai, monkeypatch, failure):
    _setup(db, bot)  # the AI fallback on, a business with a team
    if failure == "timeout":
        monkeypatch.setenv("AI_TIMEOUT_S", "0.4")
        monkeypatch.setenv("AI_MAX_RETRIES", "0")
        reset_settings_cache()
        fake_openai.delay_s = 1.5
    else:
        fake_openai.fail_next(429 if failure == "rate_limit" else 503, count=5)
    wa = "5511977772001"
    post(client, bot, [samples.text_message(wa, "vocês consertam bicicleta?")])
    assert wait_for(lambda: _texts(graph_url, wa), timeout=40) == [ai.POLITE_FALLBACK]
    [row] = _logs(db, bot.tenant_id)
    assert row.error.startswith("Falha ao chamar o modelo de IA") and not row.unanswered
    time.sleep(0.3)
    conv = _conversation(db, bot.tenant_id, wa)
    assert conv.status != "human" and (conv.session or {}).get("status") != "human"
    assert _lines(db, bot.tenant_id) == [] and _notifications(db, bot.tenant_id) == []
    assert ai_learning.unanswered_groups(db, tenant_id=bot.tenant_id,
                                         instance_id=bot.instance_id) == []
    # The model back, the next question is answered by it as usual.
    fake_openai.reset()
    reset_settings_cache()
    post(client, bot, [samples.text_message(wa, "quanto custa a pizza calabresa?")])
    assert "59,90" in wait_for(lambda: [t for t in _texts(graph_url, wa) if "59,90" in t])[0]


def test_the_unknown_hand_off_uses_the_business_own_text(client, bot, graph_url, db,
                                                         fake_openai, unique):
    other = _another_bot(db, graph_url, unique)
    _setup(db, bot)
    _setup(db, other)
    own = "Boa pergunta! Vou chamar alguém da equipe da Pizzaria Teste para te responder."
    ai.save_config(db, tenant_id=bot.tenant_id, instance_id=bot.instance_id,
                   data={"handoff_text": own})
    db.commit()
    wa, wa_other = "5511977772002", "5511977772003"
    post(client, bot, [samples.text_message(wa, "vocês consertam bicicleta?")])
    assert wait_for(lambda: _texts(graph_url, wa)) == [own]
    post(client, other, [samples.text_message(wa_other, "vocês consertam bicicleta?")])
    assert wait_for(lambda: _texts(graph_url, wa_other)) == [ai.HANDOFF_UNKNOWN]
    _handed_over(db, bot.tenant_id, wa)
    [line] = _lines(db, bot.tenant_id)
    assert (line.kind, line.text) == ("ai_unknown", "vocês consertam bicicleta?")
    # …and the question waits on the Treinar IA page, in its own business only.
    [group] = ai_learning.unanswered_groups(db, tenant_id=bot.tenant_id,
                                            instance_id=bot.instance_id)
    assert group.question == "vocês consertam bicicleta?" and group.count == 1
    assert ai_learning.unanswered_groups(db, tenant_id=bot.tenant_id,
                                         instance_id=other.instance_id) == []
