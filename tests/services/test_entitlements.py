"""The entitlement seam reads the tenant's current plan and this month's usage."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import make_owner
from ylada_app.models import Plan, Subscription
from ylada_app.services import entitlements
from ylada_app.services.conversations import count_usage


def test_new_tenant_is_on_the_trial_plan_without_premium(db):
    tenant_id = make_owner(db).tenant_id
    limits = entitlements.limits_for(db, tenant_id=tenant_id)
    assert limits.plan_code == "gratis"
    assert entitlements.premium_templates_allowed(db, tenant_id=tenant_id) is False


def test_latest_subscription_decides_and_ai_tokens_are_counted(db):
    tenant_id = make_owner(db).tenant_id
    pro = db.exec(select(Plan).where(Plan.code == "pro")).one()
    db.add(Subscription(tenant_id=tenant_id, plan_id=pro.id, status="active"))
    db.commit()
    assert entitlements.premium_templates_allowed(db, tenant_id=tenant_id) is True
    before = entitlements.ai_tokens_remaining(db, tenant_id=tenant_id)
    count_usage(db, tenant_id=tenant_id, ai_tokens=1234)
    db.commit()
    assert entitlements.ai_tokens_remaining(db, tenant_id=tenant_id) == before - 1234
