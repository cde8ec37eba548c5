"""The marketing frequency cap is the business's own setting and counts every marketing
template a contact got in 7 days, whatever sent it: a flow's and the API's count toward a
broadcast's cap (a utility template does not); one business's setting never changes
another's; the setting is refused outside 1–14 with a pt-BR field message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.pipeline import test_broadcasts as bc
from tests.pipeline import test_flow_templates as ft
from tests.pipeline import test_message_templates as templates_test
from tests.pipeline.conftest import wait_for
from ylada_app.models import Conversation, Message, Tenant, utcnow
from ylada_app.services import api_keys, broadcasts, message_templates, outbound_settings
from ylada_app.services.errors import FieldErrors

number = templates_test.number


def _recipient_reasons(db, owner, b) -> dict[int, str]:
    return {r["contact_id"]: r["reason"] for r in broadcasts.recipients(
        db, tenant_id=owner.tenant_id, broadcast_id=b.id)}


def test_a_flows_and_the_apis_marketing_templates_count_toward_the_cap(
        db, number, graph_url, client):
    owner, inst, pnid = number
    bc._approved(db, graph_url, owner, inst)  # promo_semana, MARKETING, {{1}} {{2}}
    bc._approved(db, graph_url, owner, inst, name="aviso_pedido", category="UTILITY")
    ana, bia, caio = bc._contacts(db, owner, inst, 3)
    _, raw = api_keys.create_key(db, tenant_id=owner.tenant_id, name="erp",
                                 scopes="read,write")
    db.commit()
    auth = {"Authorization": f"Bearer {raw}"}

    def api(contact, template):
        answer = client.post("/api/v1/messages", headers=auth, json={
            "contact_id": contact.id, "type": "template", "template": template,
            "variables": ["Ana", "#1"]})
        assert answer.status_code == 202, answer.text

    api(ana, "promo_semana")  # Ana: two marketing templates from the API
    api(ana, "promo_semana")
    api(bia, "aviso_pedido")  # Bia: utility ones only — they never count
    api(bia, "aviso_pedido")
    api(bia, "promo_semana")
    # Caio: one from the API, one from a flow's template block
    api(caio, "promo_semana")
    ft._publish(db, owner, inst, {"name": "promo_semana", "language": "pt_BR",
                                  "variables": ["{{contact.first_name}}", "{{vars.horario}}"]})
    ft._say(client, inst, pnid, caio.wa_id, "lembrete")

    def flow_sent():
        db.expire_all()
        return db.exec(select(Message).join(Conversation,
                                            Conversation.id == Message.conversation_id)
                       .where(Conversation.contact_id == caio.id,
                              Message.type == "template")).all()
    assert len(wait_for(lambda: len(flow_sent()) == 2 and flow_sent())) == 2
    assert all(m.payload["category"] == "MARKETING" for m in flow_sent())
    sent = outbound_settings.marketing_sent(db, tenant_id=owner.tenant_id,
                                            contact_ids=[ana.id, bia.id, caio.id])
    assert sent == {ana.id: 2, bia.id: 1, caio.id: 2}

    b = bc._plan(db, owner, inst, name="Oferta")
    assert broadcasts.advance(b.id, run_s=5) == {"queued": 1, "skipped": 2}
    assert _recipient_reasons(db, owner, b) == {
        ana.id: "broadcasts.skip.frequency", caio.id: "broadcasts.skip.frequency",
        bia.id: ""}
    # a week later the older ones leave the window
    later = outbound_settings.reached_cap(db, tenant_id=owner.tenant_id,
                                          contact_ids=[ana.id, caio.id],
                                          now=utcnow() + timedelta(days=8))
    assert later == set()


def test_each_business_has_its_own_cap(db, graph_url):
    a, b = make_owner(db, tenant_name="Empresa A"), make_owner(db, tenant_name="Empresa B")
    people = {}
    for owner in (a, b):
        inst = make_instance(db, owner.tenant_id)  # the simulator: approved at once
        message_templates.create(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                 draft=templates_test._draft(name="promo_semana",
                                                             category="MARKETING",
                                                             buttons=[]))
        db.commit()
        [person] = bc._contacts(db, owner, inst, 1)
        people[owner.tenant_id] = (owner, inst, person)

    with pytest.raises(FieldErrors) as err:
        outbound_settings.set_marketing_per_week(db, tenant_id=a.tenant_id, value="0")
    assert err.value.errors == {"marketing_per_week": "outbound.error.marketing_cap"}
    assert "1 a 14" in err.value.messages("pt-BR")["marketing_per_week"]
    for bad in ("15", "dois", "", None):
        with pytest.raises(FieldErrors):
            outbound_settings.set_marketing_per_week(db, tenant_id=a.tenant_id, value=bad)
    assert outbound_settings.set_marketing_per_week(db, tenant_id=a.tenant_id, value=" 3 ") == 3
    db.commit()
    assert db.get(Tenant, b.tenant_id).marketing_per_week == 2  # B keeps the default
    assert outbound_settings.marketing_per_week(db, tenant_id=b.tenant_id) == 2

    last = {}
    for owner, inst, _person in people.values():
        for i in range(3):
            plan = bc._plan(db, owner, inst, name=f"Oferta {i}")
            broadcasts.advance(plan.id, run_s=5)
            last[owner.tenant_id] = plan
    _, _, ana = people[a.tenant_id]
    _, _, bia = people[b.tenant_id]
    # A allows 3 a week: its third offer went out; B allows 2: its third was held back
    assert _recipient_reasons(db, a, last[a.tenant_id]) == {ana.id: ""}
    assert _recipient_reasons(db, b, last[b.tenant_id]) == {
        bia.id: "broadcasts.skip.frequency"}
    # one business's messages never count for another's contacts
    assert outbound_settings.marketing_sent(db, tenant_id=b.tenant_id,
                                            contact_ids=[ana.id]) == {}
