"""Mercado Pago against its fake: preapproval checkout (init_point) → authorized → active;
a rejected monthly charge → past_due → approved → active; plan change; pause; cancel. And
the webhook: x-signature checked (missing, wrong, stale → 400), the resource read back from
the API (the body is never trusted; API down → 503), duplicates, unknown references."""

from __future__ import annotations

import json
import time

import httpx
from fastapi.testclient import TestClient
from sqlmodel import func, select

from tests.factories import make_owner
from ylada_app.api import app
from ylada_app.models import BillingEvent, Invoice
from ylada_app.services import billing, entitlements


def _state(db, tenant_id):
    db.expire_all()
    entitlements.forget_limits()
    return entitlements.billing_state(db, tenant_id=tenant_id)


def _checkout(db, owner, plan="starter"):
    url = billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                              role="owner", plan_code=plan, base_url="http://app.test",
                              method="mercadopago")
    db.commit()
    return url


def test_lifecycle_through_signed_notifications(db, mp_env, api_url):
    fake = mp_env
    fake.webhook_url = api_url + "/webhooks/mercadopago"
    owner, other = make_owner(db), make_owner(db, tenant_name="Outra Loja")
    url = _checkout(db, owner)
    assert url.startswith(fake.base_url + "/subscriptions/checkout?preapproval_id=")
    [pre] = fake.preapprovals.values()
    assert pre["payer_email"] == owner.email
    assert pre["auto_recurring"] == {"frequency": 1, "frequency_type": "months",
                                     "transaction_amount": 97.0, "currency_id": "BRL"}
    assert _state(db, owner.tenant_id).status == "trialing"  # nothing until authorized

    page = httpx.get(url)
    assert page.status_code == 200 and "R$ 97,00" in page.text
    done = httpx.post(url.replace("/checkout?", "/checkout/pay?"), follow_redirects=False)
    assert done.headers["location"] == "http://app.test/billing?checkout=ok"
    assert all(code == 200 for _, code in fake.deliveries), fake.deliveries
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code, state.provider) == ("active", "starter",
                                                               "mercadopago")
    [inv] = billing.list_invoices(db, tenant_id=owner.tenant_id)
    assert (inv.status, inv.amount_cents, inv.provider) == ("paid", 9_700, "mercadopago")

    fake.charge(pre["id"], approved=False)
    state = _state(db, owner.tenant_id)
    assert (state.status, state.limits.plan_code) == ("past_due", "starter")
    fake.charge(pre["id"], approved=True)
    assert _state(db, owner.tenant_id).status == "active"
    statuses = sorted(i.status for i in billing.list_invoices(db, tenant_id=owner.tenant_id))
    assert statuses == ["failed", "paid", "paid"]

    # a refunded month: the invoice says so and the plan waits for a payment (past_due)
    last = fake.charge(pre["id"], approved=True)
    fake.refund(last["id"])
    state = _state(db, owner.tenant_id)
    assert state.status == "past_due"
    assert sorted(i.status for i in billing.list_invoices(db, tenant_id=owner.tenant_id)) \
        == ["failed", "paid", "paid", "refunded"]
    fake.refund(last["id"])  # the same notification again changes nothing
    assert _state(db, owner.tenant_id).status == "past_due"
    fake.charge(pre["id"], approved=True)
    assert _state(db, owner.tenant_id).status == "active"

    assert _checkout(db, owner, plan="pro") is None  # plan change on the preapproval
    fake.wait_delivered()
    assert fake.preapprovals[pre["id"]]["auto_recurring"]["transaction_amount"] == 247.0
    assert _state(db, owner.tenant_id).plan_code == "pro"

    fake.pause(pre["id"])
    assert _state(db, owner.tenant_id).status == "past_due"
    billing.set_cancel(db, tenant_id=owner.tenant_id, role="owner", cancel=True)
    db.commit()
    fake.wait_delivered()
    assert fake.preapprovals[pre["id"]]["status"] == "cancelled"
    assert _state(db, owner.tenant_id).status == "canceled"
    fake.authorize(pre["id"])  # even if it came back at Mercado Pago: canceled stays
    assert _state(db, owner.tenant_id).status == "canceled"
    # the other business saw none of it
    assert _state(db, other.tenant_id).status == "trialing"
    assert billing.list_invoices(db, tenant_id=other.tenant_id) == []


def _post(client, note, *, data_id, secret=None, ts=None, request_id="req-1", sig=None):
    from tests.billing.conftest import MP_SECRET
    from ylada_app.integrations.payments.mercadopago_gateway import sign

    stamp = int(time.time()) if ts is None else ts
    header = sig if sig is not None else sign(secret or MP_SECRET, data_id=data_id.lower(),
                                              request_id=request_id, ts=stamp)
    return client.post(f"/webhooks/mercadopago?data.id={data_id}&type={note['type']}",
                       content=json.dumps(note),
                       headers={"x-signature": header, "x-request-id": request_id,
                                "Content-Type": "application/json"})


