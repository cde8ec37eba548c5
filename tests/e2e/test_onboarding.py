"""The first hour, as a new business lives it: sign-up → the dashboard's checklist → the
guide installs the niche's template on a simulator number with the business's name → a
first answered "oi" in the simulator — in under 10 clicks after the form; then a sample
catalog for "Treinar IA", and skipping the guide hides the checklist."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import signup

pytestmark = pytest.mark.e2e


def test_from_sign_up_to_a_first_answered_message(page: Page, app_server, shot):
    signup(page, app_server, tenant="Pizzaria Primeira Hora")
    clicks = 0

    def click(selector: str) -> None:
        nonlocal clicks
        clicks += 1
        page.click(selector)

    expect(page.locator("#guide-card")).to_be_visible(timeout=30_000)
    expect(page.locator("#guide-progress")).to_have_text("0 de 5 passos concluídos")
    shot("onboarding-1-dashboard-checklist")
    click("#guide-continue")
    page.wait_for_url("**/onboarding**")
    expect(page.locator("#suggested-template")).to_be_visible(timeout=30_000)
    click("#onboarding-niche")
    click("[role=option]:has-text('Delivery')")
    expect(page.locator("#suggested-template")).to_have_text("Delivery — cardápio e pedidos",
                                                             timeout=15_000)
    shot("onboarding-2-suggested-template")
    click("#onboarding-install")
    expect(page.locator("#step-template .step-done")).to_be_visible(timeout=30_000)
    expect(page.locator("#onboarding-progress")).to_have_text("1 de 5 passos concluídos")
    shot("onboarding-3-installed")
    click("#onboarding-simulator")
    page.wait_for_url("**/simulator")
    page.fill("#sim-input", "oi")
    click("#sim-send")
    expect(page.locator(".sim-out").first).to_contain_text("Pizzaria Primeira Hora",
                                                           timeout=20_000)
    expect(page.locator("#sim-why")).to_have_count(0)
    # the template writes *{{business name}}*: WhatsApp shows it bold, so does the simulator
    expect(page.locator(".sim-out .wa-bold").first).to_have_text("Pizzaria Primeira Hora")
    shot("onboarding-4-first-answer")
    assert clicks < 10, clicks

    page.goto(f"{app_server}/onboarding")
    expect(page.locator("#step-simulator .step-done")).to_be_visible(timeout=30_000)
    page.click("#onboarding-sample-catalog")
    expect(page.locator("#step-ai .step-done")).to_be_visible(timeout=30_000)
    expect(page.locator("#onboarding-progress")).to_have_text("3 de 5 passos concluídos")
    expect(page.locator("#onboarding-go-live")).to_be_disabled()
    shot("onboarding-5-catalog")
    # a long page: the menu's column reaches the bottom (its background never stops half-way)
    page.set_viewport_size({"width": 1280, "height": 600})
    column, page_height = page.evaluate(
        "[document.querySelector('.sidebar-column').getBoundingClientRect().height,"
        " document.documentElement.scrollHeight]")
    assert page_height > 600 and column >= page_height - 1, (column, page_height)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#onboarding-ai")
    page.wait_for_url("**/ai")
    expect(page.locator(".knowledge-row", has_text="Pizza Calabresa")).to_be_visible(
        timeout=30_000)

    page.goto(f"{app_server}/onboarding")
    page.click("#onboarding-skip")
    page.wait_for_url("**/dashboard")
    expect(page.locator("#dashboard-tenant")).to_have_text("Pizzaria Primeira Hora",
                                                           timeout=30_000)
    expect(page.locator("#guide-card")).to_have_count(0)
