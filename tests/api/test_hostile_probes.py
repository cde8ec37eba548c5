"""What an attacker's probes found answered 500 (2026-12-02), now refused as bad input: a
NUL byte in a path or query, dates at the calendar's ends, ids past the database's integer
columns, webhook keys of characters no key has."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.factories import make_instance, make_owner
from ylada_app.models import Contact, Instance
from ylada_app.services import analytics_export, api_keys, flows, instances, webhook_keys
from ylada_app.services.errors import NotFound

PROBLEM = "application/problem+json"


@pytest.fixture
def key(db):
    owner = make_owner(db)
    make_instance(db, owner.tenant_id)
    _, raw = api_keys.create_key(db, tenant_id=owner.tenant_id, name="sonda", scopes="read")
    db.commit()
    return owner, {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def writer(db, key):
    """The business of `key`, its number, and the headers of a key that may write JSON."""
    owner = key[0]
    inst = db.exec(select(Instance).where(Instance.tenant_id == owner.tenant_id)).first()
    _, raw = api_keys.create_key(db, tenant_id=owner.tenant_id, name="escreve",
                                 scopes="read,write")
    db.commit()
    return owner, inst, {"Authorization": f"Bearer {raw}", "content-type": "application/json"}


@pytest.mark.parametrize("query", ["tag=%00", "tag=a%00b", "field=cidade&value=%00",
                                   "updated_since=%00"])
def test_a_nul_byte_in_a_query_is_a_400_problem(api, key, query):
    answer = api.get(f"/api/v1/contacts?{query}", headers=key[1])
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    body = answer.json()
    assert body["code"] == "api.error.nul_byte" and "NUL" in body["detail"]
    assert body["request_id"] == answer.headers["x-request-id"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_dates_shifted_past_the_calendar_are_a_422(api, key, when):
    answer = api.get("/api/v1/contacts", params={"updated_since": when}, headers=key[1])
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "api.error.date"


def test_public_routes_refuse_nul_and_huge_ids_without_a_500(api):
    for path in ("/brand/2147483648/favicon-1.png", "/brand/100000000000000000000/logo-1.png",
                 "/brand/1/logo-99999999999999.png"):
        assert api.get(path).status_code == 404, path
    assert api.get("/webhooks/whatsapp/%00").status_code == 400
    assert api.post("/webhooks/whatsapp/%00", content=b"{}").status_code == 400
    # characters no key has: not a key, never a database question (nor a 503)
    for bad in ("chave.com.ponto", "ção", "a" * 65):
        assert api.post(f"/webhooks/whatsapp/{bad}", content=b"{}").status_code == 404, bad


def test_ids_past_the_integer_columns_are_not_found(db, key):
    owner = key[0]
    for call in (
        lambda: flows.get_flow(db, tenant_id=owner.tenant_id, flow_id=10**12),
        lambda: instances.get_instance(db, tenant_id=owner.tenant_id, instance_id=2**31),
        lambda: analytics_export.export_file(db, tenant_id=owner.tenant_id,
                                             export_id="99999999999999", token="x"),
    ):
        with pytest.raises(NotFound):
            call()


def test_made_up_webhook_keys_do_not_push_real_ones_out_of_the_cache(db, key):
    owner = key[0]
    inst = make_instance(db, owner.tenant_id, name="Real")
    db.commit()
    webhook_keys.forget()
    assert webhook_keys.lookup(inst.webhook_key).instance_id == inst.id
    for n in range(webhook_keys.CACHE_MAX + 2):
        webhook_keys._misses[f"inventada{n}"] = (0.0, None)  # a flood, already cached
    assert webhook_keys.lookup("inventada-mais-uma") is None  # clears the misses only
    assert webhook_keys.cached(inst.webhook_key) == (True, webhook_keys.lookup(inst.webhook_key))


def test_a_body_over_its_route_cap_is_refused_before_it_is_read(api):
    # FastAPI parses a JSON body before the key is checked: 300 MB of it, sent with no key,
    # held the memory of the server (2026-12-03). Now the cap answers first.
    big = b'"' + b"a" * (3 * 1024 * 1024) + b'"'
    json_type = {"content-type": "application/json"}
    answer = api.post("/api/v1/contacts", content=big, headers=json_type)
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert answer.json()["code"] == "api.error.too_large" and "2048 KB" in answer.json()["detail"]

    def chunked():  # no length said: cut at the cap all the same
        for _ in range(48):
            yield b"a" * 65536

    assert api.post("/api/v1/flows/validate", content=chunked(),
                    headers=json_type).status_code == 413
    assert api.post("/webhooks/asaas", content=b"{" + b" " * 600_000 + b"}").status_code == 413
    # under the cap nothing changes: the key check answers
    assert api.post("/api/v1/contacts", json={"phone": "11999990000"}).status_code == 401


def test_a_nul_in_a_message_is_a_field_error_not_a_database_error(db, api, key):
    # PostgreSQL text cannot hold a NUL: a message's text with one was a 500 (2026-12-03)
    _, raw = api_keys.create_key(db, tenant_id=key[0].tenant_id, name="escreve",
                                 scopes="read,write")
    db.commit()
    write = {"Authorization": f"Bearer {raw}"}
    for body, field in (({"type": "text", "text": "a\u0000b"}, "text"),
                        ({"type": "buttons", "text": "Escolha",
                          "buttons": [{"id": "s", "title": "S\u0000im"}]}, "buttons.0.title")):
        answer = api.post("/api/v1/messages", headers=write, json={"contact_id": 1, **body})
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"] == {field: "não pode conter o caractere NUL (\\u0000)"}


def _raw_json(doc: object) -> bytes:
    """`doc` as JSON with every non-ASCII character escaped — a lone surrogate included,
    which an HTTP client's own encoder would refuse to send."""
    return json.dumps(doc, ensure_ascii=True).encode()