def test_signature_read_back_duplicates_and_unknown(db, mp_env):
    fake = mp_env
    owner = make_owner(db)
    _checkout(db, owner)
    [pre] = fake.preapprovals.values()
    fake.authorize(pre["id"])  # recorded, not delivered
    note = fake.notifications[0]
    before = db.exec(select(func.count()).select_from(BillingEvent)).one()
    with TestClient(app) as client:
        assert _post(client, note, data_id=pre["id"], secret="wrong").status_code == 400
        assert _post(client, note, data_id=pre["id"], sig="").status_code == 400
        assert _post(client, note, data_id=pre["id"], sig="ts=abc,v1=00").status_code == 400
        assert _post(client, note, data_id=pre["id"],
                     ts=int(time.time()) - 3600).status_code == 400  # stale
        # signed for another resource than the one asked for
        assert _post(client, note, data_id="other").status_code in (400, 503)
        assert db.exec(select(func.count()).select_from(BillingEvent)).one() == before
        assert _state(db, owner.tenant_id).status == "trialing"

        # the body lies (says cancelled): the resource read back says authorized
        lying = {**note, "action": "cancelled", "data": {"id": pre["id"], "status": "x"}}
        r = _post(client, lying, data_id=pre["id"])
        assert r.status_code == 200 and r.json()["outcome"] == "applied"
        assert _state(db, owner.tenant_id).status == "active"
        assert _post(client, lying, data_id=pre["id"]).json()["outcome"] == "duplicate"

        # Mercado Pago down while reading back: 503 (it retries), nothing recorded
        fake.down = True
        n = db.exec(select(func.count()).select_from(BillingEvent)).one()
        pay_note = fake.notifications[-1]
        down = _post(client, pay_note, data_id=pay_note["data"]["id"])
        assert down.status_code == 503
        assert db.exec(select(func.count()).select_from(BillingEvent)).one() == n
        fake.down = False
        assert _post(client, pay_note, data_id=pay_note["data"]["id"]).status_code == 200
        inv = db.exec(select(Invoice).where(Invoice.tenant_id == owner.tenant_id)).one()
        assert inv.status == "paid"

        # an unknown type is acknowledged; an unknown reference changes nothing
        other = {"id": 5, "type": "point_integration_wh", "data": {"id": "1"}}
        assert _post(client, other, data_id="1").json()["outcome"] == "ignored"
        stray = fake.preapprovals[pre["id"]] | {}
        fake.preapprovals["f" * 32] = {**stray, "id": "f" * 32,
                                        "external_reference": "ylada:999999:pro"}
        nobody = {"id": 6, "type": "subscription_preapproval", "data": {"id": "f" * 32}}
        r = _post(client, nobody, data_id="f" * 32)
        assert r.status_code == 200 and r.json()["outcome"] == "unknown_tenant"
        for garbage in ("not json", "[1]"):
            r = client.post(f"/webhooks/mercadopago?data.id={pre['id']}&type=x",
                            content=garbage, headers={"x-request-id": "r"})
            assert r.status_code == 400


def test_reconciliation_reads_the_preapproval(db, mp_env, api_url, caplog):
    from ylada_app.jobs.billing import reconcile_subscription

    fake = mp_env
    fake.webhook_url = api_url + "/webhooks/mercadopago"
    owner = make_owner(db)
    _checkout(db, owner)
    [pre] = fake.preapprovals.values()
    fake.authorize(pre["id"])
    assert _state(db, owner.tenant_id).status == "active"
    fake.webhook_url = None  # from here on the notifications are lost
    fake.pause(pre["id"])
    assert _state(db, owner.tenant_id).status == "active"
    with caplog.at_level("WARNING"):
        assert reconcile_subscription(owner.tenant_id) == "applied"
    assert _state(db, owner.tenant_id).status == "past_due"
    # the correction is logged (a missed notification is worth knowing) ...
    fixes = [r.getMessage() for r in caplog.records if "reconcile tenant" in r.getMessage()]
    assert len(fixes) == 1 and f"tenant {owner.tenant_id}:" in fixes[0]
    assert "mercadopago" in fixes[0] and "status active → past_due" in fixes[0]
    # ... and a second run, with nothing left to fix, logs nothing
    caplog.clear()
    with caplog.at_level("WARNING"):
        reconcile_subscription(owner.tenant_id)
    assert not [r for r in caplog.records if "reconcile tenant" in r.getMessage()]
    assert _state(db, owner.tenant_id).status == "past_due"
