"""Idempotency keys of the public API: a POST retried with the same `Idempotency-Key`
(Stripe's convention) gets the first answer again and does nothing twice.

The answer is recorded in the same transaction as the work (the caller's `also` hook), so
either both are there or neither is; two requests racing with one key meet at the unique
(tenant_id, key) constraint and the loser replays the winner's answer. The same key with a
different request is refused (409). Keys are kept 24 hours.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete, select

from ylada_app.models import ApiIdempotency, utcnow
from ylada_app.services.errors import Conflict, FieldErrors

KEEP = timedelta(hours=24)
MAX_KEY = 200


def clean_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise FieldErrors({"idempotency_key": "api.error.idempotency_key"})
    return key


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def replay(session: Session, *, tenant_id: int, key: str,
           digest: str) -> tuple[int, dict[str, Any]] | None:
    row = session.exec(select(ApiIdempotency).where(
        ApiIdempotency.tenant_id == tenant_id, ApiIdempotency.key == key,
        ApiIdempotency.created_at >= utcnow() - KEEP)).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise Conflict("api.error.idempotency_reused")
    return row.status_code, dict(row.response)


def record(session: Session, *, tenant_id: int, key: str, digest: str, status_code: int,
           response: dict[str, Any]) -> None:
    # an expired row with this key would block the unique constraint: it goes first
    session.exec(delete(ApiIdempotency).where(
        ApiIdempotency.tenant_id == tenant_id, ApiIdempotency.key == key,
        col(ApiIdempotency.created_at) < utcnow() - KEEP))
    session.add(ApiIdempotency(tenant_id=tenant_id, key=key, request_hash=digest,
                               status_code=status_code, response=response))
    session.flush()


def purge(session: Session, *, limit: int = 5000) -> int:
    """Forget keys older than a day (the sweeper; bounded batches)."""
    ids = session.exec(select(ApiIdempotency.id).where(
        ApiIdempotency.created_at < utcnow() - KEEP).limit(limit)).all()
    if ids:
        session.exec(delete(ApiIdempotency).where(col(ApiIdempotency.id).in_(ids)))
    return len(ids)
