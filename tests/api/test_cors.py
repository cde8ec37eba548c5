"""CORS answers only our own origins: the platform's address, a business's subdomain in use,
a verified custom domain. Any other site's page gets no CORS headers and its preflight is
refused, so it cannot read our answers with a visitor's cookies."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from tests.factories import make_business_owner
from ylada_app.api import cors
from ylada_app.core.settings import reset_settings_cache
from ylada_app.services import brand, origins


@pytest.fixture
def client(db, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://app.ylada.test")
    monkeypatch.setenv("BASE_DOMAIN", "bots.ylada.test")
    monkeypatch.setenv("CORS_EXTRA_ORIGINS", "https://parceiro.example.com")
    reset_settings_cache()
    origins.forget()
    api = FastAPI()

    @api.get("/ping")
    def ping():
        return {"ok": True}

    api.add_middleware(cors.OriginCheckedCors)
    yield TestClient(api)
    reset_settings_cache()
    origins.forget()


def _preflight(client, origin):
    return client.options("/ping", headers={"Origin": origin,
                                            "Access-Control-Request-Method": "POST"})


def test_own_origins_get_cors_with_credentials_and_others_nothing(client):
    for ok in ("https://app.ylada.test", "https://app.ylada.test:443",
               "https://parceiro.example.com", "http://127.0.0.1:3000"):
        res = client.get("/ping", headers={"Origin": ok, "Cookie": "a=b"})
        assert res.headers.get("access-control-allow-origin") == ok, ok
        assert res.headers.get("access-control-allow-credentials") == "true"
        assert _preflight(client, ok).status_code == 200
    for evil in ("https://evil.example", "https://app.ylada.test.evil.example",
                 "http://app.ylada.test", "https://app.ylada.test:8443", "null",
                 "https://ylada.test", "https://qualquer.bots.ylada.test",
                 "javascript://app.ylada.test", "https://user@app.ylada.test"):
        res = client.get("/ping", headers={"Origin": evil, "Cookie": "a=b"})
        assert res.status_code == 200  # the answer itself is not the browser's to read
        assert "access-control-allow-origin" not in res.headers, evil
        assert "access-control-allow-credentials" not in res.headers, evil
        assert _preflight(client, evil).status_code == 400, evil
    assert "access-control-allow-origin" not in client.get("/ping").headers


def test_loopback_is_not_ours_in_production(client, monkeypatch):
    monkeypatch.setenv("YLADA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    reset_settings_cache()
    assert not origins.allowed("http://localhost:3000")
    assert origins.allowed("https://app.ylada.test")


def test_a_business_subdomain_and_verified_domain_are_allowed_once_they_exist(db, client):
    owner = make_business_owner(db, tenant_name="Agência CORS")
    slug = "cors" + uuid.uuid4().hex[:8]
    domain = f"bots.{slug}.com.br"
    assert not origins.allowed(f"https://{slug}.bots.ylada.test")
    brand.set_subdomain(db, tenant_id=owner.tenant_id, subdomain=slug)
    brand.request_custom_domain(db, tenant_id=owner.tenant_id, domain=domain)
    db.commit()
    assert origins.allowed(f"https://{slug}.bots.ylada.test")  # saved here: known at once
    assert not origins.allowed(f"https://{domain}")  # pending: not proven yet
    _, value = brand.txt_record(brand.get_brand(db, tenant_id=owner.tenant_id))
    brand.verify_custom_domain(db, tenant_id=owner.tenant_id, lookup=lambda name: [value])
    db.commit()
    res = client.get("/ping", headers={"Origin": f"https://{domain}"})
    assert res.headers.get("access-control-allow-origin") == f"https://{domain}"


def test_the_app_wires_the_check_into_reflex_and_its_websocket():
    import reflex as rx

    import ylada_app.ylada_app as module
    from ylada_app.api import edge

    assert rx.App._add_cors is edge._edge
    assert module.app.sio.eio.cors_allowed_origins is origins.allowed


def test_every_answer_gets_security_headers_and_uploads_are_capped(client):
    from ylada_app.api import edge

    api = FastAPI()

    @api.get("/page")
    def page():
        return {"ok": True}

    @api.get("/framed")
    def framed():
        from fastapi.responses import JSONResponse

        return JSONResponse({}, headers={"x-frame-options": "DENY"})

    @api.post("/_upload")
    async def upload(request: Request):
        return {"size": len(await request.body())}

    edge._edge(api)
    edge._edge(api)  # (Reflex nests three apps, each given the guards: they act once)
    client = TestClient(api)
    res = client.get("/page", headers={"Origin": "https://app.ylada.test"})
    assert res.headers.get_list("access-control-allow-origin") == ["https://app.ylada.test"]
    assert res.headers["x-frame-options"] == "SAMEORIGIN"
    assert res.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert client.get("/framed").headers.get_list("x-frame-options") == ["DENY"]  # its own
    assert client.post("/_upload", content=b"x" * 1000).json() == {"size": 1000}
    big = client.post("/_upload", content=b"x" * (edge.UPLOAD_LIMITS[0][1] + 1))
    assert big.status_code == 413


def test_an_address_saved_by_another_process_counts_within_seconds(db, client, monkeypatch):
    owner = make_business_owner(db, tenant_name="Agência Outro Processo")
    slug = "proc" + uuid.uuid4().hex[:8]
    brand.set_subdomain(db, tenant_id=owner.tenant_id, subdomain=slug)
    origins.brand_hosts()  # this process loads the set before the other one commits
    db.commit()
    monkeypatch.setattr(origins, "MISS_RELOAD_S", 3600.0)
    assert not origins.allowed(f"https://{slug}.bots.ylada.test")  # reloads are rationed
    time.sleep(0.3)
    assert not origins.allowed(f"https://{slug}.bots.ylada.test")
    monkeypatch.setattr(origins, "MISS_RELOAD_S", 0.0)
    # the miss loads the set again in the background; the browser's retry finds it
    deadline = time.monotonic() + 5
    while not origins.allowed(f"https://{slug}.bots.ylada.test"):
        assert time.monotonic() < deadline, "never allowed"
        time.sleep(0.05)
    assert not origins.allowed("https://evil.example")


def test_a_database_that_is_down_never_stalls_the_check(client, monkeypatch):
    calls = []

    def down():
        calls.append(1)
        raise OSError("database unreachable")

    monkeypatch.setattr(origins, "MISS_RELOAD_S", 3600.0)
    # A reload an earlier test started in the background, finishing after forget(), would
    # mark the set fresh and skip this test's load (seen on a slow run): let it end first.
    deadline = time.monotonic() + 10
    while origins._refreshing:
        assert time.monotonic() < deadline, "a background reload never ended"
        time.sleep(0.02)
    monkeypatch.setattr(origins, "_brand_hosts", down)
    origins.forget()
    assert not origins.allowed("https://loja.exemplo.com.br")  # the first check loads: fails
    assert origins.allowed("https://app.ylada.test")  # our own origin works all along
    for _ in range(50):
        origins.allowed("https://loja.exemplo.com.br")
    assert len(calls) == 1  # no query per request after a failure
