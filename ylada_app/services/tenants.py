"""Tenants, memberships and invitations."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.models import Invitation, Membership, Plan, Subscription, Tenant, User, utcnow
from ylada_app.models.tenant import NICHES, Role
from ylada_app.services.errors import Conflict, Forbidden
from ylada_app.services.validation import Validator

DEFAULT_PLAN_CODE = "gratis"


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60] or "empresa"


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug = base
    while session.exec(select(Tenant.id).where(Tenant.slug == slug)).first() is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def validate_tenant_fields(v: Validator, *, name: str | None, niche: str | None) -> tuple[str, str]:
    clean_name = v.name("tenant_name", name, max_len=80, min_len=2)
    clean_niche = v.choice("niche", niche or "outro", NICHES, "error.niche_invalid")
    return clean_name, clean_niche


def create_tenant_row(session: Session, *, owner: User, name: str, niche: str) -> Tenant:
    """Insert a tenant, its owner membership and a trial subscription (no commit)."""
    tenant = Tenant(name=name, slug=_unique_slug(session, name), niche=niche)
    session.add(tenant)
    session.flush()
    session.add(Membership(user_id=owner.id, tenant_id=tenant.id, role=Role.OWNER))
    plan = session.exec(select(Plan).where(Plan.code == DEFAULT_PLAN_CODE)).first()
    if plan is not None:
        now = utcnow()
        trial_end = now + timedelta(days=plan.trial_days) if plan.trial_days else None
        session.add(
            Subscription(
                tenant_id=tenant.id,
                plan_id=plan.id,
                status="trialing" if trial_end else "active",
                trial_ends_at=trial_end,
                current_period_end=trial_end,
            )
        )
    session.flush()
    return tenant


def create_tenant(session: Session, *, user_id: int, name: str | None, niche: str | None) -> Tenant:
    v = Validator()
    clean_name, clean_niche = validate_tenant_fields(v, name=name, niche=niche)
    v.raise_if_any()
    owner = session.get(User, user_id)
    if owner is None:
        raise Forbidden("error.forbidden")
    return create_tenant_row(session, owner=owner, name=clean_name, niche=clean_niche)


def membership_of(session: Session, *, user_id: int, tenant_id: int) -> Membership | None:
    return session.exec(
        select(Membership).where(Membership.user_id == user_id, Membership.tenant_id == tenant_id)
    ).first()


@dataclass(frozen=True)
class MemberRow:
    user_id: int | None
    name: str
    email: str
    role: str
    pending: bool
    since: datetime


def list_members(session: Session, *, tenant_id: int) -> list[MemberRow]:
    rows = session.exec(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant_id)
        .order_by(Membership.created_at)
    ).all()
    members = [MemberRow(u.id, u.name, u.email, m.role, False, m.created_at) for m, u in rows]
    invites = session.exec(
        select(Invitation)
        .where(Invitation.tenant_id == tenant_id, Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at)
    ).all()
    members += [MemberRow(None, "", i.email, i.role, True, i.created_at) for i in invites]
    return members


def invite_member(
    session: Session, *, tenant_id: int, actor_user_id: int, email: str | None, role: str | None
) -> MemberRow:
    """Owner-only. An existing account joins at once; otherwise the invitation waits for the
    e-mail to sign up (or log in)."""
    actor = membership_of(session, user_id=actor_user_id, tenant_id=tenant_id)
    if actor is None or actor.role != Role.OWNER:
        raise Forbidden("error.owner_only")
    v = Validator()
    clean_email = v.email("email", email)
    clean_role = v.choice("role", role or "member", (Role.OWNER, Role.MEMBER), "error.role_invalid")
    v.raise_if_any()
    user = session.exec(select(User).where(User.email == clean_email)).first()
    if user is not None:
        if membership_of(session, user_id=user.id, tenant_id=tenant_id) is not None:
            raise Conflict("error.already_member", field="email")
        m = Membership(user_id=user.id, tenant_id=tenant_id, role=clean_role)
        session.add(m)
        session.flush()
        return MemberRow(user.id, user.name, user.email, clean_role, False, m.created_at)
    pending = session.exec(
        select(func.count(Invitation.id)).where(
            Invitation.tenant_id == tenant_id,
            Invitation.email == clean_email,
            Invitation.accepted_at.is_(None),
        )
    ).one()
    if pending:
        raise Conflict("error.already_invited", field="email")
    inv = Invitation(
        tenant_id=tenant_id, email=clean_email, role=clean_role, invited_by_user_id=actor_user_id
    )
    session.add(inv)
    session.flush()
    return MemberRow(None, "", clean_email, clean_role, True, inv.created_at)


def accept_pending_invitations(session: Session, user: User) -> int:
    invites = session.exec(
        select(Invitation).where(Invitation.email == user.email, Invitation.accepted_at.is_(None))
    ).all()
    joined = 0
    for inv in invites:
        if membership_of(session, user_id=user.id, tenant_id=inv.tenant_id) is None:
            session.add(Membership(user_id=user.id, tenant_id=inv.tenant_id, role=inv.role))
            joined += 1
        inv.accepted_at = utcnow()
        session.add(inv)
    session.flush()
    return joined
