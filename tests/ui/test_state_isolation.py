"""Reflex state handlers called directly with another tenant's ids change nothing.

The handlers take the tenant from the session token (re-read from the database), never from
the client, so forging an event with tenant A's instance id from tenant B's browser fails.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.models import AuthSession, Instance
from ylada_app.pages.connect import ConnectState
from ylada_app.pages.dashboard import DashboardState
from ylada_app.pages.instances import InstanceDetailState
from ylada_app.pages.team import TeamState


def _state(cls, token: str, *, client_ip: str = "127.0.0.1"):
    """A page state as a socket whose handshake carried the session cookie would have it."""
    root = State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    state.router = RouterData.from_router_data({
        "headers": {"cookie": f"ylada_lang=pt-BR; ylada_session={token}"},
        "ip": client_ip, "pathname": "/",
    })
    return state


def _run(handler, state, *args):
    """Run an event handler's function to completion (async generators included)."""
    async def go():
        result = handler.fn(state, *args)
        if hasattr(result, "__anext__"):
            return [item async for item in result]
        if asyncio.iscoroutine(result):
            return await result
        return result

    # A fresh loop in a thread: Playwright's sync API may own this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()


@pytest.fixture
def setup(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst_a = make_instance(db, a.tenant_id, channel="whatsapp_cloud", name="Segredo de A")
    return a, b, inst_a


def test_select_instance_of_other_tenant_is_refused(db, setup):
    a, b, inst_a = setup
    state = _state(DashboardState, b.token)
    _run(DashboardState.use_instance, state, str(inst_a.id))
    assert state.current_instance != str(inst_a.id)
    db.expire_all()
    rows = db.exec(select(AuthSession).where(AuthSession.user_id == b.user_id)).all()
    assert all(r.current_instance_id is None for r in rows)


def test_disable_and_connect_other_tenants_instance_change_nothing(db, setup, monkeypatch):
    a, b, inst_a = setup
    for cls in (InstanceDetailState, ConnectState):
        monkeypatch.setattr(cls, "_instance_key", lambda self: str(inst_a.id))
    detail = _state(InstanceDetailState, b.token)
    _run(InstanceDetailState.set_enabled, detail, False)
    assert detail.inst == {}
    connect = _state(ConnectState, b.token)
    _run(ConnectState.submit, connect, {
        "phone_number_id": "123456789", "access_token": "EAAG" + "z" * 40,
        "app_secret": "ab" * 16})
    assert connect.errors  # refused
    db.expire_all()
    row = db.exec(select(Instance).where(Instance.id == inst_a.id)).one()
    assert (row.status, row.access_token_enc, row.name) == ("draft", None, "Segredo de A")


def test_load_of_foreign_instance_shows_not_found_without_data(db, setup, monkeypatch):
    a, b, inst_a = setup
    monkeypatch.setattr(InstanceDetailState, "_instance_key", lambda self: str(inst_a.id))
    state = _state(InstanceDetailState, b.token)
    _run(InstanceDetailState.load, state)
    assert state.missing and state.inst == {}
    assert state.tenant_name == "Empresa B"


def test_logged_out_state_cannot_act(db, setup):
    a, b, inst_a = setup
    state = _state(TeamState, "forged-token")
    out = _run(TeamState.invite, state, {"email": "x@exemplo.com.br", "role": "owner"})
    assert out and "login" in str(out[0])


def test_the_session_token_never_reaches_the_browser(db, setup):
    """The state reads the HttpOnly cookie from the socket's headers; nothing it sends to the
    page (its whole serialised state, router data included) carries the token."""
    from reflex_base.utils.format import json_dumps  # how Reflex serialises for the wire

    from ylada_app.state.session import SessionState

    a, b, inst_a = setup
    state = _state(DashboardState, a.token)
    _run(DashboardState.load, state)
    assert state.tenant_name == "Empresa A"  # the cookie header was read …
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    sent = json_dumps(root.dict())
    assert "rx_router_headers" in sent  # the headers are serialised for the page …
    assert a.token not in sent and "ylada_session" not in sent  # … without the cookie
    assert "token" not in SessionState.get_fields()


def test_a_state_without_the_cookie_is_logged_out_whatever_it_was_before(db, setup):
    a, b, inst_a = setup
    state = _state(DashboardState, "")
    out = _run(DashboardState.load, state)
    assert "login" in str(out)
    assert not state.authed and state.tenant_name == ""
