"""The "Respostas" tab of Treinar IA (pages/ai_learning.py): business B's state, even with
A's ids forged into it, lists nothing of A and marks or corrects nothing of A's."""

from __future__ import annotations

import pytest

from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import AiLog, KnowledgeItem
from ylada_app.pages.ai import AiState
from ylada_app.pages.ai_learning import LearningState


@pytest.fixture
def setup(db, two_businesses):
    a, b, inst_a = two_businesses
    row = AiLog(tenant_id=a.tenant_id, instance_id=inst_a.id, source="fallback",
                question="segredo de A?", answer="resposta de A", unanswered=True)
    db.add(row)
    db.commit()
    return a, b, inst_a, row


def test_the_owner_sees_its_answers_and_questions(db, setup):
    a, _, inst_a, row = setup
    page = _state(AiState, a.token)
    _run(AiState.load, page)
    state = _sibling(page)
    _run(LearningState.load_learning, state)
    assert [r["question"] for r in state.answers] == ["segredo de A?"]
    assert [g["id"] for g in state.groups] == [str(row.id)]
    _run(LearningState.start_answer, state, state.groups[0])
    _run(LearningState.save, state, {"question": "segredo de A?", "answer": "É segredo."})
    assert state.groups == [] and state.form == {}
    db.expire_all()
    assert db.get(AiLog, row.id).fix_item_id is not None


def test_another_business_lists_marks_and_corrects_nothing_of_a(db, setup):
    a, b, inst_a, row = setup
    page = _state(AiState, b.token)
    _run(AiState.load, page)
    page.instance_key = str(inst_a.id)  # a forged instance is ignored (not in B's list)
    state = _sibling(page)
    _run(LearningState.load_learning, state)
    assert state.answers == [] and state.groups == []
    _run(LearningState.rate, state, str(row.id), "wrong")
    state.form = {"mode": "correct", "id": str(row.id), "question": "x"}
    _run(LearningState.save, state, {"question": "x", "answer": "roubado"})
    state.form = {"mode": "answer", "id": str(row.id), "question": "x"}
    _run(LearningState.save, state, {"question": "x", "answer": "roubado"})
    db.expire_all()
    fresh = db.get(AiLog, row.id)
    assert fresh.rating is None and fresh.fix_item_id is None
    assert db.query(KnowledgeItem).filter(KnowledgeItem.body == "roubado").count() == 0


def _sibling(page: AiState) -> LearningState:
    """LearningState in the same state tree as the page (it reads the page's instance)."""
    root = page
    while root.parent_state is not None:
        root = root.parent_state
    return root.get_substate(LearningState.get_full_name().split(".")[1:])
