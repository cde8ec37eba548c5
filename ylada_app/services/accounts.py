"""The public side of accounts: sign-up, e-mail verification, password reset and change.

None of these answers tells a stranger whether an e-mail address has an account: sign-up
and "forgot password" give the same answer either way and do about the same work, and what
differs goes to the address's mailbox instead (a verification link, or a note that the
account already exists; a reset link, or nothing).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from ylada_app.core import ratelimit
from ylada_app.core.dates import local_text
from ylada_app.core.security import hash_password, verify_password
from ylada_app.core.settings import get_settings
from ylada_app.models import User, utcnow
from ylada_app.services import account_tokens, audit
from ylada_app.services.auth import end_other_sessions, signup, user_by_email, validate_signup
from ylada_app.services.emails import queue_email
from ylada_app.services.errors import FieldErrors, Forbidden, RateLimited
from ylada_app.services.validation import Validator

# One mail of a kind per address per period: nobody can use these forms to flood a mailbox.
MAIL_EVERY = "1/minute;5/hour"


def _lang(lang: str | None) -> str:
    return "en" if lang == "en" else "pt-BR"


def register(
    session: Session,
    *,
    name: str | None,
    email: str | None,
    password: str | None,
    tenant_name: str | None,
    niche: str | None = "outro",
    lang: str = "pt-BR",
) -> None:
    """Public sign-up. Invalid fields are reported; otherwise the answer is always "check your
    e-mail": a new address gets its account (unverified) and a verification link, an address
    that has an account gets a note saying so, and the caller cannot tell which happened."""
    v = Validator()
    clean_name, clean_email, clean_pw, _, _ = validate_signup(
        v, name=name, email=email, password=password, tenant_name=tenant_name, niche=niche)
    v.raise_if_any()
    existing = user_by_email(session, clean_email)
    if existing is not None:
        hash_password(clean_pw)  # the same work as creating the account
        if ratelimit.once_per(MAIL_EVERY, "mail:exists", clean_email):
            queue_email(session, to=existing.email, kind="account_exists", lang=existing.locale,
                        link_path="/forgot", user_id=existing.id, name=existing.name)
        return
    user, tenant = signup(session, name=clean_name, email=clean_email, password=clean_pw,
                          tenant_name=tenant_name, niche=niche, locale=_lang(lang))
    audit.record(session, action="auth.signup", actor_user_id=user.id, tenant_id=tenant.id)
    _send_verification(session, user)


def _send_verification(session: Session, user: User) -> None:
    ratelimit.once_per(MAIL_EVERY, "mail:verify", user.email)  # counts toward re-sends
    hours = get_settings().verify_email_hours
    token = account_tokens.issue(session, user_id=user.id, purpose=account_tokens.VERIFY_EMAIL,
                                 ttl=timedelta(hours=hours))
    queue_email(session, to=user.email, kind="verify_email", lang=user.locale,
                link_path=f"/verify-email?token={token}", user_id=user.id, name=user.name,
                hours=hours)


def resend_verification(session: Session, *, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is None or user.email_verified_at is not None:
        return
    if not ratelimit.once_per(MAIL_EVERY, "mail:verify", user.email):
        raise RateLimited("error.mail_wait", field="_")
    _send_verification(session, user)


def verify_email(session: Session, *, token: str | None) -> int:
    """Confirm the address behind a verification link. Returns the user id."""
    row = account_tokens.consume(session, token=token, purpose=account_tokens.VERIFY_EMAIL)
    user = session.get(User, row.user_id) if row else None
    if user is None:
        raise Forbidden("error.link_invalid")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
        audit.record(session, action="auth.email_verified", actor_user_id=user.id)
    session.flush()
    return user.id


# --- password -----------------------------------------------------------------------------------
def request_password_reset(session: Session, *, email: str | None, client_ip: str = "") -> None:
    """Send a reset link if the address has an account. The same answer either way."""
    v = Validator()
    clean_email = v.email("email", email)
    v.raise_if_any()
    user = user_by_email(session, clean_email)
    if user is None or not ratelimit.once_per(MAIL_EVERY, "mail:reset", clean_email):
        return
    minutes = get_settings().reset_password_minutes
    token = account_tokens.issue(session, user_id=user.id,
                                 purpose=account_tokens.RESET_PASSWORD,
                                 ttl=timedelta(minutes=minutes), replace=True)
    queue_email(session, to=user.email, kind="reset_password", lang=user.locale,
                link_path=f"/reset-password?token={token}", user_id=user.id, name=user.name,
                minutes=minutes)
    audit.record(session, action="auth.reset_requested", actor_user_id=user.id,
                 client_ip=client_ip)


def reset_link_valid(session: Session, *, token: str | None) -> bool:
    return account_tokens.peek(session, token=token,
                               purpose=account_tokens.RESET_PASSWORD) is not None


def reset_password(session: Session, *, token: str | None, password: str | None,
                   client_ip: str = "") -> int:
    """Set a new password through a reset link: every session ends (log in again), and the
    address counts as confirmed (the link reached it). Returns the user id."""
    v = Validator()
    clean_pw = v.password("password", password)
    v.raise_if_any()
    row = account_tokens.consume(session, token=token, purpose=account_tokens.RESET_PASSWORD)
    user = session.get(User, row.user_id) if row else None
    if user is None:
        raise Forbidden("error.link_invalid")
    _set_password(session, user, clean_pw)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    end_other_sessions(session, user_id=user.id, keep_token=None, client_ip=client_ip)
    audit.record(session, action="auth.password_reset", actor_user_id=user.id,
                 client_ip=client_ip)
    _notify_password_changed(session, user)
    return user.id


def change_password(session: Session, *, user_id: int, current: str | None, new: str | None,
                    keep_token: str | None, client_ip: str = "") -> int:
    """Change the password knowing the current one; the user's other sessions end.
    Returns how many sessions ended."""
    user = session.get(User, user_id)
    if user is None:
        raise Forbidden("error.session_expired")
    v = Validator()
    clean_pw = v.password("new_password", new)
    if not verify_password(user.password_hash, current or ""):
        v.fail("current_password", "error.password_current_wrong")
    elif clean_pw and verify_password(user.password_hash, clean_pw):
        v.fail("new_password", "error.password_same")
    v.raise_if_any()
    _set_password(session, user, clean_pw)
    ended = end_other_sessions(session, user_id=user.id, keep_token=keep_token,
                               client_ip=client_ip)
    audit.record(session, action="auth.password_changed", actor_user_id=user.id,
                 client_ip=client_ip, sessions_ended=ended)
    _notify_password_changed(session, user)
    return ended


def _set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.add(user)
    session.flush()


def when_text(lang: str) -> str:
    return local_text(utcnow(), "%Y-%m-%d %H:%M" if lang == "en" else "%d/%m/%Y %H:%M")


def _notify_password_changed(session: Session, user: User) -> None:
    queue_email(session, to=user.email, kind="password_changed", lang=user.locale,
                link_path="/forgot", user_id=user.id, name=user.name,
                when=when_text(user.locale))


def check_password(session: Session, *, user_id: int, password: str | None,
                   field: str = "password") -> None:
    """Re-authentication for sensitive changes (turning two-factor off)."""
    user = session.get(User, user_id)
    if user is None or not verify_password(user.password_hash, password or ""):
        raise FieldErrors({field: "error.password_current_wrong"})