def test_nul_and_half_surrogates_in_a_body_are_field_errors_and_store_nothing(db, api,
                                                                              writer):
    # A contact's tag "\ud800" was stored (JSON column) and every later read of the contact
    # failed to encode it: a 500 then and on every listing (2026-12-04). A broadcast named
    # with a NUL failed at the insert.
    owner, inst, write = writer
    cases = (
        ("POST", "/api/v1/contacts", {"instance_id": inst.id, "phone": "11987654321",
                                      "tags": ["ok", "\ud800"]}, {"tags.1": "surrogate"}),
        ("POST", "/api/v1/contacts", {"instance_id": inst.id, "phone": "11987654321",
                                      "fields": {"cidade\udfff": "Rio"}}, {"fields": "surrogate"}),
        ("POST", "/api/v1/broadcasts", {"name": "Oferta\u0000", "template": "x"},
         {"name": "nul"}),
        ("POST", "/api/v1/flows/validate", {"version": 1, "nodes": [], "edges": [
            {"id": "e", "source": "\ud800", "target": "x"}]}, {"edges.0.source": "surrogate"}),
    )
    for method, path, doc, fields in cases:
        answer = api.request(method, path, headers=write, content=_raw_json(doc))
        assert answer.status_code == 422, (path, answer.text)
        assert answer.headers["content-type"].startswith(PROBLEM)
        errors = answer.json()["errors"]
        assert set(errors) == set(fields), (path, errors)
        for field, kind in fields.items():
            assert ("NUL" if kind == "nul" else "par substituto") in errors[field]
    db.expire_all()
    assert db.exec(select(Contact).where(Contact.tenant_id == owner.tenant_id)).all() == []
    # a whole pair (an emoji, escaped) is text like any other
    ok = api.post("/api/v1/contacts", headers=write, content=_raw_json(
        {"instance_id": inst.id, "phone": "11987654321", "tags": ["\U0001F600 vip"]}))
    assert ok.status_code == 201, ok.text
    assert api.get(f"/api/v1/contacts/{ok.json()['id']}", headers=write).json()["tags"] == [
        "\U0001F600 vip"]
    english = api.post("/api/v1/contacts", content=_raw_json({"tags": ["\ud800"]}),
                       headers={**write, "accept-language": "en"})
    assert english.json()["errors"] == {"tags.0": "must not contain half of a surrogate pair "
                                                  "(like \\ud800): send valid UTF-8 text"}


