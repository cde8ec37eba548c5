"""Found by review and fixed; the test keeps it fixed.

The editor's "activate this version" skips the plan's active-flow limit.

`flows.publish` and `flows.set_active` call `check_flow_slot`; `flow_editor.activate_version`
sets status="active" directly, so a business on the free plan (2 active flows) can run any
number of flows by deactivating one and re-activating it from its version list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.factories import make_instance, make_owner
from ylada_app.models import Flow, FlowVersion
from ylada_app.services import flow_editor as fe
from ylada_app.services import flows
from ylada_app.services.limits import LimitReached

MENU = json.loads((Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json")
                  .read_text())


def test_activating_an_old_version_respects_the_plan_limit(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    ids = [flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             name=f"Fluxo {i}", definition=MENU).id for i in range(3)]
    db.commit()
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[0])
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[1])
    db.commit()
    with pytest.raises(LimitReached):  # the plan's limit is 2
        flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[2])
    db.rollback()
    flows.set_active(db, tenant_id=owner.tenant_id, flow_id=ids[1], active=False)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[2])
    db.commit()
    version = db.exec(select(FlowVersion).where(FlowVersion.flow_id == ids[1])).one()
    try:
        fe.activate_version(db, tenant_id=owner.tenant_id, flow_id=ids[1], version_id=version.id)
        db.commit()
    except LimitReached:
        db.rollback()
    active = db.exec(select(func.count()).select_from(Flow).where(
        Flow.tenant_id == owner.tenant_id, Flow.status == "active")).one()
    assert active <= 2
