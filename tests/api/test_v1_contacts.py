"""The public API (/api/v1): keys, instances and contacts — authentication, scopes,
another business's ids, pagination, validation as problem+json, rate limits."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.core.settings import reset_settings_cache
from ylada_app.models import Contact, Conversation, Message
from ylada_app.services import api_keys, contacts

PROBLEM = "application/problem+json"


@pytest.fixture
def shop(db):
    """Two businesses, each with a number, a contact and keys (read / read,write)."""
    out = {}
    for label in ("a", "b"):
        owner = make_owner(db, tenant_name=f"Loja {label.upper()}")
        inst = make_instance(db, owner.tenant_id, name=f"Número {label.upper()}")
        contact, _ = contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                             phone="11987654321", name=f"Cliente {label}")
        _, write = api_keys.create_key(db, tenant_id=owner.tenant_id, name="integração",
                                       scopes="read,write", user_id=owner.user_id)
        _, read = api_keys.create_key(db, tenant_id=owner.tenant_id, name="relatórios",
                                      scopes="read")
        db.commit()
        out[label] = {"owner": owner, "inst": inst.id, "contact": contact.id,
                      "write": {"Authorization": f"Bearer {write}"},
                      "read": {"Authorization": f"Bearer {read}"}}
    return out


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code and body["status"] == status and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_without_a_valid_key_nothing_is_answered(api, shop, db):
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer ylk_nao-existe"},
                    {"Authorization": "Bearer " + "x" * 5000}):
        _problem(api.get("/api/v1/contacts", headers=headers), 401, "api.error.unauthorized")
    key_id = api_keys.list_keys(db, tenant_id=shop["a"]["owner"].tenant_id)[0].id
    api_keys.revoke_key(db, tenant_id=shop["a"]["owner"].tenant_id, key_id=key_id)
    db.commit()
    _problem(api.get("/api/v1/contacts", headers=shop["a"]["read"]), 401,
             "api.error.unauthorized")  # the read key was created last: listed first


def test_a_read_key_cannot_write_and_english_is_available(api, shop):
    body = _problem(api.patch(f"/api/v1/contacts/{shop['a']['contact']}",
                              headers={**shop["a"]["read"], "Accept-Language": "en"},
                              json={"name": "X"}), 403, "api.error.scope_write")
    assert "read scope" in body["detail"]


def test_another_business_ids_are_not_found_on_every_route(api, shop, db):
    b, a = shop["b"], shop["a"]
    theirs = a["contact"]
    for method, path, body in (
            ("GET", f"/api/v1/contacts/{theirs}", None),
            ("PATCH", f"/api/v1/contacts/{theirs}", {"name": "Invasor"}),
            ("DELETE", f"/api/v1/contacts/{theirs}", None),
            ("GET", f"/api/v1/instances/{a['inst']}", None),
            ("GET", f"/api/v1/instances/{a['inst']}/health", None),
            ("POST", "/api/v1/contacts", {"instance_id": a["inst"], "phone": "11912345678"})):
        response = api.request(method, path, headers=b["write"], json=body)
        assert response.status_code == 404, (method, path, response.text)
    listed = api.get("/api/v1/contacts", headers=b["read"]).json()["data"]
    assert [c["name"] for c in listed] == ["Cliente b"]
    assert [i["id"] for i in api.get("/api/v1/instances", headers=b["read"]).json()["data"]] \
        == [b["inst"]]
    assert api.get(f"/api/v1/contacts?instance_id={a['inst']}",
                   headers=b["read"]).json()["data"] == []
    db.expire_all()
    mine = db.get(Contact, theirs)
    assert mine is not None and mine.name == "Cliente a"
    assert len(db.exec(select(Contact).where(Contact.instance_id == a["inst"])).all()) == 1


def test_upsert_by_phone_understands_the_9th_digit_and_merges_fields(api, shop):
    a = shop["a"]
    created = api.post("/api/v1/contacts", headers=a["write"], json={
        "instance_id": a["inst"], "phone": "+55 (21) 99876-5432", "name": "Bruna",
        "tags": ["vip"], "fields": {"cidade": "Rio", "pedidos": 3}})
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["phone"] == "5521998765432" and data["fields"] == {"cidade": "Rio",
                                                                   "pedidos": "3"}
    again = api.post("/api/v1/contacts", headers=a["write"], json={
        "instance_id": a["inst"], "phone": "552198765432",  # the same mobile without the 9
        "fields": {"plano": "anual", "cidade": None}})
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert again.json()["fields"] == {"pedidos": "3", "plano": "anual"}
    assert again.json()["name"] == "Bruna" and again.json()["tags"] == ["vip"]
    patched = api.patch(f"/api/v1/contacts/{data['id']}", headers=a["write"],
                        json={"tags": ["vip", "cliente"], "opted_out": True})
    assert patched.json()["tags"] == ["vip", "cliente"] and patched.json()["opted_out"]


def test_bad_input_is_a_422_per_field_and_changes_nothing(api, shop, db):
    a = shop["a"]
    cases = [
        ("POST", "/api/v1/contacts", {"instance_id": a["inst"], "phone": "123"}, "phone"),
        ("POST", "/api/v1/contacts", {"instance_id": a["inst"]}, "phone"),
        ("POST", "/api/v1/contacts", {"instance_id": a["inst"], "phone": "11987654321",
                                      "tags": ["x" * 60]}, "tags"),
        ("PATCH", f"/api/v1/contacts/{a['contact']}", {"fields": {"nome com espaço": "x"},
                                                       "name": "Trocado"}, "fields"),
        ("PATCH", f"/api/v1/contacts/{a['contact']}", {"name": "x" * 150}, "name"),
        ("PATCH", f"/api/v1/contacts/{a['contact']}", {"bogus": 1}, "bogus"),
    ]
    for method, path, body, field in cases:
        response = api.request(method, path, headers=a["write"], json=body)
        problem = _problem(response, 422, "error.invalid_fields")
        assert field in problem["errors"], (body, problem)
    for path in ("/api/v1/contacts/99999999999", "/api/v1/contacts/abc",
                 "/api/v1/contacts?limit=0", "/api/v1/contacts?limit=1000"):
        assert api.get(path, headers=a["read"]).status_code == 422, path
    bad_cursor = _problem(api.get("/api/v1/contacts?cursor=abc", headers=a["read"]), 422,
                          "error.invalid_fields")
    assert bad_cursor["errors"] == {"cursor": "está num formato inválido"}
    _problem(api.get("/api/v1/contacts?updated_since=ontem", headers=a["read"]), 422,
             "api.error.date")
    db.expire_all()
    assert db.get(Contact, a["contact"]).name == "Cliente a"  # the refused PATCH wrote nothing


def test_cursor_pages_cover_every_contact_once_and_filters_apply(api, shop, db):
    a = shop["a"]
    for i in range(7):
        contacts.upsert_contact(db, tenant_id=a["owner"].tenant_id, instance_id=a["inst"],
                                phone=f"1191234{i:04d}", name=f"P{i}",
                                tags=["lote"] if i % 2 else [], fields={"par": str(i % 2)})
    db.commit()
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/contacts", headers=a["read"],
                       params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [c["id"] for c in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 8 and seen == sorted(seen)
    tagged = api.get("/api/v1/contacts?tag=lote", headers=a["read"]).json()["data"]
    assert sorted(c["name"] for c in tagged) == ["P1", "P3", "P5"]
    fielded = api.get("/api/v1/contacts?field=par&value=0", headers=a["read"]).json()["data"]
    assert sorted(c["name"] for c in fielded) == ["P0", "P2", "P4", "P6"]
    future = api.get("/api/v1/contacts?updated_since=2999-01-01T00:00:00Z",
                     headers=a["read"]).json()
    assert future == {"data": [], "next_cursor": None}


def test_delete_takes_the_conversation_and_messages_along(api, shop, db):
    a = shop["a"]
    cid = contacts.note_conversation(db, tenant_id=a["owner"].tenant_id,
                                     contact_id=a["contact"])
    db.add(Message(tenant_id=a["owner"].tenant_id, instance_id=a["inst"], conversation_id=cid,
                   direction="in", type="text", text="oi", payload={}, status="processed"))
    db.commit()
    assert api.delete(f"/api/v1/contacts/{a['contact']}", headers=a["write"]).status_code == 204
    db.expire_all()
    assert db.get(Contact, a["contact"]) is None and db.get(Conversation, cid) is None
    assert db.exec(select(Message).where(Message.conversation_id == cid)).first() is None
    assert api.get(f"/api/v1/contacts/{a['contact']}", headers=a["read"]).status_code == 404


def test_instances_and_their_health(api, shop):
    a = shop["a"]
    listed = api.get("/api/v1/instances", headers=a["read"]).json()["data"]
    assert [(i["id"], i["name"]) for i in listed] == [(a["inst"], "Número A")]
    health = api.get(f"/api/v1/instances/{a['inst']}/health", headers=a["read"]).json()
    assert health["id"] == a["inst"] and health["status"]


def test_past_the_rate_limit_a_key_gets_429_with_retry_after(api, shop, monkeypatch):
    monkeypatch.setenv("API_RATE_LIMIT", "3/minute")
    reset_settings_cache()
    try:
        codes = [api.get("/api/v1/instances", headers=shop["a"]["read"]).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = api.get("/api/v1/instances", headers=shop["a"]["read"])
        _problem(limited, 429, "api.error.rate_limited")
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # another key (another business) has its own budget
        assert api.get("/api/v1/instances", headers=shop["b"]["read"]).status_code == 200
    finally:
        monkeypatch.delenv("API_RATE_LIMIT")
        reset_settings_cache()


def test_the_openapi_document_and_docs_are_served(api):
    spec = api.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert {"/contacts", "/contacts/{contact_id}", "/instances"} <= set(spec["paths"])
    page = api.get("/api/v1/docs")
    assert page.status_code == 200
    # Swagger UI comes from this server, not a CDN (blank offline otherwise)
    assert "cdn." not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/api/v1/docs-assets/{asset}" in page.text
        loaded = api.get(f"/api/v1/docs-assets/{asset}")
        assert loaded.status_code == 200 and len(loaded.content) > 10_000


def test_keys_are_stored_hashed_and_only_owners_or_admins_create_them(db, shop):
    from ylada_app.models import ApiKey
    from ylada_app.services.errors import FieldErrors

    owner = shop["a"]["owner"]
    key, raw = api_keys.create_key(db, tenant_id=owner.tenant_id, name="ci", scopes="read")
    assert raw.startswith("ylk_") and len(raw) > 40
    stored = db.get(ApiKey, key.id)
    assert raw not in (stored.key_hash, stored.prefix) and raw.startswith(stored.prefix)
    with pytest.raises(FieldErrors):
        api_keys.create_key(db, tenant_id=owner.tenant_id, name="", scopes="admin")
    db.rollback()


def test_idempotency_keys_expire_after_a_day(db, shop):
    from datetime import timedelta

    from ylada_app.models import ApiIdempotency, utcnow
    from ylada_app.services import idempotency
    from ylada_app.services.errors import Conflict

    tid = shop["a"]["owner"].tenant_id
    idempotency.record(db, tenant_id=tid, key="k1", digest="d1", status_code=202,
                       response={"id": 1})
    assert idempotency.replay(db, tenant_id=tid, key="k1", digest="d1") == (202, {"id": 1})
    with pytest.raises(Conflict):
        idempotency.replay(db, tenant_id=tid, key="k1", digest="other")
    assert idempotency.replay(db, tenant_id=shop["b"]["owner"].tenant_id, key="k1",
                              digest="d1") is None  # keys are per business
    row = db.exec(select(ApiIdempotency).where(ApiIdempotency.key == "k1")).one()
    row.created_at = utcnow() - timedelta(hours=25)
    db.add(row)
    db.flush()
    assert idempotency.replay(db, tenant_id=tid, key="k1", digest="other") is None
    idempotency.record(db, tenant_id=tid, key="k1", digest="d2", status_code=202,
                       response={"id": 2})  # the expired one made room
    assert idempotency.purge(db) == 0
    db.rollback()


def test_a_cursor_past_every_id_is_an_empty_page(api, shop):
    for path in ("/api/v1/contacts", "/api/v1/conversations"):
        answer = api.get(path, params={"cursor": "9999999999"}, headers=shop["a"]["read"])
        assert answer.status_code == 200 and answer.json() == {"data": [], "next_cursor": None}


def test_a_plan_without_the_api_is_refused_and_webhooks_cannot_be_added(api, shop, db):
    from ylada_app.models import Plan
    from ylada_app.services import entitlements, webhooks_out
    from ylada_app.services.errors import FieldErrors

    tenant_id = shop["a"]["owner"].tenant_id
    code = entitlements.billing_state(db, tenant_id=tenant_id).plan_code
    plan = db.exec(select(Plan).where(Plan.code == code)).one()
    assert plan.api_access  # every plan includes it until the platform admin says no
    plan.api_access = False
    db.add(plan)
    db.commit()
    entitlements.forget_limits()
    try:
        body = _problem(api.get("/api/v1/contacts", headers=shop["a"]["read"]), 403,
                        "api.error.plan")
        assert "/billing" in body["detail"]
        with pytest.raises(FieldErrors) as err:
            webhooks_out.create_endpoint(db, tenant_id=tenant_id, url="https://x.com.br/h",
                                         events=["contact.created"])
        assert err.value.errors == {"_": "api.error.plan"}
    finally:
        plan.api_access = True
        db.add(plan)
        db.commit()
        entitlements.forget_limits()
    assert api.get("/api/v1/contacts", headers=shop["a"]["read"]).status_code == 200
