"""Every page a business owner or the platform admin opens, checked the way the issue asks:
an axe-core scan (injected by Playwright) with no serious or critical violations, no request
answered 404, and nothing wider than a 1366 px screen."""

from __future__ import annotations

import contextlib
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.helpers import login, logout
from ylada_app.services.seed import DEMO_ADMIN_EMAIL, DEMO_OWNER_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e

OWNER_PAGES = ["/dashboard", "/onboarding", "/inbox", "/contacts", "/instances",
               "/instances/new", "/flows", "/marketplace", "/marketplace/delivery-cardapio",
               "/ai", "/analytics", "/team", "/settings/api", "/settings/webhooks", "/usage",
               "/billing", "/account", "/tenants/new", "/help", "/help/primeiros-passos",
               "/help/whatsapp", "/settings/brand", "/agency", "/settings/privacy",
               "/privacy/requests", "/settings/audit"]
ADMIN_PAGES = ["/admin", "/admin/dashboard", "/admin/templates", "/revenue", "/admin/audit",
               "/admin/legal"]
PUBLIC_PAGES = ["/login", "/signup", "/plans", "/forgot", "/legal/privacy", "/legal/dpa"]


def _check(page: Page, base: str, path: str, axe: Axe) -> list[str]:
    missing: list[str] = []

    def on_response(response) -> None:
        if response.status == 404:
            missing.append(response.url)

    page.on("response", on_response)
    page.goto(f"{base}{path}")
    # protected and form pages mark when they are ready; the others just settle
    with contextlib.suppress(PlaywrightTimeout):
        page.locator("#page-ready").wait_for(state="attached", timeout=5_000)
    page.wait_for_timeout(300)
    page.remove_listener("response", on_response)
    problems = [f"{path}: 404 {url}" for url in missing]
    if not page.url.split("?")[0].rstrip("/").endswith(path.rstrip("/")):
        problems.append(f"{path}: sent to {page.url}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 1366:
        problems.append(f"{path}: {width}px wide")
    result = axe.run(page)
    for v in result.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [", ".join(n["target"]) for n in v["nodes"]][:3]
            problems.append(f"{path}: {v['id']} ({v['impact']}) {targets}")
    return problems


def _project_pages(page: Page, base: str) -> list[str]:
    page.goto(f"{base}/instances")
    link = page.locator(".instance-row a").first.get_attribute("href", timeout=30_000) or ""
    iid = re.sub(r"\D", "", link.split("/instances/")[-1].split("/")[0])
    page.goto(f"{base}/flows")
    flow = page.locator("a[href*='/edit']").first.get_attribute("href", timeout=30_000) \
        or "/flows"
    return [f"/instances/{iid}", f"/instances/{iid}/simulator", f"/instances/{iid}/templates",
            f"/instances/{iid}/health", flow]


def test_every_page_is_accessible_complete_and_fits_the_screen(page: Page, app_server):
    page.set_viewport_size({"width": 1366, "height": 768})
    axe = Axe()
    problems: list[str] = []
    for path in PUBLIC_PAGES:
        problems += _check(page, app_server, path, axe)
    login(page, app_server, DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    for path in OWNER_PAGES + _project_pages(page, app_server):
        problems += _check(page, app_server, path, axe)
    page.goto(f"{app_server}/dashboard")
    logout(page)
    login_admin = re.compile(r".*/admin/?$")
    page.goto(f"{app_server}/login")
    page.fill("#field-email", DEMO_ADMIN_EMAIL)
    page.fill("#field-password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(login_admin, timeout=30_000)
    for path in ADMIN_PAGES:
        problems += _check(page, app_server, path, axe)
    print("\n".join(problems))
    assert problems == [], "\n".join(problems)
