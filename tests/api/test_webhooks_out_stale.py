"""Which endpoints want which events is cached per process for a few seconds, and only the
process that changed an endpoint forgets at once. Another process (an API worker, the
WhatsApp pipeline) still listing a just-deleted endpoint must not insert a delivery for it:
that broke the foreign key and failed the caller's whole transaction (the API's contact
upsert answered 500 and nothing was saved)."""

from __future__ import annotations

import time

import pytest

from tests.factories import make_instance, make_owner
from ylada_app.services import api_keys, webhooks_out


@pytest.fixture
def business(db):
    owner = make_owner(db, tenant_name="Loja Webhook")
    inst = make_instance(db, owner.tenant_id, name="Número")
    _, key = api_keys.create_key(db, tenant_id=owner.tenant_id, name="integração",
                                 scopes="read,write", user_id=owner.user_id)
    endpoint, _ = webhooks_out.create_endpoint(
        db, tenant_id=owner.tenant_id, url="http://127.0.0.1:9/hook",
        events=["contact.created", "contact.updated"])
    db.commit()
    return owner.tenant_id, inst.id, endpoint.id, {"Authorization": f"Bearer {key}"}


def test_an_endpoint_deleted_elsewhere_does_not_break_the_change_that_emits(api, db,
                                                                             business):
    tenant_id, instance_id, endpoint_id, headers = business
    webhooks_out.forget()
    assert webhooks_out.subscribers(tenant_id, "contact.created") == [endpoint_id]
    stale = dict(webhooks_out._cache["subs"])  # what another process holds for 5 s

    webhooks_out.delete_endpoint(db, tenant_id=tenant_id, endpoint_id=endpoint_id)
    db.commit()
    # this process forgot; a second process has not yet (its cache is still fresh)
    webhooks_out._cache["subs"], webhooks_out._cache["at"] = stale, time.monotonic()
    try:
        response = api.post("/api/v1/contacts", headers=headers,
                            json={"instance_id": instance_id, "phone": "11987650001",
                                  "name": "Ana"})
    finally:
        webhooks_out.forget()
    assert response.status_code == 201, response.text
