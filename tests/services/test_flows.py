"""Flows: import validated JSON, an invalid flow is never activated, per-tenant isolation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.models import Flow
from ylada_app.services import flows
from ylada_app.services.errors import FieldErrors, NotFound

MENU = (Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json").read_text()
BAD = json.dumps({"version": 1, "nodes": [{"id": "m", "type": "message", "data": {
    "text": "oi", "buttons": [{"id": "a", "title": "um título longo demais aqui"}]}}],
    "edges": []})


def test_import_and_activate_then_deactivate(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    published = flows.import_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                  name="Menu", raw_json=MENU, activate=True)
    db.commit()
    assert published.flow.status == "active" and published.version.version == 1
    assert list(flows.active_definitions(db, instance_id=inst.id)) == [str(published.flow.id)]
    flows.set_active(db, tenant_id=owner.tenant_id, flow_id=published.flow.id, active=False)
    db.commit()
    assert flows.active_definitions(db, instance_id=inst.id) == {}
    rows = flows.flow_rows(db, tenant_id=owner.tenant_id)
    assert [(r.name, r.status, r.version) for r in rows] == [("Menu", "inactive", 1)]


@pytest.mark.parametrize(("raw", "code"), [
    ("", "error.required"), ("{not json", "error.flow_json"), ("[1, 2]", "error.flow_json"),
    ("x" * 2_000_001, "error.flow_too_big"),
])
def test_unreadable_json_is_a_field_error(db, raw, code):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    with pytest.raises(FieldErrors) as exc:
        flows.import_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="X",
                          raw_json=raw)
    assert exc.value.errors == {"definition": code}


def test_invalid_flow_is_refused_with_messages_and_nothing_is_stored(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    with pytest.raises(flows.FlowInvalid) as exc:
        flows.import_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Ruim",
                          raw_json=BAD, activate=True)
    assert any("20" in i.message and "botão" in i.message for i in exc.value.issues)
    db.rollback()
    assert db.exec(select(Flow).where(Flow.tenant_id == owner.tenant_id)).all() == []


def test_a_draft_with_errors_cannot_be_published(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Rascunho",
                             definition=json.loads(BAD))
    with pytest.raises(flows.FlowInvalid):
        flows.set_active(db, tenant_id=owner.tenant_id, flow_id=flow.id, active=True)


def test_flows_of_another_tenant_are_not_found(db):
    a = make_owner(db)
    b = make_owner(db)
    inst_a = make_instance(db, a.tenant_id)
    pub = flows.import_flow(db, tenant_id=a.tenant_id, instance_id=inst_a.id, name="Menu A",
                            raw_json=MENU, activate=True)
    db.commit()
    with pytest.raises(NotFound):
        flows.set_active(db, tenant_id=b.tenant_id, flow_id=pub.flow.id, active=False)
    with pytest.raises(NotFound):  # B cannot import into A's instance either
        flows.import_flow(db, tenant_id=b.tenant_id, instance_id=inst_a.id, name="X",
                          raw_json=MENU)
    assert flows.flow_rows(db, tenant_id=b.tenant_id) == []
