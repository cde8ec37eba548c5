"""The foundation in a real browser: sign-up, instances, tenant switching, isolation,
suspension, connecting WhatsApp, field errors and the language switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import LOGIN, PASSWORD, create_instance, login, logout, open_public, signup
from ylada_app.services.seed import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e
TOKEN = "EAAG" + "t" * 60
SECRET = "0123456789abcdef0123456789abcdef"


def test_signup_create_instance_dashboard_and_switch_tenant(page: Page, app_server, shot):
    signup(page, app_server, tenant="Doces da Maria")
    shot("dashboard-empty")
    create_instance(page, app_server, "Atendimento Loja")
    page.goto(f"{app_server}/dashboard")
    expect(page.locator(".instance-card")).to_have_count(1)
    expect(page.locator(".instance-card")).to_contain_text("Atendimento Loja")
    expect(page.locator(".instance-card")).to_contain_text("Conectada")
    shot("dashboard")
    page.goto(f"{app_server}/instances")
    expect(page.locator(".instance-row")).to_have_count(1)
    shot("instances")

    page.goto(f"{app_server}/tenants/new")
    page.fill("#field-tenant_name", "Salgados da Maria")
    page.click("#create-tenant")
    page.wait_for_url("**/dashboard")
    expect(page.locator("#dashboard-tenant")).to_have_text("Salgados da Maria")
    expect(page.locator("#dashboard-empty")).to_be_visible()

    page.click("#tenant-switcher")
    page.get_by_role("option", name="Doces da Maria").click()
    expect(page.locator("#dashboard-tenant")).to_have_text("Doces da Maria")
    expect(page.locator(".instance-card")).to_contain_text("Atendimento Loja")


def test_second_tenant_cannot_open_first_tenants_instance(page: Page, app_server, shot):
    signup(page, app_server, tenant="Empresa Alfa")
    iid = create_instance(page, app_server, "Instância Secreta Alfa")
    logout(page)
    signup(page, app_server, tenant="Empresa Beta")
    for path in (f"/instances/{iid}", f"/instances/{iid}/connect"):
        page.goto(f"{app_server}{path}")
        expect(page.locator("#not-found")).to_be_visible(timeout=15_000)
        expect(page.locator("body")).not_to_contain_text("Instância Secreta Alfa")
    shot("instance-not-found")
    page.goto(f"{app_server}/instances")
    expect(page.locator("body")).not_to_contain_text("Instância Secreta Alfa")


def test_admin_suspends_tenant_and_its_user_sees_blocked_page(browser, app_server):
    owner_page = browser.new_page()
    email = signup(owner_page, app_server, tenant="Loja Suspensa")
    admin = browser.new_page(viewport={"width": 1280, "height": 800})
    open_public(admin, f"{app_server}/login")
    admin.fill("#field-email", DEMO_ADMIN_EMAIL)
    admin.fill("#field-password", DEMO_PASSWORD)
    admin.click("#login-submit")
    admin.wait_for_url(re.compile(r".*/admin/?$"))
    admin.get_by_role("link", name="Loja Suspensa").click()
    admin.wait_for_url("**/admin/tenants/*")
    # the business's data opens only with a reason (kept in its audit trail)
    admin.fill("#access-reason", "Chamado 101: pagamento em atraso")
    admin.click("#access-open")
    expect(admin.locator("#admin-tenant-name")).to_have_text("Loja Suspensa")
    admin.fill("#field-reason", "Pagamento em atraso")
    admin.click("#suspend-tenant")  # asks first; nothing changes on one click
    expect(admin.get_by_role("alertdialog")).to_contain_text("Loja Suspensa")
    admin.get_by_role("button", name="Cancelar").click()
    expect(admin.locator("#suspend-tenant")).to_be_visible()
    admin.click("#suspend-tenant")
    admin.click("#confirm-suspend")
    expect(admin.locator("#reactivate-tenant")).to_be_visible(timeout=15_000)
    admin.screenshot(path="screenshots/admin-tenant.png", full_page=True)
    admin.goto(f"{app_server}/admin")
    expect(admin.locator(".tenant-row", has_text="Loja Suspensa")).to_contain_text("Suspensa")
    admin.screenshot(path="screenshots/admin.png", full_page=True)

    owner_page.goto(f"{app_server}/dashboard")
    owner_page.wait_for_url("**/blocked", timeout=15_000)
    expect(owner_page.locator("#blocked-title")).to_have_text("Acesso suspenso")
    expect(owner_page.locator("body")).to_contain_text("Pagamento em atraso")
    owner_page.screenshot(path="screenshots/blocked.png", full_page=True)
    owner_page.goto(f"{app_server}/instances")
    owner_page.wait_for_url("**/blocked", timeout=15_000)
    assert email


def test_connect_whatsapp_shows_field_errors_then_connects(page: Page, app_server, fake_graph,
                                                            shot):
    fake_graph.down = False
    fake_graph.add_number("1122334455", TOKEN, display_phone_number="+55 11 97777-1234",
                          verified_name="Doces")
    signup(page, app_server, tenant="Doces Conectados")
    create_instance(page, app_server, "WhatsApp Loja", channel="whatsapp_cloud")
    page.wait_for_url("**/connect")
    expect(page.locator("#callback-url")).to_contain_text("/webhooks/whatsapp/")
    page.fill("#field-phone_number_id", "12ab")
    page.fill("#field-access_token", "curto")
    page.fill("#field-app_secret", SECRET)
    page.click("#connect-submit")
    expect(page.locator("#error-phone_number_id")).to_contain_text("só dígitos")
    expect(page.locator("#error-access_token")).to_contain_text("Token de acesso inválido")
    page.fill("#field-phone_number_id", "1122334455")
    page.fill("#field-access_token", "EAAG" + "w" * 60)
    page.click("#connect-submit")
    expect(page.locator("#error-access_token")).to_contain_text("A Meta recusou")
    shot("connect-error")
    page.fill("#field-access_token", TOKEN)
    page.fill("#field-app_secret", SECRET)
    page.click("#connect-submit")
    expect(page.locator("#connect-success")).to_contain_text("+55 11 97777-1234")
    shot("connect")


def test_signup_errors_login_errors_and_language_switch(page: Page, app_server, shot):
    email = signup(page, app_server, tenant="Loja Idioma")
    logout(page)
    open_public(page, f"{app_server}/signup")
    page.fill("#field-name", "Outra")
    page.fill("#field-email", email.upper())
    page.fill("#field-password", "fraca")
    page.fill("#field-tenant_name", "X")
    page.click("#signup-submit")
    expect(page.locator("#error-password")).to_contain_text("pelo menos 8 caracteres")
    expect(page.locator("#error-tenant_name")).to_contain_text("pelo menos 2")
    # the data processing agreement was not ticked: its own field error
    expect(page.locator("#error-accept_dpa")).to_contain_text("aceite o acordo")
    expect(page.locator("#error-email")).to_have_count(0)  # never "this e-mail has an account"
    shot("signup-errors")
    open_public(page, f"{app_server}/login")
    page.fill("#field-email", email)
    page.fill("#field-password", "errada123")
    page.click("#login-submit")
    expect(page.locator("#error-password")).to_have_text("E-mail ou senha incorretos.")
    page.click("#lang-toggle")
    expect(page.get_by_role("heading", name="Log in to ylada")).to_be_visible()
    login(page, app_server, email, PASSWORD)
    expect(page.locator("#nav-dashboard")).to_contain_text("Dashboard")
    page.click("#lang-toggle")
    expect(page.locator("#nav-dashboard")).to_contain_text("Painel")


def test_protected_pages_redirect_to_login(page: Page, app_server):
    for path in ("/dashboard", "/instances", "/team", "/admin", "/instances/1"):
        page.goto(f"{app_server}{path}")
        page.wait_for_url(LOGIN, timeout=15_000)
