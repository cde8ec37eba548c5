"""An empty "Treinar IA" offers the niche's sample catalog (before, only the onboarding page
had it: a newcomer who came by the menu met an empty list and an upload box) — for the own
number only."""

from __future__ import annotations

from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.ai import AiState
from ylada_app.services import knowledge


def test_the_sample_catalog_fills_the_picked_number_of_the_own_business(db, two_businesses):
    a, b, inst_a = two_businesses
    forged = _state(AiState, b.token)
    _run(AiState.load, forged)
    forged.instance_key = str(inst_a.id)  # another business's number: ignored
    _run(AiState.sample_catalog, forged)
    db.expire_all()
    assert knowledge.count_items(db, tenant_id=a.tenant_id, instance_id=inst_a.id) == 0

    state = _state(AiState, a.token)
    _run(AiState.load, state)
    assert state.instance_key == str(inst_a.id) and state.item_count == 0
    out = _run(AiState.sample_catalog, state)
    assert state.item_count > 0 and state.items
    assert "itens de exemplo adicionados" in str(out)
    count = state.item_count
    _run(AiState.sample_catalog, state)  # a second click (the list was not redrawn yet)
    assert state.item_count == count
