"""Platform administration: the tenant list, a tenant's detail, suspend and reactivate.

Every function takes the caller's AuthContext and refuses non-admins itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.models import Instance, Membership, Plan, Subscription, Tenant, User
from ylada_app.models.tenant import Role, TenantStatus
from ylada_app.services import audit
from ylada_app.services.context import AuthContext
from ylada_app.services.errors import NotFound
from ylada_app.services.instances import list_instances
from ylada_app.services.team import MemberRow, list_members
from ylada_app.services.validation import Validator


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


def tenant_detail(session: Session, actor: AuthContext, *, tenant_id: int | str) -> TenantDetail:
    actor.require_admin()
    tenant = _tenant(session, tenant_id)
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
    clean = v.choice("status", status, tuple(TenantStatus), "error.status_invalid")
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
    try:
        tid = int(str(tenant_id))
    except (TypeError, ValueError):
        raise NotFound("error.not_found") from None
    tenant = session.get(Tenant, tid)
    if tenant is None:
        raise NotFound("error.not_found")
    return tenant
