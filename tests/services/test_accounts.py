"""Public sign-up, e-mail verification, password reset and change — through real e-mail.

Mails go through the app's SMTP job to a real SMTP server on loopback; the tests follow the
links that arrive, as a person would.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_owner
from ylada_app.models import AuditLog, Tenant, User, utcnow
from ylada_app.services import accounts, auth, billing
from ylada_app.services.errors import FieldErrors, Forbidden, RateLimited


def _token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def _register(db, email: str, **kw):
    data = {"name": "Bia", "email": email, "password": "abc12345xyz",
            "tenant_name": "Loja da Bia", "niche": "outro", "accept_dpa": "on"}
    data.update(kw)
    result = accounts.register(db, **data)
    db.commit()
    return result


def test_signup_answer_is_the_same_for_new_and_taken_addresses(db, smtp, unique):
    owner = make_owner(db)
    tenants_before = len(db.exec(select(Tenant)).all())
    new = f"nova.{unique}@exemplo.com.br"
    assert _register(db, new) is None
    assert _register(db, owner.email.upper()) is None  # no error, no hint
    assert len(db.exec(select(Tenant)).all()) == tenants_before + 1  # only the new one
    # The difference goes to the mailboxes: a link for the new address …
    verify = smtp.wait_for(new, subject="Confirme seu e-mail")
    assert "/verify-email?token=" in verify.links()[0]
    # … a note (no link to log in as anyone) for the taken one.
    note = smtp.wait_for(owner.email, subject="Tentativa de cadastro")
    assert "já tem uma" in note.text and "/forgot" in note.links()[0]


def test_signup_form_errors_are_still_reported(db, unique):
    with pytest.raises(FieldErrors) as exc:
        _register(db, f"x.{unique}@exemplo.com.br", password="curta")
    assert exc.value.errors == {"password": "error.password_weak"}


def test_one_address_cannot_create_businesses_by_the_hundred(db, unique, monkeypatch):
    # 30 sign-ups from one address, each a new business and a verification e-mail, were all
    # accepted (2026-12-03)
    from ylada_app.core.settings import reset_settings_cache

    monkeypatch.setenv("SIGNUP_LIMIT_IP", "3/hour")
    reset_settings_cache()
    try:
        for n in range(3):
            _register(db, f"s{n}.{unique}@exemplo.com.br", client_ip="203.0.113.9")
        tenants = len(db.exec(select(Tenant)).all())
        with pytest.raises(RateLimited) as exc:
            _register(db, f"s9.{unique}@exemplo.com.br", client_ip="203.0.113.9")
        assert exc.value.code == "error.signup_rate_limited" and "minutos" in exc.value.message()
        assert len(db.exec(select(Tenant)).all()) == tenants  # nothing written
        # form errors are no sign-ups and do not count; another address is not affected
        with pytest.raises(FieldErrors):
            _register(db, f"x.{unique}@exemplo.com.br", password="curta", client_ip="203.0.113.7")
        assert _register(db, f"s5.{unique}@exemplo.com.br", client_ip="198.51.100.4") is None
    finally:
        monkeypatch.undo()
        reset_settings_cache()


def test_the_link_logs_in_only_the_browser_that_signed_up_and_unlocks_paying(db, smtp,
                                                                             unique):
    email = f"verif.{unique}@exemplo.com.br"
    _register(db, email, browser_nonce="nonce-da-ana")
    user = db.exec(select(User).where(User.email == email)).one()
    assert user.email_verified_at is None
    grant = auth.login(db, email=email, password="abc12345xyz").grant  # may log in already
    token = auth.exchange_grant(db, grant=grant).token
    db.commit()
    ctx = auth.resolve_session(db, token)
    assert ctx is not None and not ctx.email_verified
    with pytest.raises(Forbidden) as exc:  # cannot pay yet
        billing.choose_plan(db, tenant_id=ctx.tenant_id, user_id=ctx.user_id, role="owner",
                            plan_code="starter", base_url="http://x")
    assert exc.value.code == "error.email_unverified"
    link = _token_of(smtp.wait_for(email, subject="Confirme").links()[0])
    # Another browser (no cookie, or someone else's): nothing happens without a new password.
    for nonce in ("", "nonce-de-outra-pessoa"):
        assert accounts.open_verification(db, token=link, browser_nonce=nonce).outcome == \
            "set_password"
    assert not db.get(User, user.id).email_verified_at
    # The browser that signed up: confirmed and logged in.
    found = accounts.open_verification(db, token=link, browser_nonce="nonce-da-ana")
    assert found.outcome == "grant" and auth.exchange_grant(db, grant=found.grant)
    db.commit()
    assert auth.resolve_session(db, token).email_verified
    assert accounts.open_verification(db, token=link,
                                      browser_nonce="nonce-da-ana").outcome == "invalid"


def test_a_logged_in_owner_opening_the_link_just_confirms(db, smtp, unique):
    email = f"logado.{unique}@exemplo.com.br"
    _register(db, email)
    user = db.exec(select(User).where(User.email == email)).one()
    link = _token_of(smtp.wait_for(email, subject="Confirme").links()[0])
    assert accounts.open_verification(db, token=link, current_user_id=user.id).outcome == "done"
    db.commit()
    assert db.get(User, user.id).email_verified_at is not None


def test_someone_who_registered_another_persons_address_loses_access_when_it_is_confirmed(
        db, smtp, unique):
    """Pre-registration: the attacker signs up victim@ with a password of their own and waits
    for the victim to click the link. The click asks the victim for a new password first."""
    victim = f"vitima.{unique}@exemplo.com.br"
    _register(db, victim, password="senha-do-atacante-1", browser_nonce="atacante")
    attacker = auth.exchange_grant(
        db, grant=auth.login(db, email=victim, password="senha-do-atacante-1").grant).token
    db.commit()
    link = _token_of(smtp.wait_for(victim, subject="Confirme").links()[0])
    found = accounts.open_verification(db, token=link, browser_nonce="")  # victim's browser
    assert found.outcome == "set_password" and found.email == victim
    with pytest.raises(FieldErrors):
        accounts.verify_with_password(db, token=link, password="curta")
    db.rollback()
    accounts.verify_with_password(db, token=link, password="Da-Vitima-2026")
    db.commit()
    assert auth.resolve_session(db, attacker) is None  # the attacker's session ended
    with pytest.raises(FieldErrors):
        auth.login(db, email=victim, password="senha-do-atacante-1")
    assert auth.login(db, email=victim, password="Da-Vitima-2026").grant
    assert db.exec(select(User).where(User.email == victim)).one().email_verified_at


def test_a_link_someone_else_sends_does_not_log_the_victim_in(db, smtp, unique):
    """Login CSRF: the attacker mails their own verification link to a victim."""
    evil = f"evil.{unique}@exemplo.com.br"
    _register(db, evil, browser_nonce="nonce-do-atacante")
    link = _token_of(smtp.wait_for(evil, subject="Confirme").links()[0])
    victim = make_owner(db)
    found = accounts.open_verification(db, token=link, browser_nonce="",
                                       current_user_id=victim.user_id)
    assert found.outcome == "set_password" and not found.grant
    assert auth.resolve_session(db, victim.token) is not None


def test_verification_link_expires(db, smtp, unique, monkeypatch):
    email = f"exp.{unique}@exemplo.com.br"
    _register(db, email, browser_nonce="n")
    link = smtp.wait_for(email, subject="Confirme").links()[0]
    later = utcnow() + timedelta(hours=49)
    monkeypatch.setattr("ylada_app.services.account_tokens.utcnow", lambda: later)
    assert accounts.open_verification(db, token=_token_of(link),
                                      browser_nonce="n").outcome == "invalid"


def test_two_sign_ups_racing_for_one_address_give_one_account_and_no_error(db, smtp, unique):
    """The second sign-up checked before the first committed: its insert hits the unique
    e-mail, and it answers like any sign-up for a taken address."""
    from unittest import mock

    email = f"corrida.{unique}@exemplo.com.br"
    _register(db, email)
    with mock.patch("ylada_app.services.accounts.user_by_email", return_value=None), \
            mock.patch("ylada_app.services.auth.user_by_email", return_value=None):
        assert _register(db, email, name="Dois", tenant_name="Loja Dois") is None
    assert len(db.exec(select(User).where(User.email == email)).all()) == 1
    assert not db.exec(select(Tenant).where(Tenant.name == "Loja Dois")).all()


def test_resending_verification_is_rate_limited(db, smtp, unique):
    email = f"resend.{unique}@exemplo.com.br"
    _register(db, email)
    user = db.exec(select(User).where(User.email == email)).one()
    with pytest.raises(RateLimited):  # the sign-up mail went out this minute
        accounts.resend_verification(db, user_id=user.id)


def test_forgot_password_never_reveals_whether_an_account_exists(db, smtp, unique):
    owner = make_owner(db)
    nobody = f"ninguem.{unique}@exemplo.com.br"
    assert accounts.request_password_reset(db, email=nobody) is None
    assert accounts.request_password_reset(db, email=owner.email) is None
    db.commit()
    smtp.wait_for(owner.email, subject="Redefinir")
    assert smtp.messages_to(nobody) == []


def test_reset_link_sets_the_password_once_ends_every_session_and_only_the_newest_works(
        db, smtp):
    owner = make_owner(db)
    accounts.request_password_reset(db, email=owner.email)
    db.commit()
    first = _token_of(smtp.wait_for(owner.email, subject="Redefinir").links()[0])
    from ylada_app.core import ratelimit

    ratelimit.reset_memory()  # a second request right away (the form allows one a minute)
    accounts.request_password_reset(db, email=owner.email)
    db.commit()
    second = _token_of(smtp.wait_for(owner.email, subject="Redefinir", count=2).links()[0])
    with pytest.raises(Forbidden):  # the older link stopped working
        accounts.reset_password(db, token=first, password="Nova-senha-456")
    db.rollback()
    with pytest.raises(FieldErrors):  # a weak password is refused and the link still works
        accounts.reset_password(db, token=second, password="curta")
    db.rollback()
    assert accounts.reset_link_valid(db, token=second)
    accounts.reset_password(db, token=second, password="Nova-senha-456")
    db.commit()
    assert auth.resolve_session(db, owner.token) is None  # logged out everywhere
    with pytest.raises(FieldErrors):
        auth.login(db, email=owner.email, password=PASSWORD)
    assert auth.login(db, email=owner.email, password="Nova-senha-456").grant
    with pytest.raises(Forbidden):
        accounts.reset_password(db, token=second, password="Outra-senha-789")
    smtp.wait_for(owner.email, subject="foi alterada")


def test_changing_the_password_ends_the_other_sessions(db, smtp):
    owner = make_owner(db)
    other = auth.exchange_grant(
        db, grant=auth.login(db, email=owner.email, password=PASSWORD).grant).token
    db.commit()
    with pytest.raises(FieldErrors) as exc:
        accounts.change_password(db, user_id=owner.user_id, current="errada-1", new="Nova-123x",
                                 keep_token=owner.token)
    assert exc.value.errors == {"current_password": "error.password_current_wrong"}
    db.rollback()
    ended = accounts.change_password(db, user_id=owner.user_id, current=PASSWORD,
                                     new="Nova-123x", keep_token=owner.token)
    db.commit()
    assert ended == 1
    assert auth.resolve_session(db, other) is None
    assert auth.resolve_session(db, owner.token) is not None
    actions = db.exec(select(AuditLog.action).where(AuditLog.actor_user_id == owner.user_id)).all()
    assert "auth.password_changed" in actions
    smtp.wait_for(owner.email, subject="foi alterada")


def test_a_reset_forgets_the_devices_that_knew_the_old_password(db, smtp):
    owner = make_owner(db)
    device = auth.exchange_grant(
        db, grant=auth.login(db, email=owner.email, password=PASSWORD).grant).device
    db.commit()
    assert auth.is_known_device(db, user_id=owner.user_id, device=device)
    accounts.request_password_reset(db, email=owner.email)
    db.commit()
    link = _token_of(smtp.wait_for(owner.email, subject="Redefinir").links()[0])
    accounts.reset_password(db, token=link, password="Nova-senha-456")
    db.commit()
    assert not auth.is_known_device(db, user_id=owner.user_id, device=device)
