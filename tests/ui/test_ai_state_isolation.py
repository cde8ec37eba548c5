"""The "Treinar IA" state handlers with another tenant's ids change and show nothing."""

from __future__ import annotations

import pytest

from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import KnowledgeItem
from ylada_app.pages.ai import AiState
from ylada_app.services import knowledge


@pytest.fixture
def setup(db, two_businesses):
    a, b, inst_a = two_businesses
    item = knowledge.add_item(db, tenant_id=a.tenant_id, instance_id=inst_a.id,
                              kind="product", title="Segredo de A", price="99,90")
    db.commit()
    return a, b, inst_a, item


def test_tenant_b_cannot_pick_list_edit_or_delete_tenant_a_knowledge(db, setup):
    a, b, inst_a, item = setup
    state = _state(AiState, b.token)
    _run(AiState.load, state)
    assert state.loaded and state.items == [] and state.instance_key != str(inst_a.id)
    _run(AiState.pick_instance, state, str(inst_a.id))
    assert state.instance_key != str(inst_a.id) and state.items == []
    state.instance_key = str(inst_a.id)  # even a forged key is ignored by the handlers
    _run(AiState.search, state, {"q": "segredo"})
    assert state.items == []
    _run(AiState.delete_item, state, str(item.id))
    state.editing = {"id": str(item.id)}
    _run(AiState.save_edit, state, {"title": "Roubado", "price": "0,01"})
    _run(AiState.ask, state, {"question": "quanto custa o segredo?"})
    assert state.console_items == []
    db.expire_all()
    fresh = db.get(KnowledgeItem, item.id)
    assert (fresh.title, fresh.price) == ("Segredo de A", "R$ 99,90")


def test_turning_the_ai_fallback_on_reaches_only_the_own_number(db, setup):
    from ylada_app.services import ai

    a, b, inst_a, _ = setup
    state = _state(AiState, b.token)
    _run(AiState.load, state)
    state.instance_key = str(inst_a.id)  # forged
    _run(AiState.turn_on_fallback, state)
    ai.forget_fallback()
    assert not ai.fallback_enabled(db, inst_a.id)
    own = _state(AiState, a.token)
    _run(AiState.load, own)
    assert own.instance_key == str(inst_a.id) and own.cfg["fallback_enabled"] != "1"
    _run(AiState.turn_on_fallback, own)
    assert own.cfg["fallback_enabled"] == "1"
    assert ai.fallback_enabled(db, inst_a.id)


def _ai_page(token: str, instance_id: int):
    state = _state(AiState, token)
    _run(AiState.load, state)
    state.instance_key = str(instance_id)
    return state


def test_the_ai_console_explains_a_failed_model_call_in_words(db, business_owner):
    """Found by review and fixed: the console and the settings' "último erro" showed the
    model call's internal code ("Falha ao chamar o modelo de IA: connection"); the page
    says it in words (the stored error keeps the code)."""
    a, inst = business_owner
    page = _ai_page(a.token, inst.id)
    _run(AiState.save_settings, page, {
        "enabled": "on", "base_url": "http://127.0.0.1:9/v1", "api_key": "sk-teste",
        "model": "gpt-4o-mini", "temperature": "0.5", "tone": "amigavel",
        "provider": "openai"})
    assert page.cfg_errors == {}
    _run(AiState.ask, page, {"question": "Qual o horário?"})
    for shown in (page.console_error, page.cfg["last_error"], page.logs[0]["error"]):
        assert shown and "connection" not in shown and "URL base" in shown, shown


def test_treinar_ia_refuses_texts_over_the_limit_instead_of_cutting_them(db, business_owner):
    """Found by review and fixed: knowledge.add_item kept body[:4000] and ai.save_config
    policies[:4000] (the prompt [:8000]…) and the page said "Salvo"; over the maximum is a
    field error now, and the text areas have max_length."""
    a, inst = business_owner
    page = _ai_page(a.token, inst.id)
    _run(AiState.add_text, page, {"kind": "text", "title": "Política de trocas",
                                  "body": "t" * 5000})
    assert "body" in page.text_errors and "4000" in page.text_errors["body"]
    assert knowledge.list_items(db, tenant_id=a.tenant_id, instance_id=inst.id) == []
    _run(AiState.save_settings, page, {"policies": "p" * 6000, "temperature": "0,7",
                                       "tone": "amigavel", "provider": "openai"})
    assert "policies" in page.cfg_errors


def test_treinar_ia_refuses_an_over_long_code_or_category_instead_of_cutting_it(
        db, business_owner):
    """The edit form's SKU and category were cut to 80/120 characters and the page said
    "Salvo"; over the maximum is a field error under the field now, and nothing changes."""
    a, inst = business_owner
    item = knowledge.add_item(db, tenant_id=a.tenant_id, instance_id=inst.id, kind="product",
                              title="Arroz", sku="ARZ-1", category="Mercearia")
    db.commit()
    page = _ai_page(a.token, inst.id)
    page.editing = {"id": str(item.id)}
    _run(AiState.save_edit, page, {"title": "Arroz 5kg", "sku": "S" * 81,
                                   "category": "C" * 121})
    assert page.edit_errors == {"sku": "Use no máximo 80 caracteres.",
                                "category": "Use no máximo 120 caracteres."}
    assert page.editing == {"id": str(item.id)}  # the form stays open with what was typed
    db.expire_all()
    fresh = db.get(KnowledgeItem, item.id)
    assert (fresh.title, fresh.sku, fresh.category) == ("Arroz", "ARZ-1", "Mercearia")
