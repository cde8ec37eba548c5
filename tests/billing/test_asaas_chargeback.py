"""Found by review and fixed: an Asaas chargeback (PAYMENT_CHARGEBACK_REQUESTED, …_DISPUTE,
…_AWAITING_CHARGEBACK_REVERSAL) and a refund under way were answered "ignored": the month
stayed paid. They now make the charge refunded and the subscription past_due."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlmodel import select

from tests.billing.conftest import ASAAS_TOKEN
from tests.factories import make_owner
from ylada_app.api import app
from ylada_app.models import Invoice
from ylada_app.services import billing, entitlements

CPF = "529.982.247-25"


def _state(db, tenant_id, **kw):
    db.expire_all()
    entitlements.forget_limits()
    return entitlements.billing_state(db, tenant_id=tenant_id, **kw)


def test_asaas_chargeback_makes_the_month_unpaid(db, asaas_env):
    """Found by review and fixed: ASAAS_STATUS maps CHARGEBACK_REQUESTED to refunded, but the
    gateway only handles the PAYMENT_* events in PAYMENT_EVENTS: PAYMENT_CHARGEBACK_REQUESTED is
    answered "ignored" and the business keeps an active plan for a payment the card holder took
    back."""
    fake = asaas_env
    owner = make_owner(db)
    billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id, role="owner",
                        plan_code="starter", base_url="http://x", method="pix", tax_id=CPF)
    db.commit()
    sub_id = next(reversed(fake.subscriptions))
    pay = fake.open_payment(sub_id)
    fake.pay(pay["id"])
    received = fake.events_of("PAYMENT_RECEIVED")[-1]
    headers = {"asaas-access-token": ASAAS_TOKEN, "Content-Type": "application/json"}
    with TestClient(app) as client:
        assert client.post("/webhooks/asaas", content=json.dumps(received),
                           headers=headers).json()["outcome"] == "applied"
        assert _state(db, owner.tenant_id).status == "active"
        chargeback = {**received, "id": "evt_audit_chargeback",
                      "event": "PAYMENT_CHARGEBACK_REQUESTED",
                      "payment": {**received["payment"], "status": "CHARGEBACK_REQUESTED"}}
        r = client.post("/webhooks/asaas", content=json.dumps(chargeback), headers=headers)
    assert r.status_code == 200
    inv = db.exec(select(Invoice).where(Invoice.provider_invoice_id == pay["id"])).one()
    db.refresh(inv)
    assert (r.json()["outcome"], inv.status) == ("applied", "refunded"), r.json()
    assert _state(db, owner.tenant_id).status == "past_due"


