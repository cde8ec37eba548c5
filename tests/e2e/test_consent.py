"""Consent in the browser: a number's own opt-out words (edited, refused with the error next
to the field, used by the simulator, restored) and the flow editor's consent block."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e


def test_a_number_chooses_its_words_and_a_flow_records_consent(page: Page, app_server, shot):
    signup(page, app_server, tenant="Loja Consentimento")
    iid = create_instance(page, app_server, "Vendas")
    expect(page.locator("#field-optout_words")).to_have_value("PARAR, SAIR, STOP, DESCADASTRAR")
    expect(page.locator("#optout-is-default")).to_be_visible()
    page.fill("#field-optout_words", " , ")
    page.click("#save-optout")
    expect(page.locator("#error-optout_words")).to_contain_text("pelo menos uma palavra")
    page.fill("#field-optout_words", "descadastrar, sair")
    page.fill("#field-optout_reply", "Pronto, você foi descadastrado.")
    page.click("#save-optout")
    expect(page.locator("#field-optout_words")).to_have_value("DESCADASTRAR, SAIR",
                                                              timeout=15_000)
    expect(page.locator("#restore-optout")).to_be_visible()
    expect(page.locator("#error-optout_words")).to_have_count(0)
    page.locator("#optout-words").scroll_into_view_if_needed()
    shot("instance-optout-words")

    page.goto(f"{app_server}/instances/{iid}/simulator")
    page.fill("#sim-input", "Descadastrar")
    page.click("#sim-send")
    expect(page.locator(".sim-out").last).to_contain_text("você foi descadastrado",
                                                          timeout=20_000)

    page.goto(f"{app_server}/instances/{iid}")
    page.click("#restore-optout")
    expect(page.locator("#field-optout_words")).to_have_value("PARAR, SAIR, STOP, DESCADASTRAR",
                                                              timeout=15_000)
    expect(page.locator("#optout-is-default")).to_be_visible()

    page.goto(f"{app_server}/flows")
    page.fill("#new-flow-name", "Ofertas")
    page.click("#new-flow")
    page.wait_for_url(re.compile(r".*/flows/\d+/edit$"), timeout=20_000)
    expect(page.locator(".react-flow__node")).to_have_count(1, timeout=20_000)
    expect(page.locator("#palette-consent")).to_contain_text("Registrar consentimento")
    page.click("#palette-consent")
    expect(page.locator(".react-flow__node")).to_have_count(2, timeout=15_000)
    expect(page.locator("#insp-consent-hint")).to_contain_text("aceitou receber ofertas")
    shot("editor-consent-block")
