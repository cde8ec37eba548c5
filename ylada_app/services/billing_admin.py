"""Platform admin side of billing: edit plans, and the revenue figures (MRR, tenants by status,
revenue by plan) computed from the real subscription rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.core.money import format_brl
from ylada_app.models import Invoice, Plan, Subscription, Tenant, utcnow
from ylada_app.services import audit
from ylada_app.services.context import AuthContext
from ylada_app.services.entitlements import billing_state
from ylada_app.services.errors import Forbidden, NotFound
from ylada_app.services.validation import Validator, parse_id

log = logging.getLogger(__name__)

PAYING = ("active", "past_due")
STATUSES = ("trialing", "active", "past_due", "canceled", "expired")
INTERVALS = ("month", "year")
# A plan's yes/no entitlements, as the admin edits them.
PLAN_FLAGS = ("premium_templates", "api_access", "white_label", "is_active")


def _admin(actor: AuthContext) -> None:
    if not actor.is_platform_admin:
        raise Forbidden("error.forbidden")


def list_plans(session: Session, actor: AuthContext) -> list[Plan]:
    _admin(actor)
    return list(session.exec(select(Plan).order_by(Plan.sort_order, Plan.id)).all())


def _int_field(v: Validator, field: str, raw: object, *, lo: int, hi: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        v.fail(field, "error.number_invalid")
        return 0
    if not lo <= value <= hi:
        v.fail(field, "error.number_range", lo=lo, hi=hi)
    return value


def parse_price(raw: object) -> int | None:
    """"97", "97,00", "1.234,56" or "R$ 97" → centavos (None when unreadable)."""
    text = str(raw or "").replace("R$", "").replace(" ", "").strip()
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = round(float(text) * 100)
    except ValueError:
        return None
    return value if 0 <= value <= 100_000_000 else None


def check_plan_data(data: dict[str, object]) -> dict[str, object]:
    """The plan form's values, cleaned; FieldErrors (every field at once) if any is wrong.
    Pure: pages call it to review an edit before asking to confirm it."""
    v = Validator()
    name = v.name("name", data.get("name"), max_len=60, min_len=2)
    price = parse_price(data.get("price"))
    if price is None:
        v.fail("price", "error.price_invalid")
    interval = v.choice("interval", data.get("interval") or "month", INTERVALS,
                        "error.interval_invalid")
    nums = {f: _int_field(v, f, data.get(f), lo=0, hi=hi) for f, hi in (
        ("max_instances", 1000), ("max_active_flows", 10_000),
        ("max_messages_month", 100_000_000), ("max_ai_tokens_month", 1_000_000_000),
        ("trial_days", 90))}
    price_id = str(data.get("stripe_price_id") or "").strip()
    if price_id and (len(price_id) > 100 or not price_id.startswith("price_")):
        v.fail("stripe_price_id", "error.stripe_price_invalid")
    v.raise_if_any()
    return {"name": name, "price_cents": price or 0, "interval": interval, **nums,
            "premium_templates": bool(data.get("premium_templates")),
            "api_access": bool(data.get("api_access", True)),
            "white_label": bool(data.get("white_label")),
            "is_active": bool(data.get("is_active", True)),
            "stripe_price_id": price_id or None}


def update_plan(session: Session, actor: AuthContext, *, plan_id: int | str,
                data: dict[str, object]) -> Plan:
    _admin(actor)
    pid = parse_id(plan_id)
    plan = session.get(Plan, pid) if pid is not None else None
    if plan is None:
        raise NotFound("error.not_found")
    clean = check_plan_data(data)
    before = _plan_snapshot(plan)
    for field, value in clean.items():
        setattr(plan, field, value)
    session.add(plan)
    after = _plan_snapshot(plan)
    changes = {k: f"{before[k]} → {after[k]}" for k in after if before[k] != after[k]}
    if changes:
        audit.record(session, action="admin.plan_updated", actor_user_id=actor.user_id,
                     target=plan.name, **changes)
    session.flush()
    if "white_label" in changes:
        _forget_brands()
    return plan


def _forget_brands() -> None:
    """A plan that gains or loses white label changes which brand its businesses' addresses
    draw: the cached host → brand answers must not outlive the edit."""
    from ylada_app.services import brand
    from ylada_app.services.entitlements import forget_limits

    brand.forget_cache()
    forget_limits(None)


def _plan_snapshot(plan: Plan) -> dict[str, object]:
    """The plan's editable values as the audit trail shows them (money in reais)."""
    shown: dict[str, object] = {"name": plan.name, "price": format_brl(plan.price_cents)}
    for f in ("interval", "max_instances", "max_active_flows", "max_messages_month",
              "max_ai_tokens_month", "trial_days", "stripe_price_id"):
        shown[f] = getattr(plan, f) or "—"
    for f in PLAN_FLAGS:
        shown[f] = "sim" if getattr(plan, f) else "não"
    return shown


