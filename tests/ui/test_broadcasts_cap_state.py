"""The broadcasts page's marketing cap setting: shown with the business's value (default 2),
saved per business, refused outside 1–14 with a pt-BR field message."""

from __future__ import annotations

from reflex.istate.data import RouterData

from tests.factories import make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.broadcasts import BroadcastsState
from ylada_app.services import outbound_settings


def _page(token: str):
    state = _state(BroadcastsState, token)
    state.router = RouterData.from_router_data({
        "headers": {"cookie": f"ylada_lang=pt-BR; ylada_session={token}"}, "ip": "127.0.0.1",
        "pathname": "/broadcasts", "asPath": "/broadcasts"})
    return state


def test_the_marketing_cap_is_each_businesss_own(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    state = _page(a.token)
    _run(BroadcastsState.load, state)
    assert state.cap == "2"
    _run(BroadcastsState.set_cap, state, "20")
    _run(BroadcastsState.save_cap, state)
    assert "1 a 14" in state.errors["marketing_per_week"]
    _run(BroadcastsState.set_cap, state, "4")
    _run(BroadcastsState.save_cap, state)
    assert "marketing_per_week" not in state.errors and state.cap == "4"
    db.expire_all()
    assert outbound_settings.marketing_per_week(db, tenant_id=a.tenant_id) == 4
    assert outbound_settings.marketing_per_week(db, tenant_id=b.tenant_id) == 2
    other = _page(b.token)
    _run(BroadcastsState.load, other)
    assert other.cap == "2"


def test_a_template_meta_rates_low_is_flagged_when_chosen(db):
    from tests.factories import make_instance
    from ylada_app.models import MessageTemplate

    owner = make_owner(db, tenant_name="Empresa C")
    inst = make_instance(db, owner.tenant_id)
    for name, quality in (("boas_vindas", "GREEN"), ("oferta_relampago", "RED")):
        db.add(MessageTemplate(tenant_id=owner.tenant_id, instance_id=inst.id, name=name,
                               language="pt_BR", category="MARKETING", status="APPROVED",
                               quality=quality, components=[{"type": "BODY", "text": "Oi!"}]))
    db.commit()
    state = _page(owner.token)
    _run(BroadcastsState.load, state)
    _run(BroadcastsState.pick_number, state, str(inst.id))
    _run(BroadcastsState.pick_template, state, "oferta_relampago|pt_BR")
    assert state.low_quality
    _run(BroadcastsState.pick_template, state, "boas_vindas|pt_BR")
    assert not state.low_quality
