"""A conversation that needs the AI model never holds the rest of its batch back: the others
are committed (and delivered) before the model is called; the AI one is redone alone."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import MENU
from ylada_app.core.db import get_engine
from ylada_app.integrations.openai_client import ChatResult
from ylada_app.jobs import drain
from ylada_app.models import Message
from ylada_app.services import ai, flows, knowledge, simulator


def _outbound(conversation_id: int) -> list[str]:
    with Session(get_engine()) as fresh:
        return [m.text or "" for m in fresh.exec(
            select(Message).where(Message.conversation_id == conversation_id,
                                  Message.direction == "out").order_by(Message.id))]


def test_the_model_is_called_after_the_rest_of_the_batch_is_committed(db, fake_openai,
                                                                     monkeypatch):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Menu",
                             definition=MENU)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    knowledge.add_item(db, tenant_id=owner.tenant_id, instance_id=inst.id, kind="product",
                       title="Refrigerante Coca-Cola 2L", price="10,99")
    ai.save_config(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                   data={"fallback_enabled": True})
    menu_conv = simulator.send(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=1,
                               user_name="Ana", text="oi")
    ai_conv = simulator.send(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=2,
                             user_name="Bia", text="tem coca cola 2 litros?")
    db.commit()
    seen: list[list[str]] = []

    def chat(**kwargs):
        seen.append(_outbound(menu_conv))  # what other workers can see during the call
        return ChatResult("A Coca-Cola 2L custa R$ 10,99.", 10, 5, 15)

    monkeypatch.setattr("ylada_app.jobs.ai.chat", chat)
    done, deferred = drain.process_batch([ai_conv, menu_conv])
    assert (done, deferred) == (2, [])
    assert len(seen) == 1 and seen[0], "the menu reply was not committed before the AI call"
    assert _outbound(ai_conv) == ["A Coca-Cola 2L custa R$ 10,99."]
    with Session(get_engine()) as fresh:
        pending = fresh.exec(select(Message).where(
            Message.conversation_id.in_([ai_conv, menu_conv]),  # type: ignore[attr-defined]
            Message.direction == "in")).all()
        assert {m.status for m in pending} == {"processed"}
