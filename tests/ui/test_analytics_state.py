"""The /analytics handlers take the tenant from the session: another tenant's instance id sent
from the browser gets the pt-BR refusal and no figures; bad ranges never raise."""

from __future__ import annotations

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.pages.analytics import AnalyticsState


def test_other_tenants_instance_is_refused_in_the_handler(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst_a = make_instance(db, a.tenant_id, channel="simulator", name="Segredo de A")
    state = _state(AnalyticsState, b.token)
    _run(AnalyticsState.load, state)
    assert state.loaded and state.instances == []
    _run(AnalyticsState.set_instance, state, str(inst_a.id))
    assert state.errors == {"instance": "Instância não encontrada nesta empresa."}
    assert all(i["name"] != "Segredo de A" for i in state.compare)
    _run(AnalyticsState.export, state, "leads", "csv")
    assert state.export_id == ""


def test_bad_ranges_become_messages(db):
    owner = make_owner(db)
    state = _state(AnalyticsState, owner.token)
    _run(AnalyticsState.load, state)
    _run(AnalyticsState.set_period, state, "custom")
    _run(AnalyticsState.apply_custom, state, {"start": "2026-02-10", "end": "2026-02-01"})
    assert state.errors == {"end": "A data final precisa ser igual ou depois da inicial."}
    _run(AnalyticsState.apply_custom, state, {"start": "2999-01-01", "end": "2999-01-02"})
    assert state.errors == {"start": "A data não pode ser depois de hoje."}
    _run(AnalyticsState.apply_custom, state, {"start": "ontem", "end": ""})
    assert set(state.errors) == {"start", "end"}
    _run(AnalyticsState.set_period, state, "7d")
    assert state.errors == {} and len(state.table) == 7
