"""A tenant imports a flow JSON: errors are listed, a valid one becomes active."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e
MENU = (Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json").read_text()


def test_import_invalid_then_valid_flow(page: Page, app_server, shot):
    signup(page, app_server, tenant="Loja dos Fluxos")
    # a wrong address (the simulator lives under its number) is our page with a way back
    page.goto(f"{app_server}/simulator")
    expect(page.locator("#not-found-page")).to_contain_text("Página não encontrada",
                                                            timeout=20_000)
    page.click("#not-found-home")
    page.wait_for_url("**/dashboard**", timeout=20_000)
    create_instance(page, app_server, "Atendimento")
    page.goto(f"{app_server}/flows")
    # the JSON box is folded away: a newcomer is not asked to fill it in
    expect(page.locator("#import-toggle")).to_be_visible(timeout=20_000)
    expect(page.locator("#field-definition")).to_be_hidden()
    page.click("#import-toggle")
    page.fill("#field-name", "Menu principal")
    page.fill("#field-definition", '{"version": 1, "nodes": [], "edges": []}')
    page.click("#import-flow")
    expect(page.locator("#flow-issues")).to_contain_text("início")
    page.fill("#field-definition", "{isto não é json")
    page.click("#import-flow")
    expect(page.locator("#error-definition")).to_contain_text("JSON")
    page.fill("#field-definition", MENU)
    page.click("#import-flow")
    expect(page.locator(".flow-row")).to_have_count(1, timeout=15_000)
    expect(page.locator(".flow-row")).to_contain_text("Ativo")
    shot("flows")
