"""Two-step verification with an authenticator app (TOTP, `pyotp`) and recovery codes.

Setting up stores a new secret (encrypted at rest) that only counts once a code from the app
confirms it; confirming returns ten recovery codes, shown once and stored hashed, each usable
once instead of an app code. Turning it off needs the password and a current code.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import delete, update
from sqlmodel import Session, select

from ylada_app.core.crypto import SecretDecryptError, decrypt_secret, encrypt_secret
from ylada_app.core.security import constant_time_equals, hash_token
from ylada_app.models import RecoveryCode, User, utcnow
from ylada_app.services import audit
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, RateLimited
from ylada_app.services.validation import as_text

ISSUER = "ylada"
RECOVERY_CODES = 10


@dataclass(frozen=True)
class Setup:
    secret: str
    uri: str
    qr_svg: str  # a data: URI of the QR code


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise Forbidden("error.session_expired")
    return user


def begin_setup(session: Session, *, user_id: int, password: str | None) -> Setup:
    """A new secret for the authenticator app (replacing an unconfirmed one). Needs the
    password (a borrowed session cannot lock the owner out with its own authenticator) and a
    confirmed e-mail (nor can someone who registered another person's address)."""
    from ylada_app.services.accounts import check_password

    user = _user(session, user_id)
    if user.totp_enabled_at is not None:
        raise Conflict("error.totp_already_on")
    if user.email_verified_at is None:
        raise Forbidden("error.email_unverified")
    check_password(session, user_id=user_id, password=password)
    secret = pyotp.random_base32()
    user.totp_secret_enc = encrypt_secret(secret)
    session.add(user)
    session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return Setup(secret=secret, uri=uri, qr_svg=qr)


def _totp(user: User) -> pyotp.TOTP | None:
    if not user.totp_secret_enc:
        return None
    try:
        return pyotp.TOTP(decrypt_secret(user.totp_secret_enc))
    except SecretDecryptError:
        return None


def _clean(code: object) -> str:
    return "".join(as_text(code).split()).replace("-", "").lower()[:32]


def confirm_setup(session: Session, *, user_id: int, code: str | None) -> list[str]:
    """Turn two-factor on with a code from the app. Returns the recovery codes (shown once)."""
    from ylada_app.services.accounts import when_text
    from ylada_app.services.emails import queue_email

    user = _user(session, user_id)
    totp = _totp(user)
    if user.totp_enabled_at is not None:
        raise Conflict("error.totp_already_on")
    step = _matching_step(totp, _clean(code)) if totp else None
    if step is None:
        raise FieldErrors({"code": "error.totp_invalid"})
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    session.add(user)
    codes = _new_recovery_codes(session, user.id)
    audit.record(session, action="auth.2fa_enabled", actor_user_id=user.id)
    queue_email(session, to=user.email, kind="two_factor_changed", lang=user.locale,
                link_path="/account", user_id=user.id, name=user.name,
                state="ativada" if user.locale != "en" else "turned on",
                when=when_text(user.locale))
    return codes


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 10 hex digits, shown as xxxxx-xxxxx
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user_id, code_hash=hash_token(raw)))
    session.flush()
    return codes


def regenerate_recovery_codes(session: Session, *, user_id: int, code: str | None) -> list[str]:
    user = _user(session, user_id)
    if user.totp_enabled_at is None:
        raise Conflict("error.totp_off")
    _verify_reauth(session, user_id=user_id, code=code, allow_recovery=False)
    codes = _new_recovery_codes(session, user_id)
    audit.record(session, action="auth.2fa_recovery_regenerated", actor_user_id=user_id)
    return codes


def recovery_codes_left(session: Session, *, user_id: int) -> int:
    return len(session.exec(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))).all())


def _matching_step(totp: pyotp.TOTP, code: str) -> int | None:
    """The 30-second step (now or a neighbour, for clock drift) whose code this is."""
    if len(code) != 6 or not code.isdigit():
        return None
    now = time.time()
    for offset in (0, -1, 1):
        at = now + offset * totp.interval
        if constant_time_equals(totp.at(at), code):
            return totp.timecode(at)
    return None


def verify(session: Session, *, user_id: int, code: str | None,
           allow_recovery: bool = True) -> bool:
    """An authenticator code never used before (the current 30 s step or a neighbour), or an
    unused recovery code, which is then spent."""
    user = session.get(User, user_id)
    if user is None or user.totp_enabled_at is None:
        return False
    cleaned = _clean(code)
    totp = _totp(user)
    step = _matching_step(totp, cleaned) if totp is not None else None
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # replayed (or older than the last accepted)
        res = session.exec(
            update(User).where(User.id == user_id,
                               (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
            .values(totp_last_step=step))
        return res.rowcount == 1
    if not allow_recovery or len(cleaned) != 10:
        return False
    res = session.exec(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == hash_token(cleaned),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if res.rowcount == 1:
        audit.record(session, action="auth.2fa_recovery_used", actor_user_id=user_id)
        return True
    return False


def _verify_reauth(session: Session, *, user_id: int, code: str | None,
                   allow_recovery: bool = True) -> None:
    """A code to change the second factor itself: tries limited like the password's."""
    from ylada_app.core import ratelimit
    from ylada_app.services.accounts import REAUTH_TRIES

    wait = ratelimit.acquire(REAUTH_TRIES, "reauth2fa", str(user_id))
    if wait > 0:
        raise RateLimited("error.login_rate_limited", field="code", seconds=int(wait + 0.999))
    if not verify(session, user_id=user_id, code=code, allow_recovery=allow_recovery):
        raise FieldErrors({"code": "error.totp_invalid"})
    ratelimit.clear(REAUTH_TRIES, "reauth2fa", str(user_id))


def disable(session: Session, *, user_id: int, password: str | None, code: str | None) -> None:
    from ylada_app.core.settings import get_settings
    from ylada_app.services.accounts import check_password, when_text
    from ylada_app.services.emails import queue_email

    user = _user(session, user_id)
    if user.totp_enabled_at is None:
        raise Conflict("error.totp_off")
    if user.is_platform_admin and get_settings().admin_2fa_required:
        raise Forbidden("error.totp_required_admin")
    check_password(session, user_id=user_id, password=password)
    _verify_reauth(session, user_id=user_id, code=code)
    user.totp_enabled_at = None
    user.totp_secret_enc = None
    user.totp_last_step = None
    session.add(user)
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    audit.record(session, action="auth.2fa_disabled", actor_user_id=user.id)
    queue_email(session, to=user.email, kind="two_factor_changed", lang=user.locale,
                link_path="/account", user_id=user.id, name=user.name,
                state="desativada" if user.locale != "en" else "turned off",
                when=when_text(user.locale))
    session.flush()
