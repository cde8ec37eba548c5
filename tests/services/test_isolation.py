"""Tenant isolation: tenant B never sees or changes tenant A's data through services."""

from __future__ import annotations

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.services import auth, instances
from ylada_app.services import team as tenants
from ylada_app.services.errors import Forbidden, NotFound


@pytest.fixture
def two_tenants(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst_a = make_instance(db, a.tenant_id, name="Instância de A", channel="whatsapp_cloud")
    return a, b, inst_a


def test_listing_shows_only_own_instances(db, two_tenants):
    a, b, inst_a = two_tenants
    make_instance(db, b.tenant_id, name="Instância de B")
    assert [i.name for i in instances.list_instances(db, tenant_id=b.tenant_id)] == [
        "Instância de B"]
    assert inst_a.id in [i.id for i in instances.list_instances(db, tenant_id=a.tenant_id)]


@pytest.mark.parametrize("operation", ["get", "rename", "disable", "connect", "select"])
def test_other_tenants_instance_is_not_found_for_every_operation(db, two_tenants, operation):
    a, b, inst_a = two_tenants
    calls = {
        "get": lambda: instances.get_instance(db, tenant_id=b.tenant_id, instance_id=inst_a.id),
        "rename": lambda: instances.rename_instance(db, tenant_id=b.tenant_id,
                                                    instance_id=inst_a.id, name="Roubada"),
        "disable": lambda: instances.set_instance_enabled(db, tenant_id=b.tenant_id,
                                                          instance_id=inst_a.id, enabled=False),
        "connect": lambda: instances.connect_whatsapp(
            db, tenant_id=b.tenant_id, user_id=b.user_id, instance_id=inst_a.id,
            phone_number_id="123456", waba_id=None, access_token="EAAG" + "c" * 40,
            app_secret="0123456789abcdef0123456789abcdef", check=check_phone_number),
        "select": lambda: auth.select_instance(db, token=b.token, tenant_id=b.tenant_id,
                                               instance_id=inst_a.id),
    }
    with pytest.raises(NotFound):
        calls[operation]()
    db.rollback()
    fresh = instances.get_instance(db, tenant_id=a.tenant_id, instance_id=inst_a.id)
    assert (fresh.name, fresh.status) == ("Instância de A", "draft")


def test_members_and_invitations_are_per_tenant(db, two_tenants, unique):
    a, b, _ = two_tenants
    assert {m.email for m in tenants.list_members(db, tenant_id=b.tenant_id)} == {b.email}
    with pytest.raises(Forbidden):  # B's owner is not an owner of A
        tenants.invite_member(db, tenant_id=a.tenant_id, actor_user_id=b.user_id,
                              email=f"intruso.{unique}@exemplo.com.br", role="owner")


def test_session_context_never_points_at_a_foreign_instance(db, two_tenants):
    from sqlmodel import select

    from ylada_app.core.security import hash_token
    from ylada_app.models import AuthSession

    a, b, inst_a = two_tenants
    row = db.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(b.token))).one()
    row.current_instance_id = inst_a.id  # even a tampered row does not leak
    db.add(row)
    db.commit()
    assert auth.resolve_session(db, b.token).instance_id is None
