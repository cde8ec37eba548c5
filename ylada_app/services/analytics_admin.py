"""The platform admin dashboard: tenants by state, MRR and its trend, new tenants per week,
messages per day across the platform, marketplace templates (seam), tenants near their limits.

MRR trend: there is no billing history table, so the rollup job writes a daily snapshot
(`platform_daily.mrr_cents`, tenant counts) — the trend starts the day analytics is deployed.
Messages per day come from the same rows (`messages_in/out`, added by the rollup job, UTC
days, simulator chats included: they go through the same pipeline).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from ylada_app.models import (
    AnalyticsRollup,
    AutomationTemplate,
    PlatformDaily,
    Tenant,
    TenantTemplate,
    UsageCounter,
    utcnow,
)
from ylada_app.services import entitlements
from ylada_app.services.billing_admin import revenue_figures
from ylada_app.services.context import AuthContext
from ylada_app.services.errors import Forbidden
from ylada_app.services.limits import WARN_RATIO

SYSTEM = AuthContext(user_id=0, email="system@ylada", name="system", is_platform_admin=True,
                     locale="pt-BR", tenant_id=None, tenant_name="", tenant_status="", role="",
                     instance_id=None)
TREND_DAYS = 30
WEEKS = 12


def _status_counts(session: Session, now: datetime) -> tuple[int, dict[str, int], int]:
    figures = revenue_figures(session, SYSTEM, now=now)
    suspended = session.scalar(select(func.count()).select_from(Tenant)
                               .where(Tenant.status == "suspended")) or 0
    by_status = dict(figures.by_status)
    by_status["suspended"] = int(suspended)
    return figures.mrr_cents, by_status, figures.tenants


def snapshot_platform(session: Session, *, now: datetime | None = None) -> None:
    """Today's (UTC) MRR and tenant counts into `platform_daily` (overwritten during the day,
    so the last snapshot of a day stands for it)."""
    now = now or utcnow()
    mrr, by_status, tenants = _status_counts(session, now)
    mod = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = PlatformDaily.__table__
    values = {"day": now.strftime("%Y-%m-%d"), "messages_in": 0, "messages_out": 0,
              "mrr_cents": mrr, "tenants_total": tenants, "snapshot": by_status,
              "snapshot_at": now}
    stmt = mod.insert(table).values(**values)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["day"], set_={"mrr_cents": stmt.excluded.mrr_cents,
                                      "tenants_total": stmt.excluded.tenants_total,
                                      "snapshot": stmt.excluded.snapshot,
                                      "snapshot_at": stmt.excluded.snapshot_at}))


def close_to_limits(session: Session, *, now: datetime | None = None,
                    limit: int = 20) -> list[dict[str, Any]]:
    """Tenants that used ≥ 80 % of this month's messages (the billing meter: sent replies)."""
    month = entitlements.month_key(now)
    rows = session.execute(
        select(UsageCounter.tenant_id, UsageCounter.messages_out, Tenant.name)
        .join(Tenant, Tenant.id == UsageCounter.tenant_id)
        .where(UsageCounter.month == month, UsageCounter.messages_out > 0)).all()
    out = []
    for tenant_id, used, name in rows:
        cap = entitlements.limits_for(session, tenant_id=tenant_id).max_messages_month
        ratio = used / cap if cap else 1.0
        if ratio >= WARN_RATIO:
            out.append({"tenant_id": tenant_id, "name": name, "used": int(used),
                        "limit": int(cap), "pct": round(ratio * 100)})
    out.sort(key=lambda x: (-x["pct"], x["name"]))
    return out[:limit]


