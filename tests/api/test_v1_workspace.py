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
    assert not bad["ok"] and bad["errors"][0]["message"]
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
