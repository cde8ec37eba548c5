"""GET /api/v1/contacts/{id}/consents: a contact's consent history with a read key; another
business's contact is a problem+json 404; changes made through the API are recorded with the
key that made them."""

from __future__ import annotations

from tests.api.test_v1_contacts import _problem, shop  # noqa: F401  (fixture)


def test_the_history_with_a_read_key_and_nothing_of_another_business(api, shop):  # noqa: F811
    a = shop["a"]
    changed = api.patch(f"/api/v1/contacts/{a['contact']}", headers=a["write"],
                        json={"opted_in": True})
    assert changed.status_code == 200, changed.text
    api.patch(f"/api/v1/contacts/{a['contact']}", headers=a["write"], json={"opted_out": True})
    got = api.get(f"/api/v1/contacts/{a['contact']}/consents", headers=a["read"])
    assert got.status_code == 200, got.text
    data = got.json()["data"]
    assert [(r["purpose"], r["granted"], r["source"]) for r in data] == [
        ("marketing", False, "api"), ("marketing", True, "api")]  # newest first
    assert data[0]["legal_basis"] == "consent" and "api_key_id" in data[0]["evidence"]
    assert data[0]["created_at"].endswith("Z") or "+00:00" in data[0]["created_at"]
    # B's key asking for A's contact: not found, as if it did not exist
    _problem(api.get(f"/api/v1/contacts/{a['contact']}/consents", headers=shop["b"]["read"]),
             404, "error.not_found")
    empty = api.get(f"/api/v1/contacts/{shop['b']['contact']}/consents",
                    headers=shop["b"]["read"])
    assert empty.status_code == 200 and empty.json() == {"data": []}
