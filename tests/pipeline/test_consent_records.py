"""LGPD consent records fed by every place a contact's opt-in/opt-out changes: the number's
words and the flow's consent block (through the real pipeline: simulator → drain → engine →
database), the contact page's switches, the API and an import — each in the transaction of
the change, with the text the contact saw and what backs it, and kept after an opt-out."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.factories import make_owner
from tests.pipeline.test_consent import OFFERS, _contact, _number, _say
from ylada_app.core.db import get_engine
from ylada_app.models import Message
from ylada_app.models.privacy import ConsentRecord
from ylada_app.services import consent, contacts, flows, instances


def _history(owner, contact_id):
    with Session(get_engine()) as fresh:
        return list(reversed(consent.history(fresh, tenant_id=owner.tenant_id,
                                             contact_id=contact_id)))


def _inbound_wamids(contact_id):
    with Session(get_engine()) as fresh:
        from ylada_app.models import Conversation
        conv = fresh.exec(select(Conversation).where(Conversation.contact_id == contact_id)).one()
        return [m.wamid for m in fresh.exec(select(Message).where(
            Message.conversation_id == conv.id, Message.direction == "in").order_by(Message.id))]


def test_the_words_record_revocation_and_return_with_the_text_seen_and_the_wamid(db):
    owner, inst = _number(db)
    instances.set_optout_settings(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                  optout_words="sair", optout_reply="Pronto, você saiu.",
                                  optin_words="voltar", optin_reply="Bem-vindo de volta!")
    db.commit()
    _say(db, owner, inst, "oi")
    _say(db, owner, inst, "SAIR")
    contact = _contact(1, inst)
    history = _history(owner, contact.id)
    assert [(e.purpose, e.granted, e.source) for e in history] == [("marketing", False, "keyword")]
    assert history[0].text_shown == "Pronto, você saiu."
    assert history[0].evidence["wamid"] == _inbound_wamids(contact.id)[1]
    _say(db, owner, inst, "voltar")  # no earlier consent to marketing: served again, no more
    history = _history(owner, contact.id)
    assert [(e.purpose, e.granted) for e in history] == [("marketing", False), ("service", True)]
    assert history[1].text_shown == "Bem-vindo de volta!"
    assert consent.current(db, tenant_id=owner.tenant_id, contact_id=contact.id) == {
        "service": True, "marketing": False}
    # a word that changes nothing (already in) records nothing
    _say(db, owner, inst, "voltar")
    assert len(_history(owner, contact.id)) == 2


def test_the_consent_block_grants_marketing_and_the_proof_outlives_the_opt_out(db):
    owner, inst = _number(db)
    offers = flows.create_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                               name="Ofertas", definition=OFFERS)
    flows.publish(db, tenant_id=owner.tenant_id, flow_id=offers.id)
    db.commit()
    _say(db, owner, inst, "ofertas")
    _say(db, owner, inst, "Sim", payload="sim")
    contact = _contact(1, inst)
    [grant] = _history(owner, contact.id)
    assert (grant.purpose, grant.granted, grant.source, grant.legal_basis) == (
        "marketing", True, "flow", "consent")
    assert grant.text_shown == "Quer receber nossas ofertas pelo WhatsApp?"
    assert grant.evidence["wamid"] == _inbound_wamids(contact.id)[-1]
    assert grant.evidence["flow_id"] == str(offers.id)
    # passing the block again: the first consent stands, nothing new is recorded
    _say(db, owner, inst, "ofertas")
    _say(db, owner, inst, "Sim", payload="sim")
    assert len(_history(owner, contact.id)) == 1
    _say(db, owner, inst, "PARAR")
    history = _history(owner, contact.id)
    assert [(e.purpose, e.granted) for e in history] == [("marketing", True),
                                                         ("marketing", False)]
    assert history[0].text_shown == grant.text_shown  # the grant is kept as it was
    # back with VOLTAR: the earlier consent counts again, and the history says so
    _say(db, owner, inst, "VOLTAR")
    assert [(e.purpose, e.granted, e.source) for e in _history(owner, contact.id)][-1] == (
        "marketing", True, "keyword")


def test_the_contact_page_switches_record_who_changed_them(db):
    owner, inst = _number(db)
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone="11987650011", name="Bia")
    db.commit()
    assert _history(owner, contact.id) == []
    contacts.set_opted_in(db, tenant_id=owner.tenant_id, contact_id=contact.id, opted_in=True,
                          actor_user_id=owner.user_id)
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                           opted_out=True, actor_user_id=owner.user_id)
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                           opted_out=True, actor_user_id=owner.user_id)  # no change
    db.commit()
    history = _history(owner, contact.id)
    assert [(e.purpose, e.granted, e.source) for e in history] == [
        ("marketing", True, "manual"), ("marketing", False, "manual")]
    assert all(e.evidence == {"user_id": owner.user_id} for e in history)
    # a change that rolls back leaves no record either
    contacts.set_opted_out(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                           opted_out=False, actor_user_id=owner.user_id)
    db.rollback()
    assert len(_history(owner, contact.id)) == 2


def test_the_api_and_an_import_record_their_source_and_basis(db):
    owner, inst = _number(db)
    made, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                      phone="11987650021", opted_in=True,
                                      evidence={"api_key_id": 7})
    contacts.patch_contact(db, tenant_id=owner.tenant_id, contact_id=made.id, opted_in=False,
                           evidence={"api_key_id": 7})
    db.commit()
    assert [(e.purpose, e.granted, e.source, e.evidence["api_key_id"])
            for e in _history(owner, made.id)] == [("marketing", True, "api", 7),
                                                   ("marketing", False, "api", 7)]
    contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             filename="clientes.csv", consent=True,
                             legal_basis="legitimate_interest", actor_user_id=owner.user_id,
                             data=b"telefone;nome\n11987650021;Ana\n11987650022;Caio\n")
    contacts.import_contacts(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             filename="sem.csv", data=b"telefone\n11987650023\n")
    db.commit()
    rows = db.exec(select(ConsentRecord).where(ConsentRecord.tenant_id == owner.tenant_id,
                                               ConsentRecord.source == "import")).all()
    assert len(rows) == 2
    assert {(r.purpose, r.granted, r.legal_basis) for r in rows} == {
        ("marketing", True, "legitimate_interest")}
    assert rows[0].evidence == {"file": "clientes.csv", "user_id": owner.user_id}


def test_another_business_sees_none_of_the_records(db):
    owner, inst = _number(db)
    made, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                      phone="11987650031", opted_in=True)
    db.commit()
    other = make_owner(db, tenant_name="Outra")
    assert consent.history(db, tenant_id=other.tenant_id, contact_id=made.id) == []
    assert len(consent.history(db, tenant_id=owner.tenant_id, contact_id=made.id)) == 1
