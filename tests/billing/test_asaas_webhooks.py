"""POST /webhooks/asaas against hostile and unlucky deliveries. Documented answers:
401 missing/wrong `asaas-access-token`; 400 a body that is not an Asaas event; 200 for
everything verified (applied, duplicate, stale, ignored type, unknown customer). Never a 500,
and no state ever goes backwards."""

from __future__ import annotations

import json
import random

from fastapi.testclient import TestClient
from sqlmodel import func, select

from tests.billing.conftest import ASAAS_TOKEN
from tests.factories import make_owner
from ylada_app.api import app
from ylada_app.models import BillingEvent, Invoice
from ylada_app.services import billing, billing_events, entitlements

CPF = "529.982.247-25"


def _post(client, body, *, token=ASAAS_TOKEN):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["asaas-access-token"] = token
    return client.post("/webhooks/asaas", content=raw, headers=headers)


def _checkout(db, fake):
    """A Pix checkout whose events are recorded by the fake but not delivered."""
    owner = make_owner(db)
    billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id, role="owner",
                        plan_code="starter", base_url="http://x", method="pix", tax_id=CPF)
    db.commit()
    sub_id = next(reversed(fake.subscriptions))
    return owner, sub_id


def _status(db, tenant_id):
    db.expire_all()
    return entitlements.billing_state(db, tenant_id=tenant_id)


def _events(db):
    return db.exec(select(func.count()).select_from(BillingEvent)).one()


def test_token_and_garbage(db, asaas_env):
    fake = asaas_env
    owner, sub_id = _checkout(db, fake)
    pay = fake.open_payment(sub_id)
    paid = fake.emit("PAYMENT_RECEIVED", {**pay, "status": "RECEIVED"})
    before = _events(db)
    with TestClient(app) as client:
        assert _post(client, paid, token=None).status_code == 401
        assert _post(client, paid, token="wrong").status_code == 401
        assert _post(client, paid, token=ASAAS_TOKEN + "x").status_code == 401
        assert _post(client, paid, token="").status_code == 401
        for garbage in ("not json", "[]", "{}", json.dumps({"event": "PAYMENT_RECEIVED"}),
                        json.dumps({"id": "evt_1", "event": "PAYMENT_RECEIVED",
                                    "dateCreated": "ontem", "payment": pay}),
                        json.dumps({"id": "evt_2", "event": "PAYMENT_RECEIVED",
                                    "dateCreated": "2026-12-02 10:00:00", "payment": "x"}),
                        json.dumps({"id": 5, "event": "PAYMENT_RECEIVED"}), "\x00\xff"):
            assert _post(client, garbage).status_code == 400, garbage
        assert _events(db) == before
        assert _status(db, owner.tenant_id).status == "trialing"
        # an event type we do not handle: acknowledged and recorded as ignored
        other = _post(client, {"id": "evt_other", "event": "PAYMENT_CHECKOUT_VIEWED",
                               "dateCreated": "2026-12-02 10:00:00", "payment": pay})
        assert other.status_code == 200 and other.json()["outcome"] == "ignored"


