"""The audit trail: security events of accounts and every platform-admin action.

Rows are written in the transaction of the change they describe, so an action that rolls
back leaves no entry and a committed one always has its entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ylada_app.models import AuditLog, User


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


def entries(
    session: Session,
    *,
    tenant_id: int | None = None,
    user_id: int | None = None,
    action_prefix: str = "",
    limit: int = 200,
) -> list[AuditEntry]:
    """Newest first. Callers decide who may read what (admins: all; users: their own)."""
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(min(limit, 1000))
    if tenant_id is not None:
        query = query.where(AuditLog.tenant_id == tenant_id)
    if user_id is not None:
        query = query.where(AuditLog.actor_user_id == user_id)
    if action_prefix:
        query = query.where(col(AuditLog.action).startswith(action_prefix))
    return [
        AuditEntry(r.id, r.created_at, r.actor_email or "—", r.action, r.tenant_id, r.target,
                   dict(r.details or {}), r.client_ip)
        for r in session.exec(query).all()
    ]
