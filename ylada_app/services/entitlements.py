"""What a tenant's plan allows: the one place other features ask before using a paid capability.

Marketplace (premium templates), the AI assistant (tokens per month), instances, flows and the
message pipeline all ask here, so billing rules change in one module. The tenant's plan is the
plan of its most recent subscription; a tenant without one gets the free plan's limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ylada_app.models import Plan, Subscription, UsageCounter, utcnow

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


def _limits(plan: Plan) -> Limits:
    return Limits(plan.code, plan.name, plan.max_instances, plan.max_active_flows,
                  plan.max_messages_month, plan.max_ai_tokens_month, plan.premium_templates)


def current_subscription(session: Session, *, tenant_id: int) -> Subscription | None:
    return session.exec(
        select(Subscription).where(Subscription.tenant_id == tenant_id)
        .order_by(Subscription.id.desc())  # type: ignore[union-attr]
    ).first()


def current_plan(session: Session, *, tenant_id: int) -> Plan | None:
    sub = current_subscription(session, tenant_id=tenant_id)
    if sub is not None:
        plan = session.get(Plan, sub.plan_id)
        if plan is not None:
            return plan
    return session.exec(select(Plan).where(Plan.code == FREE_PLAN_CODE)).first()


def limits_for(session: Session, *, tenant_id: int) -> Limits:
    plan = current_plan(session, tenant_id=tenant_id)
    if plan is None:  # no plan catalogue at all (bare test database): the free defaults
        return Limits(FREE_PLAN_CODE, "Grátis", 1, 2, 1_000, 20_000, False)
    return _limits(plan)


def premium_templates_allowed(session: Session, *, tenant_id: int) -> bool:
    return limits_for(session, tenant_id=tenant_id).premium_templates


def month_usage(session: Session, *, tenant_id: int, month: str | None = None) -> UsageCounter:
    """This month's counters (a zero row, not persisted, when nothing was counted yet)."""
    month = month or utcnow().strftime("%Y-%m")
    row = session.exec(select(UsageCounter).where(UsageCounter.tenant_id == tenant_id,
                                                  UsageCounter.month == month)).first()
    return row or UsageCounter(tenant_id=tenant_id, month=month)


def ai_tokens_remaining(session: Session, *, tenant_id: int) -> int:
    """AI tokens left this month under the plan (0 or less: the assistant must not be called)."""
    limit = limits_for(session, tenant_id=tenant_id).max_ai_tokens_month
    return limit - month_usage(session, tenant_id=tenant_id).ai_tokens
