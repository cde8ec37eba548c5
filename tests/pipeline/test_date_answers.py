"""A date question answered the way people type in a chat ("amanhã", "sexta") is read in
the business's own timezone by the worker that runs the flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import make_owner
from ylada_app.core import dates
from ylada_app.core.db import get_engine
from ylada_app.jobs import drain
from ylada_app.models import Message, Tenant, utcnow
from ylada_app.services import flows, instances, simulator

BOOKING = {
    "version": 1,
    "variables": [{"name": "data", "type": "string"}],
    "nodes": [
        {"id": "inicio", "type": "start", "position": {"x": 0, "y": 0},
         "data": {"label": "Início", "triggers": [
             {"type": "keyword", "match": "exact", "keywords": ["agendar"]}]}},
        {"id": "quando", "type": "question", "position": {"x": 250, "y": 0},
         "data": {"label": "Data", "text": "Para qual data?", "variable": "data",
                  "validator": "date"}},
        {"id": "ok", "type": "message", "position": {"x": 500, "y": 0},
         "data": {"label": "Confirmação", "text": "Marcado para {{vars.data|data}}."}},
        {"id": "fim", "type": "end", "position": {"x": 750, "y": 0}, "data": {}},
    ],
    "edges": [
        {"id": "e1", "source": "inicio", "target": "quando"},
        {"id": "e2", "source": "quando", "sourceHandle": "ok", "target": "ok"},
        {"id": "e3", "source": "ok", "target": "fim"},
    ],
}


def _say(db, owner, inst, text):
    conv = simulator.send(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=1,
                          user_name="Ana", text=text)
    db.commit()
    drain.process_batch([conv])
    return conv


@pytest.mark.parametrize("zone", ["America/Sao_Paulo", "Pacific/Kiritimati"])
def test_tomorrow_is_the_businesss_tomorrow(db, zone):
    owner = make_owner(db)
    tenant = db.get(Tenant, owner.tenant_id)
    tenant.timezone = zone  # UTC+14: most of the time its date is not Brasília's
    db.add(tenant)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Agenda", channel=None)
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             name="Agenda", definition=BOOKING)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()
    _say(db, owner, inst, "agendar")
    before = dates.local_date(utcnow(), zone)
    conv_id = _say(db, owner, inst, "pode ser amanhã?")
    after = dates.local_date(utcnow(), zone)
    with Session(get_engine()) as fresh:
        replies = [m.text or "" for m in fresh.exec(
            select(Message).where(Message.conversation_id == conv_id,
                                  Message.direction == "out").order_by(Message.id))]
    said = {f"Marcado para {(d + timedelta(days=1)):%d/%m/%Y}." for d in (before, after)}
    assert replies[-1] in said, replies
