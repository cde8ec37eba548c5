"""A tenant chats with its bot in the simulator, opens /analytics, sees the counts, switches
the period, gets pt-BR errors for a bad range and exports a CSV whose rows match the screen.
The platform admin opens /admin/dashboard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADMIN, create_instance, download, open_public, signup
from ylada_app.services.seed import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e
MENU = (Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json").read_text()


def _chat(page: Page, base: str, iid: str) -> int:
    page.goto(f"{base}/instances/{iid}/simulator")
    page.fill("#sim-input", "oi")
    page.click("#sim-send")
    expect(page.locator(".sim-option")).to_have_count(3, timeout=20_000)
    page.locator(".sim-option", has_text="Ver catálogo").last.click()
    expect(page.locator(".sim-out").last).to_contain_text("catálogo completo", timeout=20_000)
    page.fill("#sim-input", "menu")
    page.click("#sim-send")
    expect(page.locator(".sim-option")).to_have_count(6, timeout=20_000)
    page.wait_for_timeout(1000)
    return page.locator(".sim-out").count()


def _screen_rows(page: Page) -> list[list[str]]:
    return [[c.strip() for c in row.locator("td").all_inner_texts()]
            for row in page.locator(".day-row").all()]


def test_tenant_reports_match_the_conversations_and_the_csv(page: Page, app_server, shot):
    signup(page, app_server, tenant="Loja dos Relatórios")
    iid = create_instance(page, app_server, "Atendimento")
    page.goto(f"{app_server}/flows")
    page.click("#import-toggle")
    page.fill("#field-name", "Menu principal")
    page.fill("#field-definition", MENU)
    page.click("#import-flow")
    expect(page.locator(".flow-row")).to_have_count(1, timeout=15_000)
    sent = _chat(page, app_server, iid)
    assert sent >= 3
    page.wait_for_timeout(6500)  # rows settle for 5 s before the rollup takes them

    page.goto(f"{app_server}/analytics")
    expect(page.locator("#total-msg_in")).to_have_text("0", timeout=20_000)  # simulator left out
    expect(page.locator("#analytics-empty")).to_be_visible()
    page.click("#include-sim")
    expect(page.locator("#total-msg_in")).to_have_text("3", timeout=15_000)
    expect(page.locator("#total-msg_out")).to_have_text(str(sent))
    expect(page.locator("#total-contacts_new")).to_have_text("1")
    expect(page.locator("#total-conversations")).to_have_text("2")  # "oi" and "menu" start it
    expect(page.locator(".flow-row")).to_contain_text("Menu principal")
    expect(page.locator(".compare-row")).to_contain_text("Atendimento")
    expect(page.locator(".day-row")).to_have_count(7)
    shot("analytics-7d")

    page.click("#period-today")
    expect(page.locator(".day-row")).to_have_count(1, timeout=15_000)
    expect(page.locator("#total-msg_in")).to_have_text("3")
    page.click("#period-30d")
    expect(page.locator(".day-row")).to_have_count(30, timeout=15_000)
    expect(page.locator("#total-msg_in")).to_have_text("3")

    page.click("#period-custom")
    page.fill("#field-start", "2026-01-31")
    page.fill("#field-end", "2026-01-01")
    page.click("#apply-custom")
    expect(page.locator("#error-end")).to_contain_text("data final precisa ser igual ou depois",
                                                       timeout=15_000)
    shot("analytics-bad-range")
    page.fill("#field-start", "2026-01-01")
    page.fill("#field-end", "2026-01-31")
    page.click("#apply-custom")
    expect(page.locator(".day-row")).to_have_count(31, timeout=15_000)
    expect(page.locator("#total-msg_in")).to_have_text("0")

    page.click("#period-7d")
    expect(page.locator(".day-row")).to_have_count(7, timeout=15_000)
    screen = _screen_rows(page)
    page.click("#export-menu")
    page.click("#export-daily-csv")
    expect(page.locator("#export-download")).to_be_visible(timeout=30_000)
    shot("analytics-export")
    content = Path(download(page, "#export-download")).read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:3] == ["Data", "Mensagens recebidas", "Mensagens enviadas"]
    assert [[cell for cell in r] for r in rows[1:]] == screen
    assert sum(int(r[1]) for r in rows[1:]) == 3

    page.click("#export-menu")
    page.click("#export-leads-csv")
    expect(page.locator("#export-download")).to_be_visible(timeout=30_000)
    leads = list(csv.reader(io.StringIO(Path(download(page, "#export-download"))
                                        .read_text("utf-8-sig")), delimiter=";"))
    assert leads[0][:2] == ["Nome", "WhatsApp"] and len(leads) == 2

    # Another tenant cannot fetch this file, even with its URL.
    url = page.locator("#export-download").get_attribute("data-href")
    page.context.clear_cookies()
    assert page.request.get(url).status in (401, 404)


def test_admin_dashboard(page: Page, app_server, shot):
    open_public(page, f"{app_server}/login")
    page.fill("#field-email", DEMO_ADMIN_EMAIL)
    page.fill("#field-password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(ADMIN, timeout=30_000)
    page.goto(f"{app_server}/admin/dashboard")
    expect(page.locator("#dash-tenants")).not_to_have_text("", timeout=20_000)
    expect(page.locator("#dash-mrr")).to_contain_text("R$")
    expect(page.locator("#dash-status-suspended")).to_be_visible()
    expect(page.locator("#dash-templates")).to_contain_text("marketplace")
    shot("admin-dashboard")
