"""Platform admin: tenant list and detail, suspend/reactivate; non-admins are refused."""

from __future__ import annotations

import pytest

from tests.factories import make_admin, make_instance, make_owner
from ylada_app.services import admin, auth
from ylada_app.services.errors import FieldErrors, Forbidden, NotFound


def test_admin_lists_tenants_with_owner_plan_and_instance_count(db, unique):
    owner = make_owner(db, tenant_name=f"Lista {unique}")
    make_instance(db, owner.tenant_id)
    make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    actor = make_admin(db)
    rows = admin.list_tenants(db, actor, search=unique)
    assert len(rows) == 1
    row = rows[0]
    assert (row.owner_email, row.instance_count, row.plan_name, row.status) == (
        owner.email, 2, "Grátis", "active")


def test_suspend_and_reactivate_changes_what_the_user_context_says(db):
    owner = make_owner(db)
    actor = make_admin(db)
    admin.set_tenant_status(db, actor, tenant_id=owner.tenant_id, status="suspended",
                            reason="Pagamento em aberto")
    db.commit()
    ctx = auth.resolve_session(db, owner.token)
    assert ctx.tenant_blocked
    admin.open_tenant(db, actor, tenant_id=owner.tenant_id, reason="Chamado 123 do suporte")
    detail = admin.tenant_detail(db, actor, tenant_id=owner.tenant_id)
    assert detail.suspended_reason == "Pagamento em aberto"
    admin.set_tenant_status(db, actor, tenant_id=owner.tenant_id, status="active")
    db.commit()
    assert not auth.resolve_session(db, owner.token).tenant_blocked


def test_non_admin_is_refused_everywhere(db):
    owner = make_owner(db)
    ctx = owner.ctx(db)
    with pytest.raises(Forbidden):
        admin.list_tenants(db, ctx)
    with pytest.raises(Forbidden):
        admin.tenant_detail(db, ctx, tenant_id=owner.tenant_id)
    with pytest.raises(Forbidden):
        admin.set_tenant_status(db, ctx, tenant_id=owner.tenant_id, status="suspended")


def test_bad_status_and_unknown_tenant(db):
    owner = make_owner(db)
    actor = make_admin(db)
    with pytest.raises(FieldErrors):
        admin.set_tenant_status(db, actor, tenant_id=owner.tenant_id, status="deleted")
    with pytest.raises(NotFound):
        admin.tenant_detail(db, actor, tenant_id="nope")
