"""HTTP API: /healthz and the WhatsApp webhook verification handshake."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_instance, make_owner
from ylada_app.api import app


@pytest.fixture
def client(database_url):
    return TestClient(app)


def test_healthz_reports_database(client):
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.json() == {"status": "ok", "database": "ok", "redis": "not_configured"}


def test_healthz_reports_redis_when_configured(client, redis_url, monkeypatch):
    from ylada_app.core.settings import reset_settings_cache

    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings_cache()
    try:
        assert client.get("/healthz").json()["redis"] == "ok"
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
        reset_settings_cache()
        res = client.get("/healthz")
        assert res.status_code == 503 and res.json()["redis"].startswith("error")
    finally:
        monkeypatch.delenv("REDIS_URL")
        reset_settings_cache()


def test_handshake_echoes_challenge_only_with_the_right_token(client, db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    url = f"/webhooks/whatsapp/{inst.webhook_key}"
    ok = client.get(url, params={"hub.mode": "subscribe", "hub.verify_token": inst.verify_token,
                                 "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    bad = client.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "wrong",
                                  "hub.challenge": "x"})
    assert bad.status_code == 403
    assert client.get(url).status_code == 403
    assert client.get("/webhooks/whatsapp/unknown-key",
                      params={"hub.verify_token": "x"}).status_code == 404


def test_a_stale_pooled_connection_is_retried_and_a_dead_database_is_a_503(client, db,
                                                                            monkeypatch):
    """After a database restart the pool still holds closed connections: the key lookup
    retries once on a fresh one; if the database is really down, Meta gets a 503 (which it
    retries), never a 500."""
    from sqlalchemy.exc import OperationalError

    from ylada_app.services import webhook_keys

    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    real = webhook_keys.find_by_webhook_key
    calls = []

    def stale_once(session, key):
        calls.append(key)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"),
                                   connection_invalidated=True)
        return real(session, key)

    webhook_keys.forget()
    monkeypatch.setattr(webhook_keys, "find_by_webhook_key", stale_once)
    assert webhook_keys.lookup(inst.webhook_key).instance_id == inst.id
    assert len(calls) == 2

    def down(session, key):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    webhook_keys.forget()
    monkeypatch.setattr(webhook_keys, "find_by_webhook_key", down)
    res = client.post(f"/webhooks/whatsapp/{inst.webhook_key}", content=b"{}",
                      headers={"X-Hub-Signature-256": "sha256=00"})
    assert res.status_code == 503
    res = client.get(f"/webhooks/whatsapp/{inst.webhook_key}",
                     params={"hub.mode": "subscribe", "hub.verify_token": "x",
                             "hub.challenge": "1"})
    assert res.status_code == 503
    webhook_keys.forget()
