"""Pix checkout in the browser (Asaas, through the fake): a bad CPF is flagged on its field,
a good one shows the QR code, the copia-e-cola with its copy button and expiry; paying with
the fake's "Pagar agora" button flips the open page to "Plano ativo" without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import open_public, signup


def test_pix_checkout_shows_qr_and_flips_to_active(page, app_server, e2e_asaas, shot):
    signup(page, app_server, tenant="Loja Pix")
    page.goto(f"{app_server}/billing")
    expect(page.locator("#current-plan")).to_have_text("Grátis", timeout=15_000)
    expect(page.locator("#method-pix")).to_be_visible(timeout=15_000)
    expect(page.locator("#method-boleto")).to_be_visible()
    expect(page.locator("#method-card")).to_be_visible()  # Stripe takes cards here
    expect(page.locator("#field-tax-id")).to_have_count(0)  # a card needs no CPF here
    page.click("#method-pix")
    page.fill("#field-tax-id", "123.456.789-00")
    page.click("#choose-starter")
    expect(page.locator("#error-tax_id")).to_contain_text("CPF ou CNPJ inválido",
                                                          timeout=15_000)
    expect(page.locator("#pending-charge")).to_have_count(0)
    shot("billing-pix-bad-cpf")

    page.fill("#field-tax-id", "529.982.247-25")
    page.click("#choose-starter")
    expect(page.locator("#pix-qr")).to_be_visible(timeout=20_000)
    expect(page.locator("#error-tax_id")).to_have_count(0)
    natural = page.locator("#pix-qr").evaluate("img => img.naturalWidth")
    assert natural > 100  # a real PNG decoded by the browser, not a broken image
    expect(page.locator("#pix-code")).to_contain_text("000201")
    expect(page.locator("#pix-expires")).to_contain_text("23:59")
    expect(page.locator("#pending-charge")).to_contain_text("R$ 97,00")
    expect(page.locator("#waiting-payment")).to_be_visible()
    page.click("#pix-code-copy")
    expect(page.get_by_text("Código Pix copiado.")).to_be_visible(timeout=5_000)
    expect(page.locator("#current-plan")).to_have_text("Grátis")  # not paid yet
    shot("billing-pix-qr")

    # Pay in the fake's own invoice page (the demo's "Pagar agora" button), in another tab.
    href = page.locator("#open-invoice").get_attribute("href")
    assert href and href.startswith(e2e_asaas.base_url + "/i/pay_")
    payer = page.context.new_page()
    payer.goto(href)
    payer.click("#pay")
    expect(payer.locator("#paid")).to_be_visible(timeout=10_000)
    payer.close()

    # The open page flips by itself (no reload).
    expect(page.locator("#billing-notice")).to_contain_text("Plano ativo", timeout=30_000)
    expect(page.locator("#current-plan")).to_have_text("Starter")
    expect(page.locator("#pending-charge")).to_have_count(0)
    expect(page.locator(".invoice-row")).to_have_count(1)
    expect(page.locator(".invoice-row")).to_contain_text("Paga")
    expect(page.locator("#cancel-sub")).to_contain_text("Cancelar assinatura")
    expect(page.locator("#open-portal")).to_have_count(0)
    shot("billing-pix-active")


def test_admin_enables_gateways_and_sets_the_default(page, app_server, shot):
    open_public(page, f"{app_server}/login")
    page.fill("#field-email", "admin@ylada.com.br")
    page.fill("#field-password", "ylada-demo-2026")
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/admin/?$"), timeout=30_000)
    expect(page.locator("#gateways-card")).to_be_visible(timeout=15_000)
    expect(page.locator("#gateway-stripe")).to_be_checked()
    expect(page.locator("#gateway-asaas")).to_be_checked()
    expect(page.locator("#gateway-default-stripe")).to_be_checked()
    # default on a disabled gateway: a field error, nothing saved
    page.click("#gateway-asaas")
    page.click("#gateway-default-asaas")
    page.click("#save-gateways")
    expect(page.locator("#error-default")).to_contain_text("habilitado", timeout=10_000)
    page.click("#gateway-asaas")
    page.click("#save-gateways")
    expect(page.get_by_text("Formas de pagamento salvas.")).to_be_visible(timeout=10_000)
    shot("admin-gateways")
    page.reload()
    expect(page.locator("#gateway-default-asaas")).to_be_checked(timeout=15_000)
    # back to the installation's default for the other browser tests
    page.click("#gateway-default-stripe")
    page.click("#save-gateways")
    expect(page.get_by_text("Formas de pagamento salvas.")).to_be_visible(timeout=10_000)
