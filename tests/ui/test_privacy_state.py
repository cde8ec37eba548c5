"""LGPD requests through the pages' states and the download route: business B, with A's
contact id in the URL, can neither ask for an export or an erasure nor see A's requests,
and A's export file downloads only with A's session (and its token)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from reflex.istate.data import RouterData
from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.jobs import privacy as privacy_jobs
from ylada_app.models import Contact
from ylada_app.models.privacy import DataRequest
from ylada_app.pages.contact_privacy import ContactPrivacyState
from ylada_app.pages.privacy_requests import PrivacyRequestsState
from ylada_app.services import contacts, privacy


def _on_contact(state, token: str, contact_id: int):
    state.router = RouterData.from_router_data({
        "headers": {"cookie": f"ylada_lang=pt-BR; ylada_session={token}"},
        "ip": "127.0.0.1", "pathname": f"/contacts/{contact_id}",
        "asPath": f"/contacts/{contact_id}"})
    return state


@pytest.fixture
def two(db, monkeypatch):
    monkeypatch.setattr(privacy, "start", lambda rid, kind: None)
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    inst = make_instance(db, a.tenant_id)
    contact, _ = contacts.upsert_contact(db, tenant_id=a.tenant_id, instance_id=inst.id,
                                         phone="11987653333", name="Cliente de A")
    db.commit()
    return a, b, contact


def test_another_business_cannot_ask_or_see_through_the_page(db, two):
    a, b, contact = two
    state = _on_contact(_state(ContactPrivacyState, b.token), b.token, contact.id)
    _run(ContactPrivacyState.load, state)
    assert state.rows == [] and not state.erased
    _run(ContactPrivacyState.request_export, state)
    _run(ContactPrivacyState.request_erase, state)
    assert db.exec(select(DataRequest).where(DataRequest.contact_id == contact.id)).all() == []
    db.expire_all()
    assert db.get(Contact, contact.id).name == "Cliente de A"
    # A's own page asks; B's list stays empty, A's shows it
    mine = _on_contact(_state(ContactPrivacyState, a.token), a.token, contact.id)
    _run(ContactPrivacyState.request_export, mine)
    assert [r["kind"] for r in mine.rows] == ["Cópia dos dados"] and mine.can_act
    listing = _state(PrivacyRequestsState, b.token)
    _run(PrivacyRequestsState.load, listing)
    assert listing.rows == [] and listing.open_count == 0
    listing = _state(PrivacyRequestsState, a.token)
    _run(PrivacyRequestsState.load, listing)
    assert len(listing.rows) == 1 and listing.open_count == 1
    assert listing.rows[0]["status"] == "Pendente" and listing.rows[0]["due"]
    assert listing.rows[0]["contact_label"] == "Cliente de A"  # a name, never an id


def test_the_download_route_serves_only_the_business_s_own_file(db, two):
    from ylada_app.api import app

    a, b, contact = two
    row, _ = privacy.create_request(db, tenant_id=a.tenant_id, contact_id=contact.id,
                                    kind="export", source="contact_page")
    db.commit()
    assert privacy_jobs.build_export(row.id) == "done"
    db.expire_all()
    view = privacy.get_request(db, tenant_id=a.tenant_id, request_id=row.id)
    url = f"/privacy/exports/{row.id}/{view.file_token}"
    with TestClient(app) as client:
        assert client.get(url).status_code == 401
        client.cookies.set("ylada_session", b.token)
        assert client.get(url).status_code == 404
        client.cookies.set("ylada_session", a.token)
        assert client.get(f"/privacy/exports/{row.id}/wrong").status_code == 404
        got = client.get(url)
        assert got.status_code == 200 and got.content[:2] == b"PK"


def test_an_agent_sees_the_requests_but_cannot_ask(db, two):
    import uuid

    from tests.factories import PASSWORD
    from ylada_app.models import Membership
    from ylada_app.models.tenant import Role
    from ylada_app.services import auth

    a, _b, contact = two
    user = auth.create_user(db, email=f"atendente-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                            name="Ana", password=PASSWORD)
    db.add(Membership(user_id=user.id, tenant_id=a.tenant_id, role=Role.AGENT))
    db.commit()
    token = auth.open_session(db, user)
    db.commit()
    privacy.create_request(db, tenant_id=a.tenant_id, contact_id=contact.id, kind="export",
                           source="api")
    db.commit()
    state = _on_contact(_state(ContactPrivacyState, token), token, contact.id)
    _run(ContactPrivacyState.load, state)
    assert len(state.rows) == 1 and not state.can_act
    out = _run(ContactPrivacyState.request_erase, state)
    assert "/inbox" in str(out)
    assert db.exec(select(DataRequest).where(DataRequest.contact_id == contact.id,
                                             DataRequest.kind == "erase")).all() == []
    out = _run(PrivacyRequestsState.load, _state(PrivacyRequestsState, token))
    assert "/inbox" in str(out)
