"""Two-step verification with an authenticator app (TOTP, `pyotp`) and recovery codes.

Setting up stores a new secret (encrypted at rest) that only counts once a code from the app
confirms it; confirming returns ten recovery codes, shown once and stored hashed, each usable
once instead of an app code. Turning it off needs the password and a current code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import delete, update
from sqlmodel import Session, select

from ylada_app.core.crypto import SecretDecryptError, decrypt_secret, encrypt_secret
from ylada_app.core.security import hash_token
from ylada_app.models import RecoveryCode, User, utcnow
from ylada_app.services import audit
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden

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


def begin_setup(session: Session, *, user_id: int) -> Setup:
    """A new secret for the authenticator app (replacing an unconfirmed one)."""
    user = _user(session, user_id)
    if user.totp_enabled_at is not None:
        raise Conflict("error.totp_already_on")
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


def _clean(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()[:32]


def confirm_setup(session: Session, *, user_id: int, code: str | None) -> list[str]:
    """Turn two-factor on with a code from the app. Returns the recovery codes (shown once)."""
    from ylada_app.services.accounts import when_text
    from ylada_app.services.emails import queue_email

    user = _user(session, user_id)
    totp = _totp(user)
    if user.totp_enabled_at is not None:
        raise Conflict("error.totp_already_on")
    if totp is None or not totp.verify(_clean(code), valid_window=1):
        raise FieldErrors({"code": "error.totp_invalid"})
    user.totp_enabled_at = utcnow()
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
    if not verify(session, user_id=user_id, code=code, allow_recovery=False):
        raise FieldErrors({"code": "error.totp_invalid"})
    codes = _new_recovery_codes(session, user_id)
    audit.record(session, action="auth.2fa_recovery_regenerated", actor_user_id=user_id)
    return codes


def recovery_codes_left(session: Session, *, user_id: int) -> int:
    return len(session.exec(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))).all())


def verify(session: Session, *, user_id: int, code: str | None,
           allow_recovery: bool = True) -> bool:
    """An authenticator code (the current 30 s step or a neighbour), or an unused recovery
    code, which is then spent."""
    user = session.get(User, user_id)
    if user is None or user.totp_enabled_at is None:
        return False
    cleaned = _clean(code)
    totp = _totp(user)
    if totp is not None and len(cleaned) == 6 and cleaned.isdigit() and \
            totp.verify(cleaned, valid_window=1):
        return True
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
    if not verify(session, user_id=user_id, code=code):
        raise FieldErrors({"code": "error.totp_invalid"})
    user.totp_enabled_at = None
    user.totp_secret_enc = None
    session.add(user)
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    audit.record(session, action="auth.2fa_disabled", actor_user_id=user.id)
    queue_email(session, to=user.email, kind="two_factor_changed", lang=user.locale,
                link_path="/account", user_id=user.id, name=user.name,
                state="desativada" if user.locale != "en" else "turned off",
                when=when_text(user.locale))
    session.flush()
