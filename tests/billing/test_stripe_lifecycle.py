"""The whole subscription lifecycle against the fake Stripe, state changed only by signed
webhooks delivered over HTTP: trial → checkout → active → upgrade → payment failed →
past_due → paid → cancel at period end → canceled."""

from __future__ import annotations

from datetime import UTC, timedelta

import httpx
from sqlmodel import select

from tests.factories import end_trial_soon, make_owner
from ylada_app.models import BillingEvent, Invoice, Subscription
from ylada_app.services import billing, entitlements


def _state(db, tenant_id):
    db.expire_all()
    return entitlements.billing_state(db, tenant_id=tenant_id)


def _pay_checkout(url: str) -> httpx.Response:
    page = httpx.get(url)
    assert page.status_code == 200 and 'id=\'pay\'' in page.text
    return httpx.post(url + "/pay", follow_redirects=False)


def test_trial_checkout_upgrade_past_due_paid_canceled(db, stripe_env, api_url):
    stripe_env.webhook_url = api_url + "/webhooks/stripe"
    owner = make_owner(db)
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("trialing", "gratis")
    assert state.trial_days_left == 14

    url = billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                              role="owner", plan_code="starter", base_url="http://app.test")
    db.commit()
    assert url and url.startswith(stripe_env.base_url + "/checkout/")
    # Nothing changes until Stripe says so: the browser's word is not enough.
    assert _state(db, owner.tenant_id).status == "trialing"
    # The trial's 14 days are kept: Stripe is asked to start charging when they end.
    trial_ends = db.exec(select(Subscription.trial_ends_at)
                         .where(Subscription.tenant_id == owner.tenant_id)).one()
    _, _, params = next(r for r in stripe_env.requests
                        if r[0] == "POST" and r[1] == "/v1/checkout/sessions")
    assert abs(int(params["subscription_data"]["trial_end"])
               - trial_ends.replace(tzinfo=UTC).timestamp()) < 2

    done = _pay_checkout(url)
    assert done.status_code == 303
    assert done.headers["location"] == "http://app.test/billing?checkout=ok"
    assert all(code == 200 for _, code in stripe_env.deliveries), stripe_env.deliveries
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("trialing", "starter")
    assert state.trial_days_left == 14 and state.limits.max_messages_month == 10_000
    assert billing.list_invoices(db, tenant_id=owner.tenant_id) == []  # R$ 0 today
    assert billing.banner(db, tenant_id=owner.tenant_id).key == ""  # not asked to subscribe
    # Stripe ends that trial: its word may come after the hour, the plan stays meanwhile
    late = entitlements.billing_state(db, tenant_id=owner.tenant_id,
                                      now=trial_ends + timedelta(hours=2))
    assert (late.status, late.plan_code) == ("trialing", "starter")
    sub_id = db.exec(select(Subscription.provider_subscription_id)
                     .where(Subscription.tenant_id == owner.tenant_id)).one()

    stripe_env.end_trial(sub_id)  # the trial's last day: the first charge
    state = _state(db, owner.tenant_id)
    assert (state.status, state.plan_code) == ("active", "starter")
    assert state.limits.max_messages_month == 10_000
    [inv] = billing.list_invoices(db, tenant_id=owner.tenant_id)
    assert (inv.status, inv.amount_cents) == ("paid", 9_700)
    assert inv.hosted_url and inv.pdf_url

    # Upgrade with proration: the plan changes when customer.subscription.updated arrives.
    assert billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                               role="owner", plan_code="pro", base_url="http://app.test") is None
    state = _state(db, owner.tenant_id)
    assert state.plan_code == "pro" and state.limits.premium_templates
    _, _, params = next(r for r in stripe_env.requests if r[0] == "POST"
                        and r[1].startswith("/v1/subscriptions/"))
    assert params["proration_behavior"] == "create_prorations"
    invoices = billing.list_invoices(db, tenant_id=owner.tenant_id)
    assert sorted(i.amount_cents for i in invoices) == [9_700, 24_700 - 9_700]
    # numbered per customer, as Stripe does (the trial's R$ 0 invoice, not listed, is 0001)
    assert sorted(i.number[-4:] for i in invoices) == ["0002", "0003"]
    stripe_env.fail_payment(sub_id)
    assert _state(db, owner.tenant_id).status == "past_due"
    assert _state(db, owner.tenant_id).limits.plan_code == "pro"  # grace while Stripe retries
    stripe_env.pay_invoice(sub_id)
    assert _state(db, owner.tenant_id).status == "active"

    billing.set_cancel(db, tenant_id=owner.tenant_id, role="owner", cancel=True)
    state = _state(db, owner.tenant_id)
    assert state.status == "active" and state.cancel_at_period_end
    billing.set_cancel(db, tenant_id=owner.tenant_id, role="owner", cancel=False)
    assert not _state(db, owner.tenant_id).cancel_at_period_end
    billing.set_cancel(db, tenant_id=owner.tenant_id, role="owner", cancel=True)
    stripe_env.end_period(sub_id)
    state = _state(db, owner.tenant_id)
    assert state.status == "canceled"
    assert state.limits.plan_code == "gratis"  # TRIAL_END_STATE=free: back to the free limits
    kinds = [e.type for e in db.exec(select(BillingEvent).where(
        BillingEvent.tenant_id == owner.tenant_id)).all()]
    assert "customer.subscription.deleted" in kinds and "checkout.session.completed" in kinds


