"""The audit trail: security events of accounts and every platform-admin action.

Rows are written in the transaction of the change they describe, so an action that rolls
back leaves no entry and a committed one always has its entry. The table is append-only
(database triggers refuse UPDATE and DELETE, migration 0034): nothing here edits a row.
A contact appears in a target or a detail only by its id — never a phone number or a name
— so erasing a contact leaves no personal data in the trail.

A business reads its own entries (`business_page`): those written with its `tenant_id`
(exports, keys, webhooks, team changes, platform-admin accesses with their reason) and the
sign-ins of its current members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from ylada_app.models import AuditLog, Membership, User

PAGE = 50
# Filters by kind: the prefixes of the actions each one groups.
KINDS: dict[str, tuple[str, ...]] = {
    "auth": ("auth.",),
    "team": ("team.",),
    "exports": ("export.", "privacy.export"),
    "privacy": ("privacy.", "consent."),
    "integrations": ("api_key.", "webhook."),
    "account": ("tenant.", "agency."),
    "platform": ("admin.",),
}
# What a business sees of its members' account events (the rest is the person's own).
MEMBER_EVENTS = ("auth.login",)


def record(
    session: Session,
    *,
    action: str,
    actor_user_id: int | None = None,
    tenant_id: int | None = None,
    target: str = "",
    client_ip: str = "",
    **details: object,
) -> AuditLog:
    actor_email = ""
    if actor_user_id is not None:
        actor = session.get(User, actor_user_id)
        actor_email = actor.email if actor else ""
    row = AuditLog(action=action[:60], actor_user_id=actor_user_id, actor_email=actor_email,
                   tenant_id=tenant_id, target=str(target)[:200], client_ip=client_ip[:64],
                   details={k: _plain(v) for k, v in details.items()})
    session.add(row)
    session.flush()
    return row


def _plain(value: object) -> object:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    tenant_id: int | None
    target: str
    details: dict
    client_ip: str


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the trail to: a kind (KINDS), a period [since, until) in UTC,
    a person (the actor's user id)."""

    kind: str = ""
    since: datetime | None = None
    until: datetime | None = None
    actor_user_id: int | None = None


def _narrowed(query, filters: Filters):
    if filters.kind in KINDS:
        query = query.where(or_(*[col(AuditLog.action).startswith(p)
                                  for p in KINDS[filters.kind]]))
    if filters.since is not None:
        query = query.where(AuditLog.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditLog.created_at < filters.until)
    if filters.actor_user_id is not None:
        query = query.where(AuditLog.actor_user_id == filters.actor_user_id)
    return query


def _entry(r: AuditLog) -> AuditEntry:
    return AuditEntry(r.id, r.created_at, r.actor_email or "—", r.action, r.tenant_id,
                      r.target, dict(r.details or {}), r.client_ip)


def entries(
    session: Session,
    *,
    tenant_id: int | None = None,
    user_id: int | None = None,
    action_prefix: str = "",
    limit: int = 200,
    offset: int = 0,
    filters: Filters | None = None,
) -> list[AuditEntry]:
    """Newest first. Callers decide who may read what (admins: all; users: their own)."""
    query = (select(AuditLog).order_by(col(AuditLog.id).desc())
             .offset(max(0, offset)).limit(min(limit, 5000)))
    if tenant_id is not None:
        query = query.where(AuditLog.tenant_id == tenant_id)
    if user_id is not None:
        query = query.where(AuditLog.actor_user_id == user_id)
    if action_prefix:
        query = query.where(col(AuditLog.action).startswith(action_prefix))
    query = _narrowed(query, filters or Filters())
    return [_entry(r) for r in session.exec(query).all()]


def count(session: Session, *, filters: Filters | None = None) -> int:
    """All entries matching `filters` (the platform admin's page)."""
    query = _narrowed(select(func.count()).select_from(AuditLog), filters or Filters())
    return int(session.exec(query).one())


def _business_scope(tenant_id: int):
    members = select(Membership.user_id).where(Membership.tenant_id == tenant_id)
    return or_(AuditLog.tenant_id == tenant_id,
               and_(col(AuditLog.tenant_id).is_(None),
                    col(AuditLog.action).in_(MEMBER_EVENTS),
                    col(AuditLog.actor_user_id).in_(members)))


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    total: int


def business_page(session: Session, *, tenant_id: int, filters: Filters | None = None,
                  page: int = 1, per_page: int = PAGE) -> Page:
    """One page (from 1) of a business's own trail, newest first, and how many match."""
    filters = filters or Filters()
    scope = _business_scope(tenant_id)
    total = int(session.exec(_narrowed(select(func.count()).select_from(AuditLog)
                                       .where(scope), filters)).one())
    per_page = max(1, min(per_page, 5000))
    rows = session.exec(_narrowed(select(AuditLog).where(scope), filters)
                        .order_by(col(AuditLog.id).desc())
                        .offset((max(1, page) - 1) * per_page).limit(per_page)).all()
    return Page([_entry(r) for r in rows], total)


def business_people(session: Session, *, tenant_id: int) -> list[tuple[int, str]]:
    """(user id, name or e-mail) of everyone who appears in a business's trail, for the
    person filter — its members and the platform admins who opened its data."""
    ids = session.exec(select(AuditLog.actor_user_id).where(
        _business_scope(tenant_id), col(AuditLog.actor_user_id).is_not(None)).distinct()).all()
    if not ids:
        return []
    users = session.exec(select(User.id, User.name, User.email)
                         .where(col(User.id).in_(list(ids)))).all()
    return sorted(((uid, name or email) for uid, name, email in users),
                  key=lambda p: p[1].lower())


def actors(session: Session, *, limit: int = 200) -> list[tuple[int, str]]:
    """(user id, e-mail) of the people in the whole trail, for the admin's person filter."""
    rows = session.exec(select(AuditLog.actor_user_id, func.max(AuditLog.actor_email))
                        .where(col(AuditLog.actor_user_id).is_not(None))
                        .group_by(AuditLog.actor_user_id).limit(limit)).all()
    return sorted(((uid, email or "—") for uid, email in rows), key=lambda p: p[1].lower())
