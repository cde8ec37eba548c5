"""The public API's LGPD requests: an export asked with a write key runs in the background
and its ZIP downloads with the same business's key; an erasure anonymises the contact; a
retried POST with the same Idempotency-Key records one request; another business's contact
or request is a 404 and a read-only key cannot ask."""

from __future__ import annotations

import io
import time
import zipfile

from sqlmodel import select

from tests.api.test_v1_contacts import shop  # noqa: F401 - the fixture
from ylada_app.models import AuditLog, Contact
from ylada_app.models.privacy import DataRequest


def _wait_done(api, headers, request_id, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        body = api.get(f"/api/v1/data-requests/{request_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError("the request did not finish")


def test_export_then_download_with_the_same_business_key(api, shop, db):  # noqa: F811
    a, b = shop["a"], shop["b"]
    url = f"/api/v1/contacts/{a['contact']}/data-requests"
    res = api.post(url, json={"kind": "export"}, headers={**a["write"], "Idempotency-Key": "k1"})
    assert res.status_code == 201, res.text
    first = res.json()
    assert first["kind"] == "export" and first["source"] == "api"
    assert first["status"] in ("pending", "running", "done")
    again = api.post(url, json={"kind": "export"}, headers={**a["write"], "Idempotency-Key": "k1"})
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert len(db.exec(select(DataRequest).where(
        DataRequest.contact_id == a["contact"])).all()) == 1
    done = _wait_done(api, a["read"], first["id"])
    assert done["status"] == "done" and done["progress"] == 100
    assert done["download_url"] == f"/api/v1/data-requests/{first['id']}/download"
    got = api.get(done["download_url"], headers=a["read"])
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as zf:
        assert "Cliente a" in zf.read("contact.json").decode()
    # business B: neither the request, nor its file, nor A's contact
    assert api.get(f"/api/v1/data-requests/{first['id']}", headers=b["write"]).status_code == 404
    assert api.get(done["download_url"], headers=b["write"]).status_code == 404
    assert api.post(url, json={"kind": "export"}, headers=b["write"]).status_code == 404
    assert api.post(url, json={"kind": "erase"}, headers=b["write"]).status_code == 404
    # a read-only key cannot ask; an unknown kind is a 422
    assert api.post(url, json={"kind": "export"}, headers=a["read"]).status_code == 403
    assert api.post(url, json={"kind": "delete"}, headers=a["write"]).status_code == 422
    db.expire_all()
    actions = set(db.exec(select(AuditLog.action).where(
        AuditLog.tenant_id == a["owner"].tenant_id)).all())
    assert {"privacy.export.requested", "privacy.export", "privacy.export.downloaded"} <= actions


def test_erasure_through_the_api(api, shop, db):  # noqa: F811
    a, b = shop["a"], shop["b"]
    res = api.post(f"/api/v1/contacts/{a['contact']}/data-requests", json={"kind": "erase"},
                   headers=a["write"])
    assert res.status_code == 201, res.text
    assert _wait_done(api, a["write"], res.json()["id"])["status"] == "done"
    db.expire_all()
    erased = db.get(Contact, a["contact"])
    assert erased.name == "" and erased.wa_id.startswith("apagado-")
    other = db.get(Contact, b["contact"])  # same phone, other business: untouched
    assert other.name == "Cliente b" and other.wa_id == "5511987654321"
    again = api.post(f"/api/v1/contacts/{a['contact']}/data-requests", json={"kind": "export"},
                     headers=a["write"])
    assert again.status_code == 422
