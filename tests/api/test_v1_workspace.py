"""The public API's read-only views: flows (and validating one), installed templates,
usage and the analytics summary — each only of the key's business."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.test_v1_contacts import shop  # noqa: F401 - fixture
from ylada_app.services import flows

MENU = json.loads((Path(__file__).resolve().parents[2]
                   / "ylada_app/engine/examples/menu.json").read_text())


def test_flows_are_listed_read_and_validated(api, shop, db):  # noqa: F811
    a, b = shop["a"], shop["b"]
    flow = flows.create_flow(db, tenant_id=a["owner"].tenant_id, instance_id=a["inst"],
                             name="Menu", definition=MENU)
    db.commit()
    listed = api.get("/api/v1/flows", headers=a["read"]).json()["data"]
    assert [(f["id"], f["name"]) for f in listed] == [(flow.id, "Menu")]
    got = api.get(f"/api/v1/flows/{flow.id}", headers=a["read"]).json()
    assert got["definition"]["nodes"] == MENU["nodes"]
    assert api.get(f"/api/v1/flows/{flow.id}", headers=b["read"]).status_code == 404
    assert api.get("/api/v1/flows", headers=b["read"]).json()["data"] == []
    ok = api.post("/api/v1/flows/validate", headers=a["read"], json=MENU).json()
    assert ok["ok"] and ok["errors"] == []
    bad = api.post("/api/v1/flows/validate", headers=a["read"],
                   json={"version": 1, "nodes": [], "edges": []}).json()
    assert not bad["ok"] and bad["errors"][0]["message"] == \
        "O fluxo precisa de um bloco de início."
    english = api.post("/api/v1/flows/validate", json={"version": 1, "nodes": [], "edges": []},
                       headers={**a["read"], "Accept-Language": "en-US,en;q=0.9"}).json()
    assert english["errors"][0]["message"] == "The flow needs a start block."
    assert api.post("/api/v1/flows/validate", headers=a["read"],
                    content=b"[1, 2", ).status_code == 422


def test_usage_templates_and_analytics_are_the_business_own(api, shop):  # noqa: F811
    a = shop["a"]
    usage = api.get("/api/v1/usage", headers=a["read"]).json()
    assert usage["messages_out"] == 0 and usage["messages_limit"] > 0 and usage["plan"]
    assert api.get("/api/v1/templates/installed", headers=a["read"]).json() == {"data": []}
    summary = api.get("/api/v1/analytics/summary?period=30d", headers=a["read"]).json()
    assert summary["period"]["key"] == "30d" and len(summary["days"]) == 30
    assert summary["totals"] and not any(summary["totals"].values())
    assert api.get("/api/v1/analytics/summary?period=1y", headers=a["read"]).status_code == 422
    foreign = api.get(f"/api/v1/analytics/summary?instance_id={shop['b']['inst']}",
                      headers=a["read"])
    assert foreign.status_code == 404 and foreign.json()["code"] == "analytics.error.instance"


def test_usage_of_an_agency_client_counts_what_the_shared_plan_counts(api, db):
    """An agency's clients share its plan (the limits count the agency and every client
    together): /usage gives the group's counters, what the limits count, under `plan_usage`.

    Found by review and fixed: the first fix answered the group's sums in `messages_in`,
    `messages_out`, `messages_blocked` and `ai_tokens`, fields that have always been the
    business's own — an agency adding up its clients' /usage to bill them counted the
    group once per client. They stay the business's own."""
    from tests.services.test_agency_shared_plan import _agency_on_tiny_white_label_plan
    from ylada_app.models import UsageCounter
    from ylada_app.services import api_keys, entitlements

    owner, client_a, client_b = _agency_on_tiny_white_label_plan(db)
    month = entitlements.month_key()
    for tid, n in ((owner.tenant_id, 1), (client_a.id, 2), (client_b.id, 4)):
        db.add(UsageCounter(tenant_id=tid, month=month, messages_in=10 * n,
                            messages_out=n, ai_tokens=100 * n, messages_blocked=n // 2))
    _, key = api_keys.create_key(db, tenant_id=client_a.id, name="relatórios", scopes="read")
    _, agency_key = api_keys.create_key(db, tenant_id=owner.tenant_id, name="relatórios",
                                        scopes="read")
    db.commit()
    entitlements.forget_limits()

    usage = api.get("/api/v1/usage", headers={"Authorization": f"Bearer {key}"}).json()
    assert (usage["messages_in"], usage["messages_out"], usage["messages_blocked"],
            usage["ai_tokens"]) == (20, 2, 1, 200)  # its own, as always
    assert usage["shared_plan"] is True and usage["messages_limit"] == 5
    assert usage["plan_usage"] == {"messages_in": 70, "messages_out": 7,
                                   "messages_blocked": 3, "ai_tokens": 700}
    assert "own" not in usage
    agency = api.get("/api/v1/usage",
                     headers={"Authorization": f"Bearer {agency_key}"}).json()
    assert agency["messages_out"] == 1 and agency["plan_usage"]["messages_out"] == 7
    assert agency["plan_usage"] == usage["plan_usage"]


def test_usage_of_a_business_on_its_own_plan_is_its_own(api, shop, db):  # noqa: F811
    from ylada_app.models import UsageCounter
    from ylada_app.services import entitlements

    a = shop["a"]
    db.add(UsageCounter(tenant_id=a["owner"].tenant_id, month=entitlements.month_key(),
                        messages_in=5, messages_out=3, ai_tokens=40, messages_blocked=0))
    db.commit()
    usage = api.get("/api/v1/usage", headers=a["read"]).json()
    assert usage["shared_plan"] is False and usage["messages_out"] == 3
    assert usage["plan_usage"] == {"messages_in": 5, "messages_out": 3,
                                   "messages_blocked": 0, "ai_tokens": 40}
    other = api.get("/api/v1/usage", headers=shop["b"]["read"]).json()
    assert other["messages_out"] == 0 and other["plan_usage"]["messages_out"] == 0
