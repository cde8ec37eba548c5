"""/api/v1/broadcasts: plan, list (newest first), read with progress, cancel, page through
recipients, estimate — the service's rules through the API: refusals per field that write
nothing, an Idempotency-Key that plans one broadcast however often a POST is retried, another
business's broadcasts not found, read-only and revoked keys refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import func, select

from tests.factories import make_instance, make_owner
from ylada_app.models import Broadcast, BroadcastRecipient, MessageTemplate, utcnow
from ylada_app.services import api_keys, broadcasts, contacts

PROBLEM = "application/problem+json"


@pytest.fixture
def kicked(monkeypatch):
    """The broadcasts the API asked to start at once (the job itself is not run here)."""
    started: list[int] = []
    monkeypatch.setattr(broadcasts, "start_soon", started.append)
    return started


def _template(db, tenant_id, instance_id, name, status="APPROVED", variables=2):
    db.add(MessageTemplate(tenant_id=tenant_id, instance_id=instance_id, name=name,
                           language="pt_BR", category="MARKETING", status=status,
                           body_variables=variables, components=[
                               {"type": "BODY", "text": "Olá {{1}}! Oferta: {{2}}."}]))


@pytest.fixture
def shop(db):
    """Two businesses, each with a WhatsApp number (an approved and a pending template), 3
    contacts who consented (2 tagged vip, in Campinas and Campo Grande; 1 in São Paulo), one
    who did not, and keys (read / read,write)."""
    out = {}
    for label in ("a", "b"):
        owner = make_owner(db, tenant_name=f"Loja {label.upper()}")
        inst = make_instance(db, owner.tenant_id, channel="whatsapp_cloud",
                             name=f"Número {label.upper()}")
        _template(db, owner.tenant_id, inst.id, "oferta_semana")
        _template(db, owner.tenant_id, inst.id, "em_analise", status="PENDING")
        people = [("11987650001", ["vip"], "Campinas", True),
                  ("11987650002", ["vip"], "Campo Grande", True),
                  ("11987650003", [], "São Paulo", True),
                  ("11987650004", ["vip"], "Campinas", None)]
        for phone, tags, city, consent in people:
            contacts.upsert_contact(db, tenant_id=owner.tenant_id, instance_id=inst.id,
                                    phone=phone, name=f"Cliente {phone[-1]}", tags=tags,
                                    fields={"cidade": city}, opted_in=consent)
        _, write = api_keys.create_key(db, tenant_id=owner.tenant_id, name="integração",
                                       scopes="read,write", user_id=owner.user_id)
        _, read = api_keys.create_key(db, tenant_id=owner.tenant_id, name="relatórios",
                                      scopes="read")
        db.commit()
        out[label] = {"owner": owner, "inst": inst.id,
                      "write": {"Authorization": f"Bearer {write}"},
                      "read": {"Authorization": f"Bearer {read}"}}
    return out


def _body(inst: int, **over) -> dict:
    body = {"instance_id": inst, "name": "Oferta da semana", "template": "oferta_semana",
            "variables": [{"source": "name"}, {"source": "text", "value": "20% off"}],
            "audience": {"tags": ["vip"]}}
    body.update(over)
    return body


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code and body["detail"]
    return body


def _count(db, tenant_id: int) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Broadcast)
                   .where(Broadcast.tenant_id == tenant_id)).one()


def test_plan_a_broadcast_read_it_and_list_newest_first(api, shop, db, kicked):
    a = shop["a"]
    made = api.post("/api/v1/broadcasts", headers=a["write"], json=_body(a["inst"]))
    assert made.status_code == 201, made.text
    now = made.json()
    assert now["status"] == "scheduled" and now["template"] == "oferta_semana"
    assert now["progress"]["total"] == 2  # the vip who consented (not the 4th)
    assert now["estimated_cost_cents"] == 70  # 2 × R$ 0,35
    assert now["variables"][1] == {"source": "text", "value": "20% off"}
    assert kicked == [now["id"]]  # sent now: the job is started at once
    # scheduled in the business's local time (Brasília, UTC-3) when no offset is given
    later = api.post("/api/v1/broadcasts", headers=a["write"], json=_body(
        a["inst"], name="Natal", scheduled_at="2099-12-24T09:00:00",
        audience={"fields": [{"name": "cidade", "op": "contains", "value": "CAMP"}]}))
    assert later.status_code == 201, later.text
    assert later.json()["scheduled_at"].startswith("2099-12-24T12:00:00")
    assert later.json()["progress"]["total"] == 2 and kicked == [now["id"]]
    assert later.json()["audience"]["fields"] == [
        {"name": "cidade", "op": "contains", "value": "CAMP"}]
    got = api.get(f"/api/v1/broadcasts/{now['id']}", headers=a["read"])
    assert got.status_code == 200 and got.json()["name"] == "Oferta da semana"
    assert set(got.json()["progress"]) == {"total", "queued", "sent", "delivered", "read",
                                           "failed", "skipped", "replied"}
    first = api.get("/api/v1/broadcasts?limit=1", headers=a["read"]).json()
    assert [b["id"] for b in first["data"]] == [later.json()["id"]]
    second = api.get(f"/api/v1/broadcasts?limit=1&cursor={first['next_cursor']}",
                     headers=a["read"]).json()
    assert [b["id"] for b in second["data"]] == [now["id"]] and second["next_cursor"] is None


def test_a_retried_post_with_an_idempotency_key_plans_one_broadcast(api, shop, db, kicked):
    a = shop["a"]
    tid = a["owner"].tenant_id
    headers = {**a["write"], "Idempotency-Key": "campanha-natal-1"}
    first = api.post("/api/v1/broadcasts", headers=headers, json=_body(a["inst"]))
    again = api.post("/api/v1/broadcasts", headers=headers, json=_body(a["inst"]))
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert _count(db, tid) == 1 and kicked == [first.json()["id"]]
    _problem(api.post("/api/v1/broadcasts", headers=headers,
                      json=_body(a["inst"], name="Outra")), 409, "api.error.idempotency_reused")
    other = api.post("/api/v1/broadcasts", headers={**a["write"], "Idempotency-Key": "k2"},
                     json=_body(a["inst"]))
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert _count(db, tid) == 2
    # another business may use the same key: keys are per business
    b = shop["b"]
    theirs = api.post("/api/v1/broadcasts", headers={**b["write"],
                                                     "Idempotency-Key": "campanha-natal-1"},
                      json=_body(b["inst"]))
    assert theirs.status_code == 201 and theirs.json()["instance_id"] == b["inst"]


def test_refusals_name_the_field_and_write_nothing(api, shop, db, kicked):
    from ylada_app.models import UsageCounter
    from ylada_app.services import entitlements

    a = shop["a"]
    tid = a["owner"].tenant_id
    cases = [
        (dict(template="nao_existe"), "template", "Escolha um modelo aprovado"),
        (dict(template="em_analise"), "template", "aprovado"),
        (dict(variables=[{"source": "name"}]), "variables", ""),
        (dict(variables=[{"source": "name"}, {"source": "field"}]), "variables.1",
         "Preencha esta lacuna"),
        (dict(variables=[{"source": "nome"}, {"source": "text", "value": "x"}]),
         "variables.0.source", ""),
        (dict(audience={"tags": ["ninguem-tem"]}), "audience", "Ninguém"),
        (dict(audience={"fields": [{"name": "cidade do cliente", "value": "x"}]}),
         "audience.fields.0.name", ""),
        (dict(audience={"active_days": 3}), "audience.active_days", ""),
        # a NUL byte reached PostgreSQL and failed there (a 500)
        (dict(audience={"fields": [{"name": "cidade", "op": "contains", "value": "\x00"}]}),
         "audience.fields.0.value", "NUL"),
        (dict(scheduled_at="amanhã cedo"), "scheduled_at", "Informe data e hora"),
        (dict(scheduled_at="2020-01-01T10:00:00Z"), "scheduled_at", "futuro"),
        (dict(name=" "), "name", ""),
        (dict(bogus=1), "bogus", ""),
    ]
    for over, field, text in cases:
        body = _problem(api.post("/api/v1/broadcasts", headers=a["write"],
                                 json=_body(a["inst"], **over)), 422, "error.invalid_fields")
        assert field in body["errors"], (over, body)
        assert text in body["errors"][field], (over, body)
    # the plan allows 1 more message this month, the audience is 2
    limit = entitlements.limits_for(db, tenant_id=tid).max_messages_month
    db.add(UsageCounter(tenant_id=tid, month=entitlements.month_key(), messages_in=0,
                        messages_out=limit - 1, ai_tokens=0, messages_blocked=0))
    db.commit()
    over = _problem(api.post("/api/v1/broadcasts", headers=a["write"], json=_body(a["inst"])),
                    422, "error.invalid_fields")
    assert over["errors"] == {"audience": "São 2 pessoas, mas o seu plano permite mais 1 "
                                          "mensagens este mês. Marque \"enviar até o limite\" "
                                          "ou mude de plano."}
    assert _count(db, tid) == 0 and kicked == []
    up_to = api.post("/api/v1/broadcasts", headers=a["write"],
                     json=_body(a["inst"], up_to_quota=True))
    assert up_to.status_code == 201 and _count(db, tid) == 1
    english = api.post("/api/v1/broadcasts", headers={**a["write"], "Accept-Language": "en"},
                       json=_body(a["inst"], template="em_analise"))
    assert "approved" in english.json()["errors"]["template"]


def test_another_business_gets_not_found_and_changes_nothing(api, shop, db, kicked):
    a, b = shop["a"], shop["b"]
    mine = api.post("/api/v1/broadcasts", headers=a["write"],
                    json=_body(a["inst"], scheduled_at="2099-01-01T10:00:00Z")).json()
    for method, path in (("GET", f"/api/v1/broadcasts/{mine['id']}"),
                         ("POST", f"/api/v1/broadcasts/{mine['id']}/cancel"),
                         ("GET", f"/api/v1/broadcasts/{mine['id']}/recipients")):
        _problem(api.request(method, path, headers=b["write"]), 404,
                 "broadcasts.error.not_found")
    # their number is not B's to send from, nor to count
    for path, body in (("/api/v1/broadcasts", _body(a["inst"])),
                       ("/api/v1/broadcasts/estimate", {"instance_id": a["inst"],
                                                        "template": "oferta_semana"})):
        refused = api.post(path, headers=b["write"], json=body)
        body = _problem(refused, 422, "error.invalid_fields")
        assert "instance_id" in body["errors"]
    assert api.get("/api/v1/broadcasts", headers=b["read"]).json()["data"] == []
    assert _count(db, b["owner"].tenant_id) == 0
    db.expire_all()
    assert db.get(Broadcast, mine["id"]).status == "scheduled"


def test_read_only_and_revoked_keys(api, shop, db, kicked):
    a = shop["a"]
    tid = a["owner"].tenant_id
    mine = api.post("/api/v1/broadcasts", headers=a["write"],
                    json=_body(a["inst"], scheduled_at="2099-01-01T10:00:00Z")).json()
    _problem(api.post("/api/v1/broadcasts", headers=a["read"], json=_body(a["inst"])), 403,
             "api.error.scope_write")
    _problem(api.post(f"/api/v1/broadcasts/{mine['id']}/cancel", headers=a["read"]), 403,
             "api.error.scope_write")
    assert _count(db, tid) == 1
    db.expire_all()
    assert db.get(Broadcast, mine["id"]).status == "scheduled"
    # reading, and estimating (nothing is written), is what a read key may do
    assert api.get(f"/api/v1/broadcasts/{mine['id']}", headers=a["read"]).status_code == 200
    est = api.post("/api/v1/broadcasts/estimate", headers=a["read"],
                   json={"instance_id": a["inst"], "template": "oferta_semana"})
    assert est.status_code == 200 and est.json()["recipients"] == 3
    for key in api_keys.list_keys(db, tenant_id=tid):
        api_keys.revoke_key(db, tenant_id=tid, key_id=key.id)
    db.commit()
    for headers in (a["read"], a["write"]):
        _problem(api.get("/api/v1/broadcasts", headers=headers), 401, "api.error.unauthorized")
        _problem(api.post("/api/v1/broadcasts", headers=headers, json=_body(a["inst"])), 401,
                 "api.error.unauthorized")
    assert _count(db, tid) == 1


def test_estimate_counts_the_audience_and_its_cost(api, shop):
    a = shop["a"]

    def estimate(**audience):
        answer = api.post("/api/v1/broadcasts/estimate", headers=a["write"], json={
            "instance_id": a["inst"], "template": "oferta_semana", "audience": audience})
        assert answer.status_code == 200, answer.text
        return answer.json()

    everyone = estimate()
    assert everyone["recipients"] == 3 and everyone["category"] == "MARKETING"
    assert everyone["cost_cents"] == 105 and everyone["messages_left"] > 0
    assert estimate(tags=["vip"])["recipients"] == 2
    assert estimate(fields=[{"name": "cidade", "op": "equals", "value": "campinas"}]
                    )["recipients"] == 1
    assert estimate(fields=[{"name": "cidade", "op": "contains", "value": "Camp"}],
                    tags=["vip"])["recipients"] == 2
    assert estimate(fields=[{"name": "cidade", "value": "São Paulo"},
                            {"name": "cidade", "op": "contains", "value": "paulo"}]
                    )["recipients"] == 1
    assert estimate(fields=[{"name": "bairro", "value": "Centro"}])["recipients"] == 0
    _problem(api.get("/api/v1/broadcasts/estimate", headers=a["read"]), 405,
             "api.error.method")


def test_recipients_in_pages_and_cancel_mid_way(api, shop, db, kicked):
    """On a simulator number (the business trying it out): the recipients come page by page,
    each once, and a cancel stops the rest."""
    a = shop["a"]
    tid = a["owner"].tenant_id
    sim = make_instance(db, tid, name="Teste")
    _template(db, tid, sim.id, "oferta_semana")
    for i in range(5):
        contacts.upsert_contact(db, tenant_id=tid, instance_id=sim.id, phone=f"1197770000{i}",
                                name=f"P{i}", opted_in=True)
    db.commit()
    made = api.post("/api/v1/broadcasts", headers=a["write"], json=_body(
        sim.id, audience={})).json()
    assert made["estimated_cost_cents"] == 0  # the simulator costs nothing
    broadcasts.advance(made["id"], window=3, run_s=0.01)  # 3 taken, then the number is busy
    seen, cursor = [], None
    while True:
        page = api.get(f"/api/v1/broadcasts/{made['id']}/recipients", headers=a["read"],
                       params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 3 and len({r["contact_id"] for r in seen}) == 3
    assert all(r["phone"].startswith("55119777") and r["status"] in
               ("queued", "sent", "delivered", "read") for r in seen)
    cancelled = api.post(f"/api/v1/broadcasts/{made['id']}/cancel", headers=a["write"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["finished_at"]
    _problem(api.post(f"/api/v1/broadcasts/{made['id']}/cancel", headers=a["write"]), 400,
             "broadcasts.error.not_open")
    broadcasts.advance(made["id"], run_s=0.5)
    db.expire_all()
    assert db.exec(select(func.count()).select_from(BroadcastRecipient).where(
        BroadcastRecipient.broadcast_id == made["id"])).one() == 3  # nobody more
    assert datetime.fromisoformat(made["created_at"]).replace(tzinfo=None) <= \
        utcnow() + timedelta(seconds=5)
