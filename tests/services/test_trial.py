"""Trials: days left while trialing; at the end the tenant moves to the configured state
(free plan limits, or blocked with every limit at zero)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import make_owner
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import utcnow
from ylada_app.services import billing, entitlements, instances
from ylada_app.services.billing_admin import settle_trials
from ylada_app.services.limits import LimitReached, check_instance_slot


def test_trial_counts_down_and_ends_on_the_free_plan(db):
    owner = make_owner(db)
    now = utcnow()
    assert entitlements.billing_state(db, tenant_id=owner.tenant_id, now=now).trial_days_left == 14
    later = now + timedelta(days=13, hours=1)
    assert entitlements.billing_state(db, tenant_id=owner.tenant_id,
                                      now=later).trial_days_left == 1
    ended = entitlements.billing_state(db, tenant_id=owner.tenant_id, now=now + timedelta(days=15))
    assert ended.status == "expired" and not ended.blocked
    assert ended.limits.plan_code == "gratis"
    assert settle_trials(db, now=now + timedelta(days=15)) >= 1
    db.commit()
    state = entitlements.billing_state(db, tenant_id=owner.tenant_id, now=now + timedelta(days=15))
    assert (state.status, state.plan_code, state.trial_days_left) == ("active", "gratis", None)


@pytest.fixture
def blocked_mode(monkeypatch):
    monkeypatch.setenv("TRIAL_END_STATE", "blocked")
    reset_settings_cache()
    entitlements.forget_limits()
    yield
    monkeypatch.delenv("TRIAL_END_STATE")
    reset_settings_cache()
    entitlements.forget_limits()


def test_blocked_mode_stops_everything_until_a_plan_is_paid(db, blocked_mode):
    owner = make_owner(db)
    future = utcnow() + timedelta(days=15)
    state = entitlements.billing_state(db, tenant_id=owner.tenant_id, now=future)
    assert state.blocked and state.limits.max_messages_month == 0
    settle_trials(db, now=future)
    db.commit()
    state = entitlements.billing_state(db, tenant_id=owner.tenant_id)
    assert state.status == "canceled" and state.blocked
    number = instances.create_instance(db, tenant_id=owner.tenant_id, name="Número",
                                       channel="whatsapp_cloud")  # set up: takes no slot
    with pytest.raises(LimitReached):  # connecting it would
        check_instance_slot(db, tenant_id=owner.tenant_id, instance_id=number.id)
    db.rollback()
    report = billing.usage_report(db, tenant_id=owner.tenant_id)
    assert {m.key: m.limit for m in report.meters}["messages"] == 0


def test_the_trial_banner_says_what_the_trial_ends_into(db, monkeypatch):
    from sqlmodel import select

    from ylada_app.core.i18n import translate
    from ylada_app.models import Plan, Subscription
    from ylada_app.services import billing

    owner = make_owner(db)
    # a new business trials the free plan: nothing ends, so no countdown
    notice = billing.banner(db, tenant_id=owner.tenant_id)
    assert notice.key == "banner.free_plan"
    assert "plano Grátis: até 1000 mensagens" in translate(notice.key, **notice.params)
    # a trial of a paid plan (set by the platform) ends into the free plan's smaller limits
    sub = db.exec(select(Subscription).where(Subscription.tenant_id == owner.tenant_id)).one()
    sub.plan_id = db.exec(select(Plan.id).where(Plan.code == "starter")).one()
    db.add(sub)
    db.commit()
    entitlements.forget_limits()
    notice = billing.banner(db, tenant_id=owner.tenant_id)
    assert notice.key == "banner.trial"
    assert "depois, você segue no plano Grátis" in translate(notice.key, **notice.params)
    monkeypatch.setenv("TRIAL_END_STATE", "blocked")
    reset_settings_cache()
    try:
        notice = billing.banner(db, tenant_id=owner.tenant_id)
        assert notice.key == "banner.trial_then_paused"
        assert "o bot pausa até você assinar" in translate(notice.key, **notice.params)
    finally:
        monkeypatch.delenv("TRIAL_END_STATE")
        reset_settings_cache()
