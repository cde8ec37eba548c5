"""Page actions shared by the browser tests."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

PASSWORD = "Senha-forte-123"
# The SMTP server on loopback the e2e app sends through (set by tests/e2e/conftest.py).
MAILBOX = None
# A full page load (after the session cookie is set) lands on "/dashboard/".
DASHBOARD = re.compile(r".*/dashboard/?(\?.*)?$")
LOGIN = re.compile(r".*/login/?(\?.*)?$")
ADMIN = re.compile(r".*/admin/?$")


def signup(page: Page, base: str, *, tenant: str, name: str = "Maria Teste",
           verify: bool = True) -> str:
    """Sign up through the form; with `verify`, follow the e-mailed link (which logs in)."""
    email = f"e2e-{uuid.uuid4().hex[:8]}@exemplo.com.br"
    open_public(page, f"{base}/signup")
    page.fill("#field-name", name)
    page.fill("#field-email", email)
    page.fill("#field-password", PASSWORD)
    page.fill("#field-tenant_name", tenant)
    page.click("#field-accept_dpa")  # the data processing agreement (required)
    page.click("#signup-submit")
    expect(page.locator("#check-email")).to_be_visible(timeout=30_000)
    expect(page.locator("#sent-to")).to_have_text(email)
    if verify:
        page.goto(mail_link(email, "Confirme"))
        page.wait_for_url(DASHBOARD, timeout=30_000)
        expect(page.locator("#dashboard-tenant")).to_have_text(tenant, timeout=15_000)
    return email


def mail_link(email: str, subject: str, count: int = 1) -> str:
    assert MAILBOX is not None, "the e2e app's SMTP server is not running"
    return MAILBOX.wait_for(email, subject=subject, count=count).links()[0]


def open_public(page: Page, url: str) -> None:
    """A login/sign-up page, once its on_load ran: filled earlier, a field can be re-drawn
    empty (the form of a tab that signed up before is swapped out and back)."""
    page.goto(url)
    page.locator("#page-ready").wait_for(state="attached", timeout=30_000)


def login(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    open_public(page, f"{base}/login")
    page.fill("#field-email", email)
    page.fill("#field-password", password)
    page.click("#login-submit")
    page.wait_for_url(DASHBOARD, timeout=30_000)


def logout(page: Page) -> None:
    page.click("#logout")
    page.wait_for_url(LOGIN, timeout=15_000)


def create_instance(page: Page, base: str, name: str, channel: str = "simulator") -> str:
    page.goto(f"{base}/instances/new")
    page.fill("#field-name", name)
    page.click(f"#channel-{channel}")
    page.click("#create-instance")
    page.wait_for_url(re.compile(r".*/instances/\d+(/connect)?$"), timeout=15_000)
    if channel == "simulator":
        expect(page.locator("#instance-name")).to_have_text(name, timeout=15_000)
    return page.url.rstrip("/").split("/instances/")[1].split("/")[0]


def download(page: Page, selector: str) -> str:
    """Click a download button and return the file's path. One more click if the first
    brought nothing in 20 s (a loaded CI box once lost one; a person would click again)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        with page.expect_download(timeout=20_000) as info:
            page.click(selector)
    except PlaywrightTimeout:
        with page.expect_download(timeout=30_000) as info:
            page.click(selector)
    return info.value.path()
