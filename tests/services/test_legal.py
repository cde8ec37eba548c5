"""The privacy notice and the DPA: pt-BR templates as version 1, versions the platform admin
publishes, and the business's acceptance at sign-up (recorded on the tenant and audited)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_owner
from ylada_app.models import LegalDocument, Membership, Tenant, User
from ylada_app.services import accounts, audit, legal
from ylada_app.services.errors import FieldErrors, NotFound


def _signup(db, email: str, **kw):
    data = {"name": "Bia", "email": email, "password": "abc12345xyz",
            "tenant_name": "Loja da Bia", "niche": "outro"}
    data.update(kw)
    accounts.register(db, **data)
    db.commit()


def test_templates_are_version_one_in_portuguese(db):
    if db.exec(select(LegalDocument)).first() is not None:
        pytest.skip("another test published a version already")
    dpa = legal.current(db, "dpa")
    privacy = legal.current(db, "privacy")
    assert (dpa.version, privacy.version) == (1, 1)
    assert dpa.title == "Acordo de Tratamento de Dados (DPA)"
    assert "Controladora" in dpa.body and "Operadora" in dpa.body
    assert "LGPD" in privacy.body and privacy.published_at is None
    with pytest.raises(NotFound):
        legal.current(db, "terms")


def test_admin_publishes_versions_with_field_errors(db):
    admin = make_admin(db)
    before = legal.current(db, "privacy").version
    with pytest.raises(FieldErrors) as exc:
        legal.publish(db, kind="privacy", title=" ", body="curto", user_id=admin.user_id)
    assert exc.value.errors == {"title": "error.required", "body": "legal.error.body_short"}
    db.rollback()
    doc = legal.publish(db, kind="privacy", title="Política  de Privacidade",
                        body="# Política\n\nTexto novo da política, versão revisada.",
                        user_id=admin.user_id)
    db.commit()
    assert doc.version == before + 1 and doc.title == "Política de Privacidade"
    assert legal.current(db, "privacy").body.startswith("# Política\n\nTexto novo")
    # the DPA's numbering is its own
    assert legal.current(db, "dpa").version != doc.version or before == 0
    entry = audit.entries(db, action_prefix="admin.legal_published", limit=1)[0]
    assert entry.target == "privacy" and entry.details["version"] == doc.version


def test_signup_requires_the_dpa_and_records_its_version(db, unique):
    email = f"dpa.{unique}@exemplo.com.br"
    with pytest.raises(FieldErrors) as exc:
        _signup(db, email)
    assert exc.value.errors == {"accept_dpa": "legal.error.accept_dpa"}
    assert "aceite o acordo" in exc.value.messages()["accept_dpa"]
    db.rollback()
    assert db.exec(select(User).where(User.email == email)).first() is None
    # other field errors and the DPA's are reported together
    with pytest.raises(FieldErrors) as exc:
        _signup(db, email, password="curta", accept_dpa=False)
    assert set(exc.value.errors) == {"password", "accept_dpa"}
    db.rollback()

    version = legal.current(db, "dpa").version
    _signup(db, email, accept_dpa="on")
    user = db.exec(select(User).where(User.email == email)).one()
    tenant_id = db.exec(select(Membership.tenant_id).where(Membership.user_id == user.id)).one()
    tenant = db.get(Tenant, tenant_id)
    assert tenant.dpa_version == version
    assert tenant.dpa_accepted_by_user_id == user.id and tenant.dpa_accepted_at is not None
    entry = next(e for e in audit.entries(db, tenant_id=tenant_id)
                 if e.action == "tenant.dpa_accepted")
    assert entry.details["version"] == version and entry.actor == email


def test_an_acceptance_keeps_the_version_accepted(db):
    admin = make_admin(db)
    first, second = make_owner(db, tenant_name="Antes"), make_owner(db, tenant_name="Depois")
    old = legal.current(db, "dpa").version
    legal.accept_dpa(db, tenant_id=first.tenant_id, user_id=first.user_id, version=old)
    legal.publish(db, kind="dpa", title="DPA revisado", body="# DPA\n\nCláusulas revisadas.",
                  user_id=admin.user_id)
    legal.accept_dpa(db, tenant_id=second.tenant_id, user_id=second.user_id,
                     version=legal.current(db, "dpa").version)
    db.commit()
    assert db.get(Tenant, first.tenant_id).dpa_version == old
    assert db.get(Tenant, second.tenant_id).dpa_version == old + 1
    assert legal.current(db, "dpa").title == "DPA revisado"
