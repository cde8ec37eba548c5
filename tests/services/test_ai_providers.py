"""Providers: an instance set to Anthropic answers through the official `anthropic` client
against the fake messages API (testing/fake_anthropic.py) with the same grounding, price
guard, "não sei" handling, errors and logs as the OpenAI-compatible one; the choice is per
instance; the month's tokens and cost by provider/model in BRL (services/ai_costs.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.core.settings import reset_settings_cache
from ylada_app.integrations.anthropic_client import to_anthropic
from ylada_app.models import AiConfig, AiLog, PlatformSetting, utcnow
from ylada_app.services import ai, ai_costs, ai_learning, knowledge
from ylada_app.services.errors import FieldErrors


@pytest.fixture(scope="module")
def anthropic_server():
    from ylada_app.testing.fake_anthropic import FakeAnthropic

    fake = FakeAnthropic().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_anthropic(anthropic_server, fake_openai, monkeypatch):
    anthropic_server.reset()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic_server.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-platform")
    reset_settings_cache()
    yield anthropic_server
    anthropic_server.reset()
    reset_settings_cache()


@pytest.fixture
def shop(db):
    owner = make_owner(db, niche="delivery")
    inst = make_instance(db, owner.tenant_id)
    knowledge.add_item(db, tenant_id=owner.tenant_id, instance_id=inst.id, kind="product",
                       title="Pizza Calabresa Grande", price="59,90", sku="PZ-1")
    ai.save_config(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                   data={"provider": "anthropic", "policies": "Taxa de entrega: R$ 7,00."})
    db.commit()
    return owner.tenant_id, inst.id


def test_anthropic_answers_with_the_same_grounding_and_logs(db, shop, fake_anthropic,
                                                            fake_openai):
    tid, iid = shop
    res = ai.answer(tenant_id=tid, instance_id=iid, question="quanto custa a calabresa?")
    # grounded in the catalog item: its name and price, said in a sentence
    assert res.ok and "Pizza Calabresa Grande sai por R$ 59,90" in res.text
    assert fake_openai.chat_requests == []  # nothing went to the OpenAI endpoint
    [req] = fake_anthropic.requests
    assert fake_anthropic.api_keys == ["sk-ant-platform"]
    assert req["model"] == "claude-haiku-4-5" and req["max_tokens"] == 500
    assert "<conhecimento>" in req["system"] and ai.NO_ANSWER_MARK in req["system"]
    assert "Taxa de entrega: R$ 7,00." in req["system"]
    assert req["messages"] == [{"role": "user", "content": "quanto custa a calabresa?"}]
    row = db.get(AiLog, res.log_id)
    assert (row.provider, row.model) == ("anthropic", "claude-haiku-4-5")
    assert row.prompt_tokens > 0 and row.completion_tokens > 0
    assert row.tokens == row.prompt_tokens + row.completion_tokens == res.tokens


def test_anthropic_answers_go_through_the_price_guard_and_the_unknown_check(
        db, shop, fake_anthropic):
    tid, iid = shop
    fake_anthropic.script("A calabresa sai por 55,00 hoje!")
    res = ai.answer(tenant_id=tid, instance_id=iid, question="calabresa?")
    assert res.text == ai.PRICE_GUARD and "55,00" in res.error
    fake_anthropic.script("Com a entrega fica R$ 66,90.")  # item + declared fee: vouched
    assert ai.answer(tenant_id=tid, instance_id=iid, question="calabresa?").text == \
        "Com a entrega fica R$ 66,90."
    fake_anthropic.script(ai.NO_ANSWER_MARK)
    res = ai.answer(tenant_id=tid, instance_id=iid, question="vocês vendem bicicleta?")
    assert res.unknown and res.text == ai.NO_ANSWER and res.unanswered


def test_the_instance_key_model_and_endpoint_are_its_own(db, shop, fake_anthropic):
    tid, iid = shop
    ai.save_config(db, tenant_id=tid, instance_id=iid,
                   data={"api_key": "sk-ant-tenant", "model": "claude-sonnet-4-5",
                         "base_url": fake_anthropic.base_url, "temperature": "1,6"})
    db.commit()
    ai.answer(tenant_id=tid, instance_id=iid, question="oi")
    assert fake_anthropic.api_keys == ["sk-ant-tenant"]
    req = fake_anthropic.requests[0]
    assert req["model"] == "claude-sonnet-4-5" and "temperature" not in req  # not in the API


@pytest.mark.parametrize("status", [429, 500, 529])
def test_anthropic_errors_are_a_polite_fallback_not_an_unknown(db, shop, fake_anthropic,
                                                               status):
    tid, iid = shop
    fake_anthropic.fail_next(status, count=5)
    res = ai.answer(tenant_id=tid, instance_id=iid, question="vocês vendem bicicleta?")
    assert not res.ok and res.text == ai.POLITE_FALLBACK and res.handoff is None
    assert res.error == f"Falha ao chamar o modelo de IA: http_{status}"
    assert not res.unknown and not res.unanswered
    assert len(fake_anthropic.requests) == 2  # one retry (AI_MAX_RETRIES=1)
    assert ai_learning.unanswered_groups(db, tenant_id=tid, instance_id=iid) == []
    db.expire_all()
    assert f"http_{status}" in db.get(AiConfig, ai.get_config(
        db, tenant_id=tid, instance_id=iid).id).last_error


def test_a_slow_anthropic_times_out(db, shop, fake_anthropic, monkeypatch):
    monkeypatch.setenv("AI_TIMEOUT_S", "0.4")
    monkeypatch.setenv("AI_MAX_RETRIES", "0")
    reset_settings_cache()
    fake_anthropic.delay_s = 1.5
    res = ai.answer(tenant_id=shop[0], instance_id=shop[1], question="calabresa?")
    assert res.text == ai.POLITE_FALLBACK and "timeout" in res.error and not res.unanswered


def test_without_an_anthropic_key_the_model_is_not_called(db, shop, anthropic_server,
                                                          fake_openai, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic_server.base_url)
    reset_settings_cache()
    anthropic_server.reset()
    res = ai.answer(tenant_id=shop[0], instance_id=shop[1], question="calabresa?")
    assert res.error == "Nenhuma chave da Anthropic configurada."
    assert anthropic_server.requests == [] and res.items  # retrieval still shown
    reset_settings_cache()


def test_the_provider_is_chosen_per_instance(db, shop, fake_anthropic, fake_openai):
    tid, iid = shop
    other_inst = make_instance(db, tid)  # same business, another number: OpenAI
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id)
    db.commit()
    ai.answer(tenant_id=tid, instance_id=other_inst.id, question="oi")
    ai.answer(tenant_id=other.tenant_id, instance_id=theirs.id, question="oi")
    assert len(fake_openai.chat_requests) == 2 and fake_anthropic.requests == []
    with pytest.raises(FieldErrors) as err:
        ai.save_config(db, tenant_id=tid, instance_id=iid, data={"provider": "gemini"})
    assert err.value.errors == {"provider": "ai.bad_provider"}
    assert ai.config_view(ai.get_config(db, tenant_id=other.tenant_id,
                                        instance_id=theirs.id))["provider"] == "openai"


def test_handoff_text_is_the_business_own(db, shop, fake_anthropic):
    from tests.services.test_ai_answer import _conversation

    tid, iid = shop
    own = "Vou chamar a Ana da nossa equipe, ela responde rapidinho!"
    ai.save_config(db, tenant_id=tid, instance_id=iid, data={"handoff_text": own})
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id)
    db.commit()
    fake_anthropic.script(ai.NO_ANSWER_MARK)
    res = ai.answer(tenant_id=tid, instance_id=iid, question="bicicleta?",
                    conversation_id=_conversation(db, tid, iid))
    assert res.handoff == "unknown" and res.text == own
    # another business keeps the default; the default is never stored as "own words"
    ai.save_config(db, tenant_id=other.tenant_id, instance_id=theirs.id,
                   data={"handoff_text": ai.HANDOFF_UNKNOWN})
    db.commit()
    assert ai.get_config(db, tenant_id=other.tenant_id, instance_id=theirs.id) \
        .handoff_text == ""
    view = ai.config_view(ai.get_config(db, tenant_id=tid, instance_id=iid))
    assert view["handoff_text"] == own and view["handoff_default"] == ai.HANDOFF_UNKNOWN


def test_month_costs_by_provider_and_model_in_brl(db, shop):
    tid, iid = shop
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id)
    now = utcnow()
    rows = [(tid, iid, "anthropic", "claude-haiku-4-5", 1_000_000, 200_000, now),
            (tid, iid, "anthropic", "claude-haiku-4-5", 500_000, 100_000, now),
            (tid, iid, "openai", "gpt-4o-mini", 2_000_000, 1_000_000, now),
            (tid, iid, "openai", "modelo-local", 1_000_000, 0, now),
            (tid, iid, "openai", "gpt-4o-mini", 9_000_000, 0, now - timedelta(days=40)),
            (other.tenant_id, theirs.id, "openai", "gpt-4o", 9_000_000, 9_000_000, now)]
    for t, i, provider, model, p_in, p_out, at in rows:
        db.add(AiLog(tenant_id=t, instance_id=i, provider=provider, model=model,
                     prompt_tokens=p_in, completion_tokens=p_out, tokens=p_in + p_out,
                     created_at=at))
    # a row from before the split: all its tokens count as input of the default model
    db.add(AiLog(tenant_id=tid, instance_id=iid, tokens=1_000_000, created_at=now))
    db.commit()
    lines = {(c.provider, c.model): c for c in ai_costs.month_costs(db, tenant_id=tid)}
    assert set(lines) == {("anthropic", "claude-haiku-4-5"), ("openai", "gpt-4o-mini"),
                          ("openai", "modelo-local"), ("openai", "*")}
    haiku = lines[("anthropic", "claude-haiku-4-5")]
    assert (haiku.input_tokens, haiku.output_tokens) == (1_500_000, 300_000)
    assert haiku.cost_brl == Decimal("1.5") * Decimal("5.50") + Decimal("0.3") * Decimal("27.50")
    mini = lines[("openai", "gpt-4o-mini")]
    assert mini.input_tokens == 2_000_000 and mini.cost_brl == Decimal("1.66") + Decimal("3.30")
    assert lines[("openai", "modelo-local")].default_price
    assert lines[("openai", "*")].input_tokens == 1_000_000
    # The platform admin's prices win over the defaults.
    ai_costs.set_prices(db, {"anthropic/claude-haiku-4-5": {"input": "6", "output": "30,00"}})
    haiku = next(c for c in ai_costs.month_costs(db, tenant_id=tid)
                 if c.model == "claude-haiku-4-5")
    assert haiku.cost_brl == Decimal("1.5") * 6 + Decimal("0.3") * 30
    assert [c.model for c in ai_costs.month_costs(db, tenant_id=other.tenant_id)] == ["gpt-4o"]
    assert ai_costs.format_cost(Decimal("1234.567")) == "R$ 1.234,57"
    assert ai_costs.format_cost(Decimal("0.004")) == "< R$ 0,01"


@pytest.fixture
def default_ai_prices(db):
    """The price table is the whole platform's: other tests expect the defaults."""
    yield
    db.rollback()
    row = db.get(PlatformSetting, ai_costs.PRICES_KEY)
    if row is not None:
        db.delete(row)
        db.commit()


