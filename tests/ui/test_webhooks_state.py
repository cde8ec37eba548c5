"""The webhooks page's state: field errors leave nothing written; the secret is shown on
creation; another business's endpoint ids change nothing and show nothing."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import WebhookEndpoint
from ylada_app.pages.webhooks import WebhooksState
from ylada_app.services import webhooks_out


def test_create_edit_and_other_businesses_ids(db):
    a = make_owner(db, tenant_name="Empresa A")
    b = make_owner(db, tenant_name="Empresa B")
    state = _state(WebhooksState, a.token)
    _run(WebhooksState.load, state)
    assert state.loaded and state.endpoints == []
    assert state.labels["message.received"] == "Mensagem recebida"
    _run(WebhooksState.save, state, {"url": "ftp://x", "ev:message.received": "on"})
    assert set(state.errors) == {"url"}
    _run(WebhooksState.save, state, {"url": "https://crm.exemplo.com.br/h"})
    assert set(state.errors) == {"events"}
    assert db.exec(select(WebhookEndpoint).where(
        WebhookEndpoint.tenant_id == a.tenant_id)).all() == []
    _run(WebhooksState.save, state, {"url": "https://crm.exemplo.com.br/h",
                                     "description": "CRM",
                                     "ev:message.received": "on", "ev:lead.captured": "on"})
    assert state.errors == {}
    [row] = state.endpoints
    assert row["events"] == ["message.received", "lead.captured"]
    assert state.secret.startswith("whsec_") and state.secret_for == row["id"]
    assert state.secret not in str(state.endpoints)
    secret = state.secret
    _run(WebhooksState.start_edit, state, row["id"])
    assert state.edit_url == "https://crm.exemplo.com.br/h"
    _run(WebhooksState.save, state, {"url": "https://crm.exemplo.com.br/v2",
                                     "ev:contact.created": "on"})
    assert state.endpoints[0]["url"].endswith("/v2")
    assert state.endpoints[0]["events"] == ["contact.created"] and state.editing_id == ""
    # B's page with A's endpoint id: nothing shown, nothing changed
    other = _state(WebhooksState, b.token)
    _run(WebhooksState.load, other)
    for handler, args in ((WebhooksState.show_secret, (row["id"],)),
                          (WebhooksState.rotate, (row["id"],)),
                          (WebhooksState.toggle, (row["id"], False)),
                          (WebhooksState.delete, (row["id"],)),
                          (WebhooksState.open_log, (row["id"],))):
        _run(handler, other, *args)
    assert other.secret == "" and other.log == [] and other.endpoints == []
    db.expire_all()
    kept = db.get(WebhookEndpoint, int(row["id"]))
    assert kept is not None and kept.active and kept.old_secret_enc is None
    assert webhooks_out.reveal_secret(db, tenant_id=a.tenant_id,
                                      endpoint_id=row["id"]) == secret


def test_saving_the_same_webhook_address_twice_does_not_create_a_second_endpoint(
        db, business_owner):
    """Found by review and fixed: a double click on "Criar" made two endpoints for one
    address (every event delivered twice): create_endpoint checked only the count and the
    button never showed it was busy. One endpoint per address now, and save yields `busy`
    before the service call."""
    a, _ = business_owner
    page = _state(WebhooksState, a.token)
    _run(WebhooksState.load, page)
    form = {"url": "https://crm.exemplo.com.br/ylada", "ev:message.received": "on"}
    _run(WebhooksState.save, page, form)
    _run(WebhooksState.save, page, dict(form))
    assert len(page.endpoints) == 1
    assert "url" in page.errors
