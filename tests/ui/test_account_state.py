"""Account page state: platform admins are held on /account until two-step verification is on
where the installation requires it; sessions of other users cannot be ended from here."""

from __future__ import annotations

import pyotp

from tests.factories import PASSWORD, make_admin, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import AuthSession
from ylada_app.pages.account import AccountState
from ylada_app.pages.admin import AdminState
from ylada_app.services import auth, two_factor


def _admin_token(db) -> tuple[int, str]:
    ctx = make_admin(db)
    user = db.get(auth.User, ctx.user_id)
    return ctx.user_id, auth.open_session(db, user)


def test_admins_without_two_factor_are_sent_to_set_it_up_when_required(db, monkeypatch):
    monkeypatch.setenv("REQUIRE_ADMIN_2FA", "true")
    reset_settings_cache()
    user_id, token = _admin_token(db)
    db.commit()
    admin_page = _state(AdminState, token)
    out = _run(AdminState.load, admin_page)
    assert "/account" in str(out)
    account = _state(AccountState, token)
    account.router = account.router.__class__.from_router_data(
        {"headers": {"cookie": f"ylada_session={token}"}, "pathname": "/account",
         "asPath": "/account"})
    _run(AccountState.load, account)
    assert account.loaded and account.admin_must_enable and not account.can_disable
    setup = two_factor.begin_setup(db, user_id=user_id, password=PASSWORD)
    two_factor.confirm_setup(db, user_id=user_id, code=pyotp.TOTP(setup.secret).now())
    db.commit()
    out = _run(AdminState.load, _state(AdminState, token))
    assert "/account" not in str(out)
    reset_settings_cache()


def test_ending_a_session_id_of_another_user_changes_nothing(db):
    a = make_owner(db)
    b = make_owner(db)
    b_session = db.exec(auth.select(AuthSession).where(AuthSession.user_id == b.user_id)).one()
    state = _state(AccountState, a.token)
    _run(AccountState.end_session, state, str(b_session.id))
    db.expire_all()
    assert auth.resolve_session(db, b.token) is not None


def test_only_platform_admins_read_the_audit_trail(db):
    from ylada_app.pages.admin_audit import AdminAuditState

    owner = make_owner(db)
    state = _state(AdminAuditState, owner.token)
    out = _run(AdminAuditState.load, state)
    assert "/dashboard" in str(out) and state.rows == []
    _run(AdminAuditState.set_filter, state, "auth.")
    assert state.rows == []
