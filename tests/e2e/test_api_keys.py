"""API keys in the browser: create one (shown once), call the live API with it, revoke it
— and the API answers 401 from then on."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e


def test_create_use_and_revoke_a_key(page: Page, app_server, shot):
    signup(page, app_server, tenant="Loja Integrada")
    create_instance(page, app_server, "Vendas")
    page.goto(f"{app_server}/settings/api")
    expect(page.locator("#no-keys")).to_be_visible(timeout=15_000)
    page.fill("#field-name", "ERP da loja")
    page.click("#create-key")
    key = page.locator("#new-key")
    expect(key).to_contain_text("ylk_", timeout=10_000)
    raw = key.inner_text().strip()
    expect(page.locator(".key-row")).to_have_count(1)
    expect(page.locator(".key-row")).to_contain_text(raw[:12])
    shot("api-keys")
    auth = {"Authorization": f"Bearer {raw}"}
    listed = httpx.get(f"{app_server}/api/v1/instances", headers=auth, timeout=10)
    assert listed.status_code == 200 and listed.json()["data"][0]["name"] == "Vendas"
    created = httpx.post(f"{app_server}/api/v1/contacts", headers=auth, timeout=10, json={
        "instance_id": listed.json()["data"][0]["id"], "phone": "11987654321",
        "name": "Cliente da API"})
    assert created.status_code == 403  # a read-only key (the default) cannot write
    page.click("text=Já copiei")
    expect(key).to_have_count(0)
    page.locator(".revoke-key").click()
    page.click("#confirm-revoke-key")
    expect(page.locator(".key-row")).to_contain_text("Revogada", timeout=10_000)
    denied = httpx.get(f"{app_server}/api/v1/instances", headers=auth, timeout=10)
    assert denied.status_code == 401
    assert denied.headers["content-type"].startswith("application/problem+json")
    assert httpx.get(f"{app_server}/api/v1/docs", timeout=10).status_code == 200
