"""Tenants and memberships (invitations: services/team.py)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import timedelta

from sqlmodel import Session, select

from ylada_app.models import Membership, Plan, Subscription, Tenant, User, utcnow
from ylada_app.models.tenant import NICHES, Role
from ylada_app.services.errors import Forbidden
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


def create_tenant_row(session: Session, *, owner: User | None, name: str, niche: str,
                      agency_tenant_id: int | None = None) -> Tenant:
    """Insert a tenant, its owner membership and a trial subscription (no commit). An
    agency's client gets neither: its agency's people and plan serve it (services/agency)."""
    tenant = Tenant(name=name, slug=_unique_slug(session, name), niche=niche,
                    agency_tenant_id=agency_tenant_id)
    session.add(tenant)
    session.flush()
    if owner is not None:
        session.add(Membership(user_id=owner.id, tenant_id=tenant.id, role=Role.OWNER))
    plan = session.exec(select(Plan).where(Plan.code == DEFAULT_PLAN_CODE)).first()
    if plan is not None and agency_tenant_id is None:
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
