"""`state.page_load.guarded_load`, the load block pages share: a visitor without a session is
sent to the login with the spinner left on; a signed-in owner gets the page's data and the
spinner off; what a body yields (the inbox starts listening) still reaches the browser."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from reflex.istate.data import RouterData

from tests.factories import make_admin, make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.admin_templates import AdminTemplateEditState
from ylada_app.pages.api_keys import ApiKeysState
from ylada_app.pages.inbox import InboxState
from ylada_app.services import api_keys, auth


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


def _loaded_seen_at_each_step(handler, state) -> list[bool]:
    """`loaded` as the browser would see it at each update the load event sends."""
    async def go():
        seen = []
        async for _ in handler.fn(state):
            seen.append(state.loaded)
        return seen + [state.loaded]

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()


def _at(state, token: str, path: str) -> None:
    state.router = RouterData.from_router_data({
        "headers": {"cookie": f"ylada_lang=pt-BR; ylada_session={token}"},
        "ip": "127.0.0.1", "pathname": path, "asPath": path})


def test_a_page_loaded_in_place_refreshes_without_the_spinner_when_it_comes_back(db):
    """Unmounting the admin's template page for the spinner, back from the flow editor,
    dropped the version note being typed (a debounced field's pending change); the same
    address refreshes in place, another one shows the spinner."""
    admin = make_admin(db)
    token = auth.open_session(db, db.get(auth.User, admin.user_id))
    db.commit()
    state = _state(AdminTemplateEditState, token)
    load = AdminTemplateEditState.load
    _at(state, token, "/admin/templates/new")
    assert _loaded_seen_at_each_step(load, state) == [False, True]  # first visit: spinner
    assert _loaded_seen_at_each_step(load, state) == [True]  # same page: never hidden
    _at(state, token, "/admin/templates/999999")
    assert _loaded_seen_at_each_step(load, state)[0] is False  # another address: spinner


def test_other_pages_show_the_spinner_on_every_load(db):
    owner = make_owner(db)
    state = _state(ApiKeysState, owner.token)
    assert _loaded_seen_at_each_step(ApiKeysState.load, state) == [False, True]
    assert _loaded_seen_at_each_step(ApiKeysState.load, state) == [False, True]