def marketplace_templates(session: Session, *, limit: int = 5) -> dict[str, list[dict]]:
    """Most installed templates (installs, active installs) and most converting ones: goals
    reached by the flows installed from each template, from the per-day flow rollup rows
    (`d:goal_reached`), so no raw event table is scanned."""
    installs = session.execute(
        select(AutomationTemplate.id, AutomationTemplate.name, func.count(TenantTemplate.id),
               func.sum(case((TenantTemplate.is_active, 1), else_=0)))
        .join(TenantTemplate, TenantTemplate.template_id == AutomationTemplate.id)
        .group_by(AutomationTemplate.id, AutomationTemplate.name)
        .order_by(func.count(TenantTemplate.id).desc(), AutomationTemplate.name)
    ).all()
    installed = [{"name": name, "count": int(n), "active": int(active or 0)}
                 for _tid, name, n, active in installs[:limit]]
    flows = session.execute(
        select(TenantTemplate.template_id, TenantTemplate.tenant_id, TenantTemplate.flow_id)
        .where(TenantTemplate.flow_id.is_not(None))).all()
    if not flows:
        return {"installed": installed, "converting": []}
    owner = {(tenant_id, str(flow_id)): template_id for template_id, tenant_id, flow_id in flows}
    tenants = sorted({tenant_id for _t, tenant_id, _f in flows})
    goals: dict[int, int] = {}
    for tenant_id, flow_id, value in session.execute(
            select(AnalyticsRollup.tenant_id, AnalyticsRollup.flow_id,
                   func.sum(AnalyticsRollup.value))
            .where(AnalyticsRollup.tenant_id.in_(tenants),
                   AnalyticsRollup.metric == "d:goal_reached",
                   AnalyticsRollup.flow_id.in_({str(f) for _t, _n, f in flows}))
            .group_by(AnalyticsRollup.tenant_id, AnalyticsRollup.flow_id)):
        template_id = owner.get((tenant_id, flow_id))
        if template_id is not None:
            goals[template_id] = goals.get(template_id, 0) + int(value or 0)
    names = {tid: name for tid, name, _n, _a in installs}
    converting = [{"name": names.get(tid, "?"), "count": n}
                  for tid, n in sorted(goals.items(), key=lambda kv: -kv[1]) if n > 0][:limit]
    return {"installed": installed, "converting": converting}


def admin_dashboard(session: Session, actor: AuthContext, *,
                    now: datetime | None = None) -> dict[str, Any]:
    if not actor.is_platform_admin:
        raise Forbidden("error.admin_only")
    now = now or utcnow()
    mrr, by_status, tenants = _status_counts(session, now)
    since = (now - timedelta(days=TREND_DAYS - 1)).strftime("%Y-%m-%d")
    daily = {r.day: r for r in session.scalars(
        select(PlatformDaily).where(PlatformDaily.day >= since))}
    days = [(now - timedelta(days=i)).strftime("%Y-%m-%d") for i in range(TREND_DAYS - 1, -1, -1)]
    messages = [{"day": d, "in": daily[d].messages_in if d in daily else 0,
                 "out": daily[d].messages_out if d in daily else 0} for d in days]
    # Past days from their snapshots; today from the live figure (today's snapshot may be up
    # to ten minutes old — it showed R$ 0 right after a first payment).
    trend = [{"day": d, "mrr_cents": daily[d].mrr_cents} for d in days[:-1]
             if d in daily and daily[d].mrr_cents is not None]
    trend.append({"day": days[-1], "mrr_cents": mrr})
    week0 = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)
    first = week0 - timedelta(weeks=WEEKS - 1)
    weeks = {(first + timedelta(weeks=i)).date().isoformat(): 0 for i in range(WEEKS)}
    for (created,) in session.execute(select(Tenant.created_at)
                                      .where(Tenant.created_at >= first)).all():
        monday = (created - timedelta(days=created.weekday())).date().isoformat()
        if monday in weeks:
            weeks[monday] += 1
    return {
        "tenants": tenants,
        "by_status": by_status,
        "mrr_cents": mrr,
        "mrr_trend": trend,
        "new_tenants": [{"week": w, "count": n} for w, n in weeks.items()],
        "messages": messages,
        "templates": marketplace_templates(session),
        "near_limits": close_to_limits(session, now=now),
    }
