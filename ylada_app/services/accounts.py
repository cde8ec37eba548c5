"""The public side of accounts: sign-up, e-mail verification, password reset and change.

None of these answers tells a stranger whether an e-mail address has an account: sign-up
and "forgot password" give the same answer either way and do about the same work, and what
differs goes to the address's mailbox instead (a verification link, or a note that the
account already exists; a reset link, or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ylada_app.core import ratelimit
from ylada_app.core.dates import local_text
from ylada_app.core.net import limit_key
from ylada_app.core.security import (
    constant_time_equals,
    hash_password,
    hash_token,
    verify_password,
)
from ylada_app.core.settings import get_settings
from ylada_app.models import AccountToken, KnownDevice, User, utcnow
from ylada_app.services import account_tokens, agency, audit, legal
from ylada_app.services.auth import (
    end_other_sessions,
    issue_grant,
    signup,
    user_by_email,
    validate_signup,
)
from ylada_app.services.emails import queue_email
from ylada_app.services.errors import FieldErrors, Forbidden, RateLimited
from ylada_app.services.validation import Validator, as_text

# One mail of a kind per address per period: nobody can use these forms to flood a mailbox.
MAIL_EVERY = "1/minute;5/hour"
# Re-entering the password (or a code) to change sensitive settings.
REAUTH_TRIES = "5/15 minutes;20/day"


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
    browser_nonce: str = "",
    accept_dpa: object = False,
    host: str = "",
    client_ip: str = "",
) -> None:
    """Public sign-up. Invalid fields are reported; otherwise the answer is always "check your
    e-mail": a new address gets its account (unverified) and a verification link, an address
    that has an account gets a note saying so, and the caller cannot tell which happened.
    `browser_nonce` (a random value the sign-up page also keeps in a cookie) lets the link
    log in the browser that signed up, and only that one. The business must accept the data
    processing agreement (`accept_dpa`, the sign-up's checkbox); its version is recorded.
    On an agency's own address (`host`) that takes sign-ups, the new business becomes one
    of the agency's clients (services/agency). Valid sign-ups are counted per client
    address (`client_ip`; SIGNUP_LIMIT_IP): past the limit, RateLimited."""
    v = Validator()
    clean_name, clean_email, clean_pw, _, _ = validate_signup(
        v, name=name, email=email, password=password, tenant_name=tenant_name, niche=niche)
    if accept_dpa not in (True, "on", "true", "1"):
        v.fail("accept_dpa", "legal.error.accept_dpa")
    v.raise_if_any()
    if client_ip:
        wait = ratelimit.acquire(get_settings().signup_limit_ip, "signup", limit_key(client_ip))
        if wait > 0:
            raise RateLimited("error.signup_rate_limited", field="_",
                              minutes=max(1, int(wait / 60 + 0.999)))
    # The slow hash first, outside any transaction (SQLite: a read kept open across it goes
    # stale when anything commits meanwhile); the same work whether or not the address has
    # an account, so timing does not tell either.
    pw_hash = hash_password(clean_pw)
    existing = user_by_email(session, clean_email)
    if existing is None:
        try:
            with session.begin_nested():  # two sign-ups racing for one address: one wins
                user, tenant = signup(session, name=clean_name, email=clean_email,
                                      password=clean_pw, tenant_name=tenant_name, niche=niche,
                                      locale=_lang(lang), password_hash=pw_hash)
        except (IntegrityError, FieldErrors) as exc:
            if isinstance(exc, FieldErrors) and exc.errors != {"email": "error.email_taken"}:
                raise
            existing = user_by_email(session, clean_email)
        else:
            audit.record(session, action="auth.signup", actor_user_id=user.id,
                         tenant_id=tenant.id)
            legal.accept_dpa(session, tenant_id=tenant.id, user_id=user.id,
                             version=legal.current(session, "dpa").version)
            agency_id = agency.signup_agency_for_host(session, host) if host else None
            if agency_id is not None:
                agency.adopt_signup(session, agency_tenant_id=agency_id, client_id=tenant.id)
            ratelimit.once_per(MAIL_EVERY, "mail:verify", user.email)  # counts for re-sends
            _send_verification(session, user, browser_nonce)
            return
    if existing is not None and ratelimit.once_per(MAIL_EVERY, "mail:exists", clean_email):
        queue_email(session, to=existing.email, kind="account_exists", lang=existing.locale,
                    link_path="/forgot", user_id=existing.id, name=existing.name)


def _send_verification(session: Session, user: User, browser_nonce: str = "") -> None:
    hours = get_settings().verify_email_hours
    token = account_tokens.issue(
        session, user_id=user.id, purpose=account_tokens.VERIFY_EMAIL,
        ttl=timedelta(hours=hours), browser_hash=hash_token(browser_nonce)
        if browser_nonce and len(browser_nonce) <= 200 else None)
    queue_email(session, to=user.email, kind="verify_email", lang=user.locale,
                link_path=f"/verify-email?token={token}", user_id=user.id, name=user.name,
                hours=hours)


def resend_verification(session: Session, *, user_id: int, browser_nonce: str = "") -> None:
    user = session.get(User, user_id)
    if user is None or user.email_verified_at is not None:
        return
    if not ratelimit.once_per(MAIL_EVERY, "mail:verify", user.email):
        raise RateLimited("error.mail_wait", field="_")
    _send_verification(session, user, browser_nonce)


def _mark_verified(session: Session, user: User) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
        audit.record(session, action="auth.email_verified", actor_user_id=user.id)
    session.flush()


@dataclass(frozen=True)
class Verification:
    """What a verification link does here. `outcome`: "done" (confirmed; this browser is
    that account already), "grant" (confirmed; log this browser in with `grant`), "login"
    (confirmed; log in — the second step is on), "set_password" (opened in another browser:
    confirming needs a new password, so nobody who registered the address with a password of
    their own keeps access), "invalid"."""

    outcome: str
    grant: str = ""
    email: str = ""


def open_verification(session: Session, *, token: str | None, browser_nonce: str = "",
                      current_user_id: int | None = None) -> Verification:
    row = account_tokens.peek(session, token=token, purpose=account_tokens.VERIFY_EMAIL)
    user = session.get(User, row.user_id) if row else None
    if row is None or user is None:
        return Verification("invalid")
    same_browser = bool(row.browser_hash and browser_nonce and len(browser_nonce) <= 200
                        and constant_time_equals(row.browser_hash, hash_token(browser_nonce)))
    if user.id != current_user_id and not same_browser:
        return Verification("set_password", email=user.email)
    if account_tokens.consume(session, token=token,
                              purpose=account_tokens.VERIFY_EMAIL) is None:
        return Verification("invalid")
    _mark_verified(session, user)
    if user.id == current_user_id:
        return Verification("done")
    if user.totp_enabled_at is not None:
        return Verification("login")
    return Verification("grant", grant=issue_grant(session, user_id=user.id,
                                                   next_path="/dashboard"))


def verify_with_password(session: Session, *, token: str | None, password: str | None,
                         client_ip: str = "") -> int:
    """Confirm the address from another browser: the link's holder (the mailbox's owner) sets
    the password, every session ends and known devices are forgotten. Returns the user id."""
    v = Validator()
    clean_pw = v.password("password", password)
    v.raise_if_any()
    row = account_tokens.consume(session, token=token, purpose=account_tokens.VERIFY_EMAIL)
    user = session.get(User, row.user_id) if row else None
    if user is None:
        raise Forbidden("error.link_invalid")
    _set_password(session, user, clean_pw)
    _mark_verified(session, user)
    _forget_access(session, user, client_ip=client_ip)
    return user.id


# --- password -----------------------------------------------------------------------------------
def request_password_reset(session: Session, *, email: str | None, client_ip: str = "",
                           host: str = "") -> None:
    """"Esqueci minha senha": the same answer, in the same time, whether or not the address
    has an account — the lookup and the e-mail happen in a job. `host`: the address the page
    was on (a business's brand: the e-mail carries it when the person belongs there)."""
    from ylada_app.core.queue import enqueue

    v = Validator()
    clean_email = v.email("email", email)
    v.raise_if_any()
    enqueue("ylada_app.jobs.email.password_reset_requested", clean_email, client_ip, host)


def send_password_reset(session: Session, *, email: str, client_ip: str = "",
                        host: str = "") -> None:
    """Send a reset link if the address has an account (at most one a minute)."""
    user = user_by_email(session, email)
    if user is None or not ratelimit.once_per(MAIL_EVERY, "mail:reset", user.email):
        return
    minutes = get_settings().reset_password_minutes
    token = account_tokens.issue(session, user_id=user.id,
                                 purpose=account_tokens.RESET_PASSWORD,
                                 ttl=timedelta(minutes=minutes), replace=True)
    from ylada_app.services.brand import brand_for_host

    queue_email(session, to=user.email, kind="reset_password", lang=user.locale,
                link_path=f"/reset-password?token={token}", user_id=user.id, name=user.name,
                host_tenant_id=brand_for_host(session, host).tenant_id if host else None,
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
    _mark_verified(session, user)  # the link reached the mailbox
    _forget_access(session, user, client_ip=client_ip)
    audit.record(session, action="auth.password_reset", actor_user_id=user.id,
                 client_ip=client_ip)
    _notify_password_changed(session, user)
    return user.id


def change_password(session: Session, *, user_id: int, current: str | None, new: str | None,
                    keep_token: str | None, keep_device: str = "",
                    client_ip: str = "") -> int:
    """Change the password knowing the current one: the user's other sessions end and other
    devices stop being known. Returns how many sessions ended."""
    user = session.get(User, user_id)
    if user is None:
        raise Forbidden("error.session_expired")
    v = Validator()
    clean_pw = v.password("new_password", new)
    check_password(session, user_id=user_id, password=current, field="current_password")
    if clean_pw and verify_password(user.password_hash, clean_pw):
        v.fail("new_password", "error.password_same")
    v.raise_if_any()
    _set_password(session, user, clean_pw)
    ended = _forget_access(session, user, client_ip=client_ip, keep_token=keep_token,
                           keep_device=keep_device)
    audit.record(session, action="auth.password_changed", actor_user_id=user.id,
                 client_ip=client_ip, sessions_ended=ended)
    _notify_password_changed(session, user)
    return ended


def _forget_access(session: Session, user: User, *, client_ip: str = "",
                   keep_token: str | None = None, keep_device: str = "") -> int:
    """After the password changes hands: sessions end (but `keep_token`), known devices are
    forgotten (but `keep_device`) and unused e-mail links stop working."""
    ended = end_other_sessions(session, user_id=user.id, keep_token=keep_token,
                               client_ip=client_ip)
    query = delete(KnownDevice).where(KnownDevice.user_id == user.id)
    if keep_device:
        query = query.where(KnownDevice.device_hash != hash_token(keep_device))
    session.exec(query)
    session.exec(update(AccountToken)
                 .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
                 .values(used_at=utcnow()))
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
    """Re-authentication for sensitive changes (password, two-step verification). Tries are
    limited per account, so a hijacked session cannot guess the password here."""
    if not as_text(password):
        raise FieldErrors({field: "error.required"})  # (no try spent on an empty field)
    wait = ratelimit.acquire(REAUTH_TRIES, "reauth", str(user_id))
    if wait > 0:
        raise RateLimited("error.login_rate_limited", field=field, seconds=int(wait + 0.999))
    user = session.get(User, user_id)
    if user is None or not verify_password(user.password_hash, as_text(password)[:1024]):
        raise FieldErrors({field: "error.password_current_wrong"})
    ratelimit.clear(REAUTH_TRIES, "reauth", str(user_id))
