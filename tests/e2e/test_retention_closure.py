"""LGPD in the browser: the sign-up asks for the DPA (linked, readable), /settings/privacy
edits the retention policy with field errors, closes the account (typed confirmation,
read-only banner, changes refused) and reopens it — with screenshots to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_public, signup

pytestmark = pytest.mark.e2e


def test_dpa_retention_policy_close_and_reopen(page: Page, app_server, shot):
    open_public(page, f"{app_server}/signup")
    expect(page.locator("#link-dpa")).to_have_attribute("href", "/legal/dpa")
    shot("signup-dpa")
    open_public(page, f"{app_server}/legal/dpa")
    expect(page.locator("#legal-doc")).to_contain_text("Acordo de Tratamento de Dados")
    expect(page.locator("#legal-version")).to_contain_text("Versão 1")
    shot("legal-dpa")

    signup(page, app_server, tenant="Loja Retenção")
    page.goto(f"{app_server}/settings/privacy")
    expect(page.locator("#retention-next")).to_contain_text("Próxima execução", timeout=15_000)
    expect(page.locator("#dpa-accepted")).to_contain_text("versão 1")
    page.fill("#field-messages_days", "10")
    page.click("#retention-save")
    expect(page.locator("#error-messages_days")).to_have_text("O prazo mínimo é de 30 dias.")
    page.fill("#field-messages_days", "90")
    page.click("#retention-save")
    expect(page.locator("#error-messages_days")).to_have_count(0)
    expect(page.get_by_text("Política de retenção salva.")).to_be_visible()
    shot("settings-privacy")

    page.fill("#field-confirmation", "Outra loja")
    page.click("#closure-submit")
    expect(page.locator("#error-confirmation")).to_contain_text("não confere")
    page.fill("#field-confirmation", "Loja Retenção")
    page.click("#closure-submit")
    expect(page.locator("#closure-closed")).to_be_visible(timeout=15_000)
    expect(page.locator("#closed-banner")).to_be_visible()
    # read-only: saving the policy is refused with the pt-BR message
    page.fill("#field-messages_days", "120")
    page.click("#retention-save")
    expect(page.locator("#form-error")).to_contain_text("somente para leitura")
    shot("settings-privacy-closed")
    page.click("#closure-reopen")
    expect(page.locator("#closure-submit")).to_be_visible(timeout=15_000)
    expect(page.locator("#closed-banner")).to_have_count(0)
