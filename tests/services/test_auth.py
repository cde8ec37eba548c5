"""Sign-up (operator path), login and its grant, sessions (idle/absolute/ended), switching."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_owner
from ylada_app.core.security import hash_token
from ylada_app.models import AuthSession, Membership, Subscription, Tenant, User, utcnow
from ylada_app.services import auth, tenants
from ylada_app.services.errors import FieldErrors, Forbidden


def test_signup_creates_user_tenant_owner_membership_and_trial(db, unique):
    user, tenant = auth.signup(
        db, name="Ana", email=f"Ana.{unique}@Exemplo.com.br", password="abc12345xyz",
        tenant_name="Padaria da Ana", niche="delivery",
    )
    db.commit()
    assert user.email == f"ana.{unique}@exemplo.com.br"  # stored lower-cased
    assert user.password_hash.startswith("$argon2id$")
    assert user.email_verified_at is None
    m = db.exec(select(Membership).where(Membership.user_id == user.id)).one()
    assert (m.tenant_id, m.role) == (tenant.id, "owner")
    sub = db.exec(select(Subscription).where(Subscription.tenant_id == tenant.id)).one()
    assert sub.status == "trialing" and sub.trial_ends_at is not None
    assert tenant.slug.startswith("padaria-da-ana")


def test_signup_duplicate_email_is_case_insensitive_and_writes_nothing(db, unique):
    owner = make_owner(db)
    before = len(db.exec(select(Tenant)).all())
    with pytest.raises(FieldErrors) as exc:
        auth.signup(db, name="Outra", email=owner.email.upper(), password="abc12345xyz",
                    tenant_name="Outra Loja")
    assert exc.value.errors == {"email": "error.email_taken"}
    db.rollback()
    assert len(db.exec(select(Tenant)).all()) == before


@pytest.mark.parametrize(
    ("field", "kwargs", "code"),
    [
        ("password", {"password": "curta1"}, "error.password_weak"),
        ("password", {"password": "semnumeros"}, "error.password_weak"),
        ("password", {"password": "12345678"}, "error.password_weak"),
        ("password", {"password": "senha1234"}, "error.password_common"),
        ("email", {"email": "nao-e-email"}, "error.email_invalid"),
        ("email", {"email": ""}, "error.required"),
        ("name", {"name": "   "}, "error.required"),
        ("name", {"name": "x" * 81}, "error.too_long"),
        ("tenant_name", {"tenant_name": ""}, "error.required"),
        ("tenant_name", {"tenant_name": "y" * 81}, "error.too_long"),
        ("niche", {"niche": "cassino"}, "error.niche_invalid"),
    ],
)
def test_signup_field_errors(db, unique, field, kwargs, code):
    data = {"name": "Bia", "email": f"bia.{unique}@exemplo.com.br", "password": "abc12345xyz",
            "tenant_name": "Loja da Bia", "niche": "outro", **kwargs}
    with pytest.raises(FieldErrors) as exc:
        auth.signup(db, **data)
    assert exc.value.errors[field] == code
    db.rollback()
    assert db.exec(select(User).where(User.email == data["email"].lower())).first() is None


def _login_token(db, email: str, password: str = PASSWORD, **kw) -> str:
    result = auth.login(db, email=email, password=password, **kw)
    assert result.grant and not result.needs_second_factor
    done = auth.exchange_grant(db, grant=result.grant, user_agent="Firefox", client_ip="1.2.3.4")
    db.commit()
    assert done is not None
    return done.token


def test_login_gives_a_grant_exchanged_once_for_a_session_stored_only_hashed(db):
    owner = make_owner(db)
    result = auth.login(db, email=owner.email.upper(), password=PASSWORD)
    done = auth.exchange_grant(db, grant=result.grant, device="", user_agent="UA",
                               client_ip="1.2.3.4")
    db.commit()
    assert done is not None and len(done.token) >= 40 and len(done.device) >= 24
    assert auth.exchange_grant(db, grant=result.grant) is None  # single use
    rows = db.exec(select(AuthSession).where(AuthSession.user_id == owner.user_id)).all()
    assert all(r.token_hash != done.token for r in rows)
    ctx = auth.resolve_session(db, done.token)
    assert ctx is not None and ctx.tenant_id == owner.tenant_id and ctx.role == "owner"
    # the browser is now a known device of this account
    assert auth.is_known_device(db, user_id=owner.user_id, device=done.device)


def test_grant_expires_after_two_minutes(db, monkeypatch):
    owner = make_owner(db)
    grant = auth.login(db, email=owner.email, password=PASSWORD).grant
    db.commit()
    later = utcnow() + timedelta(minutes=3)
    monkeypatch.setattr("ylada_app.services.account_tokens.utcnow", lambda: later)
    assert auth.exchange_grant(db, grant=grant) is None


def test_exchange_ends_the_session_the_browser_held_before(db):
    owner = make_owner(db)
    first = _login_token(db, owner.email)
    grant = auth.login(db, email=owner.email, password=PASSWORD).grant
    second = auth.exchange_grant(db, grant=grant, old_token=first)
    db.commit()
    assert second is not None and second.token != first  # a new token on every login
    assert auth.resolve_session(db, first) is None
    assert auth.resolve_session(db, second.token) is not None


def test_wrong_password_and_unknown_email_give_the_same_error(db, unique):
    owner = make_owner(db)
    for email in (owner.email, f"ninguem.{unique}@exemplo.com.br"):
        with pytest.raises(FieldErrors) as exc:
            auth.login(db, email=email, password="errada123")
        assert exc.value.errors == {"password": "error.login_invalid"}


def test_resolve_session_rejects_unknown_expired_and_logged_out_tokens(db):
    owner = make_owner(db)
    assert auth.resolve_session(db, "") is None
    assert auth.resolve_session(db, "not-a-token") is None
    assert auth.resolve_session(db, "x" * 5000) is None
    auth.logout(db, owner.token)
    db.commit()
    assert auth.resolve_session(db, owner.token) is None


def _row(db, token: str) -> AuthSession:
    return db.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(token))).one()


def test_idle_sessions_end_after_seven_days_and_activity_keeps_them(db):
    owner = make_owner(db)
    row = _row(db, owner.token)
    row.last_seen_at = utcnow() - timedelta(days=6, hours=23)
    db.add(row)
    db.commit()
    assert auth.resolve_session(db, owner.token) is not None  # used: last seen is now
    db.commit()
    db.refresh(row)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)
    row.last_seen_at = utcnow() - timedelta(days=7, minutes=1)
    db.add(row)
    db.commit()
    assert auth.resolve_session(db, owner.token) is None


def test_absolute_lifetime_ends_even_an_active_session(db):
    owner = make_owner(db)
    row = _row(db, owner.token)
    assert row.expires_at - row.created_at == timedelta(days=30)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    assert auth.resolve_session(db, owner.token) is None


def test_sessions_are_listed_and_ended_only_by_their_owner(db):
    owner = make_owner(db)
    other = make_owner(db)
    phone = _login_token(db, owner.email)
    sessions = auth.list_sessions(db, user_id=owner.user_id, current_token=owner.token)
    assert len(sessions) == 2 and sessions[0].current and not sessions[1].current
    assert sessions[1].user_agent == "Firefox" and sessions[1].client_ip == "1.2.3.4"
    # another user cannot end it
    assert not auth.end_session(db, user_id=other.user_id, session_id=sessions[1].id)
    assert auth.resolve_session(db, phone) is not None
    assert auth.end_session(db, user_id=owner.user_id, session_id=sessions[1].id)
    db.commit()
    assert auth.resolve_session(db, phone) is None
    assert auth.resolve_session(db, owner.token) is not None


def test_end_other_sessions_keeps_the_current_one(db):
    owner = make_owner(db)
    tokens = [_login_token(db, owner.email) for _ in range(3)]
    ended = auth.end_other_sessions(db, user_id=owner.user_id, keep_token=owner.token)
    db.commit()
    assert ended == 3
    assert all(auth.resolve_session(db, t) is None for t in tokens)
    assert auth.resolve_session(db, owner.token) is not None


@pytest.mark.parametrize(("given", "expected"), [
    ("/flows", "/flows"), ("/invite/abc?x=1", "/invite/abc?x=1"), ("", "/dashboard"),
    ("https://evil.example", "/dashboard"), ("//evil.example", "/dashboard"),
    ("/\\evil.example", "/dashboard"), ("javascript:alert(1)", "/dashboard"),
    ("/ok\nSet-Cookie: x=1", "/dashboard"),
])
def test_next_path_is_only_ever_a_path_on_this_site(given, expected):
    assert auth.safe_next_path(given) == expected


def test_switch_tenant_only_to_own_memberships(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    second = tenants.create_tenant(db, user_id=a.user_id, name="Empresa A2", niche="servicos")
    db.commit()
    ctx = auth.switch_tenant(db, token=a.token, tenant_id=second.id)
    db.commit()
    assert ctx.tenant_id == second.id and {t.name for t in ctx.tenants} >= {"Empresa A",
                                                                          "Empresa A2"}
    with pytest.raises(Forbidden):
        auth.switch_tenant(db, token=a.token, tenant_id=b.tenant_id)
    db.rollback()
    assert auth.resolve_session(db, a.token).tenant_id == second.id


def test_field_messages_are_translated_with_their_limits(db, unique):
    with pytest.raises(FieldErrors) as exc:
        auth.signup(db, name="x" * 81, email=f"c.{unique}@exemplo.com.br",
                    password="abc12345xyz", tenant_name="Y")
    assert exc.value.messages()["name"] == "Use no máximo 80 caracteres."
    assert exc.value.messages("en")["tenant_name"] == "Use at least 2 characters."


@pytest.mark.parametrize("value", [["lista"], {"a": 1}, 12345, None, "x" * 100_000])
def test_forged_event_values_get_field_errors_not_crashes(db, value):
    """A rewritten WebSocket event can send anything where a form sends strings."""
    from ylada_app.services import accounts

    with pytest.raises(FieldErrors):
        auth.login(db, email=value, password=value, client_ip="10.9.9.9")
    with pytest.raises(FieldErrors):
        accounts.register(db, name=value, email=value, password=value, tenant_name=value)
    with pytest.raises(FieldErrors):
        accounts.request_password_reset(db, email=value)
    db.rollback()


@pytest.mark.parametrize("session_id", ["9" * 40, "-1", "1e3", "١٢", "", ["1"], 2**70])
def test_hostile_session_ids_end_nothing(db, session_id):
    owner = make_owner(db)
    assert auth.end_session(db, user_id=owner.user_id, session_id=session_id) is False
    assert auth.resolve_session(db, owner.token) is not None
