"""LGPD in the browser: a contact's consent history on its page (in words, growing when the
team changes a switch) and the business's audit trail at /settings/audit, as sentences."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import login
from ylada_app.services.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_consent_history_and_the_audit_trail(page: Page, app_server, shot):
    login(page, app_server, DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(f"{app_server}/contacts")
    page.get_by_role("link", name="Ana Souza").click()
    table = page.locator("#consents-table")
    expect(table).to_contain_text("Importação de planilha", timeout=20_000)
    expect(table).to_contain_text("Concedido")
    page.click("#opted-out")  # the team marks that she asked to stop
    expect(page.locator(".consent-row")).to_have_count(2, timeout=15_000)
    expect(page.locator(".consent-row").first).to_contain_text("Revogado")
    expect(page.locator(".consent-row").first).to_contain_text(
        "Alterado pela equipe na página do contato")
    with page.expect_download() as download:
        page.click("#consents-csv")
    assert download.value.suggested_filename.startswith("consentimentos-contato-")
    page.locator("#consents").scroll_into_view_if_needed()
    shot("contact-consents")

    page.goto(f"{app_server}/settings/audit")
    rows = page.locator(".audit-row")
    expect(rows.first).to_be_visible(timeout=20_000)
    expect(page.locator("#audit-table")).to_contain_text(
        "Baixou o histórico de consentimentos de um contato")
    expect(page.locator("#audit-table")).to_contain_text("Entrou")
    assert "export." not in page.locator("#audit-table").inner_text()  # no codes
    shot("settings-audit")
