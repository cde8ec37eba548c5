"""/admin's AI price table in the browser: a negative price is flagged on its field, a comma
price and an added model are saved and still there after a reload, and each saved price can
go back to the default (an added model leaves the table); axe finds nothing serious."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.helpers import open_public
from ylada_app.services.seed import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

MINI = "#ai-price-openai-gpt-4o-mini"
ADDED = "#ai-price-anthropic-claude-3-5-haiku"


def test_admin_edits_the_ai_price_table(page, app_server, shot):
    open_public(page, f"{app_server}/login")
    page.fill("#field-email", DEMO_ADMIN_EMAIL)
    page.fill("#field-password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/admin/?$"), timeout=30_000)
    expect(page.locator(f"{MINI}-input")).to_have_value("0,83", timeout=15_000)
    expect(page.locator("#ai-prices-table")).to_contain_text("Outros modelos")

    page.fill(f"{MINI}-input", "-1")
    page.click("#save-ai-prices")
    expect(page.locator("#error-ai-openai-gpt-4o-mini-input")).to_contain_text(
        "Informe um valor entre 0 e 10.000", timeout=10_000)

    page.fill(f"{MINI}-input", "1,25")
    page.click("#ai-price-add")
    page.click("#ai-new-provider")
    page.get_by_role("option", name="Anthropic").click()
    page.fill("#ai-new-model", "claude-3-5-haiku")
    page.fill("#ai-new-input", "4")
    page.fill("#ai-new-output", "20,5")
    # the table with its added row open: no serious or critical accessibility problem
    serious = [v["id"] for v in Axe().run(page).response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.click("#save-ai-prices")
    expect(page.get_by_text("Alterações salvas.")).to_be_visible(timeout=10_000)
    expect(page.locator(f"{ADDED}-output")).to_have_value("20,50")
    expect(page.locator("#error-ai-openai-gpt-4o-mini-input")).to_have_count(0)
    expect(page.locator("#ai-new-row")).to_have_count(0)
    shot("admin-ai-prices")

    page.reload()
    expect(page.locator(f"{MINI}-input")).to_have_value("1,25", timeout=15_000)
    expect(page.locator(".ai-price-row", has_text="gpt-4o-mini")).to_contain_text("alterado")
    # back to the defaults for the other browser tests
    page.click("#ai-price-reset-openai-gpt-4o-mini")
    expect(page.get_by_text("Preço padrão restaurado.")).to_be_visible(timeout=10_000)
    expect(page.locator(f"{MINI}-input")).to_have_value("0,83")
    page.click("#ai-price-reset-anthropic-claude-3-5-haiku")
    expect(page.get_by_text("Modelo removido da tabela.")).to_be_visible(timeout=10_000)
    expect(page.locator(f"{ADDED}-input")).to_have_count(0)
