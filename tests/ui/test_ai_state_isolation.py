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
