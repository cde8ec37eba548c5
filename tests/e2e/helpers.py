"""Page actions shared by the browser tests."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

PASSWORD = "Senha-forte-123"


def signup(page: Page, base: str, *, tenant: str, name: str = "Maria Teste") -> str:
    email = f"e2e-{uuid.uuid4().hex[:8]}@exemplo.com.br"
    page.goto(f"{base}/signup")
    page.fill("#field-name", name)
    page.fill("#field-email", email)
    page.fill("#field-password", PASSWORD)
    page.fill("#field-tenant_name", tenant)
    page.click("#signup-submit")
    page.wait_for_url("**/dashboard", timeout=30_000)
    expect(page.locator("#dashboard-tenant")).to_have_text(tenant, timeout=15_000)
    return email


def login(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#field-email", email)
    page.fill("#field-password", password)
    page.click("#login-submit")
    page.wait_for_url("**/dashboard", timeout=30_000)


def logout(page: Page) -> None:
    page.click("#logout")
    page.wait_for_url("**/login", timeout=15_000)


def create_instance(page: Page, base: str, name: str, channel: str = "simulator") -> str:
    page.goto(f"{base}/instances/new")
    page.fill("#field-name", name)
    page.click(f"#channel-{channel}")
    page.click("#create-instance")
    page.wait_for_url(re.compile(r".*/instances/\d+(/connect)?$"), timeout=15_000)
    if channel == "simulator":
        expect(page.locator("#instance-name")).to_have_text(name, timeout=15_000)
    return page.url.rstrip("/").split("/instances/")[1].split("/")[0]
