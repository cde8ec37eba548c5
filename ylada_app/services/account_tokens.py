"""One-time account tokens: e-mail verification links, password-reset links, login grants.

A token is 32 random bytes handed out once; only its SHA-256 is stored, with an expiry and a
`used_at` that makes it single-use. Consuming is one conditional UPDATE, so two requests
racing with the same token cannot both succeed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from ylada_app.core.security import hash_token, new_token
from ylada_app.models import AccountToken, utcnow

VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
LOGIN_GRANT = "login_grant"


def issue(
    session: Session,
    *,
    user_id: int,
    purpose: str,
    ttl: timedelta,
    next_path: str = "",
    tenant_id: int | None = None,
    replace: bool = False,
    browser_hash: str | None = None,
) -> str:
    """A new token for `purpose`. `replace` voids the user's earlier unused ones (so only the
    newest reset link works)."""
    now = utcnow()
    if replace:
        session.exec(
            update(AccountToken)
            .where(AccountToken.user_id == user_id, AccountToken.purpose == purpose,
                   AccountToken.used_at.is_(None))
            .values(used_at=now)
        )
    raw = new_token()
    session.add(AccountToken(user_id=user_id, purpose=purpose, token_hash=hash_token(raw),
                             expires_at=now + ttl, next_path=next_path[:200],
                             tenant_id=tenant_id, browser_hash=browser_hash))
    session.flush()
    return raw


def peek(session: Session, *, token: str | None, purpose: str) -> AccountToken | None:
    """The token's row if it is valid right now, without using it."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(AccountToken).where(AccountToken.token_hash == hash_token(token),
                                   AccountToken.purpose == purpose)
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def consume(session: Session, *, token: str | None, purpose: str) -> AccountToken | None:
    """Use the token once: its row, or None if unknown, expired, already used or racing."""
    row = peek(session, token=token, purpose=purpose)
    if row is None:
        return None
    res = session.exec(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return row if res.rowcount == 1 else None


def purge(session: Session) -> int:
    """Tokens expired for a day are of no further use."""
    from sqlalchemy import delete

    res = session.exec(
        delete(AccountToken).where(AccountToken.expires_at < utcnow() - timedelta(days=1))
    )
    return res.rowcount or 0
