"""A person whose place in the agency ends (removed, or demoted) loses the access to the
agency's clients that the agency gave them (the client memberships agency._sync_managers
created stayed, with their old role, forever), and what the agency gives or takes back is in
the client's own audit trail. Found by review, fixed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_owner
from tests.services.test_agency import _agency
from ylada_app.models import AuditLog, Membership
from ylada_app.services import agency, auth, team
from ylada_app.services.errors import Forbidden


def _role_in(db, tenant_id, user_id):
    db.expire_all()
    m = db.exec(select(Membership).where(Membership.tenant_id == tenant_id,
                                         Membership.user_id == user_id)).first()
    return m.role if m else None


def test_removed_agency_admin_loses_the_clients(db):
    ag = _agency(db)
    client = agency.create_client(db, tenant_id=ag.tenant_id, user_id=ag.user_id,
                                  name="Cliente Um", niche="outro")
    bia = make_owner(db, tenant_name="Empresa da Bia")
    db.add(Membership(user_id=bia.user_id, tenant_id=ag.tenant_id, role="admin"))
    db.commit()
    agency.list_clients(db, tenant_id=ag.tenant_id, user_id=ag.user_id)  # syncs Bia in
    db.commit()
    assert _role_in(db, client.id, bia.user_id) == "admin"

    team.remove_member(db, tenant_id=ag.tenant_id, actor_user_id=ag.user_id,
                       user_id=bia.user_id)
    db.commit()
    assert _role_in(db, ag.tenant_id, bia.user_id) is None
    # Bia is out of the agency, yet still admin of its client and can switch into it
    with pytest.raises(Forbidden):
        auth.switch_tenant(db, token=bia.token, tenant_id=client.id)


def test_demoted_agency_owner_does_not_stay_owner_of_the_clients(db):
    ag = _agency(db)
    client = agency.create_client(db, tenant_id=ag.tenant_id, user_id=ag.user_id,
                                  name="Cliente Dois", niche="outro")
    caio = make_owner(db, tenant_name="Empresa do Caio")
    db.add(Membership(user_id=caio.user_id, tenant_id=ag.tenant_id, role="owner"))
    db.commit()
    agency.list_clients(db, tenant_id=ag.tenant_id, user_id=ag.user_id)
    db.commit()
    assert _role_in(db, client.id, caio.user_id) == "owner"

    team.change_role(db, tenant_id=ag.tenant_id, actor_user_id=ag.user_id,
                     user_id=caio.user_id, role="agent")
    db.commit()
    assert _role_in(db, ag.tenant_id, caio.user_id) == "agent"
    # an agent of the agency is not one of its managers: no owner seat in its clients
    assert _role_in(db, client.id, caio.user_id) in (None, "agent")


def test_agency_people_joining_a_client_leave_a_trace_in_the_clients_trail(db):
    """A business that signed up on the agency's address gets the agency's owners as owners
    of it; its own audit trail (tenant_id = the client) says nothing about it."""
    ag = _agency(db)
    newcomer = make_owner(db, tenant_name="Sorveteria")
    agency.adopt_signup(db, agency_tenant_id=ag.tenant_id, client_id=newcomer.tenant_id)
    db.commit()
    assert _role_in(db, newcomer.tenant_id, ag.user_id) == "owner"
    rows = db.exec(select(AuditLog).where(AuditLog.tenant_id == newcomer.tenant_id)).all()
    # (only the newcomer's own sign-up is there)
    assert any(r.action.startswith(("team.", "agency.")) for r in rows), \
        "membership granted to the agency's owner without an entry in the client's trail"
