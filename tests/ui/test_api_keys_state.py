"""The API keys page's state: the key is shown once and works; another business's key ids
change nothing."""

from __future__ import annotations

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.api_keys import ApiKeysState
from ylada_app.pages.flows import FlowsState
from ylada_app.services import api_keys
from ylada_app.services import flows as flows_svc


def test_create_shows_the_key_once_and_revoke_refuses_other_businesses(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    for owner in (a, b):
        make_instance(db, owner.tenant_id)
    state = _state(ApiKeysState, a.token)
    _run(ApiKeysState.load, state)
    assert state.loaded and state.keys == []
    _run(ApiKeysState.create, state, {"name": "", "scopes": "read"})
    assert "name" in state.errors and state.new_key == ""
    _run(ApiKeysState.create, state, {"name": "ERP", "scopes": "read,write"})
    raw = state.new_key
    assert raw.startswith("ylk_") and [k["name"] for k in state.keys] == ["ERP"]
    assert raw not in str(state.keys)
    caller = api_keys.authenticate(db, raw)
    assert caller.tenant_id == a.tenant_id and "write" in caller.scopes
    db.commit()
    _run(ApiKeysState.hide_key, state)
    assert state.new_key == ""
    # B's page, A's key id: refused, A's key still works
    other = _state(ApiKeysState, b.token)
    _run(ApiKeysState.load, other)
    _run(ApiKeysState.revoke, other, state.keys[0]["id"])
    db.expire_all()
    assert api_keys.authenticate(db, raw) is not None and other.keys == []
    db.commit()
    _run(ApiKeysState.revoke, state, state.keys[0]["id"])
    db.expire_all()
    assert api_keys.authenticate(db, raw) is None and state.keys[0]["revoked"]


def test_names_of_invisible_characters_only_are_required_field_errors(db, business_owner):
    """Found by review and fixed: a name of zero-width spaces (U+200B), word joiners (U+2060)
    or byte-order marks (U+FEFF) only was accepted (Validator.name and api_keys.create_key
    stripped whitespace and control characters only) and listed as an empty-looking name.
    Bidi overrides are stripped from names."""
    a, inst = business_owner
    page = _state(FlowsState, a.token)
    _run(FlowsState.load, page)
    _run(FlowsState.new_flow, page, {"name": "\u200b\u2060\ufeff", "instance_id": str(inst.id)})
    assert "name" in page.new_errors
    assert flows_svc.flow_rows(db, tenant_id=a.tenant_id) == []
    keys = _state(ApiKeysState, a.token)
    _run(ApiKeysState.create, keys, {"name": "\u200b", "scopes": "read"})
    assert "name" in keys.errors and keys.keys == []
    _run(ApiKeysState.create, keys, {"name": "\u202eCRM\u202c", "scopes": "read"})
    assert [k["name"] for k in keys.keys] == ["CRM"]
