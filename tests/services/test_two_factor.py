"""Two-step verification: setup, login with a code or a recovery code, turning it off."""

from __future__ import annotations

import time

import pyotp
import pytest

from tests.factories import PASSWORD, make_admin, make_owner
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import User
from ylada_app.services import auth, two_factor
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, RateLimited


def _next(totp: pyotp.TOTP) -> str:
    """The code of the next 30 s step (accepted for clock drift): the current one was just
    spent confirming the setup, and a code is never accepted twice."""
    return totp.at(time.time() + totp.interval)


def _enable(db, user_id: int) -> tuple[pyotp.TOTP, list[str]]:
    with pytest.raises(FieldErrors):  # a borrowed session cannot start it without the password
        two_factor.begin_setup(db, user_id=user_id, password="errada-123")
    setup = two_factor.begin_setup(db, user_id=user_id, password=PASSWORD)
    assert setup.uri.startswith("otpauth://totp/ylada:") and setup.qr_svg.startswith(
        "data:image/svg+xml")
    totp = pyotp.TOTP(setup.secret)
    with pytest.raises(FieldErrors):
        two_factor.confirm_setup(db, user_id=user_id, code="000000")
    codes = two_factor.confirm_setup(db, user_id=user_id, code=totp.now())
    db.commit()
    return totp, codes


def test_setup_stores_the_secret_encrypted_and_gives_ten_single_use_recovery_codes(db):
    owner = make_owner(db)
    totp, codes = _enable(db, owner.user_id)
    user = db.get(User, owner.user_id)
    assert user.totp_enabled_at is not None and totp.secret not in (user.totp_secret_enc or "")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.recovery_codes_left(db, user_id=owner.user_id) == 10
    with pytest.raises(Conflict):
        two_factor.begin_setup(db, user_id=owner.user_id, password=PASSWORD)


def test_an_unconfirmed_account_cannot_turn_it_on(db):
    owner = make_owner(db, verified=False)
    with pytest.raises(Forbidden) as exc:
        two_factor.begin_setup(db, user_id=owner.user_id, password=PASSWORD)
    assert exc.value.code == "error.email_unverified"


def test_login_asks_for_the_second_factor_and_accepts_an_app_or_recovery_code(db):
    owner = make_owner(db)
    totp, codes = _enable(db, owner.user_id)
    first = auth.login(db, email=owner.email, password=PASSWORD)
    assert first.needs_second_factor and not first.grant  # no session from the password alone
    with pytest.raises(FieldErrors):
        auth.complete_second_factor(db, user_id=owner.user_id, code="123456")
    code = _next(totp)
    ok = auth.complete_second_factor(db, user_id=owner.user_id, code=code)
    assert ok.grant
    db.commit()
    with pytest.raises(FieldErrors):  # the same code is never accepted twice
        auth.complete_second_factor(db, user_id=owner.user_id, code=code)
    rec = auth.complete_second_factor(db, user_id=owner.user_id, code=codes[0].upper())
    assert rec.grant
    db.commit()
    with pytest.raises(FieldErrors):  # a recovery code works once
        auth.complete_second_factor(db, user_id=owner.user_id, code=codes[0])
    assert two_factor.recovery_codes_left(db, user_id=owner.user_id) == 9


def test_guessing_codes_is_throttled_tells_the_owner_and_spares_the_owners_browser(db, smtp):
    owner = make_owner(db)
    grant = auth.login(db, email=owner.email, password=PASSWORD).grant
    device = auth.exchange_grant(db, grant=grant).device  # the owner's browser is known
    db.commit()
    totp, _ = _enable(db, owner.user_id)
    for _ in range(5):
        with pytest.raises(FieldErrors):
            auth.complete_second_factor(db, user_id=owner.user_id, code="999999")
    with pytest.raises(RateLimited):  # even the right code, for a while, from there
        auth.complete_second_factor(db, user_id=owner.user_id, code=_next(totp))
    assert auth.complete_second_factor(db, user_id=owner.user_id, code=_next(totp),
                                       device=device).grant
    db.commit()
    mail = smtp.wait_for(owner.email, subject="código errado")
    assert "troque-a agora" in mail.text


def test_changing_the_second_factor_with_guessed_codes_is_throttled(db):
    owner = make_owner(db)
    totp, _ = _enable(db, owner.user_id)
    for _ in range(5):
        with pytest.raises(FieldErrors):
            two_factor.regenerate_recovery_codes(db, user_id=owner.user_id, code="111111")
    with pytest.raises(RateLimited):
        two_factor.regenerate_recovery_codes(db, user_id=owner.user_id, code=_next(totp))


def test_turning_it_off_needs_the_password_and_a_code(db, smtp):
    owner = make_owner(db)
    totp, _ = _enable(db, owner.user_id)
    with pytest.raises(FieldErrors):
        two_factor.disable(db, user_id=owner.user_id, password="errada-1", code=_next(totp))
    with pytest.raises(FieldErrors):
        two_factor.disable(db, user_id=owner.user_id, password=PASSWORD, code="000000")
    db.rollback()
    two_factor.disable(db, user_id=owner.user_id, password=PASSWORD, code=_next(totp))
    db.commit()
    assert auth.login(db, email=owner.email, password=PASSWORD).grant
    assert smtp.wait_for(owner.email, subject="duas etapas desativada")


def test_platform_admins_must_keep_it_in_production(db, monkeypatch):
    monkeypatch.setenv("REQUIRE_ADMIN_2FA", "true")
    reset_settings_cache()
    admin = make_admin(db)
    totp, _ = _enable(db, admin.user_id)
    with pytest.raises(Forbidden) as exc:
        two_factor.disable(db, user_id=admin.user_id, password=PASSWORD, code=totp.now())
    assert exc.value.code == "error.totp_required_admin"
    reset_settings_cache()
