"""Platform administration: the tenant list, a tenant's detail, suspend and reactivate.

Every function takes the caller's AuthContext and refuses non-admins itself. A business's
data (its members, numbers) opens only after the admin gave a reason (`open_tenant`): the
reason is kept in the audit trail, where the business sees it, and the opening lasts
ACCESS_TTL for that admin and business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ylada_app.models import (
    AuditLog,
    Instance,
    Membership,
    Plan,
    Subscription,
    Tenant,
    User,
    utcnow,
)
from ylada_app.models.tenant import Role, TenantStatus
from ylada_app.services import audit
from ylada_app.services.context import AuthContext
from ylada_app.services.errors import Forbidden, NotFound
from ylada_app.services.instances import list_instances
from ylada_app.services.team import MemberRow, list_members
from ylada_app.services.validation import Validator, parse_id


@dataclass(frozen=True)
class TenantRow:
    id: int
    name: str
    slug: str
    niche: str
    status: str
    owner_email: str
    instance_count: int
    plan_name: str
    subscription_status: str
    created_at: datetime
    agency_name: str = ""  # an agency's client: the agency that runs (and pays for) it


def list_tenants(session: Session, actor: AuthContext, *, search: str = "") -> list[TenantRow]:
    actor.require_admin()
    tenants = select(Tenant).order_by(Tenant.created_at.desc(), Tenant.id.desc())
    term = (search or "").strip().lower()[:80]
    if term:
        like = f"%{term}%"
        tenants = tenants.where(func.lower(Tenant.name).like(like) | Tenant.slug.like(like))
    rows = session.exec(tenants.limit(500)).all()
    return _rows(session, list(rows), [t.id for t in rows])


def _rows(session: Session, tenants: list[Tenant], ids: list[int]) -> list[TenantRow]:
    if not ids:
        return []
    counts = dict(
        session.exec(
            select(Instance.tenant_id, func.count(Instance.id))
            .where(Instance.tenant_id.in_(ids))
            .group_by(Instance.tenant_id)
        ).all()
    )
    owners: dict[int, str] = {}
    for tenant_id, email in session.exec(
        select(Membership.tenant_id, User.email)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id.in_(ids), Membership.role == Role.OWNER)
        .order_by(Membership.created_at)
    ).all():
        owners.setdefault(tenant_id, email)
    # an agency's client runs on its agency's plan (services/agency.py): say so
    agencies = {t.id: t.name for t in session.exec(select(Tenant).where(col(Tenant.id).in_(
        {t.agency_tenant_id for t in tenants if t.agency_tenant_id})))} \
        if any(t.agency_tenant_id for t in tenants) else {}
    plans: dict[int, tuple[str, str]] = {}
    for tenant_id, plan_name, status in session.exec(
        select(Subscription.tenant_id, Plan.name, Subscription.status)
        .join(Plan, Plan.id == Subscription.plan_id)
        .where(Subscription.tenant_id.in_(ids))
        .order_by(Subscription.created_at)
    ).all():
        plans[tenant_id] = (plan_name, status)
    return [
        TenantRow(
            id=t.id,
            name=t.name,
            slug=t.slug,
            niche=t.niche,
            status=t.status,
            owner_email=owners.get(t.id, ""),
            instance_count=counts.get(t.id, 0),
            plan_name=plans.get(t.id, ("", ""))[0],
            agency_name=agencies.get(t.agency_tenant_id, "") if t.agency_tenant_id else "",
            subscription_status=plans.get(t.id, ("", ""))[1],
            created_at=t.created_at,
        )
        for t in tenants
    ]


@dataclass(frozen=True)
class TenantDetail:
    tenant: TenantRow
    suspended_reason: str
    members: list[MemberRow]
    instances: list[Instance]


ACCESS_TTL = timedelta(hours=1)
ACCESS_ACTION = "admin.data_accessed"
REASON_MIN, REASON_MAX = 10, 300


class ReasonRequired(Forbidden):
    """The admin must say why before a business's data opens."""


