"""`state.page_load.guarded_load`, the load block pages share: a visitor without a session is
sent to the login with the spinner left on; a signed-in owner gets the page's data and the
spinner off; what a body yields (the inbox starts listening) still reaches the browser."""

from __future__ import annotations

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.api_keys import ApiKeysState
from ylada_app.pages.inbox import InboxState
from ylada_app.services import api_keys


def test_a_visitor_without_a_session_goes_to_the_login(db):
    state = _state(ApiKeysState, "no-such-session")
    out = _run(ApiKeysState.load, state)
    assert "/login" in str(out) and state.loaded is False and state.keys == []


def test_an_owner_gets_the_data_and_the_spinner_off(db):
    owner = make_owner(db)
    api_keys.create_key(db, tenant_id=owner.tenant_id, name="erp", scopes="read")
    db.commit()
    state = _state(ApiKeysState, owner.token)
    out = _run(ApiKeysState.load, state)
    assert state.loaded is True and [k["name"] for k in state.keys] == ["erp"]
    assert "/login" not in str(out)


def test_what_the_body_yields_is_sent_on(db):
    owner = make_owner(db)
    make_instance(db, owner.tenant_id)
    state = _state(InboxState, owner.token)
    out = _run(InboxState.load, state)
    assert state.loaded is True
    assert any("listen" in str(update) for update in out if update is not None)
