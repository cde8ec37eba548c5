"""Webhooks in the browser: create an endpoint for a receiver on loopback, see its secret,
send a test event, watch it arrive (signed) and show as delivered in the log, resend it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks import Webhook

from tests.e2e.helpers import signup

pytestmark = pytest.mark.e2e


def test_create_test_and_resend(page: Page, app_server, shot, receiver):
    signup(page, app_server, tenant="Loja Conectada")
    page.goto(f"{app_server}/settings/webhooks")
    expect(page.locator("#no-endpoints")).to_be_visible(timeout=15_000)
    page.fill("#field-url", "not a url")
    page.click("#ev-message-received")
    page.click("#save-endpoint")
    expect(page.get_by_text("Informe um endereço http:// ou https://")).to_be_visible(
        timeout=10_000)
    page.fill("#field-url", receiver.url)
    page.fill("#field-description", "CRM da loja")
    page.click("#ev-contact-created")
    page.click("#save-endpoint")
    secret = page.locator("#webhook-secret")
    expect(secret).to_contain_text("whsec_", timeout=10_000)
    key = secret.inner_text().strip()
    card = page.locator(".endpoint-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Mensagem recebida")
    expect(card).to_contain_text("Novo contato")
    page.locator(".send-test").click()
    expect(page.locator(".delivery-row")).to_have_count(1, timeout=10_000)
    for _ in range(50):
        if receiver.accepted():
            break
        page.wait_for_timeout(100)
    [req] = receiver.requests
    assert Webhook(key).verify(req["body"], req["headers"])["type"] == "webhook.test"
    page.click("#refresh-log")
    expect(page.locator(".delivery-row")).to_contain_text("Entregue", timeout=10_000)
    expect(page.locator(".delivery-row")).to_contain_text("200")
    shot("webhooks")
    page.locator(".resend-delivery").first.click()
    expect(page.locator(".delivery-row")).to_have_count(2, timeout=10_000)
    for _ in range(50):
        if len(receiver.accepted()) == 2:
            break
        page.wait_for_timeout(100)
    ids = [e["id"] for e in receiver.accepted()]
    assert len(ids) == 2 and ids[0] == ids[1]