@dataclass(frozen=True)
class PlanRevenue:
    code: str
    name: str
    subscribers: int
    mrr_cents: int


@dataclass(frozen=True)
class RevenueFigures:
    mrr_cents: int
    by_status: dict[str, int]
    by_plan: list[PlanRevenue]
    paid_this_month_cents: int
    tenants: int


def monthly_cents(plan: Plan) -> int:
    return plan.price_cents // 12 if plan.interval == "year" else plan.price_cents


def revenue_figures(session: Session, actor: AuthContext, *,
                    now: datetime | None = None) -> RevenueFigures:
    """MRR = the monthly price of every paying subscription (active or past_due, paid plan),
    from each tenant's current subscription."""
    _admin(actor)
    now = now or utcnow()
    plans = {p.id: p for p in session.exec(select(Plan)).all()}
    latest = (select(func.max(Subscription.id)).group_by(Subscription.tenant_id))
    subs = session.exec(select(Subscription).where(Subscription.id.in_(latest))).all()
    by_status = dict.fromkeys(STATUSES, 0)
    per_plan: dict[int, list[int]] = {}
    mrr = 0
    for sub in subs:
        state = billing_state(session, tenant_id=sub.tenant_id, now=now)
        by_status[state.status] = by_status.get(state.status, 0) + 1
        plan = plans.get(sub.plan_id)
        if plan is None or sub.status not in PAYING or plan.price_cents <= 0:
            continue
        cents = monthly_cents(plan)
        mrr += cents
        acc = per_plan.setdefault(plan.id, [0, 0])
        acc[0] += 1
        acc[1] += cents
    by_plan = [PlanRevenue(plans[pid].code, plans[pid].name, n, cents)
               for pid, (n, cents) in sorted(per_plan.items(),
                                             key=lambda kv: plans[kv[0]].sort_order)]
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    paid = session.exec(select(func.coalesce(func.sum(Invoice.amount_cents), 0)).where(
        Invoice.status == "paid", Invoice.created_at >= start)).one()
    tenants = session.exec(select(func.count()).select_from(Tenant)).one()
    return RevenueFigures(mrr, by_status, by_plan, int(paid or 0), tenants)


def settle_trials(session: Session, *, now: datetime | None = None) -> int:
    """Trials that ended become the configured state for good (the sweeper calls this; the
    limits already apply from the first second, see entitlements.billing_state), and what the
    new state no longer allows is switched off (limits.switch_off_excess)."""
    from ylada_app.core.settings import get_settings
    from ylada_app.services.entitlements import forget_limits, free_plan

    now = now or utcnow()
    # Locked, and a row a payment webhook is writing is left for the next round: read
    # unlocked, a trial paid at this very moment was written back as ended (canceled).
    ended = session.exec(select(Subscription).where(
        Subscription.status == "trialing", Subscription.trial_ends_at <= now,
        Subscription.provider_subscription_id.is_(None))
        .with_for_update(skip_locked=True)).all()
    waiting = _first_charge_open(session, {sub.tenant_id for sub in ended}, now)
    ended = [sub for sub in ended if sub.tenant_id not in waiting]
    blocked = get_settings().trial_end_state == "blocked"
    free = free_plan(session)
    for sub in ended:
        if blocked or free is None:
            sub.status = "canceled"
            sub.canceled_at = now
        else:
            sub.plan_id = free.id
            sub.status = "active"
        sub.updated_at = now
        session.add(sub)
        forget_limits(sub.tenant_id)
    session.flush()
    for tenant_id in sorted({sub.tenant_id for sub in ended}):
        # Found by review and fixed: the trial's end refused new switch-ons but left running
        # whatever it had allowed. The status moved for good above, so this happens once.
        _switch_off_excess_of(session, tenant_id, now)
    return len(ended)


def _switch_off_excess_of(session: Session, tenant_id: int, now: datetime) -> bool:
    """One business's excess switched off in a savepoint: a business whose switch-off fails
    is logged and skipped, instead of undoing the whole round (every trial settled in it,
    every other business) and failing the same way every minute."""
    from ylada_app.services.limits import switch_off_excess

    try:
        with session.begin_nested():
            switch_off_excess(session, tenant_id=tenant_id, now=now)
    except Exception:
        log.exception("switching off the excess of tenant %s failed", tenant_id)
        return False
    return True


# How long after its due date an Asaas first charge with no word yet keeps a trial from
# being settled (its webhooks lost: the trial does not wait forever).
FIRST_CHARGE_WAIT = timedelta(days=3)


