"""Plan limits on instances and active flows: refused with a pt-BR message naming the plan,
nothing written, and two racing requests cannot both take the last slot."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from tests.factories import make_instance, make_owner
from ylada_app.core.db import get_engine
from ylada_app.models import Flow, Instance
from ylada_app.services import flows, instances
from ylada_app.services.limits import LimitReached

MENU = json.loads((Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json")
                  .read_text())


def test_free_plan_allows_one_whatsapp_number_and_any_simulator(db):
    owner = make_owner(db)
    instances.create_instance(db, tenant_id=owner.tenant_id, name="Número 1",
                              channel="whatsapp_cloud")
    db.commit()
    with pytest.raises(LimitReached) as info:
        instances.create_instance(db, tenant_id=owner.tenant_id, name="Número 2",
                                  channel="whatsapp_cloud")
    assert "Grátis" in info.value.message() and "1" in info.value.message()
    assert info.value.status == 402
    db.rollback()
    make_instance(db, owner.tenant_id, channel="simulator", name="Teste A")
    make_instance(db, owner.tenant_id, channel="simulator", name="Teste B")
    n = db.exec(select(func.count()).select_from(Instance).where(
        Instance.tenant_id == owner.tenant_id, Instance.channel == "whatsapp_cloud")).one()
    assert n == 1


def test_active_flow_limit_and_reactivation(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    ids = []
    for i in range(3):
        flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 name=f"Fluxo {i}", definition=MENU)
        ids.append(flow.id)
    db.commit()
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[0])
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[1])
    db.commit()
    with pytest.raises(LimitReached):
        flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[2])
    db.rollback()
    assert db.get(Flow, ids[2]).status != "active"
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=ids[0])  # already active: fine
    flows.set_active(db, tenant_id=owner.tenant_id, flow_id=ids[1], active=False)
    flows.set_active(db, tenant_id=owner.tenant_id, flow_id=ids[2], active=True)
    db.commit()
    with pytest.raises(LimitReached):
        flows.set_active(db, tenant_id=owner.tenant_id, flow_id=ids[1], active=True)


def test_racing_creations_cannot_both_take_the_last_slot(db, database_url):
    owner = make_owner(db)
    barrier = threading.Barrier(4)
    results: list[str] = []

    def create(i: int) -> None:
        with Session(get_engine()) as session:
            barrier.wait()
            try:
                instances.create_instance(session, tenant_id=owner.tenant_id,
                                          name=f"Corrida {i}", channel="whatsapp_cloud")
                session.commit()
                results.append("ok")
            except LimitReached:
                session.rollback()
                results.append("limit")
            except Exception as exc:  # SQLite may refuse a concurrent writer outright
                session.rollback()
                results.append(type(exc).__name__)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    n = db.exec(select(func.count()).select_from(Instance).where(
        Instance.tenant_id == owner.tenant_id, Instance.channel == "whatsapp_cloud")).one()
    assert n == 1 and results.count("ok") == 1
