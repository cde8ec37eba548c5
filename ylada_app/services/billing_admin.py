"""Platform admin side of billing: edit plans, and the revenue figures (MRR, tenants by status,
revenue by plan) computed from the real subscription rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.core.money import format_brl
from ylada_app.models import Invoice, Plan, Subscription, Tenant, utcnow
from ylada_app.services import audit
from ylada_app.services.context import AuthContext
from ylada_app.services.entitlements import billing_state
from ylada_app.services.errors import Forbidden, NotFound
from ylada_app.services.validation import Validator, parse_id

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
    limits already apply from the first second, see entitlements.billing_state)."""
    from ylada_app.core.settings import get_settings
    from ylada_app.services.entitlements import forget_limits, free_plan

    now = now or utcnow()
    ended = session.exec(select(Subscription).where(
        Subscription.status == "trialing", Subscription.trial_ends_at <= now,
        Subscription.provider_subscription_id.is_(None))).all()
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
    return len(ended)
