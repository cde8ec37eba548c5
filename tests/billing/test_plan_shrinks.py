"""Found by review and fixed: a plan that shrank (downgrade, cancellation) left every number
and flow over the new limits running; any provider's webhook now switches off the excess,
newest first, tells the team and writes the audit trail (limits.switch_off_excess)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import func, select

from tests.billing.test_stripe_review_fixes import _state, _stripe_event, _stripe_post, _stripe_sub
from tests.factories import make_owner
from tests.services.test_agency_shared_plan import _connect
from ylada_app.api import app
from ylada_app.models import AuditLog, Flow, Instance, Notification, Plan, Subscription
from ylada_app.services import entitlements, flows, instances
from ylada_app.services.limits import OVER_LIMIT_ACTION, SLOT_STATUSES

MENU = json.loads((Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json")
                  .read_text())


def _on_plan(db, tenant_id: int, code: str, **sub_fields) -> None:
    plan = db.exec(select(Plan).where(Plan.code == code)).one()
    db.add(Subscription(tenant_id=tenant_id, plan_id=plan.id, status="active", **sub_fields))
    db.commit()
    entitlements.forget_limits()


def run_numbers_and_flows(db, owner, *, numbers: int, active_flows: int) -> None:
    """`numbers` connected WhatsApp numbers ("Número 0", … oldest first) and `active_flows`
    published flows (on a simulator) for the owner's business."""
    for i in range(numbers):
        inst = instances.create_instance(db, tenant_id=owner.tenant_id, name=f"Número {i}",
                                         channel="whatsapp_cloud")
        db.commit()
        _connect(db, tenant_id=owner.tenant_id, user_id=owner.user_id, inst_id=inst.id,
                 pnid=f"55{owner.tenant_id}0{i}0000")
        db.commit()
    sim = instances.create_instance(db, tenant_id=owner.tenant_id, name="Simulador",
                                    channel="simulator")
    for i in range(active_flows):
        flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=sim.id,
                                 name=f"Fluxo {i}", definition=MENU)
        flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()


def test_downgrade_by_webhook_leaves_no_flows_or_numbers_over_the_new_plan(db, stripe_env):
    """Found by review and fixed: limits were only checked when something is switched on. A
    business that paid Pro for a month (3 numbers, 20 flows) and moves to Starter (1 number, 5
    flows) keeps all of them running at the Starter price — nothing deactivates or stops the
    excess."""
    owner = make_owner(db)
    _on_plan(db, owner.tenant_id, "pro", provider="stripe",
             provider_subscription_id="sub_down_a", provider_event_at=1)
    run_numbers_and_flows(db, owner, numbers=3, active_flows=7)
    client = TestClient(app)
    down = _stripe_sub(owner.tenant_id, "sub_down_a", "active", "starter")
    assert _stripe_post(client, _stripe_event("customer.subscription.updated", down)
                        ).json()["outcome"] == "applied"
    limits = _state(db, owner.tenant_id).limits
    assert limits.plan_code == "starter"
    numbers = db.exec(select(func.count()).select_from(Instance).where(
        Instance.tenant_id == owner.tenant_id, Instance.channel != "simulator",
        Instance.status.in_(SLOT_STATUSES))).one()
    active = db.exec(select(func.count()).select_from(Flow).where(
        Flow.tenant_id == owner.tenant_id, Flow.status == "active")).one()
    assert numbers <= limits.max_instances and active <= limits.max_active_flows, \
        f"{numbers} numbers / {active} flows running on a plan of " \
        f"{limits.max_instances} / {limits.max_active_flows}"
    # the newest went off; the team was told (pt-BR) and the audit trail says what
    kept = db.exec(select(Instance.name).where(
        Instance.tenant_id == owner.tenant_id, Instance.channel != "simulator",
        Instance.status.in_(SLOT_STATUSES))).all()
    assert kept == ["Número 0"]
    entry = db.exec(select(AuditLog).where(AuditLog.tenant_id == owner.tenant_id,
                                           AuditLog.action == OVER_LIMIT_ACTION)).one()
    assert len(entry.details["numbers"].split(",")) == 2
    assert len(entry.details["flows"].split(",")) == 2
    note = db.exec(select(Notification).where(Notification.tenant_id == owner.tenant_id,
                                              Notification.kind == "plan")).one()
    assert note.body.startswith("Desligamos 2 número(s) e 2 fluxo(s)"), note.body
