"""Plan limits on instances and active flows: refused with a pt-BR message naming the plan,
nothing written, and two racing requests cannot both take the last slot."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import Session, func, select

from tests.factories import make_instance, make_owner
from ylada_app.core.db import get_engine
from ylada_app.models import Flow, Instance
from ylada_app.services import flows, instances
from ylada_app.services.errors import Conflict
from ylada_app.services.limits import MAX_UNCONNECTED_NUMBERS, LimitReached

MENU = json.loads((Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json")
                  .read_text())


TOKEN = "EAAG" + "q" * 60
SECRET = "feedfacefeedfacefeedfacefeedface"


def _ok(phone_number_id, token):
    return SimpleNamespace(ok=True, error=None, display_number="+55 11 90000-0000",
                           verified_name="Loja")


def _connect(session, owner, inst_id, pnid="123456789012"):
    return instances.connect_whatsapp(session, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                      instance_id=inst_id, phone_number_id=pnid, waba_id=None,
                                      access_token=TOKEN, app_secret=SECRET, check=_ok)


def test_a_number_takes_the_plan_slot_when_it_connects_not_when_it_is_created(db):
    owner = make_owner(db)
    first = instances.create_instance(db, tenant_id=owner.tenant_id, name="Número 1",
                                      channel="whatsapp_cloud")
    second = instances.create_instance(db, tenant_id=owner.tenant_id, name="Número 2",
                                       channel="whatsapp_cloud")  # drafts are free
    db.commit()
    _connect(db, owner, first.id)
    db.commit()
    _connect(db, owner, first.id, pnid="123456789012")  # reconnecting the same one: fine
    db.commit()
    with pytest.raises(LimitReached) as info:
        _connect(db, owner, second.id, pnid="223456789012")
    assert "Grátis" in info.value.message() and "1 número" in info.value.message()
    assert info.value.status == 402
    db.rollback()
    assert db.get(Instance, second.id).status == "draft"
    # switching the connected one off frees the slot; switching it back on needs one
    instances.set_instance_enabled(db, tenant_id=owner.tenant_id, instance_id=first.id,
                                   enabled=False)
    _connect(db, owner, second.id, pnid="223456789012")
    db.commit()
    with pytest.raises(LimitReached):
        instances.set_instance_enabled(db, tenant_id=owner.tenant_id, instance_id=first.id,
                                       enabled=True)
    db.rollback()
    make_instance(db, owner.tenant_id, channel="simulator", name="Teste A")
    make_instance(db, owner.tenant_id, channel="simulator", name="Teste B")


def test_unconnected_numbers_are_capped_and_never_the_default_target(db):
    owner = make_owner(db)
    for i in range(MAX_UNCONNECTED_NUMBERS):
        instances.create_instance(db, tenant_id=owner.tenant_id, name=f"Número {i}",
                                  channel="whatsapp_cloud")
    with pytest.raises(Conflict):
        instances.create_instance(db, tenant_id=owner.tenant_id, name="Mais um",
                                  channel="whatsapp_cloud")
    sim = make_instance(db, owner.tenant_id, channel="simulator", name="Simulador")
    choices = instances.target_choices(db, tenant_id=owner.tenant_id)
    assert choices[0] == (sim, True)
    assert all(not ready for _, ready in choices[1:])


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


def test_racing_connections_cannot_both_take_the_last_slot(db, database_url):
    owner = make_owner(db)
    drafts = [instances.create_instance(db, tenant_id=owner.tenant_id, name=f"Corrida {i}",
                                        channel="whatsapp_cloud").id for i in range(4)]
    db.commit()
    barrier = threading.Barrier(4)
    results: list[str] = []

    def create(i: int) -> None:
        with Session(get_engine()) as session:
            barrier.wait()
            try:
                _connect(session, owner, drafts[i], pnid=f"{i + 1}23456789012")
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
        Instance.tenant_id == owner.tenant_id, Instance.status == "connected")).one()
    assert n == 1 and results.count("ok") == 1