def _first_charge_open(session: Session, tenant_ids: set[int], now: datetime) -> set[int]:
    """The businesses among `tenant_ids` whose Asaas checkout's first charge is still open.

    Found by review and fixed: subscribing by Pix or boleto during the trial keeps its days —
    the first charge falls due on the trial's last day (billing.trial_kept_until) — and a
    boleto paid that day is confirmed a day or two later. Settled at the trial's end, the
    business had every number and flow over the free plan switched off (for good: paying
    switches nothing back on). Its trial is settled once Asaas has decided: paid, the plan
    starts (billing_events_asaas); overdue or removed, it is settled then. (Like a provider's
    trial, whose word may come after the hour: entitlements.PROVIDER_TRIAL_GRACE.)"""
    if not tenant_ids:
        return set()
    from ylada_app.integrations.payments.base import ChargeStatus
    from ylada_app.models import Invoice

    oldest_due = (now - FIRST_CHARGE_WAIT).date().isoformat()
    rows = session.exec(select(Invoice.tenant_id, Invoice.details).where(
        Invoice.tenant_id.in_(tenant_ids),  # type: ignore[attr-defined]
        Invoice.provider == "asaas", Invoice.status == ChargeStatus.PENDING)).all()
    return {tenant_id for tenant_id, details in rows
            if (details or {}).get("checkout")
            and str((details or {}).get("due_date") or "")[:10] >= oldest_due}


# When the sweeper last looked for plans that lapsed with no event (see settle_lapsed).
LAPSED_KEY = "billing_lapsed_checked_at"


def settle_lapsed(session: Session, *, now: datetime | None = None) -> list[int]:
    """Switch off the excess of the businesses whose plan lapsed since the last run with no
    event to say so: the past_due grace days ended (every provider), or a provider's trial
    ended a day ago and its "active" never came. Returns the businesses looked at.

    Found by review and fixed: only a webhook's downgrade switched anything off, so these
    kept every number and flow over the now-effective plan running. Cheap on purpose: one
    query on the subscriptions whose lapse falls between the last run and `now` (a stored
    mark), never every business every minute; running twice does nothing more, and a
    business that paid meanwhile is not past_due/trialing any more, so it is not touched."""
    from ylada_app.core.settings import get_settings
    from ylada_app.models import PlatformSetting
    from ylada_app.models.upsert import insert_ignore_many
    from ylada_app.services import entitlements

    now = now or utcnow()
    insert_ignore_many(session, PlatformSetting, [{"key": LAPSED_KEY, "value": None,
                                                   "updated_at": utcnow()}], ["key"])
    # (locked: two sweepers never handle one window twice)
    mark = session.exec(select(PlatformSetting).where(PlatformSetting.key == LAPSED_KEY)
                        .with_for_update()).one()
    since = _parse_time(mark.value)
    since = min(since, now) if since is not None else None  # a clock set back: look again
    grace = timedelta(days=get_settings().billing_grace_days)

    def lapsing(column, status: str, delay: timedelta, *extra):
        # its lapse (column + delay) in [since, now]: the same moment both runs may see
        # again at the edge; switch_off_excess then finds nothing more to do
        cond = [Subscription.status == status, column.is_not(None), column <= now - delay,
                *extra]
        if since is not None:
            cond.append(column >= since - delay)
        return select(Subscription.id, Subscription.tenant_id).where(*cond)

    rows = [*session.exec(lapsing(Subscription.current_period_end, "past_due", grace)).all(),
            *session.exec(lapsing(Subscription.trial_ends_at, "trialing",
                                  entitlements.PROVIDER_TRIAL_GRACE,
                                  Subscription.provider_subscription_id.is_not(None))).all()]
    looked = []
    for sub_id, tenant_id in sorted(set(rows), key=lambda r: r[1]):
        # the business's current subscription, locked (a webhook applying a payment holds
        # the same row: paid meanwhile is seen here as active and left alone)
        current = entitlements.current_subscription(session, tenant_id=tenant_id,
                                                    for_update=True)
        if current is None or current.id != sub_id \
                or current.status not in ("past_due", "trialing"):
            continue
        entitlements.forget_limits(tenant_id)
        if _switch_off_excess_of(session, tenant_id, now):
            looked.append(tenant_id)
    mark.value, mark.updated_at = now.isoformat(), utcnow()
    session.add(mark)
    session.flush()
    return looked


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def settle(session: Session, *, now: datetime | None = None) -> int:
    """The sweeper's billing round (once a minute): trials that ended are settled and plans
    that lapsed switch off their excess. Returns how many trials were settled."""
    settled = settle_trials(session, now=now)
    settle_lapsed(session, now=now)
    _retry_replaced_checkouts(session)
    return settled


def _retry_replaced_checkouts(session: Session) -> None:
    """In a savepoint: a gateway that fails oddly must not undo the round's settlements."""
    from ylada_app.services import billing_asaas

    try:
        with session.begin_nested():
            billing_asaas.retry_replaced_checkouts(session)
    except Exception:
        log.exception("retrying the removal of replaced Asaas checkouts failed")
