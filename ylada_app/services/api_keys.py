"""API keys of a business: created (shown once), listed, revoked, and checked per request.

Invariant: a key reaches exactly one business — the request's tenant is the key's, never a
parameter — and only with its scopes ("read" for GET, "write" for the rest). A revoked key
stops working at once. `last_used_at` is written at most once a minute per key, so a busy
integration does not turn every read into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from ylada_app.models import ApiKey, Membership, Tenant, utcnow
from ylada_app.models.tenant import Role
from ylada_app.services import audit
from ylada_app.services.errors import FieldErrors, Forbidden, NotFound
from ylada_app.services.serialize import lock_tenant
from ylada_app.services.validation import as_text, clean_name, parse_id, visible

KEY_PREFIX = "ylk_"
SCOPES = ("read", "write")
MAX_KEYS = 20
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class KeyRow:
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: object
    last_used_at: object
    revoked: bool


@dataclass(frozen=True)
class ApiCaller:
    """Who is calling: the key's business and what it may do."""

    key_id: int
    tenant_id: int
    scopes: frozenset[str]


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def clean_scopes(raw: object) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else as_text(raw).replace(" ", "").split(",")
    scopes = sorted({str(s).strip().lower() for s in items if str(s).strip()})
    if not scopes or any(s not in SCOPES for s in scopes):
        raise FieldErrors({"scopes": "api.error.scopes"})
    if "write" in scopes and "read" not in scopes:
        scopes = ["read", "write"]  # writing without reading back is never what is meant
    return scopes


def create_key(session: Session, *, tenant_id: int, name: object, scopes: object,
               user_id: int | None = None) -> tuple[ApiKey, str]:
    """A new key; returns the row and the key itself (never stored, shown once).
    `user_id` None: created by an operator (the `ylada api-key` command)."""
    if user_id is not None:
        role = session.exec(select(Membership.role).where(
            Membership.tenant_id == tenant_id, Membership.user_id == user_id)).first()
        if role not in (Role.OWNER, Role.ADMIN):
            raise Forbidden("error.forbidden")
    key_name = clean_name(name)
    errors = {}
    if not visible(key_name):
        errors["name"] = "error.required"
    elif len(key_name) > 80:
        errors["name"] = "error.too_long"
    try:
        chosen = clean_scopes(scopes)
    except FieldErrors as exc:
        errors.update(exc.errors)
        chosen = []
    if errors:
        raise FieldErrors(errors, {"name": {"max": 80}})
    lock_tenant(session, tenant_id)  # (the cap holds for keys created at the same time)
    active = session.exec(select(ApiKey.id).where(ApiKey.tenant_id == tenant_id,
                                                  col(ApiKey.revoked_at).is_(None))).all()
    if len(active) >= MAX_KEYS:
        raise FieldErrors({"name": "api.error.too_many_keys"}, {"name": {"max": MAX_KEYS}})
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(tenant_id=tenant_id, name=key_name, prefix=raw[:12], key_hash=_hash(raw),
                 scopes=",".join(chosen), created_by_user_id=user_id)
    session.add(key)
    session.flush()
    audit.record(session, action="api_key.created", actor_user_id=user_id, tenant_id=tenant_id,
                 target=f"api_key:{key.id}", name=clean_name, scopes=",".join(chosen))
    return key, raw


def list_keys(session: Session, *, tenant_id: int) -> list[KeyRow]:
    rows = session.exec(select(ApiKey).where(ApiKey.tenant_id == tenant_id)
                        .order_by(col(ApiKey.id).desc())).all()
    return [KeyRow(k.id, k.name, k.prefix, k.scopes.split(","), k.created_at, k.last_used_at,
                   k.revoked_at is not None) for k in rows]


def revoke_key(session: Session, *, tenant_id: int, key_id: object,
               actor_user_id: int | None = None) -> None:
    kid = parse_id(key_id)
    key = session.exec(select(ApiKey).where(ApiKey.id == kid, ApiKey.tenant_id == tenant_id)
                       ).first() if kid is not None else None
    if key is None:
        raise NotFound("error.not_found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.flush()
        audit.record(session, action="api_key.revoked", actor_user_id=actor_user_id,
                     tenant_id=tenant_id, target=f"api_key:{key.id}", name=key.name)


def authenticate(session: Session, raw: str | None) -> ApiCaller | None:
    """The caller of a request's key, or None (unknown, malformed or revoked key, or a
    business that was suspended)."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    # Columns, not ORM objects: every API request runs this.
    row = session.exec(select(ApiKey.id, ApiKey.tenant_id, ApiKey.scopes, ApiKey.revoked_at,
                              ApiKey.last_used_at, Tenant.status)
                       .join(Tenant, Tenant.id == ApiKey.tenant_id)
                       .where(ApiKey.key_hash == _hash(raw))).first()
    if row is None:
        return None
    key_id, tenant_id, scopes, revoked_at, last_used_at, tenant_status = row
    if revoked_at is not None or tenant_status != "active":
        return None
    now = utcnow()
    if last_used_at is None or now - last_used_at >= TOUCH_EVERY:
        session.exec(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now))
    return ApiCaller(key_id, tenant_id, frozenset(scopes.split(",")))


def tenant_by_slug(session: Session, slug: str) -> Tenant:
    """For the operator's command line."""
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        raise NotFound("error.not_found")
    return tenant
