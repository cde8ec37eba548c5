"""Admin billing: plan editing (validated, admin only) and MRR from real subscription rows."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_owner
from ylada_app.core.money import format_brl
from ylada_app.models import Plan, Subscription
from ylada_app.services import billing_admin
from ylada_app.services.errors import FieldErrors, Forbidden


def _subscribe(db, tenant_id, code, status, provider="stripe"):
    plan = db.exec(select(Plan).where(Plan.code == code)).one()
    db.add(Subscription(tenant_id=tenant_id, plan_id=plan.id, status=status,
                        provider=provider, provider_subscription_id=f"sub_{tenant_id}"))
    db.commit()
    return plan


def test_mrr_counts_paying_subscriptions_only(db):
    admin = make_admin(db)
    before = billing_admin.revenue_figures(db, admin)
    a, b, c = make_owner(db), make_owner(db), make_owner(db)
    pro = _subscribe(db, a.tenant_id, "pro", "active")
    starter = _subscribe(db, b.tenant_id, "starter", "past_due")
    _subscribe(db, c.tenant_id, "business", "canceled")
    after = billing_admin.revenue_figures(db, admin)
    assert after.mrr_cents - before.mrr_cents == pro.price_cents + starter.price_cents
    assert after.by_status["active"] - before.by_status["active"] == 1
    assert after.by_status["past_due"] - before.by_status["past_due"] == 1
    assert after.by_status["canceled"] - before.by_status["canceled"] == 1
    assert {p.code for p in after.by_plan} >= {"pro", "starter"}
    with pytest.raises(Forbidden):
        billing_admin.revenue_figures(db, a.ctx(db))


def test_mrr_sums_every_gateway(db):
    """A business paying through Asaas (Pix/boleto) or Mercado Pago counts like Stripe's."""
    admin = make_admin(db)
    before = billing_admin.revenue_figures(db, admin)
    a, b, c, d = make_owner(db), make_owner(db), make_owner(db), make_owner(db)
    starter = _subscribe(db, a.tenant_id, "starter", "active", "stripe")
    pro = _subscribe(db, b.tenant_id, "pro", "active", "asaas")
    _subscribe(db, c.tenant_id, "starter", "past_due", "mercadopago")
    _subscribe(db, d.tenant_id, "pro", "canceled", "asaas")  # no longer paying
    after = billing_admin.revenue_figures(db, admin)
    assert after.mrr_cents - before.mrr_cents == 2 * starter.price_cents + pro.price_cents


def test_plan_edit_validates_every_field(db):
    admin = make_admin(db)
    plan = db.exec(select(Plan).where(Plan.code == "starter")).one()
    with pytest.raises(FieldErrors) as info:
        billing_admin.update_plan(db, admin, plan_id=plan.id, data={
            "name": "", "price": "abc", "max_instances": "-1", "max_active_flows": "x",
            "max_messages_month": "10", "max_ai_tokens_month": "0", "trial_days": "999",
            "stripe_price_id": "prod_123"})
    assert set(info.value.errors) == {"name", "price", "max_instances", "max_active_flows",
                                      "trial_days", "stripe_price_id"}
    db.rollback()
    updated = billing_admin.update_plan(db, admin, plan_id=plan.id, data={
        "name": "Starter", "price": "1.234,56", "interval": "month", "max_instances": "2",
        "max_active_flows": "5", "max_messages_month": "10000",
        "max_ai_tokens_month": "200000", "trial_days": "0", "stripe_price_id": "price_abc",
        "is_active": True})
    assert updated.price_cents == 123_456 and format_brl(updated.price_cents) == "R$ 1.234,56"
    db.rollback()
    owner = make_owner(db)
    with pytest.raises(Forbidden):
        billing_admin.update_plan(db, owner.ctx(db), plan_id=plan.id, data={})


def test_money_format():
    assert format_brl(0) == "R$ 0,00"
    assert format_brl(9_700) == "R$ 97,00"
    assert format_brl(123_456_789) == "R$ 1.234.567,89"
    assert format_brl(-150) == "-R$ 1,50"
    assert billing_admin.parse_price("R$ 97") == 9_700
    assert billing_admin.parse_price("24,70") == 2_470
    assert billing_admin.parse_price("-5") is None


def test_admin_switches_white_label_per_plan(db):
    """The plan flag `white_label` is edited like the others: turning it off on the plan a
    business pays for takes its brand off its address at once (no stale cached brand), and
    the plan next to it is untouched."""
    from ylada_app.services import brand, entitlements

    admin = make_admin(db)
    owner, other = make_owner(db), make_owner(db)
    plan = _subscribe(db, owner.tenant_id, "business", "active")
    _subscribe(db, other.tenant_id, "pro", "active")
    assert plan.white_label
    brand.save_settings(db, tenant_id=owner.tenant_id, data={"display_name": "Acme Bots"})
    brand.set_subdomain(db, tenant_id=owner.tenant_id, subdomain=f"acme{owner.tenant_id}")
    db.commit()
    host = f"acme{owner.tenant_id}.{brand.base_domain()}"
    assert brand.cached_brand_for_host(db, host).name == "Acme Bots"

    def form(p, **extra):
        return {"name": p.name, "price": str(p.price_cents / 100).replace(".", ","),
                "interval": p.interval, "max_instances": p.max_instances,
                "max_active_flows": p.max_active_flows,
                "max_messages_month": p.max_messages_month,
                "max_ai_tokens_month": p.max_ai_tokens_month, "trial_days": p.trial_days,
                "premium_templates": p.premium_templates, "api_access": p.api_access,
                "is_active": p.is_active, "stripe_price_id": p.stripe_price_id, **extra}

    assert "white_label" in billing_admin.PLAN_FLAGS
    billing_admin.update_plan(db, admin, plan_id=plan.id, data=form(plan, white_label=False))
    db.commit()
    assert entitlements.limits_for(db, tenant_id=owner.tenant_id).white_label is False
    assert brand.cached_brand_for_host(db, host).is_platform
    pro = db.exec(select(Plan).where(Plan.code == "pro")).one()
    assert pro.white_label is False  # the other plan did not move

    billing_admin.update_plan(db, admin, plan_id=plan.id, data=form(plan, white_label=True))
    db.commit()
    assert brand.cached_brand_for_host(db, host).name == "Acme Bots"
    with pytest.raises(Forbidden):
        billing_admin.update_plan(db, owner.ctx(db), plan_id=plan.id,
                                  data=form(plan, white_label=True))
