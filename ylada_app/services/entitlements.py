"""What a tenant's plan allows: the one place other features ask before using a paid capability.

Marketplace (premium templates), the AI assistant (tokens per month), instances, flows and the
message pipeline all ask here, so billing rules change in one module. The tenant's plan is the
plan of its most recent subscription. A trial that ended, or a canceled subscription, falls
back to what `TRIAL_END_STATE` says: the free plan's limits, or blocked (all limits zero).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ylada_app.core.settings import get_settings
from ylada_app.models import Plan, Subscription, Tenant, UsageCounter, utcnow

FREE_PLAN_CODE = "gratis"


@dataclass(frozen=True)
class Limits:
    plan_code: str
    plan_name: str
    max_instances: int
    max_active_flows: int
    max_messages_month: int
    max_ai_tokens_month: int
    premium_templates: bool
    api_access: bool = True
    white_label: bool = False  # own brand and addresses (services/brand.py)


FREE_DEFAULTS = Limits(FREE_PLAN_CODE, "Grátis", 1, 2, 1_000, 20_000, False)
BLOCKED = Limits("blocked", "Bloqueado", 0, 0, 0, 0, False, False)


@dataclass(frozen=True)
class BillingState:
    """The tenant's standing as the rest of the app needs it (banners, limits, gates)."""

    status: str  # trialing | active | past_due | canceled | expired
    plan_code: str  # the plan the tenant pays for (or trials)
    plan_name: str
    limits: Limits  # what is enforced right now (fallback limits once a trial ended)
    blocked: bool
    trial_days_left: int | None
    cancel_at_period_end: bool
    current_period_end: datetime | None
    provider: str | None


def _limits(plan: Plan) -> Limits:
    return Limits(plan.code, plan.name, plan.max_instances, plan.max_active_flows,
                  plan.max_messages_month, plan.max_ai_tokens_month, plan.premium_templates,
                  plan.api_access, plan.white_label)


def current_subscription(session: Session, *, tenant_id: int,
                         for_update: bool = False) -> Subscription | None:
    stmt = (select(Subscription).where(Subscription.tenant_id == tenant_id)
            .order_by(Subscription.id.desc()))  # type: ignore[union-attr]
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def free_plan(session: Session) -> Plan | None:
    return session.exec(select(Plan).where(Plan.code == FREE_PLAN_CODE)).first()


def _fallback(session: Session) -> tuple[Limits, bool]:
    if get_settings().trial_end_state == "blocked":
        return BLOCKED, True
    plan = free_plan(session)
    return (_limits(plan) if plan else FREE_DEFAULTS), False


def payer_tenant_id(session: Session, *, tenant_id: int) -> int:
    """Whose subscription pays for a business: an agency's client runs on its agency's plan
    (services/agency.py); every other business on its own."""
    agency_id = session.exec(select(Tenant.agency_tenant_id).where(Tenant.id == tenant_id)
                             ).first()
    return agency_id or tenant_id


def plan_tenant_ids(session: Session, *, tenant_id: int) -> tuple[int, tuple[int, ...]]:
    """(payer, every business sharing the payer's plan). Found by review and fixed: a client
    "runs on its agency's plan", yet numbers, flows, messages and AI tokens were counted per
    client, so each client had the agency's whole plan (an agency paying for 1 number had 1
    in every client). The agency's plan is one: its limits count the agency and all its
    clients together. A business outside any agency is (itself, (itself,))."""
    payer = payer_tenant_id(session, tenant_id=tenant_id)
    ids = session.exec(select(Tenant.id).where(Tenant.agency_tenant_id == payer)).all()
    return payer, tuple(sorted({payer, *ids}))


# A trial the payment provider runs (subscribed during our trial) ends when it says so — its
# "active" or "past_due" may come a little after the hour: the plan is kept this long.
PROVIDER_TRIAL_GRACE = timedelta(days=1)


