"""A tenant chats with a flow in the simulator, through the real pipeline (embedded mode)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import login
from ylada_app.services.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_chat_with_the_demo_menu_in_the_simulator(page: Page, app_server, shot):
    login(page, app_server, DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(f"{app_server}/instances")
    page.locator(".instance-row a").first.click()
    page.click("#simulator-link")
    page.wait_for_url("**/simulator")
    page.click("#sim-restart")
    expect(page.locator(".sim-msg")).to_have_count(0)
    page.fill("#sim-input", "oi")
    page.click("#sim-send")
    expect(page.locator(".sim-in").last).to_contain_text("oi")
    expect(page.locator(".sim-out").first).to_contain_text("Como posso ajudar?",
                                                           timeout=20_000)
    expect(page.locator(".sim-option")).to_have_count(3)
    shot("simulator-menu")
    page.locator(".sim-option", has_text="Ver catálogo").last.click()
    expect(page.locator(".sim-out").last).to_contain_text("catálogo completo", timeout=20_000)
    page.fill("#sim-input", "menu")
    page.click("#sim-send")
    expect(page.locator(".sim-option")).to_have_count(6, timeout=20_000)
    shot("simulator")
