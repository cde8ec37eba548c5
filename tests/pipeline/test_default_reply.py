"""No silent bot: a new number answers what no flow understands with its default reply
(editable, or off), and the simulator can say why nothing else answered."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.factories import make_instance, make_owner
from tests.pipeline.conftest import MENU
from ylada_app.core.db import get_engine
from ylada_app.jobs import drain
from ylada_app.models import Instance, Message
from ylada_app.services import flows, instances, simulator
from ylada_app.services.errors import FieldErrors, NotFound


def _say(db, owner, inst, text, user_id=1):
    conv = simulator.send(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=user_id,
                          user_name="Ana", text=text)
    db.commit()
    drain.process_batch([conv])
    return conv


def _replies(conversation_id: int) -> list[str]:
    with Session(get_engine()) as fresh:
        return [m.text or "" for m in fresh.exec(
            select(Message).where(Message.conversation_id == conversation_id,
                                  Message.direction == "out").order_by(Message.id))]


def _why(db, owner, inst, user_id=1):
    db.expire_all()
    return simulator.why_silent(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                user_id=user_id)


def test_a_new_number_answers_with_its_default_reply_and_says_why(db):
    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    db.commit()
    assert inst.default_reply == instances.NEW_NUMBER_DEFAULT_REPLY
    conv = _say(db, owner, inst, "oi")
    assert _replies(conv) == [instances.NEW_NUMBER_DEFAULT_REPLY]
    why = _why(db, owner, inst)
    assert (why.reason, why.text, why.default_sent, why.has_flows) == \
        ("no_flows", "oi", True, False)


def test_a_flow_that_answers_leaves_nothing_to_explain_and_a_miss_is_explained(db):
    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Menu",
                             definition=MENU)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()
    conv = _say(db, owner, inst, "oi")
    assert _replies(conv) and _replies(conv)[0] != instances.NEW_NUMBER_DEFAULT_REPLY
    assert _why(db, owner, inst) is None
    other = _say(db, owner, inst, "vocês abrem domingo?", user_id=2)
    assert _replies(other) == [instances.NEW_NUMBER_DEFAULT_REPLY]
    why = _why(db, owner, inst, user_id=2)
    assert (why.reason, why.has_flows) == ("no_match", True)


def test_a_cleared_default_reply_means_silence_and_the_simulator_says_so(db):
    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    instances.set_default_reply(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                text="   ")
    db.commit()
    assert db.get(Instance, inst.id).default_reply is None
    conv = _say(db, owner, inst, "oi")
    assert _replies(conv) == []
    assert _why(db, owner, inst).default_sent is False


def test_an_edited_reply_is_used_and_bad_edits_change_nothing(db):
    owner, stranger = make_owner(db), make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    instances.set_default_reply(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                text="Oi, {{contact.name}}! Digite MENU.")
    db.commit()
    with pytest.raises(FieldErrors) as err:
        instances.set_default_reply(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                    text="x" * 1001)
    assert err.value.errors == {"default_reply": "error.too_long"}
    with pytest.raises(NotFound):  # another business cannot touch it
        instances.set_default_reply(db, tenant_id=stranger.tenant_id, instance_id=inst.id,
                                    text="hack")
    db.rollback()
    conv = _say(db, owner, inst, "bom dia")
    assert _replies(conv) == ["Oi, Ana! Digite MENU."]


def test_an_opted_out_contact_is_explained(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    _say(db, owner, inst, "PARAR")
    _say(db, owner, inst, "oi")
    assert _why(db, owner, inst).reason == "opted_out"
    # another business asking about the same number learns nothing
    stranger = make_owner(db)
    with pytest.raises(NotFound):
        simulator.why_silent(db, tenant_id=stranger.tenant_id, instance_id=inst.id, user_id=1)


def test_restarting_the_simulator_leaves_nothing_and_warns_nothing(db):
    import warnings

    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    db.commit()
    conv = _say(db, owner, inst, "oi")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the SAWarning "expected to delete 1 row(s)" fails
        simulator.reset(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=1)
        db.commit()
    assert _replies(conv) == []
    assert simulator.history(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             user_id=1) == []


def test_what_the_customer_answers_is_kept_on_the_contact_and_in_the_leads_export(db):
    """The delivery bot asked for the address and the payment: both land on the contact (they
    used to live only in the conversation's session, so the leads export lacked them)."""
    from zoneinfo import ZoneInfo

    from tests.engine.builders import edge, kw, node, start
    from tests.engine.builders import flow as make_flow
    from ylada_app.models import Contact
    from ylada_app.services import analytics_export

    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    definition = make_flow(
        [start(kw("pedido")),
         node("onde", "question", text="Qual o endereço de entrega?", variable="endereco",
              validator="text"),
         node("como", "question", text="Pix, Cartão ou Dinheiro?", variable="pagamento",
              validator="choice", choices=["Pix", "Cartão", "Dinheiro"]),
         node("fim", "end")],
        [edge("start", "onde"), edge("onde", "como", "ok"), edge("como", "fim", "ok")])
    flow = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             name="Pedido", definition=definition)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=flow.id)
    db.commit()
    for text in ("pedido", "Rua das Palmeiras, 45", "pix"):
        _say(db, owner, inst, text)
    db.expire_all()
    contact = db.exec(select(Contact).where(Contact.instance_id == inst.id)).one()
    assert contact.fields == {"endereco": "Rua das Palmeiras, 45", "pagamento": "Pix"}
    row = analytics_export.lead_row(contact, {inst.id: "Loja"}, ZoneInfo("America/Sao_Paulo"),
                                    ["endereco", "pagamento"], "pt-BR")
    assert row[-2:] == ["Rua das Palmeiras, 45", "Pix"]
