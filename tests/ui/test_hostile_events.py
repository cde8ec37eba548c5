"""Event handlers given values a forged websocket event can carry (an audit, 2026-12-02):
words, ids past the database's integer columns, another business's ids, None, numbers for
strings. A handler that raises shows the user an error toast and logs a traceback; these
refuse the value (a "não encontrado" toast) or ignore it instead. Every call is made by
tenant B's owner, as a forged event would be."""

from __future__ import annotations

import pytest

from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.ai import AiState
from ylada_app.pages.ai_synonyms import SynonymsState
from ylada_app.pages.broadcasts import BroadcastsState
from ylada_app.pages.contacts import ContactState
from ylada_app.pages.dashboard import DashboardState

HUGE = "9" * 25  # digits only: passes str.isdigit / int(), overflows the id column


@pytest.fixture
def setup(db, two_businesses):
    a, b, inst_a = two_businesses
    return a, b, inst_a


def test_broadcasts_pick_number_of_other_tenant_is_refused_without_exception(db, setup):
    # broadcasts.py:168 pick_number -> _load_templates -> approved_templates raises NotFound
    _a, b, inst_a = setup
    state = _state(BroadcastsState, b.token)
    _run(BroadcastsState.pick_number, state, str(inst_a.id))  # raises NotFound today
    assert state.templates == []


def test_broadcasts_pick_number_with_a_word_is_refused_without_exception(db, setup):
    _a, b, _inst = setup
    _run(BroadcastsState.pick_number, _state(BroadcastsState, b.token), "abc")


def test_ai_delete_item_with_huge_id_is_refused_without_exception(db, setup):
    # ai.py:270 int(item_id) then session.get -> OverflowError (SQLite)
    _a, b, _inst = setup
    _run(AiState.delete_item, _state(AiState, b.token), HUGE)


def test_synonym_delete_with_huge_id_is_refused_without_exception(db, setup):
    # ai_synonyms.py:59 int(synonym_id) then session.get -> OverflowError (SQLite)
    _a, b, _inst = setup
    _run(SynonymsState.delete_synonym, _state(SynonymsState, b.token), HUGE)


def test_ai_save_edit_with_forged_item_id_is_refused_without_exception(db, setup):
    # ai.py:241 start_edit stores any dict; ai.py:254 int(self.editing["id"]) -> ValueError
    _a, b, _inst = setup
    state = _state(AiState, b.token)
    _run(AiState.start_edit, state, {"id": "abc"})
    _run(AiState.save_edit, state, {"title": "x", "body": "y"})


def test_contact_remove_field_row_with_a_word_is_ignored(db, setup):
    # contacts.py:509 int(index) -> ValueError
    _a, b, _inst = setup
    _run(ContactState.remove_field_row, _state(ContactState, b.token), "abc")


def test_use_instance_and_open_notification_with_non_strings(db, setup):
    # dashboard.py:91 int(None) -> TypeError; session.py:267 (5).isdigit() -> AttributeError
    _a, b, _inst = setup
    state = _state(DashboardState, b.token)
    _run(DashboardState.use_instance, state, None)
    _run(DashboardState.open_notification, state, "1", 5)


def test_audit_paging_and_billing_wait_with_words_do_nothing(db, setup):
    """(a probe, 2026-12-03: `{"delta": "abc"}` and `{"tries": "y"}` raised ValueError)"""
    from ylada_app.pages.audit import AuditState
    from ylada_app.pages.billing import PlanBillingState

    _a, b, _inst = setup
    page = _state(AuditState, b.token)
    _run(AuditState.go, page, "abc")
    _run(AuditState.go, page, None)
    assert page.page == 1
    _run(PlanBillingState.wait_for_webhook, _state(PlanBillingState, b.token), "x", "y")


def test_ending_a_session_that_is_not_yours_says_not_found(db, setup):
    from ylada_app.pages.account import AccountState

    _a, b, _inst = setup
    page = _state(AccountState, b.token)
    result = _run(AccountState.end_session, page, "1")
    assert "\"error\"" in str(result) and "\"success\"" not in str(result)
