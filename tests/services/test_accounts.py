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
            "tenant_name": "Loja da Bia", "niche": "outro", **kw}
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


def test_verification_link_confirms_once_and_unlocks_paying(db, smtp, unique):
    email = f"verif.{unique}@exemplo.com.br"
    _register(db, email)
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
    link = smtp.wait_for(email, subject="Confirme").links()[0]
    assert accounts.verify_email(db, token=_token_of(link)) == user.id
    db.commit()
    assert auth.resolve_session(db, token).email_verified
    with pytest.raises(Forbidden):  # single use
        accounts.verify_email(db, token=_token_of(link))


def test_verification_link_expires(db, smtp, unique, monkeypatch):
    email = f"exp.{unique}@exemplo.com.br"
    _register(db, email)
    link = smtp.wait_for(email, subject="Confirme").links()[0]
    later = utcnow() + timedelta(hours=49)
    monkeypatch.setattr("ylada_app.services.account_tokens.utcnow", lambda: later)
    with pytest.raises(Forbidden):
        accounts.verify_email(db, token=_token_of(link))


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
