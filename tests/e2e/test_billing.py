"""Billing in the browser: a tenant over its instance limit sees the upgrade prompt, pays
through (fake) Stripe Checkout, the signed webhook activates the plan, and the instance can
then be created. Also the usage page, the public plans page and the admin revenue page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import create_instance, open_public, signup

TOKEN = "EAAG" + "b" * 60
SECRET = "feedfacefeedfacefeedfacefeedface"


def _connect(page, pnid: str) -> None:
    page.wait_for_url("**/connect", timeout=15_000)
    page.fill("#field-phone_number_id", pnid)
    page.fill("#field-access_token", TOKEN)
    page.fill("#field-app_secret", SECRET)
    page.click("#connect-submit")


def test_over_the_limit_upgrade_through_checkout_then_connect(page, app_server, fake_graph,
                                                              shot):
    """A number takes the plan's slot when it connects: the free plan's second number can be
    set up, but connecting it asks for an upgrade; after checkout it connects."""
    fake_graph.down = False
    fake_graph.add_number("5511000000001", TOKEN, display_phone_number="+55 11 90000-0001")
    fake_graph.add_number("5511000000002", TOKEN, display_phone_number="+55 11 90000-0002")
    signup(page, app_server, tenant="Loja Limite")
    expect(page.locator("#billing-banner")).to_contain_text("plano Grátis", timeout=15_000)
    page.goto(f"{app_server}/plans")  # signed in: the header offers the dashboard
    expect(page.locator("#plans-dashboard")).to_be_visible(timeout=15_000)
    expect(page.locator("#plans-login")).to_have_count(0)
    expect(page.locator(".plan-start")).to_have_count(0)  # no second sign-up: subscribe
    page.locator("#plan-pro .plan-choose").click()
    page.wait_for_url("**/billing", timeout=15_000)
    create_instance(page, app_server, "Número principal", channel="whatsapp_cloud")
    _connect(page, "5511000000001")
    expect(page.locator("#connect-success")).to_contain_text("90000-0001", timeout=15_000)

    extra = create_instance(page, app_server, "Número extra", channel="whatsapp_cloud")
    _connect(page, "5511000000002")
    expect(page.locator("#form-error")).to_contain_text("permite 1", timeout=15_000)
    shot("billing-limit-reached")
    page.click("#upgrade-link")
    page.wait_for_url("**/billing", timeout=15_000)
    expect(page.locator("#current-plan")).to_have_text("Grátis", timeout=15_000)
    expect(page.locator("#trial-left")).to_have_text("14 dias de teste restantes")
    expect(page.locator("#period-end")).not_to_contain_text("Renova")
    # said before paying: by card the trial's days are kept, the first charge waits for them
    expect(page.locator(".trial-charge-note").first).to_contain_text("seu teste continua até")
    shot("billing-before")

    page.click("#choose-pro")
    page.wait_for_url(re.compile(r".*/checkout/cs_test_.*"), timeout=20_000)
    expect(page.locator("#amount")).to_contain_text("R$ 247,00")
    page.click("#pay")
    page.wait_for_url(re.compile(r".*/billing/?\?checkout=ok$"), timeout=20_000)
    expect(page.locator("#current-plan")).to_have_text("Pro", timeout=20_000)
    expect(page.locator("#period-end")).to_contain_text("Primeira cobrança em")
    # thanked once Stripe's word is in (it may land before the page or a moment after)
    expect(page.locator("#billing-notice")).to_contain_text(
        re.compile("Assinatura feita|Assinatura atualizada"), timeout=20_000)
    expect(page.locator(".trial-charge-note")).to_have_count(0)  # subscribed: no more
    expect(page.locator(".invoice-row")).to_have_count(0)  # nothing charged today
    expect(page.locator("#billing-banner")).to_have_count(0)
    shot("billing-after-checkout")

    page.goto(f"{app_server}/instances/{extra}/connect")
    _connect(page, "5511000000002")
    expect(page.locator("#connect-success")).to_contain_text("90000-0002", timeout=15_000)

    page.goto(f"{app_server}/usage")
    expect(page.locator("#meter-instances")).to_contain_text("2", timeout=15_000)
    expect(page.locator("#meter-instances")).to_contain_text("de 3")
    shot("usage")


def test_public_plans_and_admin_revenue(page, app_server, shot):
    page.goto(f"{app_server}/plans")
    expect(page.locator(".plan-card")).to_have_count(4, timeout=15_000)
    expect(page.locator("#plan-starter")).to_contain_text("R$ 97,00")
    expect(page.locator("#plan-starter .plan-start")).to_contain_text("Começar grátis")
    shot("plans-public")
    open_public(page, f"{app_server}/login")
    page.fill("#field-email", "admin@ylada.com.br")
    page.fill("#field-password", "ylada-demo-2026")
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/admin/?$"), timeout=30_000)
    page.goto(f"{app_server}/revenue")
    expect(page.locator("#mrr")).to_contain_text("R$", timeout=15_000)
    page.click("#edit-starter")
    page.fill("#field-max_instances", "-3")
    page.click("#save-plan")
    expect(page.locator("#error-max_instances")).to_be_visible(timeout=10_000)
    page.fill("#field-max_instances", "2")
    page.click("#save-plan")
    expect(page.locator("#plan-changes")).to_contain_text("Números de WhatsApp")
    expect(page.locator("#plan-changes")).to_contain_text("2")
    page.click("#confirm-plan")
    expect(page.locator("#save-plan")).to_have_count(0, timeout=10_000)
    shot("admin-revenue")
    page.reload()
    page.click("#edit-starter", timeout=15_000)
    expect(page.locator("#field-max_instances")).to_have_value("2")