def test_duplicates_and_out_of_order_never_go_backwards(db, asaas_env):
    fake = asaas_env
    owner, sub_id = _checkout(db, fake)
    pay = fake.open_payment(sub_id)
    created = fake.events_of("PAYMENT_CREATED")[-1]
    fake.pay(pay["id"])  # recorded, not delivered (no webhook_url)
    received = fake.events_of("PAYMENT_RECEIVED")[-1]
    with TestClient(app) as client:
        r = _post(client, received)
        assert r.status_code == 200 and r.json()["outcome"] == "applied"
        assert _status(db, owner.tenant_id).status == "active"
        # duplicate: once only
        n = _events(db)
        assert _post(client, received).json()["outcome"] == "duplicate"
        assert _events(db) == n
        # the older "created" and a forged-later "overdue" for the paid charge: stale
        assert _post(client, created).json()["outcome"] == "stale"
        late_overdue = {**received, "id": "evt_late_overdue", "event": "PAYMENT_OVERDUE",
                        "payment": {**received["payment"], "status": "OVERDUE"}}
        assert _post(client, late_overdue).json()["outcome"] == "stale"
        inv = db.exec(select(Invoice).where(Invoice.provider_invoice_id == pay["id"])).one()
        db.refresh(inv)
        assert inv.status == "paid"
        assert _status(db, owner.tenant_id).status == "active"

        # plan updates out of order: the newer one (pro) stays
        fake.subscriptions[sub_id]["externalReference"] = f"ylada:{owner.tenant_id}:starter"
        old_update = fake.emit("SUBSCRIPTION_UPDATED", fake.subscriptions[sub_id])
        fake.subscriptions[sub_id]["externalReference"] = f"ylada:{owner.tenant_id}:pro"
        new_update = fake.emit("SUBSCRIPTION_UPDATED", fake.subscriptions[sub_id])
        assert _post(client, new_update).json()["outcome"] == "applied"
        assert _status(db, owner.tenant_id).plan_code == "pro"
        assert _post(client, old_update).json()["outcome"] == "stale"
        assert _status(db, owner.tenant_id).plan_code == "pro"

        # a renewal's events in reverse order: paid first, then its "overdue" → still active
        renewal = fake.next_charge(sub_id)
        fake.overdue(renewal["id"])
        fake.pay(renewal["id"])
        for etype in ("PAYMENT_RECEIVED", "PAYMENT_OVERDUE", "PAYMENT_CREATED"):
            event = [e for e in fake.events_of(etype)
                     if e["payment"]["id"] == renewal["id"]][-1]
            assert _post(client, event).status_code == 200
        assert _status(db, owner.tenant_id).status == "active"

        # deleted stays deleted: an update after it changes nothing
        deleted = fake.emit("SUBSCRIPTION_DELETED", {**fake.subscriptions[sub_id],
                                                      "deleted": True})
        assert _post(client, deleted).json()["outcome"] == "applied"
        assert _status(db, owner.tenant_id).status == "canceled"
        again = fake.emit("SUBSCRIPTION_UPDATED", fake.subscriptions[sub_id])
        assert _post(client, again).json()["outcome"] == "stale"
        assert _status(db, owner.tenant_id).status == "canceled"


def test_unknown_customer_is_acknowledged_and_changes_nothing(db, asaas_env):
    before = db.exec(select(func.count()).select_from(Invoice)).one()
    event = {"id": "evt_unknown_customer", "event": "PAYMENT_RECEIVED",
             "dateCreated": "2026-12-02 10:00:00",
             "payment": {"id": "pay_nobody", "customer": "cus_nobody", "value": 97.0,
                         "status": "RECEIVED", "billingType": "PIX",
                         "subscription": "sub_nobody", "dueDate": "2026-12-02",
                         "externalReference": "ylada:999999:starter"}}
    with TestClient(app) as client:
        r = _post(client, event)
    assert r.status_code == 200 and r.json()["outcome"] == "unknown_tenant"
    assert db.exec(select(func.count()).select_from(Invoice)).one() == before
    row = db.exec(select(BillingEvent).where(
        BillingEvent.event_id == "evt_unknown_customer")).one()
    assert row.tenant_id is None and row.outcome == "unknown_tenant"


def test_mangled_events_never_500(db, asaas_env):
    fake = asaas_env
    owner, sub_id = _checkout(db, fake)
    fake.pay(fake.open_payment(sub_id)["id"])
    base = fake.events_of("PAYMENT_RECEIVED")[-1]
    rng = random.Random(21)
    weird = [None, 0, -1, 1e308, "", "x" * 500, [], {}, True, "2026-13-45", {"a": [1]}]
    with TestClient(app, raise_server_exceptions=False) as client:
        for i in range(120):
            event = json.loads(json.dumps(base))
            event["id"] = f"evt_fuzz_{i}"
            target = event["payment"] if rng.random() < 0.8 else event
            key = rng.choice(sorted(target))
            target[key] = rng.choice(weird)
            if rng.random() < 0.3:
                event["event"] = rng.choice(["PAYMENT_OVERDUE", "PAYMENT_REFUNDED",
                                             "PAYMENT_DELETED", "SUBSCRIPTION_UPDATED",
                                             "SUBSCRIPTION_DELETED"])
            r = _post(client, event)
            assert r.status_code in (200, 400), (r.status_code, key, r.text)
            # every shape is handled on purpose, not by the route's last-resort catch
            assert r.status_code == 400 or r.json()["outcome"] != "unusable", (key, r.text)
    # nothing mangled un-paid the paid charge
    inv = db.exec(select(Invoice).where(Invoice.tenant_id == owner.tenant_id)).all()
    assert any(i.status == "paid" for i in inv)


