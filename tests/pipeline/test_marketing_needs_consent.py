"""A MARKETING template goes only to a contact with marketing consent, from every sender:
the API sent one to a contact who never consented, or who stopped the business's offers in
WhatsApp. And a broadcast planned on a UTILITY template that Meta re-classified as MARKETING
mid-campaign follows the template's category from its next round (the weekly marketing cap
applies). Found by review, fixed."""

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


def test_a_running_broadcast_follows_metas_move_of_its_template_to_marketing(db):
    from ylada_app.models import MessageTemplate
    from ylada_app.services import broadcasts
    from ylada_app.services.broadcasts import Audience, Draft

    owner, inst, ana = _setup(db, opted_in=True)
    message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                             draft=_draft(name="aviso_pedido", category="UTILITY", buttons=[]))
    db.commit()
    variables = [{"source": "name", "value": ""}, {"source": "text", "value": "#1"}]

    def plan(name, template):
        b = broadcasts.create(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                              draft=Draft(inst.id, name, template, variables, Audience()))
        db.commit()
        return b

    for name in ("Oferta 1", "Oferta 2"):  # the weekly cap (2) is reached
        assert broadcasts.advance(plan(name, "promo_semana|pt_BR").id, run_s=5)["queued"] == 1
    aviso = plan("Aviso", "aviso_pedido|pt_BR")  # planned while the template is UTILITY
    # Meta re-classifies it (template_category_update → apply_category_update)
    row = db.exec(select(MessageTemplate).where(MessageTemplate.instance_id == inst.id,
                                                MessageTemplate.name == "aviso_pedido")).one()
    row.category = "MARKETING"
    db.add(row)
    db.commit()
    broadcasts.advance(aviso.id, run_s=5)
    rows = broadcasts.recipients(db, tenant_id=owner.tenant_id, broadcast_id=aviso.id)
    assert [(r["status"], r["reason"]) for r in rows] == [
        ("skipped", "broadcasts.skip.frequency")]
