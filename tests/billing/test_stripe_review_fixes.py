"""Found by review and fixed: Stripe subscriptions that were never paid, that stopped being
paid, or that were paid twice.

- an `incomplete` subscription (first payment not done) gave the paid plan, and its
  `incomplete_expired` ended the tenant's trial (billing_events._apply_subscription);
- `unpaid` / `paused` (our past_due) kept the paid plan forever (entitlements: the grace days
  now end every provider's past_due);
- two paid checkouts made two live subscriptions (open Checkout Sessions are expired before a
  new one; a second live subscription seen by webhook has the older one canceled).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlmodel import select

from tests.billing.conftest import WHSEC
from tests.factories import end_trial_soon, make_owner
from ylada_app.api import app
from ylada_app.models import AuditLog, BillingAccount, Subscription
from ylada_app.services import billing, billing_events, entitlements
from ylada_app.testing.fake_stripe import sign


def _stripe_post(client, event):
    payload = json.dumps(event)
    return client.post("/webhooks/stripe", content=payload,
                       headers={"Stripe-Signature": sign(payload, WHSEC),
                                "Content-Type": "application/json"})


def _stripe_event(etype: str, obj: dict, created: int | None = None) -> dict:
    return {"id": "evt_audit_" + uuid.uuid4().hex[:12], "object": "event", "type": etype,
            "created": created or int(time.time()), "data": {"object": obj}}


def _stripe_sub(tenant_id: int, sub_id: str, status: str, plan: str, *,
                period_end: int | None = None) -> dict:
    period_end = period_end or int(time.time()) + 30 * 86400
    return {"id": sub_id, "object": "subscription", "customer": f"cus_{sub_id}",
            "status": status, "cancel_at_period_end": False, "canceled_at": None,
            "metadata": {"tenant_id": str(tenant_id), "plan": plan},
            "current_period_end": period_end,
            "items": {"object": "list", "data": [{
                "id": f"si_{sub_id}", "price": {"id": f"price_{plan}_audit",
                                                "metadata": {"plan": plan}},
                "current_period_end": period_end}]}}


def _state(db, tenant_id, **kw):
    db.expire_all()
    entitlements.forget_limits()
    return entitlements.billing_state(db, tenant_id=tenant_id, **kw)



def test_stripe_incomplete_subscription_grants_no_paid_plan(db, stripe_env):
    """Found by review and fixed: Stripe creates the subscription `incomplete` while its first
    payment is not done (3DS pending, boleto not paid yet). The module says "checkout only
    counts once paid", but `_apply_subscription` already switches `plan_id` to the paid plan,
    keeping the tenant's current status (trialing/active): the paid plan's limits without any
    payment."""
    owner = make_owner(db)
    end_trial_soon(db, owner.tenant_id)
    client = TestClient(app)
    created = _stripe_event("customer.subscription.created",
                            _stripe_sub(owner.tenant_id, "sub_incomplete_a", "incomplete", "pro"))
    assert _stripe_post(client, created).status_code == 200
    state = _state(db, owner.tenant_id)
    assert state.limits.plan_code == "gratis", (state.status, state.limits.plan_code)
    assert not state.limits.premium_templates


def test_stripe_expired_unpaid_checkout_does_not_end_the_trial(db, stripe_env):
    """Found by review and fixed: a checkout whose first payment never happened ends as
    `incomplete_expired`; we map it to "canceled" on the tenant's only subscription row, so a
    business with trial hours left loses its trial (and with TRIAL_END_STATE=blocked its bot
    stops) for a payment attempt that charged nothing."""
    owner = make_owner(db)
    end_trial_soon(db, owner.tenant_id)  # ~20 h of trial left
    client = TestClient(app)
    now = int(time.time())
    obj = _stripe_sub(owner.tenant_id, "sub_incomplete_b", "incomplete", "starter")
    _stripe_post(client, _stripe_event("customer.subscription.created", obj, now))
    expired = {**obj, "status": "incomplete_expired", "ended_at": now + 1}
    _stripe_post(client, _stripe_event("customer.subscription.updated", expired, now + 1))
    state = _state(db, owner.tenant_id)
    assert state.status == "trialing", state.status
    assert state.trial_days_left


def test_stripe_unpaid_subscription_does_not_keep_the_plan_forever(db, stripe_env):
    """Found by review and fixed: Stripe's `unpaid` (retries exhausted, no more collection) and
    `paused` map to our past_due, and entitlements keep a past_due plan's limits with no end
    unless the provider is Asaas. A business that stopped paying keeps Pro indefinitely."""
    owner = make_owner(db)
    client = TestClient(app)
    now = int(time.time())
    period_end = now + 86400
    obj = _stripe_sub(owner.tenant_id, "sub_unpaid_a", "active", "pro", period_end=period_end)
    assert _stripe_post(client, _stripe_event("customer.subscription.created", obj, now)
                        ).json()["outcome"] == "applied"
    unpaid = {**obj, "status": "unpaid"}
    assert _stripe_post(client, _stripe_event("customer.subscription.updated", unpaid, now + 1)
                        ).json()["outcome"] == "applied"
    sub = db.exec(select(Subscription).where(Subscription.tenant_id == owner.tenant_id)
                  .order_by(Subscription.id.desc())).first()
    db.refresh(sub)
    # two months after the unpaid period ended (far past BILLING_GRACE_DAYS)
    later = sub.current_period_end + timedelta(days=60)
    state = _state(db, owner.tenant_id, now=later)
    assert state.limits.plan_code != "pro", (state.status, state.limits.plan_code)


def test_two_paid_checkouts_leave_one_live_subscription(db, stripe_env, api_url):
    """Found by review and fixed: while no subscription is followed, every "Assinar" click opens
    a new Checkout Session and none is expired. Paying two (two tabs, back button) makes two
    live Stripe subscriptions: the app follows the last one (here a DOWNGRADE to Starter even
    though Pro is paid) and the other keeps charging the card every month with nothing in the
    app to cancel it."""
    stripe_env.webhook_url = api_url + "/webhooks/stripe"
    owner = make_owner(db)
    end_trial_soon(db, owner.tenant_id)
    url_starter = billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                      role="owner", plan_code="starter", base_url="http://x")
    db.commit()
    url_pro = billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                  role="owner", plan_code="pro", base_url="http://x")
    db.commit()
    assert httpx.post(url_pro + "/pay", follow_redirects=False).status_code == 303
    assert _state(db, owner.tenant_id).plan_code == "pro"
    assert httpx.post(url_starter + "/pay", follow_redirects=False).status_code == 303
    account = db.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == owner.tenant_id, BillingAccount.provider == "stripe")).one()
    live = [s["id"] for s in stripe_env.subscriptions.values()
            if s["customer"] == account.customer_id and s["status"] != "canceled"]
    assert len(live) == 1, f"{len(live)} live Stripe subscriptions billed for one business"



def test_a_second_live_subscription_has_the_older_one_canceled(db, stripe_env, monkeypatch):
    """Found by review and fixed: when a webhook shows a second live subscription of the same
    business (two checkouts paid anyway), the app follows the newer one and the older one is
    recorded in the audit trail and canceled at Stripe (by a job after the commit) — and an
    event of the older one never makes the app follow it again."""
    from ylada_app.api import webhooks_billing

    queued = []
    monkeypatch.setattr(webhooks_billing, "enqueue", lambda job, *a: queued.append((job, *a)))
    owner = make_owner(db)
    client = TestClient(app)
    now = int(time.time())
    first = _stripe_sub(owner.tenant_id, "sub_dup_old", "active", "starter")
    second = _stripe_sub(owner.tenant_id, "sub_dup_new", "active", "pro")
    assert _stripe_post(client, _stripe_event("customer.subscription.created", first, now)
                        ).json()["outcome"] == "applied"
    assert _stripe_post(client, _stripe_event("customer.subscription.created", second, now + 1)
                        ).json()["outcome"] == "applied"
    assert queued == [(webhooks_billing.CANCEL_JOB, "stripe", "sub_dup_old")]
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("active", "pro")
    entry = db.exec(select(AuditLog).where(AuditLog.tenant_id == owner.tenant_id,
                                           AuditLog.action == billing_events.REPLACED_ACTION)
                    ).one()
    assert (entry.target, entry.details["kept"]) == ("sub_dup_old", "sub_dup_new")
    # a later renewal event of the old one (before its cancellation lands) changes nothing
    assert _stripe_post(client, _stripe_event("customer.subscription.updated", first, now + 2)
                        ).json()["outcome"] == "stale"
    assert _state(db, owner.tenant_id).plan_code == "pro"