def test_a_made_up_key_of_any_length_is_not_remembered(api):
    webhook_keys.forget()
    long_key = "a" * 60_000  # (the test client refuses longer addresses)
    assert api.post(f"/webhooks/whatsapp/{long_key}", content=b"{}").status_code == 404
    assert api.get(f"/webhooks/whatsapp/{long_key}").status_code == 404
    assert webhook_keys.lookup(long_key) is None
    assert long_key not in webhook_keys._misses and not webhook_keys._misses
    assert api.post("/webhooks/whatsapp/chave-inventada", content=b"{}").status_code == 404
    assert list(webhook_keys._misses) == ["chave-inventada"]  # a well-formed miss still is


def _with_numbers(doc: object, **numbers: str) -> bytes:
    """`doc` as JSON with each string "<name>" replaced by the bare `numbers[name]` — NaN,
    Infinity, 1e999 — which no JSON encoder writes."""
    text = json.dumps(doc)
    for name, number in numbers.items():
        text = text.replace(f'"<{name}>"', number)
    return text.encode()


def test_nan_and_infinity_in_a_body_are_field_errors_and_store_nothing(db, api, writer):
    # Python's json reads NaN / Infinity / -Infinity (and turns 1e999 into infinity); no
    # JSON column on PostgreSQL takes them. /flows/validate called a flow holding one valid
    # although the flow editor and the import refuse it, and a contact's field of NaN was
    # stored as the text "nan" (2026-12-04).
    owner, inst, write = writer
    flow = {"version": 1, "edges": [], "nodes": [{
        "id": "s", "type": "start", "position": {"x": "<x>", "y": 0},
        "data": {"triggers": [{"type": "keyword", "keywords": ["oi"]}], "n": "<n>"}}]}
    contact = {"instance_id": inst.id, "phone": "11987654321",
               "fields": {"pontos": "<p>", "nome": "NaN"}}
    cases = (
        ("/api/v1/flows/validate", _with_numbers(flow, x="NaN", n="1"),
         ["nodes.0.position.x"]),
        ("/api/v1/flows/validate", _with_numbers(flow, x="0", n="Infinity"), ["nodes.0.data.n"]),
        ("/api/v1/flows/validate", _with_numbers(flow, x="-Infinity", n="1e999"),
         ["nodes.0.data.n", "nodes.0.position.x"]),
        ("/api/v1/contacts", _with_numbers(contact, p="NaN"), ["fields.pontos"]),
        ("/api/v1/contacts", _with_numbers(contact, p="-Infinity"), ["fields.pontos"]),
    )
    for path, body, fields in cases:
        answer = api.post(path, headers=write, content=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert answer.json()["code"] == "error.invalid_fields"
        errors = answer.json()["errors"]
        assert sorted(errors) == fields, (body, errors)
        assert all("número válido" in text for text in errors.values()), errors
    db.expire_all()
    assert db.exec(select(Contact).where(Contact.tenant_id == owner.tenant_id)).all() == []
    # the word NaN in a text is a text like any other; finite numbers are numbers
    ok = api.post("/api/v1/contacts", headers=write, content=_with_numbers(
        {**contact, "name": "NaN Infinity 1e999"}, p="1.5e100"))
    assert ok.status_code == 201, ok.text
    assert ok.json()["name"] == "NaN Infinity 1e999"
    english = api.post("/api/v1/flows/validate", content=_with_numbers(flow, x="NaN", n="1"),
                       headers={**write, "accept-language": "en"})
    assert english.json()["errors"] == {
        "nodes.0.position.x": "is not a valid number (NaN or Infinity): send a number"}
