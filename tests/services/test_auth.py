"""Sign-up, login, sessions, rate limiting, tenant switching."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_owner
from ylada_app.models import AuthSession, Membership, Subscription, Tenant, User
from ylada_app.services import auth, tenants
from ylada_app.services.errors import FieldErrors, Forbidden, RateLimited


def test_signup_creates_user_tenant_owner_membership_and_trial(db, unique):
    user, tenant = auth.signup(
        db, name="Ana", email=f"Ana.{unique}@Exemplo.com.br", password="abc12345xyz",
        tenant_name="Padaria da Ana", niche="delivery",
    )
    db.commit()
    assert user.email == f"ana.{unique}@exemplo.com.br"  # stored lower-cased
    assert user.password_hash.startswith("$argon2id$")
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


def test_login_returns_token_stored_only_hashed(db):
    owner = make_owner(db)
    token = auth.login(db, email=owner.email.upper(), password=PASSWORD)
    db.commit()
    assert len(token) >= 40
    rows = db.exec(select(AuthSession).where(AuthSession.user_id == owner.user_id)).all()
    assert all(r.token_hash != token for r in rows)
    ctx = auth.resolve_session(db, token)
    assert ctx is not None and ctx.tenant_id == owner.tenant_id and ctx.role == "owner"


def test_wrong_password_and_unknown_email_give_the_same_error(db, unique):
    owner = make_owner(db)
    for email in (owner.email, f"ninguem.{unique}@exemplo.com.br"):
        with pytest.raises(FieldErrors) as exc:
            auth.login(db, email=email, password="errada123")
        assert exc.value.errors == {"password": "error.login_invalid"}


def test_login_is_rate_limited_per_email(db):
    owner = make_owner(db)
    for _ in range(5):
        with pytest.raises(FieldErrors):
            auth.login(db, email=owner.email, password="errada123", client_ip="10.0.0.9")
    with pytest.raises(RateLimited):  # even the right password is refused now
        auth.login(db, email=owner.email, password=PASSWORD, client_ip="10.0.0.9")


def test_resolve_session_rejects_unknown_expired_and_logged_out_tokens(db):
    owner = make_owner(db)
    assert auth.resolve_session(db, "") is None
    assert auth.resolve_session(db, "not-a-token") is None
    assert auth.resolve_session(db, "x" * 5000) is None
    auth.logout(db, owner.token)
    db.commit()
    assert auth.resolve_session(db, owner.token) is None


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


def test_invitation_joins_on_signup_and_existing_users_join_at_once(db, unique):
    a = make_owner(db)
    existing = make_owner(db)
    row = tenants.invite_member(db, tenant_id=a.tenant_id, actor_user_id=a.user_id,
                                email=existing.email, role="member")
    assert not row.pending
    new_email = f"novo.{unique}@exemplo.com.br"
    row = tenants.invite_member(db, tenant_id=a.tenant_id, actor_user_id=a.user_id,
                                email=new_email, role="member")
    assert row.pending
    db.commit()
    user, _ = auth.signup(db, name="Novo", email=new_email, password="abc12345xyz",
                          tenant_name="Minha")
    db.commit()
    tenant_ids = set(db.exec(select(Membership.tenant_id).where(Membership.user_id == user.id)))
    assert a.tenant_id in tenant_ids
    members = tenants.list_members(db, tenant_id=a.tenant_id)
    assert {m.email for m in members if not m.pending} >= {a.email, existing.email, new_email}


def test_only_owner_can_invite(db, unique):
    a = make_owner(db)
    member = make_owner(db)
    tenants.invite_member(db, tenant_id=a.tenant_id, actor_user_id=a.user_id,
                          email=member.email, role="member")
    db.commit()
    with pytest.raises(Forbidden):
        tenants.invite_member(db, tenant_id=a.tenant_id, actor_user_id=member.user_id,
                              email=f"x.{unique}@exemplo.com.br", role="member")


def test_field_messages_are_translated_with_their_limits(db, unique):
    with pytest.raises(FieldErrors) as exc:
        auth.signup(db, name="x" * 81, email=f"c.{unique}@exemplo.com.br",
                    password="abc12345xyz", tenant_name="Y")
    assert exc.value.messages()["name"] == "Use no máximo 80 caracteres."
    assert exc.value.messages("en")["tenant_name"] == "Use at least 2 characters."