def test_members_cannot_pay_and_free_plan_is_not_bought(db, stripe_env):
    import pytest

    from ylada_app.services.errors import FieldErrors, Forbidden

    owner = make_owner(db)
    with pytest.raises(Forbidden):
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="agent", plan_code="pro", base_url="http://x")
    with pytest.raises(FieldErrors):
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="owner", plan_code="gratis", base_url="http://x")
    with pytest.raises(FieldErrors):
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="owner", plan_code="<script>", base_url="http://x")
    assert stripe_env.requests == []


def test_stripe_down_is_a_clear_error_and_nothing_is_written(db, stripe_env):
    import pytest

    from ylada_app.models import BillingAccount
    from ylada_app.services.billing import PaymentsUnavailable

    owner = make_owner(db)
    stripe_env.down = True
    with pytest.raises(PaymentsUnavailable) as info:
        billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                            role="owner", plan_code="pro", base_url="http://x")
    assert "Nada foi cobrado" in info.value.message()
    db.rollback()
    assert db.exec(select(BillingAccount).where(
        BillingAccount.tenant_id == owner.tenant_id)).first() is None


def test_invoices_are_per_tenant(db, stripe_env, api_url):
    stripe_env.webhook_url = api_url + "/webhooks/stripe"
    a, b = make_owner(db), make_owner(db)
    end_trial_soon(db, a.tenant_id)
    url = billing.choose_plan(db, tenant_id=a.tenant_id, user_id=a.user_id, role="owner",
                              plan_code="starter", base_url="http://x")
    db.commit()
    _pay_checkout(url)
    db.expire_all()
    assert len(billing.list_invoices(db, tenant_id=a.tenant_id)) == 1
    assert billing.list_invoices(db, tenant_id=b.tenant_id) == []
    assert _state(db, b.tenant_id).status == "trialing"
    assert db.exec(select(Invoice).where(Invoice.tenant_id == b.tenant_id)).first() is None


def test_downgrade_is_prorated_without_a_new_charge(db, stripe_env, api_url):
    stripe_env.webhook_url = api_url + "/webhooks/stripe"
    owner = make_owner(db)
    end_trial_soon(db, owner.tenant_id)
    url = billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                              role="owner", plan_code="business", base_url="http://x")
    db.commit()
    _pay_checkout(url)
    assert _state(db, owner.tenant_id).plan_code == "business"
    billing.choose_plan(db, tenant_id=owner.tenant_id, user_id=owner.user_id, role="owner",
                        plan_code="starter", base_url="http://x")
    assert _state(db, owner.tenant_id).plan_code == "starter"
    assert len(billing.list_invoices(db, tenant_id=owner.tenant_id)) == 1


def test_banner_warns_at_80_percent_and_when_the_quota_is_used(db):
    from ylada_app.models import Plan
    from ylada_app.services.conversations import count_usage

    owner = make_owner(db)
    # (a trial of the free plan ends into the free plan: no countdown, the plan's limit)
    assert billing.banner(db, tenant_id=owner.tenant_id).key == "banner.free_plan"
    limit = db.exec(select(Plan).where(Plan.code == "gratis")).one().max_messages_month
    count_usage(db, tenant_id=owner.tenant_id, messages_out=int(limit * 0.8))
    db.commit()
    notice = billing.banner(db, tenant_id=owner.tenant_id)
    assert notice.key == "banner.quota_warn" and notice.params == {"pct": 80}
    count_usage(db, tenant_id=owner.tenant_id, messages_out=limit)
    db.commit()
    assert billing.banner(db, tenant_id=owner.tenant_id).key == "banner.quota_over"
    meters = {m.key: m.level for m in billing.usage_report(db, tenant_id=owner.tenant_id).meters}
    assert meters["messages"] == "over" and meters["instances"] == "ok"
