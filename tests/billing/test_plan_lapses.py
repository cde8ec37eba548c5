"""Found by review and fixed: a plan that lapses by itself switched nothing off.

A downgrade or cancellation by webhook switches off what the smaller plan no longer allows
(limits.switch_off_excess), but a free trial running out, a provider's trial whose word never
came, or the past_due grace days ending changed the limits without any event: new switch-ons
were refused, yet every number and flow over the now-effective plan kept running. The
sweeper (billing_admin.settle, once a minute) now switches off the excess of the businesses
whose trial or grace ended since its last run — once; a business that paid meanwhile is not
touched. The clock is moved by passing `now`, as the other billing tests do.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import delete, func, select

from tests.billing.test_plan_shrinks import run_numbers_and_flows
from tests.factories import make_owner
from ylada_app.models import (
    AuditLog,
    Flow,
    Instance,
    Notification,
    Plan,
    PlatformSetting,
    Subscription,
    utcnow,
)
from ylada_app.services import billing_admin, entitlements
from ylada_app.services.limits import OVER_LIMIT_ACTION, SLOT_STATUSES


@pytest.fixture(autouse=True)
def _no_watermark(db):
    """Each test starts with no "last run" (others move the clock their own way)."""
    db.exec(delete(PlatformSetting).where(PlatformSetting.key == billing_admin.LAPSED_KEY))
    db.commit()
    yield
    db.rollback()
    db.exec(delete(PlatformSetting).where(PlatformSetting.key == billing_admin.LAPSED_KEY))
    db.commit()


def _business_on(db, code: str, **sub_fields):
    """A business whose current subscription is `code` with `sub_fields`, running 3 numbers
    and 4 active flows (the free plan allows 1 and 2)."""
    owner = make_owner(db)
    plan = db.exec(select(Plan).where(Plan.code == code)).one()
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, **sub_fields))
    db.commit()
    entitlements.forget_limits()
    run_numbers_and_flows(db, owner, numbers=3, active_flows=4)
    return owner


def _running(db, tenant_id: int) -> tuple[int, int]:
    db.expire_all()
    numbers = db.exec(select(func.count()).select_from(Instance).where(
        Instance.tenant_id == tenant_id, Instance.channel != "simulator",
        Instance.status.in_(SLOT_STATUSES))).one()
    active = db.exec(select(func.count()).select_from(Flow).where(
        Flow.tenant_id == tenant_id, Flow.status == "active")).one()
    return numbers, active


def _told(db, tenant_id: int) -> tuple[int, int]:
    audits = db.exec(select(func.count()).select_from(AuditLog).where(
        AuditLog.tenant_id == tenant_id, AuditLog.action == OVER_LIMIT_ACTION)).one()
    notes = db.exec(select(func.count()).select_from(Notification).where(
        Notification.tenant_id == tenant_id, Notification.kind == "plan")).one()
    return audits, notes


def _sweep(db, now):
    billing_admin.settle(db, now=now)
    db.commit()
    entitlements.forget_limits()


def test_past_due_grace_ending_switches_off_the_excess_once(db):
    now = utcnow()
    unpaid = _business_on(db, "pro", status="past_due", provider="stripe",
                          provider_subscription_id="sub_lapse_unpaid",
                          current_period_end=now - timedelta(days=1))
    payer = _business_on(db, "pro", status="past_due", provider="stripe",
                         provider_subscription_id="sub_lapse_payer",
                         current_period_end=now - timedelta(days=1))
    assert _running(db, unpaid.tenant_id) == (3, 4)
    grace = timedelta(days=7)  # BILLING_GRACE_DAYS: the plan lapses 6 days from now

    _sweep(db, now + timedelta(days=5))  # still within the grace days: nothing changes
    assert _running(db, unpaid.tenant_id) == (3, 4)
    # the second business pays before the grace ends
    sub = entitlements.current_subscription(db, tenant_id=payer.tenant_id)
    sub.status = "active"
    db.add(sub)
    db.commit()

    later = now - timedelta(days=1) + grace + timedelta(minutes=1)
    _sweep(db, later)
    assert entitlements.billing_state(db, tenant_id=unpaid.tenant_id, now=later
                                      ).limits.plan_code == "gratis"
    assert _running(db, unpaid.tenant_id) == (1, 2), "over the free plan after the grace"
    assert _told(db, unpaid.tenant_id) == (1, 1)
    kept = db.exec(select(Instance.name).where(
        Instance.tenant_id == unpaid.tenant_id, Instance.channel != "simulator",
        Instance.status.in_(SLOT_STATUSES))).all()
    assert kept == ["Número 0"]  # the newest went off
    assert _running(db, payer.tenant_id) == (3, 4) and _told(db, payer.tenant_id) == (0, 0)

    # running again (and again later) does nothing more
    _sweep(db, later)
    _sweep(db, later + timedelta(minutes=1))
    assert _running(db, unpaid.tenant_id) == (1, 2)
    assert _told(db, unpaid.tenant_id) == (1, 1)


def test_trial_running_out_switches_off_the_excess(db):
    now = utcnow()
    own = _business_on(db, "pro", status="trialing", trial_ends_at=now + timedelta(hours=1))
    # a card trial at the provider whose "active" never came: it lapses a day after its end
    provider = _business_on(db, "pro", status="trialing", provider="stripe",
                            provider_subscription_id="sub_lapse_trial",
                            trial_ends_at=now + timedelta(hours=1))
    _sweep(db, now + timedelta(hours=2))
    assert _running(db, own.tenant_id) == (1, 2)
    assert _told(db, own.tenant_id) == (1, 1)
    assert _running(db, provider.tenant_id) == (3, 4)  # the provider's word may still come
    _sweep(db, now + timedelta(hours=26))
    assert _running(db, provider.tenant_id) == (1, 2)
    _sweep(db, now + timedelta(hours=27))
    assert _told(db, own.tenant_id) == (1, 1) and _told(db, provider.tenant_id) == (1, 1)


def test_an_agency_grace_ending_switches_off_across_its_clients(db):
    """The agency's plan is its clients' too: the group as a whole goes back within the
    fallback plan's limits, and each business's team is told about its own."""
    from types import SimpleNamespace

    from ylada_app.services import agency

    now = utcnow()
    owner = make_owner(db, tenant_name="Agência Prazo")
    plan = db.exec(select(Plan).where(Plan.code == "business")).one()
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="past_due",
                        provider="stripe", provider_subscription_id="sub_lapse_agency",
                        current_period_end=now - timedelta(days=1)))
    db.commit()
    entitlements.forget_limits()
    clients = [agency.create_client(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                    name=f"Cliente {n}", niche="outro") for n in "AB"]
    db.commit()
    for client in clients:
        run_numbers_and_flows(db, SimpleNamespace(tenant_id=client.id, user_id=owner.user_id),
                              numbers=2, active_flows=2)
    _sweep(db, now + timedelta(days=7))
    running = [_running(db, c.id) for c in clients]
    assert tuple(map(sum, zip(*running, strict=True))) == (1, 2), running
    assert running == [(1, 2), (0, 0)]  # the newest (client B's, then A's) went off first
    assert _told(db, clients[0].id) == (1, 1) and _told(db, clients[1].id) == (1, 1)
    assert _told(db, owner.tenant_id) == (0, 0)  # nothing of the agency's own went off


def test_the_sweeper_runs_the_billing_round_once_a_minute(db, monkeypatch):
    from ylada_app.jobs import sweeper

    calls = []
    monkeypatch.setattr(billing_admin, "settle", lambda session, **kw: calls.append(kw) or 0)
    monkeypatch.setattr(sweeper, "_last_settle", [0.0])
    sweeper.settle_billing()
    sweeper.settle_billing()  # within the minute: not again
    assert calls == [{}]


def test_a_trial_whose_asaas_first_charge_is_still_open_waits_for_asaas_word(db):
    """Found by review and fixed: subscribing by Pix or boleto during the trial keeps its
    days — the first Asaas charge falls due on the trial's last day. A boleto paid that day
    is only confirmed a day or two later, yet the trial's end switched off every number and
    flow over the free plan at once, and paying did not switch them back on. While that
    charge is open the trial is left for Asaas' word (paid: the plan starts; overdue or
    removed: settled then, the excess switched off)."""
    from ylada_app.models import Invoice

    now = utcnow()
    ends = now + timedelta(hours=1)
    owner = _business_on(db, "pro", status="trialing", trial_ends_at=ends)
    charge = Invoice(tenant_id=owner.tenant_id, provider="asaas",
                     provider_invoice_id="pay_trial_wait", status="pending", amount_cents=9700,
                     details={"checkout": True, "subscription": "sub_trial_wait",
                              "plan": "starter", "kind": "boleto",
                              "due_date": ends.date().isoformat()})
    db.add(charge)
    db.commit()
    _sweep(db, now + timedelta(hours=2))
    assert _running(db, owner.tenant_id) == (3, 4), "switched off while the boleto is open"
    assert _told(db, owner.tenant_id) == (0, 0)
    assert entitlements.current_subscription(db, tenant_id=owner.tenant_id).status \
        == "trialing"

    charge.status = "overdue"  # Asaas: not paid by its due date
    db.add(charge)
    db.commit()
    _sweep(db, now + timedelta(days=1, hours=2))
    assert _running(db, owner.tenant_id) == (1, 2)
    assert _told(db, owner.tenant_id) == (1, 1)


def test_a_trial_whose_asaas_charge_never_got_word_is_settled_after_some_days(db):
    from ylada_app.models import Invoice

    now = utcnow()
    ends = now + timedelta(hours=1)
    owner = _business_on(db, "pro", status="trialing", trial_ends_at=ends)
    db.add(Invoice(tenant_id=owner.tenant_id, provider="asaas",
                   provider_invoice_id="pay_trial_silent", status="pending", amount_cents=9700,
                   details={"checkout": True, "subscription": "sub_trial_silent",
                            "kind": "pix", "due_date": ends.date().isoformat()}))
    db.commit()
    _sweep(db, now + timedelta(days=1))
    assert _running(db, owner.tenant_id) == (3, 4)
    _sweep(db, now + timedelta(days=5))  # its webhooks were lost: not kept forever
    assert _running(db, owner.tenant_id) == (1, 2)


def test_one_business_failing_to_switch_off_does_not_undo_the_round(db, monkeypatch):
    """A business whose switch-off fails is skipped (and logged): the round's other
    businesses and every trial it settled stay done — the failure rolled back the whole
    round, and failed the same way every minute after."""
    from ylada_app.services import limits

    now = utcnow()
    broken = _business_on(db, "pro", status="trialing", trial_ends_at=now + timedelta(hours=1))
    fine = _business_on(db, "pro", status="trialing", trial_ends_at=now + timedelta(hours=1))
    real = limits.switch_off_excess

    def switch_off(session, *, tenant_id, **kw):
        if tenant_id == broken.tenant_id:
            raise RuntimeError("a row this business holds cannot be written")
        return real(session, tenant_id=tenant_id, **kw)

    monkeypatch.setattr(limits, "switch_off_excess", switch_off)
    _sweep(db, now + timedelta(hours=2))
    assert _running(db, fine.tenant_id) == (1, 2)
    assert _told(db, fine.tenant_id) == (1, 1)
    assert entitlements.current_subscription(db, tenant_id=broken.tenant_id).status \
        != "trialing", "the trial's end was undone with the failing switch-off"
    assert _running(db, broken.tenant_id) == (3, 4)


def test_a_trial_a_payment_is_writing_is_left_for_the_next_round(db):
    """Settling trials reads them locked and skips one a payment webhook is writing at
    that moment (PostgreSQL): read unlocked, the paid trial was written back as ended."""
    import threading

    from ylada_app.core.db import session_scope

    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    now = utcnow()
    owner = _business_on(db, "pro", status="trialing", trial_ends_at=now + timedelta(hours=1))
    sub_id = entitlements.current_subscription(db, tenant_id=owner.tenant_id).id
    locked, release = threading.Event(), threading.Event()

    def payment_webhook():
        with session_scope() as s:
            row = s.exec(select(Subscription).where(Subscription.id == sub_id)
                         .with_for_update()).one()
            locked.set()
            release.wait(10)
            row.status, row.provider, row.provider_subscription_id = \
                "active", "stripe", "sub_paid_now"
            s.add(row)

    worker = threading.Thread(target=payment_webhook)
    worker.start()
    assert locked.wait(10)
    try:
        _sweep(db, now + timedelta(hours=2))  # returns at once: the row is skipped
    finally:
        release.set()
        worker.join(10)
    db.expire_all()
    sub = db.get(Subscription, sub_id)
    assert (sub.status, sub.provider_subscription_id) == ("active", "sub_paid_now")
    assert _running(db, owner.tenant_id) == (3, 4)
