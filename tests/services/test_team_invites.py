"""Invitations are accepted only through the link e-mailed to the invited address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_owner
from ylada_app.models import Invitation, Membership, User, utcnow
from ylada_app.services import accounts, auth, team
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, NotFound


def _link_token(smtp, email: str, count: int = 1) -> str:
    link = smtp.wait_for(email, subject="convidou", count=count).links()[0]
    assert "/invite/" in link
    return link.rsplit("/invite/", 1)[1]


def _members(db, tenant_id: int) -> set[int]:
    return set(db.exec(select(Membership.user_id).where(Membership.tenant_id == tenant_id)))


def test_signing_up_with_an_invited_address_grants_nothing(db, smtp, unique):
    """The takeover of the issue: anyone could sign up as carla@ and join the business."""
    owner = make_owner(db, tenant_name="Loja da Dona")
    carla = f"carla.{unique}@exemplo.com.br"
    team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                       email=carla, role="agent")
    db.commit()
    accounts.register(db, name="Impostora", email=carla, password="abc12345xyz",
                      tenant_name="Qualquer", accept_dpa="on")
    db.commit()
    impostor = db.exec(select(User).where(User.email == carla)).one()
    grant = auth.login(db, email=carla, password="abc12345xyz").grant
    ctx = auth.resolve_session(db, auth.exchange_grant(db, grant=grant).token)
    assert impostor.id not in _members(db, owner.tenant_id)
    assert owner.tenant_id not in {t.id for t in ctx.tenants}  # not in the switcher either
    rows = team.list_members(db, tenant_id=owner.tenant_id)
    assert [r.email for r in rows if r.pending] == [carla]  # still pending for the owner


def test_the_link_lets_the_invited_account_join_once(db, smtp, unique):
    owner = make_owner(db, tenant_name="Loja <b>Boa</b>")
    invited = make_owner(db, tenant_name="Outra")
    team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                       email=invited.email, role="agent")
    db.commit()
    assert invited.user_id not in _members(db, owner.tenant_id)  # not at once any more
    mail = smtp.wait_for(invited.email, subject="convidou")
    assert "Loja &lt;b&gt;Boa&lt;/b&gt;" in mail.html  # names are text in the HTML mail
    token = _link_token(smtp, invited.email)
    view = team.preview(db, token=token)
    assert (view.state, view.email, view.tenant_name, view.has_account) == (
        "valid", invited.email, "Loja <b>Boa</b>", True)
    assert team.accept(db, token=token, user_id=invited.user_id) == owner.tenant_id
    db.commit()
    assert invited.user_id in _members(db, owner.tenant_id)
    with pytest.raises(Forbidden):
        team.accept(db, token=token, user_id=invited.user_id)
    assert team.preview(db, token=token).state == "invalid"


def test_another_account_holding_the_link_cannot_accept(db, smtp, unique):
    owner = make_owner(db)
    invited = f"certa.{unique}@exemplo.com.br"
    other = make_owner(db)
    team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                       email=invited, role="owner")
    db.commit()
    token = _link_token(smtp, invited)
    with pytest.raises(Forbidden) as exc:
        team.accept(db, token=token, user_id=other.user_id)
    assert exc.value.code == "error.invite_other_account"
    db.rollback()
    assert other.user_id not in _members(db, owner.tenant_id)
    assert team.preview(db, token=token).state == "valid"  # still usable by the right person


def test_creating_the_account_from_the_link_joins_and_confirms_the_address(db, smtp, unique):
    owner = make_owner(db)
    invited = f"nova.{unique}@exemplo.com.br"
    team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                       email=invited, role="agent")
    db.commit()
    token = _link_token(smtp, invited)
    with pytest.raises(FieldErrors):
        team.signup_and_accept(db, token=token, name="N", password="curta")
    db.rollback()
    user_id, tenant_id = team.signup_and_accept(db, token=token, name="Nina",
                                                password="abc12345xyz")
    db.commit()
    user = db.get(User, user_id)
    assert tenant_id == owner.tenant_id and user.email == invited
    assert user.email_verified_at is not None
    assert user_id in _members(db, owner.tenant_id)


def test_expired_revoked_and_resent_links(db, smtp, unique, monkeypatch):
    owner = make_owner(db)
    email = f"conv.{unique}@exemplo.com.br"
    row = team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                             email=email, role="agent")
    db.commit()
    first = _link_token(smtp, email)
    with pytest.raises(Conflict):  # one pending invitation per address
        team.invite_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                           email=email, role="agent")
    db.rollback()
    team.resend_invitation(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                           invitation_id=row.invitation_id)
    db.commit()
    second = _link_token(smtp, email, count=2)
    assert team.preview(db, token=first).state == "invalid"  # the re-sent link replaces it
    assert team.preview(db, token=second).state == "valid"
    later = utcnow() + timedelta(days=8)
    monkeypatch.setattr("ylada_app.services.team.utcnow", lambda: later)
    assert team.preview(db, token=second).state == "expired"
    assert [r.expired for r in team.list_members(db, tenant_id=owner.tenant_id)
            if r.pending] == [True]
    monkeypatch.undo()
    team.revoke_invitation(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                           invitation_id=row.invitation_id)
    db.commit()
    assert team.preview(db, token=second).state == "invalid"
    assert not [r for r in team.list_members(db, tenant_id=owner.tenant_id) if r.pending]


def test_only_a_verified_owner_of_the_business_manages_invitations(db, smtp, unique):
    a = make_owner(db)
    b = make_owner(db)
    unverified = make_owner(db, verified=False)
    with pytest.raises(Forbidden) as exc:
        team.invite_member(db, tenant_id=unverified.tenant_id,
                           actor_user_id=unverified.user_id,
                           email=f"x.{unique}@exemplo.com.br", role="agent")
    assert exc.value.code == "error.email_unverified"
    row = team.invite_member(db, tenant_id=a.tenant_id, actor_user_id=a.user_id,
                             email=f"y.{unique}@exemplo.com.br", role="agent")
    db.commit()
    with pytest.raises(Forbidden):  # B is no owner of A
        team.revoke_invitation(db, tenant_id=a.tenant_id, actor_user_id=b.user_id,
                               invitation_id=row.invitation_id)
    with pytest.raises(NotFound):  # and from B's own business, A's invitation does not exist
        team.revoke_invitation(db, tenant_id=b.tenant_id, actor_user_id=b.user_id,
                               invitation_id=row.invitation_id)
    db.rollback()
    inv = db.get(Invitation, row.invitation_id)
    assert inv.revoked_at is None