def test_the_admin_price_table_validates_round_trips_and_prices_usage(db, shop,
                                                                       default_ai_prices):
    tid, iid = shop
    other = make_owner(db)
    theirs = make_instance(db, other.tenant_id)
    for t, i, model in ((tid, iid, "gpt-4o-mini"), (tid, iid, "llama3:8b"),
                        (other.tenant_id, theirs.id, "gpt-4o-mini")):
        db.add(AiLog(tenant_id=t, instance_id=i, provider="openai", model=model,
                     prompt_tokens=1_000_000, completion_tokens=1_000_000,
                     tokens=2_000_000, created_at=utcnow()))
    db.commit()
    assert ai_costs.parse_price("R$ 1.234,50") == Decimal("1234.5")
    assert ai_costs.parse_price("0.83") == ai_costs.parse_price(" 0,83 ") == Decimal("0.83")
    assert [ai_costs.parse_price(v) for v in ("-1", "10000,01", "abc", "", "NaN", None)] \
        == [None] * 6
    # Every bad field is named, in pt-BR; nothing is written.
    with pytest.raises(FieldErrors) as bad:
        ai_costs.set_prices(
            db, {"openai/gpt-4o-mini": {"input": "-1", "output": "3,30"},
                 "openai/gpt-4o": {"input": "13,75", "output": "1e9"},
                 "google/gemini": {"input": "1", "output": "1"}},
            new={"provider": "mistral", "model": "meu modelo", "input": "x", "output": "2"})
    assert set(bad.value.errors) == {
        "input:openai/gpt-4o-mini", "output:openai/gpt-4o", "input:google/gemini",
        "new_provider", "new_model", "new_input"}
    messages = bad.value.messages("pt-BR")
    assert messages["input:openai/gpt-4o-mini"] == "Informe um valor entre 0 e 10.000, ex.: 0,83."
    assert messages["new_model"].startswith("Nome de modelo inválido")
    assert ai_costs.prices(db)[("openai", "gpt-4o-mini")] == (Decimal("0.83"), Decimal("3.30"))
    with pytest.raises(FieldErrors) as dup:  # a model already in the table is edited in place
        ai_costs.set_prices(db, {}, new={"provider": "openai", "model": "gpt-4o",
                                         "input": "1", "output": "1"})
    assert dup.value.errors == {"new_model": "ai_costs.model_exists"}
    with pytest.raises(FieldErrors) as empty:
        ai_costs.set_prices(db, {}, new={"provider": "openai", "model": " ",
                                         "input": "1", "output": "1"})
    assert empty.value.errors == {"new_model": "ai_costs.model_required"}

    # The whole table as shown, one price edited, one model added: only what differs
    # from the defaults is kept.
    shown = {f"{p}/{m}": {"input": str(i).replace(".", ","), "output": str(o)}
             for (p, m), (i, o) in ai_costs.DEFAULT_PRICES.items()}
    shown["openai/gpt-4o-mini"] = {"input": "1,5", "output": "R$ 4"}
    ai_costs.set_prices(db, shown, new={"provider": "openai", "model": "llama3:8b",
                                        "input": "0,1", "output": "0.2"})
    db.commit()
    saved = db.get(PlatformSetting, ai_costs.PRICES_KEY).value
    assert set(saved) == {"openai/gpt-4o-mini", "openai/llama3:8b"}
    rows = {(r.provider, r.model): r for r in ai_costs.table(db)}
    assert (rows[("openai", "gpt-4o-mini")].price_in, rows[("openai", "gpt-4o-mini")].saved,
            rows[("openai", "gpt-4o-mini")].custom) == (Decimal("1.5"), True, False)
    assert rows[("openai", "llama3:8b")].custom and not rows[("openai", "gpt-4o")].saved
    assert [r.model for r in ai_costs.table(db) if r.provider == "openai"][-1] == "*"
    # /usage prices with what was saved, for every business; the added model is no longer
    # priced as the provider's "other models".
    lines = {c.model: c for c in ai_costs.month_costs(db, tenant_id=tid)}
    assert lines["gpt-4o-mini"].cost_brl == Decimal("1.5") + Decimal("4")
    assert lines["llama3:8b"].cost_brl == Decimal("0.3") and not lines["llama3:8b"].default_price
    theirs_line = ai_costs.month_costs(db, tenant_id=other.tenant_id)[0]
    assert theirs_line.cost_brl == Decimal("5.5")
    # Removing the admin's price: the default again, or no row for an added model.
    assert ai_costs.remove_price(db, provider="openai", model="gpt-4o-mini")
    assert ai_costs.remove_price(db, provider="openai", model="llama3:8b")
    assert not ai_costs.remove_price(db, provider="openai", model="gpt-4o")  # nothing saved
    db.commit()
    assert ai_costs.prices(db) == ai_costs.DEFAULT_PRICES
    lines = {c.model: c for c in ai_costs.month_costs(db, tenant_id=tid)}
    assert lines["gpt-4o-mini"].cost_brl == Decimal("0.83") + Decimal("3.30")
    assert lines["llama3:8b"].default_price


