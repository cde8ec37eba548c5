"""A MARKETING template goes only to a contact with marketing consent, from every sender:
the API sent one to a contact who never consented, or who stopped the business's offers in
WhatsApp (found by review, fixed)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline.test_message_templates import _draft
from ylada_app.models import Message
from ylada_app.services import api_messages, contacts, message_templates
from ylada_app.services.errors import ServiceError


def _setup(db, opted_in):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)  # simulator: templates approved at once
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name="promo_semana", category="MARKETING",
                                          buttons=[]))
    ana, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                     phone="11987005555", name="Ana", opted_in=opted_in)
    db.commit()
    return owner, inst, ana


def _queued(db, tenant_id):
    db.expire_all()
    return db.exec(select(Message).where(Message.tenant_id == tenant_id,
                                         Message.direction == "out")).all()


@pytest.mark.parametrize("how", ["never", "stopped_in_whatsapp"])
def test_the_api_does_not_send_a_marketing_template_without_marketing_consent(db, how):
    owner, inst, ana = _setup(db, opted_in=True if how != "never" else None)
    if how == "stopped_in_whatsapp":  # what number_events.apply_preferences does on "stop"
        from ylada_app.channels.whatsapp_cloud.events import MarketingPreference
        from ylada_app.services import number_events

        number_events.apply_preferences(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                        prefs=[MarketingPreference(
                                            phone_number_id="", wa_id=ana.wa_id, value="stop",
                                            detail="", timestamp=1_700_000_000)])
        db.commit()
        db.refresh(ana)
    assert ana.opted_in_at is None and not ana.opted_out
    with pytest.raises(ServiceError):
        api_messages.send(tenant_id=owner.tenant_id, contact_id=ana.id,
                          payload={"type": "template", "template": "promo_semana",
                                   "variables": ["Ana", "#10"]})
    assert _queued(db, owner.tenant_id) == []