def open_tenant(session: Session, actor: AuthContext, *, tenant_id: int | str,
                reason: object, client_ip: str = "") -> None:
    """Record why this admin opens this business's data (the business sees the entry)."""
    actor.require_admin()
    tenant = _tenant(session, tenant_id)
    clean = " ".join(str(reason or "").split())
    v = Validator()
    if len(clean) < REASON_MIN:
        v.fail("reason", "admin.error.reason_short", min=REASON_MIN)
    elif len(clean) > REASON_MAX:
        v.fail("reason", "error.too_long", max=REASON_MAX)
    v.raise_if_any()
    audit.record(session, action=ACCESS_ACTION, actor_user_id=actor.user_id,
                 tenant_id=tenant.id, target=f"tenant:{tenant.id}", client_ip=client_ip,
                 reason=clean)
    session.flush()


def access_reason(session: Session, actor: AuthContext, *, tenant_id: int) -> str | None:
    """The reason this admin gave for the business within ACCESS_TTL (None: none given)."""
    details = session.exec(
        select(AuditLog.details).where(
            AuditLog.action == ACCESS_ACTION, AuditLog.tenant_id == tenant_id,
            AuditLog.actor_user_id == actor.user_id,
            AuditLog.created_at >= utcnow() - ACCESS_TTL)
        .order_by(col(AuditLog.id).desc()).limit(1)).first()
    return None if details is None else str((details or {}).get("reason") or "")


def tenant_name(session: Session, actor: AuthContext, *, tenant_id: int | str) -> str:
    """What the reason form shows before anything else opens."""
    actor.require_admin()
    return _tenant(session, tenant_id).name


def tenant_detail(session: Session, actor: AuthContext, *, tenant_id: int | str) -> TenantDetail:
    actor.require_admin()
    tenant = _tenant(session, tenant_id)
    if access_reason(session, actor, tenant_id=tenant.id) is None:
        raise ReasonRequired("admin.error.reason_required")
    row = _rows(session, [tenant], [tenant.id])[0]
    return TenantDetail(
        tenant=row,
        suspended_reason=tenant.suspended_reason or "",
        members=list_members(session, tenant_id=tenant.id),
        instances=list_instances(session, tenant_id=tenant.id),
    )


def set_tenant_status(
    session: Session, actor: AuthContext, *, tenant_id: int | str, status: str, reason: str = ""
) -> Tenant:
    actor.require_admin()
    tenant = _tenant(session, tenant_id)
    v = Validator()
    # closed/erased belong to the owner's closure (services/closure.py), not to this switch
    clean = v.choice("status", status, (TenantStatus.ACTIVE, TenantStatus.SUSPENDED),
                     "error.status_invalid")
    if tenant.status in (TenantStatus.CLOSED, TenantStatus.ERASED):
        v.fail("status", "error.status_invalid")
    if len(reason or "") > 300:
        v.fail("reason", "error.too_long", max=300)
    v.raise_if_any()
    previous = tenant.status
    tenant.status = clean
    tenant.suspended_reason = (reason or "").strip() or None if clean == "suspended" else None
    session.add(tenant)
    if previous != clean:
        verb = "suspended" if clean == "suspended" else "reactivated"
        audit.record(session, action=f"admin.tenant_{verb}",
                     actor_user_id=actor.user_id, tenant_id=tenant.id,
                     target=tenant.name, reason=tenant.suspended_reason or "")
    session.flush()
    return tenant


def _tenant(session: Session, tenant_id: int | str) -> Tenant:
    tid = parse_id(tenant_id)  # (None for words and numbers past the id column)
    if tid is None:
        raise NotFound("error.not_found")
    tenant = session.get(Tenant, tid)
    if tenant is None:
        raise NotFound("error.not_found")
    return tenant
