"""A contact's own "SAIR" cannot be undone by the business through the API (the import and
the flow's consent block already never override it): found by review, fixed."""

from __future__ import annotations

import contextlib

from sqlmodel import Session

from tests.pipeline.test_consent import _contact, _number, _say
from ylada_app.core.db import get_engine
from ylada_app.models import Contact
from ylada_app.services import broadcasts, contacts, instances
from ylada_app.services.broadcasts import Audience
from ylada_app.services.errors import ServiceError


def _said_sair(db):
    owner, inst = _number(db)
    instances.set_optout_settings(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                  optout_words="sair", optout_reply="Pronto, você saiu.",
                                  optin_words="voltar", optin_reply="Bem-vindo de volta!")
    db.commit()
    _say(db, owner, inst, "oi")
    contact = _contact(1, inst)
    contacts.set_opted_in(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                          opted_in=True)  # consented to offers earlier
    db.commit()
    assert broadcasts.count_audience(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     audience=Audience()) == 1
    _say(db, owner, inst, "SAIR")  # the customer's own opt-out, by keyword
    assert _contact(1, inst).opted_out is True
    return owner, inst, contact


def _after(db, owner, inst, contact_id):
    with Session(get_engine()) as fresh:
        row = fresh.get(Contact, contact_id)
        n = broadcasts.count_audience(fresh, tenant_id=owner.tenant_id, instance_id=inst.id,
                                      audience=Audience())
        return row.opted_out, n


def test_the_api_cannot_silently_undo_a_customers_sair_with_opted_out_false(db):
    owner, inst, contact = _said_sair(db)
    with contextlib.suppress(ServiceError):  # refusing it (a 409/422) is as good as ignoring
        contacts.patch_contact(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                               opted_out=False, evidence={"api_key_id": 1})  # a CRM sync
        db.commit()
    db.rollback()
    assert _after(db, owner, inst, contact.id) == (True, 0)


def test_the_api_cannot_silently_undo_a_customers_sair_with_opted_in_true(db):
    owner, inst, contact = _said_sair(db)
    with contextlib.suppress(ServiceError):
        contacts.patch_contact(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                               opted_in=True, evidence={"api_key_id": 1})
        db.commit()
    db.rollback()
    assert _after(db, owner, inst, contact.id) == (True, 0)
