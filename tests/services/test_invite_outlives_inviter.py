"""An owner's pending invitations lose their power when that owner is removed from the
business or loses the owner role (found by review, fixed)."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_owner
from ylada_app.models import Membership
from ylada_app.services import auth, team
from ylada_app.services.errors import Forbidden


@pytest.mark.parametrize("how", ["removed", "demoted"])
def test_invitation_of_a_removed_owner_stops_working(db, monkeypatch, how):
    first = make_owner(db, tenant_name="Loja com Dois Donos")
    rogue = auth.create_user(db, email=f"socio-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                             name="Sócio", password=PASSWORD)
    db.add(Membership(user_id=rogue.id, tenant_id=first.tenant_id, role="owner"))
    db.commit()
    # the co-owner invites an address of their own, as owner, just before leaving
    link = "convite-" + uuid.uuid4().hex
    monkeypatch.setattr(team, "new_token", lambda *a, **k: link)
    alt = auth.create_user(db, email=f"alt-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                           name="Outra Conta", password=PASSWORD)
    team.invite_member(db, tenant_id=first.tenant_id, actor_user_id=rogue.id,
                       email=alt.email, role="owner")
    db.commit()
    if how == "removed":
        team.remove_member(db, tenant_id=first.tenant_id, actor_user_id=first.user_id,
                           user_id=rogue.id)
    else:
        team.change_role(db, tenant_id=first.tenant_id, actor_user_id=first.user_id,
                         user_id=rogue.id, role="agent")
    db.commit()
    # the inviter's authority is gone: what they sent in the owner's name must go with it
    with pytest.raises(Forbidden):
        team.accept(db, token=link, user_id=alt.id)
    db.rollback()
    assert db.exec(select(Membership).where(Membership.user_id == alt.id,
                                            Membership.tenant_id == first.tenant_id)).first() \
        is None
