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


def test_a_new_number_is_never_silent_and_the_simulator_says_why(page: Page, app_server,
                                                                 shot):
    from tests.e2e.helpers import create_instance, signup

    signup(page, app_server, tenant="Padaria Primeira Hora")
    iid = create_instance(page, app_server, "Número de teste")
    expect(page.locator("#field-default_reply")).to_have_value(
        "Olá! 👋 Recebemos sua mensagem e já vamos te responder. Enquanto isso, fique à "
        "vontade para contar como podemos ajudar.")
    page.fill("#field-default_reply", "Oi! Ainda estamos montando o nosso atendimento.")
    page.click("#save-default-reply")
    expect(page.locator("#field-default_reply")).to_have_value(
        "Oi! Ainda estamos montando o nosso atendimento.")
    shot("instance-default-reply")
    page.goto(f"{app_server}/instances/{iid}/simulator")
    page.fill("#sim-input", "oi")
    page.click("#sim-send")
    expect(page.locator(".sim-out").first).to_contain_text("montando o nosso atendimento",
                                                           timeout=20_000)
    expect(page.locator("#sim-why")).to_contain_text("respondeu a “oi”", timeout=20_000)
    expect(page.locator("#sim-why-link")).to_have_attribute("href", "/marketplace")
    shot("simulator-why-silent")
    page.click("#sim-why-reply")
    page.wait_for_url(f"**/instances/{iid}**")
    expect(page.locator("#field-default_reply")).to_be_visible()
    # an opted-out contact gets no answer: "online" again at once (not "digitando…" for
    # the poll's 12 s), with the reason right there
    page.goto(f"{app_server}/instances/{iid}/simulator")
    page.fill("#sim-input", "parar")
    page.click("#sim-send")
    expect(page.locator(".sim-out").last).to_contain_text("não receberá", timeout=20_000)
    page.fill("#sim-input", "oi")
    page.click("#sim-send")
    expect(page.locator("#sim-why")).to_contain_text("pediu para não receber", timeout=8_000)
    expect(page.locator("#sim-presence")).to_contain_text("online", timeout=1_000)
    # Meta does not follow a test number: its health page says so, with nothing to check
    page.goto(f"{app_server}/instances/{iid}/health")
    expect(page.locator("#health-simulator")).to_contain_text("simulador", timeout=15_000)
    expect(page.locator("#health-check")).to_have_count(0)
