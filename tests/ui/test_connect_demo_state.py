"""`make run` without a Meta account: the connect page offers the local demonstration number
in one click (its id and token come from the settings, never from the page)."""

from __future__ import annotations

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Instance
from ylada_app.pages.connect import ConnectState


def test_the_demo_number_connects_in_one_click(db, graph_url, monkeypatch):
    graph_url.add_number("100000000000001", "demo-whatsapp-token-0123456789")
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud", name="Loja Demo")
    page = _state(ConnectState, owner.token)
    monkeypatch.setattr(ConnectState, "_instance_key", lambda self: str(inst.id))
    _run(ConnectState.load, page)
    assert page.demo_available is False  # no demonstration server: nothing offered
    _run(ConnectState.connect_demo, page)
    db.expire_all()
    assert db.get(Instance, inst.id).status != "connected"

    monkeypatch.setenv("WHATSAPP_DEMO_NUMBER", "100000000000001:demo-whatsapp-token-0123456789")
    reset_settings_cache()
    _run(ConnectState.load, page)
    assert page.demo_available
    _run(ConnectState.connect_demo, page)
    assert page.errors == {} and page.success
    db.expire_all()
    row = db.get(Instance, inst.id)
    assert row.status == "connected" and row.phone_number_id == "100000000000001"
