"""Consent through the real pipeline (simulator → drain → engine → database): a number's
own opt-out words and replies, and a flow's consent block recording a contact's "yes" to
marketing — never over an opt-out."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.engine.builders import edge, flow, kw, node, start
from tests.factories import make_owner
from ylada_app.core.db import get_engine
from ylada_app.jobs import drain
from ylada_app.models import Contact, Message
from ylada_app.services import contacts, flows, instances, simulator
from ylada_app.services import conversations as conv_svc

OFFERS = flow(
    [start(kw("ofertas")),
     node("pergunta", "message", text="Quer receber nossas ofertas pelo WhatsApp?",
          buttons=[{"id": "sim", "title": "Sim"}, {"id": "nao", "title": "Não"}]),
     node("aceite", "consent"),
     node("obrigado", "message", text="Combinado!")],
    [edge("start", "pergunta"), edge("pergunta", "aceite", "sim"), edge("aceite", "obrigado")])


def _say(db, owner, inst, text=None, user_id=1, payload=None):
    conv = simulator.send(db, tenant_id=owner.tenant_id, instance_id=inst.id, user_id=user_id,
                          user_name="Ana", text=text, payload=payload, title=text)
    db.commit()
    drain.process_batch([conv])
    return conv


def _replies(conversation_id: int) -> list[str]:
    with Session(get_engine()) as fresh:
        return [m.text or "" for m in fresh.exec(
            select(Message).where(Message.conversation_id == conversation_id,
                                  Message.direction == "out").order_by(Message.id))]


def _contact(user_id: int, inst) -> Contact:
    with Session(get_engine()) as fresh:
        return fresh.exec(select(Contact).where(
            Contact.instance_id == inst.id,
            Contact.wa_id == simulator.simulated_wa_id(user_id, inst.id))).one()


def _number(db):
    owner = make_owner(db)
    inst = instances.create_instance(db, tenant_id=owner.tenant_id, name="Loja", channel=None)
    instances.set_default_reply(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                text="Não entendi.")
    db.commit()
    return owner, inst


def test_a_numbers_own_word_opts_out_and_a_removed_default_no_longer_does(db):
    owner, inst = _number(db)
    instances.set_optout_settings(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                  optout_words="descadastrar, sair",
                                  optout_reply="Você foi descadastrado. Envie VOLTAR.",
                                  optin_words="voltar", optin_reply="Que bom!")
    db.commit()
    conv = _say(db, owner, inst, "DESCADASTRAR")
    assert _replies(conv) == ["Você foi descadastrado. Envie VOLTAR."]
    assert _contact(1, inst).opted_out is True
    other = _say(db, owner, inst, "PARAR", user_id=2)  # no longer one of this number's words
    assert _replies(other) == ["Não entendi."]
    assert _contact(2, inst).opted_out is False
    _say(db, owner, inst, "voltar")
    assert _replies(conv)[-1] == "Que bom!" and _contact(1, inst).opted_out is False
    # back to the defaults: the bot follows with the next message (no stale cache)
    instances.restore_optout_defaults(db, tenant_id=owner.tenant_id, instance_id=inst.id)
    db.commit()
    _say(db, owner, inst, "parar", user_id=2)
    assert _contact(2, inst).opted_out is True
    assert _replies(other)[-1].endswith("envie VOLTAR.")


def test_the_consent_block_records_consent_from_the_flow(db):
    owner, inst = _number(db)
    offers = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                               name="Ofertas da semana", definition=OFFERS)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=offers.id)
    db.commit()
    conv = _say(db, owner, inst, "ofertas")
    assert _contact(1, inst).opted_in_at is None
    _say(db, owner, inst, "Sim", payload="sim")
    assert _replies(conv)[-1] == "Combinado!"
    contact = _contact(1, inst)
    assert contact.opted_in_at is not None and contact.opt_in_source == "flow"
    first = contact.opted_in_at
    # passing the block again keeps the first date
    _say(db, owner, inst, "ofertas")
    _say(db, owner, inst, "Sim", payload="sim")
    assert _contact(1, inst).opted_in_at == first
    db.expire_all()
    detail = contacts.contact_detail(db, tenant_id=owner.tenant_id, contact_id=contact.id)
    assert (detail.opt_in_source, detail.consent_flow) == ("flow", "Ofertas da semana")


def test_an_opted_out_contact_is_not_opted_in_by_the_flow(db):
    owner, inst = _number(db)
    offers = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                               name="Ofertas", definition=OFFERS)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=offers.id)
    db.commit()
    conv = _say(db, owner, inst, "ofertas")
    sent = len(_replies(conv))
    # the contact opted out (the team marked it) while the question was on screen
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=_contact(1, inst).id,
                           opted_out=True)
    db.commit()
    _say(db, owner, inst, "Sim", payload="sim")
    contact = _contact(1, inst)
    assert contact.opted_out is True and contact.opted_in_at is None
    assert len(_replies(conv)) == sent  # nothing said either


def test_applying_a_consent_action_never_overrides_an_opt_out(db):
    owner, inst = _number(db)
    out = Contact(tenant_id=owner.tenant_id, instance_id=inst.id, wa_id="5511900000001",
                  name="Saiu", opted_out=True)
    db.add(out)
    db.flush()
    work = conv_svc.Work(None, out, inst, "active", [], {})
    conv_svc.apply_actions(work, [{"type": "consent", "flow_id": "1", "node_id": "n"}])
    assert out.opted_out is True and out.opted_in_at is None and not work.contact_changed
    db.rollback()
