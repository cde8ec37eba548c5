"""Marketplace in the real app: browse, filter, try a template, install it through the wizard
on the demo simulator instance, and the installed flow answers in the simulator."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADMIN, LOGIN, login, open_public
from ylada_app.services.seed import DEMO_ADMIN_EMAIL, DEMO_OWNER_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _pick(page: Page, trigger: str, item: str) -> None:
    page.click(trigger)
    page.locator(item).click()


def test_tenant_tries_and_installs_a_template(page: Page, app_server, shot):
    login(page, app_server, DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.click("#nav-marketplace")
    page.wait_for_url("**/marketplace")
    expect(page.locator(".template-card")).to_have_count(5, timeout=20_000)
    shot("marketplace-grid")
    _pick(page, "#filter-niche", "#filter-niche-delivery")
    expect(page.locator(".template-card")).to_have_count(1)
    _pick(page, "#filter-niche", "[role=option] >> text=Todos os segmentos")
    _pick(page, "#filter-price", "#filter-price-paid")
    expect(page.locator(".template-card")).to_have_count(2)
    expect(page.locator("#template-distribuidor-b2b")).to_be_visible()
    _pick(page, "#filter-price", "#filter-price-free")
    page.fill("#mkt-search", "cardápio")
    expect(page.locator(".template-card")).to_have_count(1, timeout=10_000)
    shot("marketplace-filtered")
    page.click("#template-delivery-cardapio")
    page.wait_for_url("**/marketplace/delivery-cardapio")
    expect(page.locator("#template-name")).to_contain_text("Delivery", timeout=20_000)
    expect(page.locator("#flow-outline")).to_contain_text("Fazer pedido")
    # try it: the real engine in memory, example values
    page.fill("#try-input", "oi")
    page.click("#try-send")
    expect(page.locator(".try-out").first).to_contain_text("Lanchonete Exemplo")
    page.locator(".try-option", has_text="Horário e taxa").last.click()
    expect(page.locator(".try-out").last).to_contain_text("R$ 6,00")
    shot("marketplace-template-try")
    # wizard: parameters (field errors in pt-BR) → instance → preview → activate
    page.click("#use-template")
    page.fill("#param-nome_restaurante", "Pizzaria E2E")
    page.fill("#param-taxa_entrega", "sete reais")
    page.fill("#param-chave_pix", "")
    page.click("#wizard-params-next")
    expect(page.locator("#error-taxa_entrega")).to_contain_text("valor em reais")
    expect(page.locator("#error-chave_pix")).to_have_text("Campo obrigatório.")
    shot("marketplace-wizard-errors")
    page.fill("#param-taxa_entrega", "7,5")
    page.fill("#param-chave_pix", "pix@pizzaria.com")
    page.click("#wizard-params-next")
    expect(page.locator("#wizard-instance")).to_be_visible()
    page.select_option("#wizard-instance", label="Simulador de vendas")
    page.click("#wizard-instance-next")
    page.fill("#try-input", "cardápio")
    page.click("#try-send")
    expect(page.locator(".try-out").first).to_contain_text("Pizzaria E2E")
    page.locator(".try-option", has_text="Horário e taxa").last.click()
    expect(page.locator(".try-out").last).to_contain_text("R$ 7,50")
    shot("marketplace-wizard-preview")
    page.click("#wizard-preview-next")
    expect(page.locator("#wizard-other-flows")).to_contain_text("Menu da loja")
    shot("marketplace-wizard-activate")
    page.click("#wizard-replace")  # keep the demo menu active (other tests talk to it)
    page.click("#wizard-activate")
    expect(page.locator("#wizard-done")).to_be_visible(timeout=20_000)
    expect(page.locator(".install-row")).to_have_count(1)
    shot("marketplace-wizard-done")
    # the installed flow answers in the existing simulator page (real pipeline)
    page.click("#open-simulator")
    page.wait_for_url("**/simulator")
    page.click("#sim-restart")
    expect(page.locator(".sim-msg")).to_have_count(0)
    page.fill("#sim-input", "cardápio")
    page.click("#sim-send")
    expect(page.locator(".sim-out").first).to_contain_text("Pizzaria E2E", timeout=20_000)
    page.locator(".sim-list-open").last.click()
    page.locator(".sim-row", has_text="Horário e taxa").click()
    expect(page.locator(".sim-out").last).to_contain_text("R$ 7,50", timeout=20_000)
    # ...and takes an order
    page.locator(".sim-option", has_text="Fazer pedido").last.click()
    expect(page.locator(".sim-out").last).to_contain_text("Escolha um item", timeout=20_000)
    page.locator(".sim-list-open").last.click()
    page.locator(".sim-row", has_text="X-Burger — R$ 25").click()
    expect(page.locator(".sim-out").last).to_contain_text("Subtotal: R$ 25,00", timeout=20_000)
    page.locator(".sim-option", has_text="Finalizar pedido").last.click()
    expect(page.locator(".sim-out").last).to_contain_text("endereço", timeout=20_000)
    page.fill("#sim-input", "Rua das Flores, 10, Centro")
    page.click("#sim-send")
    expect(page.locator(".sim-out").last).to_contain_text("R$ 7,50", timeout=20_000)
    page.fill("#sim-input", "Pix")
    page.click("#sim-send")
    expect(page.locator(".sim-out").last).to_contain_text("Confirma o pedido?", timeout=20_000)
    page.locator(".sim-option", has_text="Confirmar pedido").last.click()
    expect(page.locator(".sim-out").last).to_contain_text("Pedido confirmado", timeout=20_000)
    expect(page.locator(".sim-out").nth(-2)).to_contain_text("pix@pizzaria.com")
    shot("marketplace-installed-in-simulator")
    # back in the marketplace the template shows as installed
    page.goto(f"{app_server}/marketplace")
    expect(page.locator("#my-installs")).to_contain_text("Simulador de vendas", timeout=20_000)


def test_premium_template_is_locked_for_the_demo_plan(page: Page, app_server, shot):
    login(page, app_server, DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(f"{app_server}/marketplace/distribuidor-b2b")
    expect(page.locator("#locked-callout")).to_be_visible(timeout=20_000)
    expect(page.locator("#use-template")).to_have_count(0)
    shot("marketplace-premium-locked")


def _admin_login(page: Page, base: str) -> None:
    open_public(page, f"{base}/login")
    page.fill("#field-email", DEMO_ADMIN_EMAIL)
    page.fill("#field-password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(ADMIN, timeout=30_000)


def test_admin_lists_templates_with_stats_and_opens_the_editor(page: Page, app_server, shot):
    _admin_login(page, app_server)
    page.click("#nav-admin-templates")
    page.wait_for_url("**/admin/templates")
    expect(page.locator(".admin-template-row")).to_have_count(5, timeout=20_000)
    shot("admin-templates")
    page.locator(".admin-template-row", has_text="servicos-agendamento").get_by_role(
        "button", name="Editar").click()
    page.wait_for_url("**/admin/templates/*")
    expect(page.locator("#field-slug")).to_have_value("servicos-agendamento", timeout=20_000)
    page.fill("#field-parameters", "[{\"key\": \"x\"}]")
    page.click("#save-template")
    expect(page.locator("#template-issues")).to_contain_text("tipo deve ser", timeout=10_000)
    shot("admin-template-edit")


def test_admin_publishes_a_new_version_and_the_tenant_upgrades(page: Page, app_server, shot):
    _admin_login(page, app_server)
    page.goto(f"{app_server}/admin/templates")
    row = page.locator(".admin-template-row", has_text="delivery-cardapio")
    # installed at least by the marketplace test (other tests of the same app may add more)
    expect(row.locator(".stat-installs")).to_have_text(re.compile(r"^[1-9]\d*$"),
                                                       timeout=20_000)
    expect(row.locator(".stat-active")).to_have_text(re.compile(r"^[1-9]\d*$"))
    row.get_by_role("button", name="Editar").click()
    expect(page.locator("#field-slug")).to_have_value("delivery-cardapio", timeout=20_000)
    # the flow is edited in the visual editor, not as JSON
    page.click("#edit-flow-visual")
    page.wait_for_url(re.compile(r".*/admin/templates/\d+/flow$"), timeout=20_000)
    page.locator(".react-flow__node[data-id='menu']").click(timeout=30_000)
    text = page.locator("#insp-text")
    expect(text).to_have_value(re.compile("O que vai ser hoje"), timeout=10_000)
    text.fill(text.input_value().replace("O que vai ser hoje?", "Qual é a fome de hoje?"))
    text.press("Tab")
    expect(page.locator("#save-status")).to_have_attribute("data-status", "saved",
                                                           timeout=10_000)
    expect(page.locator(".ylada-node-error")).to_have_count(0)  # {{param.x}} are no problem
    shot("admin-template-visual-editor")
    page.click("#publish-flow")  # "Salvar e voltar ao modelo"
    page.wait_for_url(re.compile(r".*/admin/templates/\d+$"), timeout=20_000)
    expect(page.locator("#field-slug")).to_have_value("delivery-cardapio", timeout=20_000)
    page.fill("#field-changelog", "Nova saudação no menu")
    page.click("#publish-template")
    expect(page.get_by_text("v2 · ")).to_be_visible(timeout=20_000)
    shot("admin-template-published")
    page.click("#logout")
    page.wait_for_url(LOGIN)
    login(page, app_server, DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    page.goto(f"{app_server}/marketplace")
    install = page.locator(".install-row", has_text="Delivery")
    expect(install.locator(".update-badge")).to_contain_text("atualização disponível",
                                                             timeout=20_000)
    expect(install).to_contain_text("Nova saudação no menu")
    expect(install.locator(".update-changes")).to_have_text("1 etapa alterada")
    shot("marketplace-update-available")
    install.locator(".upgrade-button").click()
    expect(install.locator(".update-badge")).to_have_count(0, timeout=20_000)
    expect(install).to_contain_text("v2")
    shot("marketplace-updated")