def test_a_subscription_canceled_as_a_duplicate_is_never_followed_later(db, asaas_env):
    """Found by review and fixed: a second subscription paid while the followed one was paid
    up is canceled at Asaas as a duplicate — but a later event of its paid charge (a card's
    PAYMENT_RECEIVED comes weeks after its PAYMENT_CONFIRMED; a reconciliation) arriving
    while the followed one was overdue made the canceled one "take over": the live
    subscription was canceled too and the business followed one Asaas had already removed."""
    from ylada_app.integrations.payments import registry
    from ylada_app.integrations.payments.base import PaymentMethod
    from ylada_app.models import BillingAccount

    fake = asaas_env
    owner, kept = _checkout(db, fake)
    with TestClient(app) as client:
        fake.pay(fake.open_payment(kept)["id"])
        assert _post(client, fake.events_of("PAYMENT_RECEIVED")[-1]).status_code == 200
        assert _status(db, owner.tenant_id).status == "active"
        account = db.exec(select(BillingAccount).where(
            BillingAccount.tenant_id == owner.tenant_id,
            BillingAccount.provider == "asaas")).one()
        dup = registry.gateway("asaas").create_subscription(
            customer_id=account.customer_id,
            plan=billing._ref(billing._plan_by_code(db, "pro")),
            tenant_id=owner.tenant_id, method=PaymentMethod.CARD)
        fake.pay(fake.open_payment(dup)["id"])
        confirmed = fake.events_of("PAYMENT_CONFIRMED")[-1]
        dup_paid = {**confirmed, "id": confirmed["id"] + "_received",
                    "event": "PAYMENT_RECEIVED",
                    "payment": {**confirmed["payment"], "status": "RECEIVED"}}
        r = _post(client, confirmed)  # → canceled as a duplicate
        assert r.status_code == 200 and r.json()["outcome"] == "applied", r.json()
        db.rollback()
        assert billing_events.was_replaced(db, owner.tenant_id, dup)
        # the followed one's renewal goes unpaid
        renewal = fake.next_charge(kept)
        fake.overdue(renewal["id"])
        assert _post(client, fake.events_of("PAYMENT_OVERDUE")[-1]).status_code == 200
        assert _status(db, owner.tenant_id).status == "past_due"
        # the duplicate's card payment is received (settled) weeks later
        assert _post(client, dup_paid).status_code == 200
    db.rollback()
    assert not billing_events.was_replaced(db, owner.tenant_id, kept), \
        "the live subscription was canceled for one already removed"
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    db.refresh(sub)
    assert sub.provider_subscription_id == kept
    assert _status(db, owner.tenant_id).status == "past_due"


def _asaas_paid_while_following(db, fake, **followed):
    """A checkout's charge paid (its webhook posted) while the business follows another
    subscription (`followed`: the Subscription fields); its replacement audit entries."""
    from ylada_app.models import AuditLog

    owner, asaas_sub = _checkout(db, fake)
    sub = entitlements.current_subscription(db, tenant_id=owner.tenant_id)
    for name, value in followed.items():
        setattr(sub, name, value)
    db.add(sub)
    db.commit()
    fake.pay(fake.open_payment(asaas_sub)["id"])
    with TestClient(app) as client:
        assert _post(client, fake.events_of("PAYMENT_RECEIVED")[-1]).status_code == 200
    db.rollback()
    return owner, asaas_sub, db.exec(select(AuditLog).where(
        AuditLog.tenant_id == owner.tenant_id,
        AuditLog.action == billing_events.REPLACED_ACTION)).all()


def test_an_overdue_stripe_subscription_taken_over_by_asaas_is_canceled_at_stripe(db,
                                                                                 asaas_env):
    """Found by review and fixed: when a paid Asaas subscription takes over from an overdue
    one, the overdue one was handed to the cancel job as an Asaas subscription whatever its
    provider — an overdue Stripe subscription (an Asaas checkout left open, paid after the
    card failed) was "canceled" at Asaas, which knows no such id, and Stripe kept retrying
    the card."""
    owner, asaas_sub, (entry,) = _asaas_paid_while_following(
        db, asaas_env, provider="stripe", provider_subscription_id="sub_card_failed",
        status="past_due")
    assert (entry.target, entry.details["provider"], entry.details["kept"]) == (
        "sub_card_failed", "stripe", asaas_sub)
    assert _status(db, owner.tenant_id).provider == "asaas"


def test_a_provider_trial_is_canceled_when_an_asaas_subscription_is_paid(db, asaas_env):
    """Found by review and fixed: a card trial at Stripe (subscribed during our trial) was
    not "live" for the duplicate rule, so a paid Asaas subscription (a checkout left open)
    was followed and the Stripe one left running — it charged the card too when its trial
    ended. The one just paid is followed and the trial canceled at its provider."""
    owner, _, replaced = _asaas_paid_while_following(
        db, asaas_env, provider="stripe", provider_subscription_id="sub_card_trial")
    assert [(e.target, e.details["provider"]) for e in replaced] == [("sub_card_trial",
                                                                      "stripe")]
    state = _status(db, owner.tenant_id)
    assert (state.provider, state.status) == ("asaas", "active")
