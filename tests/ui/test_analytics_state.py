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


def test_the_chosen_flows_ab_splits_are_listed_path_by_path():
    from ylada_app.pages.analytics import view_model

    split = {"node_id": "ab", "label": "Teste A/B “Frete”", "branches": [
        {"id": "a", "label": "Grátis", "entered": 1200, "conversions": 300, "rate": 25.0},
        {"id": "b", "label": "Pago", "entered": 0, "conversions": 0, "rate": None}]}
    flow = {"flow_id": "7", "name": "Vendas", "started": 10, "conversions": 3, "rate": 30.0,
            "funnel": [], "splits": [split]}
    data = {"heatmap": [[0] * 24 for _ in range(7)], "flows": [flow], "totals": {
        k: 0 for k in ("msg_in", "msg_out", "contacts_new", "conversations", "conversions",
                       "handoffs", "ai_answers", "msg_blocked")}, "days": [], "instances": [],
            "all_instances": [], "empty": False,
            "period": {"key": "7d", "start": "2026-10-01", "end": "2026-10-07", "tz": "UTC"}}
    rows = view_model(data)["splits"]["7"]
    assert rows == [
        {"test": "Teste A/B “Frete”", "path": "Grátis", "entered": "1.200", "goals": "300",
         "rate": "25,0 %"},
        {"test": "", "path": "Pago", "entered": "0", "goals": "0", "rate": "—"}]
    state = AnalyticsState()
    state.splits, state.flow_pick = {"7": rows}, "7"
    assert state.split_rows == rows