def test_openai_shaped_turns_become_alternating_anthropic_turns():
    system, turns = to_anthropic([
        {"role": "system", "content": "regras"}, {"role": "assistant", "content": "Olá!"},
        {"role": "user", "content": "oi"}, {"role": "user", "content": "tem pizza?"},
        {"role": "assistant", "content": "Tem sim."}, {"role": "user", "content": "preço?"}])
    assert system == "regras"
    assert turns == [{"role": "user", "content": "oi\ntem pizza?"},
                     {"role": "assistant", "content": "Tem sim."},
                     {"role": "user", "content": "preço?"}]


def test_the_platform_key_never_goes_to_an_address_the_business_chose(db, shop, fake_anthropic,
                                                                      fake_openai):
    """An owner could set the assistant's address to a server of theirs and, with no key of
    their own saved, receive the platform's key in the headers (2026-12-04)."""
    from ylada_app.testing.fake_openai import FakeOpenAI

    tid, iid = shop
    theirs = FakeOpenAI()
    theirs.start()
    try:
        ai.save_config(db, tenant_id=tid, instance_id=iid, data={
            "provider": "openai", "base_url": theirs.base_url + "/v1"})
        db.commit()
        ai.answer(tenant_id=tid, instance_id=iid, question="calabresa?")
        assert theirs.api_keys and "sk-platform-test" not in theirs.api_keys
        ai.save_config(db, tenant_id=tid, instance_id=iid, data={"api_key": "sk-deles"})
        db.commit()
        ai.answer(tenant_id=tid, instance_id=iid, question="calabresa?")
        assert theirs.api_keys[-1] == "sk-deles"  # their own key, to their own server
    finally:
        theirs.stop()
    other = make_instance(db, tid, name="Outra")
    ai.save_config(db, tenant_id=tid, instance_id=other.id, data={
        "provider": "anthropic", "base_url": "http://127.0.0.1:9/v1"})
    db.commit()
    res = ai.answer(tenant_id=tid, instance_id=other.id, question="calabresa?")
    assert res.error == "Nenhuma chave da Anthropic configurada."  # not sent at all
    fake_anthropic.reset()
    ai.save_config(db, tenant_id=tid, instance_id=other.id, data={"base_url": ""})
    db.commit()
    ai.answer(tenant_id=tid, instance_id=other.id, question="calabresa?")
    assert fake_anthropic.api_keys == ["sk-ant-platform"]  # the platform's own address
