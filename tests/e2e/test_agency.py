"""Agency mode in the browser: the agency creates a client, enters it (the shell switches to
the client, in the agency's brand), sees that billing is the agency's, comes back and
suspends it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.helpers import login
from tests.factories import make_owner
from ylada_app.models import Plan, Subscription
from ylada_app.services import brand

pytestmark = pytest.mark.e2e


def test_agency_creates_enters_and_suspends_a_client(page: Page, app_server, e2e_db, shot):
    owner = make_owner(e2e_db, tenant_name="Agência Norte")
    plan = e2e_db.exec(select(Plan).where(Plan.code == "business")).one()
    e2e_db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="active"))
    e2e_db.flush()
    brand.save_settings(e2e_db, tenant_id=owner.tenant_id, data={
        "display_name": "Norte Bots", "primary_color": "#0A5BD3", "hide_platform_name": "1"})
    e2e_db.commit()

    login(page, app_server, owner.email)
    page.goto(f"{app_server}/agency")
    expect(page.locator("#no-clients")).to_be_visible(timeout=30_000)
    page.fill("#field-tenant_name", "")
    page.click("#create-client")
    expect(page.locator("#error-tenant_name")).to_be_visible()  # field-level error
    page.fill("#field-tenant_name", "Padaria Pão Quente")
    page.click("#create-client")
    row = page.locator(".client-row")
    expect(row).to_have_count(1, timeout=15_000)
    expect(row).to_contain_text("Padaria Pão Quente")
    shot("agency-clients")

    row.locator(".enter-client").click()
    page.wait_for_url("**/dashboard", timeout=30_000)
    expect(page.locator("#tenant-switcher")).to_contain_text("Padaria Pão Quente",
                                                             timeout=15_000)
    expect(page.locator("#brand-name")).to_have_text("Norte Bots", timeout=15_000)
    page.goto(f"{app_server}/billing")
    expect(page.locator("#billed-by-agency")).to_contain_text("Agência Norte",
                                                              timeout=30_000)
    shot("agency-client-billing")

    page.goto(f"{app_server}/agency")  # inside a client: not an agency
    expect(page.locator("#agency-unavailable")).to_be_visible(timeout=30_000)
    page.locator("#tenant-switcher").click()
    page.get_by_role("option", name="Agência Norte").click()
    page.wait_for_url("**/dashboard", timeout=30_000)
    page.goto(f"{app_server}/agency")
    page.locator(".suspend-client").click()
    page.click("#confirm-suspend-client")
    expect(page.locator(".reactivate-client")).to_be_visible(timeout=15_000)
