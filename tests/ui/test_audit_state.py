"""The audit pages' state: a business's /settings/audit shows only its own entries (and the
platform's accesses to it, with the reason), for owners and admins — an agent is sent away;
the admin's business page opens only after a reason; /admin/audit filters and pages."""

from __future__ import annotations

import uuid

from tests.factories import PASSWORD, make_admin, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Membership
from ylada_app.models.tenant import Role
from ylada_app.pages.admin import AdminTenantState
from ylada_app.pages.admin_audit import AdminAuditState
from ylada_app.pages.audit import AuditState
from ylada_app.services import audit, auth


def test_business_b_never_sees_the_entries_of_a(db):
    a = make_owner(db, tenant_name="Empresa Alfa")
    b = make_owner(db, tenant_name="Empresa Beta")
    audit.record(db, action="export.leads", actor_user_id=a.user_id, tenant_id=a.tenant_id)
    audit.record(db, action="api_key.created", actor_user_id=b.user_id, tenant_id=b.tenant_id)
    db.commit()
    state_b = _state(AuditState, b.token)
    _run(AuditState.load, state_b)
    assert state_b.loaded
    whats = [r["what"] for r in state_b.rows]
    assert "Criou uma chave da API" in whats and "Exportou a lista de leads" not in whats
    assert a.email not in {r["who"] for r in state_b.rows}
    assert a.email not in {p["name"] for p in state_b.people}
    # asking for A's person or another kind still shows nothing of A
    _run(AuditState.apply, state_b, {"kind": "exports", "person": str(a.user_id),
                                     "since": "", "until": ""})
    assert state_b.rows == []
    state_a = _state(AuditState, a.token)
    _run(AuditState.load, state_a)
    assert "Exportou a lista de leads" in [r["what"] for r in state_a.rows]
    out = _run(AuditState.download, state_b)
    assert "Exportou a lista de leads" not in str(out)


def test_an_agent_is_sent_away(db):
    owner = make_owner(db, tenant_name="Loja com Atendente")
    user = auth.create_user(db, email=f"atendente-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                            name="Ana", password=PASSWORD)
    db.add(Membership(user_id=user.id, tenant_id=owner.tenant_id, role=Role.AGENT))
    db.commit()
    token = auth.open_session(db, user)
    db.commit()
    state = _state(AuditState, token)
    out = _run(AuditState.load, state)
    assert "/inbox" in str(out) and state.rows == []


def test_the_admin_gives_a_reason_and_the_business_sees_it(db):
    owner = make_owner(db, tenant_name="Loja Observada")
    actor = make_admin(db)
    user = db.get(auth.User, actor.user_id)
    token = auth.open_session(db, user)
    db.commit()
    page = _state(AdminTenantState, token)
    page.router = page.router.__class__.from_router_data(
        {"headers": {"cookie": f"ylada_session={token}"},
         "pathname": f"/admin/tenants/{owner.tenant_id}",
         "asPath": f"/admin/tenants/{owner.tenant_id}"})
    _run(AdminTenantState.load, page)
    assert page.needs_reason and page.gate_name == "Loja Observada" and page.members == []
    _run(AdminTenantState.open_data, page, {"access_reason": "curto"})
    assert page.needs_reason and "reason" in page.errors
    _run(AdminTenantState.open_data, page, {"access_reason": "Chamado 77: revisar o fluxo"})
    assert not page.needs_reason and page.members and page.tenant["name"] == "Loja Observada"
    assert page.access_reason == "Chamado 77: revisar o fluxo"
    business = _state(AuditState, owner.token)
    _run(AuditState.load, business)
    [row] = [r for r in business.rows if r["what"].startswith("A equipe da plataforma")]
    assert row["details"] == "Motivo: Chamado 77: revisar o fluxo"
    admin_page = _state(AdminAuditState, token)
    _run(AdminAuditState.load, admin_page)
    _run(AdminAuditState.apply, admin_page, {"kind": "platform", "person": str(actor.user_id),
                                             "since": "", "until": ""})
    assert admin_page.rows and all(r["business"] == "Loja Observada" for r in admin_page.rows
                                   if r["what"].startswith("A equipe"))
    assert admin_page.total >= 1