def billing_state(session: Session, *, tenant_id: int, now: datetime | None = None) -> BillingState:
    now = now or utcnow()
    sub = current_subscription(session, tenant_id=payer_tenant_id(session, tenant_id=tenant_id))
    plan = session.get(Plan, sub.plan_id) if sub is not None else None
    if sub is None or plan is None:
        plan = free_plan(session)
        limits = _limits(plan) if plan else FREE_DEFAULTS
        return BillingState("active", limits.plan_code, limits.plan_name, limits, False, None,
                            False, None, None)
    status = sub.status
    limits, blocked = _limits(plan), False
    days_left = None
    if status == "trialing":
        provider_grace = PROVIDER_TRIAL_GRACE if sub.provider_subscription_id \
            else timedelta(0)
        if sub.trial_ends_at is not None and sub.trial_ends_at + provider_grace <= now:
            status = "expired"
            limits, blocked = _fallback(session)
        elif sub.trial_ends_at is not None:
            days_left = max(0, -(-int((sub.trial_ends_at - now).total_seconds()) // 86400))
    elif status == "canceled":
        limits, blocked = _fallback(session)
    elif status == "past_due" and sub.current_period_end is not None \
            and now > sub.current_period_end + timedelta(days=get_settings().billing_grace_days):
        # Past the grace days after the unpaid period's end the plan's limits end (the banner
        # keeps asking to pay). Every provider: Asaas does not retry an unpaid charge, and
        # Stripe's "unpaid"/"paused" and Mercado Pago's "paused" (all our past_due) stop
        # collecting — found by review and fixed: they used to keep the paid plan forever.
        limits, blocked = _fallback(session)
    return BillingState(status, plan.code, plan.name, limits, blocked, days_left,
                        sub.cancel_at_period_end, sub.current_period_end, sub.provider)


def limits_for(session: Session, *, tenant_id: int) -> Limits:
    return billing_state(session, tenant_id=tenant_id).limits


_CACHE_TTL_S = 5.0
_cache: dict[int, tuple[float, Limits]] = {}
_cache_lock = threading.Lock()


def _remembered(store: dict, tenant_id: int, read):
    """`read()` for this business, remembered in `store` for _CACHE_TTL_S."""
    now = time.monotonic()
    with _cache_lock:
        hit = store.get(tenant_id)
    if hit and hit[0] > now:
        return hit[1]
    value = read()
    with _cache_lock:
        store[tenant_id] = (now + _CACHE_TTL_S, value)
    return value


def cached_limits(session: Session, tenant_id: int) -> Limits:
    """limits_for, remembered for a few seconds: the message pipeline asks on every batch."""
    return _remembered(_cache, tenant_id, lambda: limits_for(session, tenant_id=tenant_id))


_groups: dict[int, tuple[float, tuple[int, tuple[int, ...]]]] = {}


def cached_plan_tenants(session: Session, tenant_id: int) -> tuple[int, tuple[int, ...]]:
    """plan_tenant_ids, remembered for a few seconds (reserve_outbound asks per batch)."""
    return _remembered(_groups, tenant_id,
                       lambda: plan_tenant_ids(session, tenant_id=tenant_id))


def forget_limits(tenant_id: int | None = None) -> None:
    with _cache_lock:
        if tenant_id is None:
            _cache.clear()
            _groups.clear()
        else:
            _cache.pop(tenant_id, None)
            _groups.pop(tenant_id, None)


def premium_templates_allowed(session: Session, *, tenant_id: int) -> bool:
    return limits_for(session, tenant_id=tenant_id).premium_templates


def month_key(now: datetime | None = None) -> str:
    return (now or utcnow()).strftime("%Y-%m")


def month_usage(session: Session, *, tenant_id: int, month: str | None = None) -> UsageCounter:
    """This month's counters (a zero row, not persisted, when nothing was counted yet)."""
    month = month or month_key()
    row = session.exec(select(UsageCounter).where(UsageCounter.tenant_id == tenant_id,
                                                  UsageCounter.month == month)).first()
    return row or UsageCounter(tenant_id=tenant_id, month=month, messages_in=0,
                               messages_out=0, ai_tokens=0, messages_blocked=0)


def plan_usage(session: Session, *, tenant_id: int, month: str | None = None) -> UsageCounter:
    """This month's counters against the plan: the business's own, or for an agency and its
    clients their sum (one plan shared: plan_tenant_ids). Not persisted."""
    _, group = cached_plan_tenants(session, tenant_id)
    if len(group) == 1:
        return month_usage(session, tenant_id=tenant_id, month=month)
    month = month or month_key()
    total = UsageCounter(tenant_id=tenant_id, month=month, messages_in=0, messages_out=0,
                         ai_tokens=0, messages_blocked=0)
    for row in session.exec(select(UsageCounter).where(
            UsageCounter.tenant_id.in_(group), UsageCounter.month == month)).all():  # type: ignore[attr-defined]
        for name in ("messages_in", "messages_out", "ai_tokens", "messages_blocked"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def ai_tokens_remaining(session: Session, *, tenant_id: int) -> int:
    """AI tokens left this month under the plan (0 or less: the assistant must not be called);
    an agency's clients share the agency's tokens (plan_usage)."""
    limit = limits_for(session, tenant_id=tenant_id).max_ai_tokens_month
    return limit - plan_usage(session, tenant_id=tenant_id).ai_tokens

