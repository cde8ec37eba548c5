"""Template body parameters Meta refuses (a new line, a tab, more than 4 consecutive spaces:
"Param text cannot have new-line/tab characters or more than 4 consecutive spaces") are
refused before anything is queued, not discovered by Meta thousands of times (found by
review, fixed)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline.test_message_templates import _draft
from ylada_app.models import MessageTemplate
from ylada_app.services import broadcasts, contacts, message_templates
from ylada_app.services.broadcasts import Audience, Draft
from ylada_app.services.errors import FieldErrors, ServiceError

BAD = ["Oferta\nimperdível", "Oferta\timperdível", "Oferta     imperdível", "linha\r\nnova"]


def _row() -> MessageTemplate:
    return MessageTemplate(tenant_id=1, instance_id=1, name="promo", language="pt_BR",
                           category="MARKETING", status="APPROVED", body_variables=2,
                           header_variables=0,
                           components=[{"type": "BODY", "text": "Olá {{1}}, veja {{2}}."}])


@pytest.mark.parametrize("value", BAD)
def test_fill_refuses_a_body_parameter_meta_refuses(value):
    with pytest.raises(ServiceError):
        message_templates.fill(_row(), ["Ana", value])


@pytest.mark.parametrize("value", BAD)
def test_a_broadcast_with_such_fixed_text_is_refused_when_planned(db, value):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)  # simulator: templates approved at once
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name="promo_semana", category="MARKETING",
                                          buttons=[]))
    contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                            phone="11987001234", name="Ana", opted_in=True)
    db.commit()
    with pytest.raises(FieldErrors) as refused:
        broadcasts.create(db, tenant_id=owner.tenant_id, user_id=owner.user_id, draft=Draft(
            inst.id, "Promo", "promo_semana|pt_BR",
            [{"source": "name", "value": ""}, {"source": "text", "value": value}], Audience()))
    assert "var2" in refused.value.errors
    db.rollback()


def test_a_contact_field_with_a_new_line_is_not_sent_as_a_parameter(db):
    """Contact fields keep new lines (clean_fields / the import); a broadcast filling {{2}}
    from such a field must skip that contact with a reason, not queue a send Meta refuses."""
    from ylada_app.models import Message

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name="promo_semana", category="MARKETING",
                                          buttons=[]))
    ana, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     phone="11987001235", name="Ana", opted_in=True,
                                     fields={"endereco": "Rua A, 10\nApto 2"})
    db.commit()
    assert "\n" in ana.fields["endereco"]  # kept as given
    b = broadcasts.create(db, tenant_id=owner.tenant_id, user_id=owner.user_id, draft=Draft(
        inst.id, "Promo", "promo_semana|pt_BR",
        [{"source": "name", "value": ""}, {"source": "field", "value": "endereco"}],
        Audience()))
    db.commit()
    broadcasts.advance(b.id, run_s=5)
    db.expire_all()
    sent = [m for m in db.exec(select(Message).where(
        Message.tenant_id == owner.tenant_id, Message.direction == "out")).all()]
    params = [p["text"] for m in sent for c in m.payload.get("components", [])
              for p in c.get("parameters", [])]
    assert not any("\n" in p for p in params), params
