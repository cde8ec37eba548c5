"""Accounts and sessions in a real browser (issue: invite takeover, lockout, readable cookie).

The app sends its e-mails to a real SMTP server on loopback; the tests open the links that
arrive there, as a person would.
"""

from __future__ import annotations

import re
import uuid

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    DASHBOARD,
    LOGIN,
    PASSWORD,
    create_instance,
    login,
    logout,
    mail_link,
    open_public,
    signup,
)
from ylada_app.services.seed import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e
AGENT_HOME = re.compile(r".*/inbox/?$")


def _new_page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 800},
                               locale="pt-BR").new_page()


def test_session_cookie_is_httponly_and_never_readable_by_scripts(page: Page, app_server):
    signup(page, app_server, tenant="Loja Cookie")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["ylada_session"]
    assert session["httpOnly"] is True and session["sameSite"] == "Lax"
    assert session["secure"] is False  # served over http here; https sets Secure (API test)
    assert "ylada_session" not in page.evaluate("document.cookie")
    assert session["value"] not in page.content()
    # the session keeps working across full page loads (read from the socket's headers)
    page.goto(f"{app_server}/instances")
    expect(page.locator("#nav-instances")).to_be_visible(timeout=15_000)


def test_unverified_account_explores_but_cannot_connect_whatsapp(page: Page, app_server, shot):
    email = signup(page, app_server, tenant="Loja Sem Confirmar", verify=False)
    shot("signup-check-email")
    login(page, app_server, email)
    expect(page.locator("#verify-banner")).to_be_visible(timeout=15_000)
    shot("dashboard-unverified")
    create_instance(page, app_server, "Simulador")  # exploring with the simulator works
    create_instance(page, app_server, "WhatsApp", channel="whatsapp_cloud")
    page.fill("#field-phone_number_id", "1122334455")
    page.fill("#field-access_token", "EAAG" + "x" * 60)
    page.fill("#field-app_secret", "0123456789abcdef0123456789abcdef")
    page.click("#connect-submit")
    expect(page.locator("body")).to_contain_text("Confirme seu e-mail antes", timeout=15_000)
    # the link from the mailbox confirms the address and the banner goes away
    page.goto(mail_link(email, "Confirme"))
    page.wait_for_url(DASHBOARD, timeout=30_000)
    expect(page.locator("#dashboard-tenant")).to_be_visible(timeout=15_000)
    expect(page.locator("#verify-banner")).to_have_count(0)


def test_the_verification_link_in_another_browser_asks_for_a_new_password(
        browser: Browser, app_server, shot):
    signer = _new_page(browser)
    email = signup(signer, app_server, tenant="Loja Outro Navegador", verify=False)
    other = _new_page(browser)  # e.g. the phone where the mail was read
    other.goto(mail_link(email, "Confirme"))
    expect(other.locator("#verify-email")).to_have_text(email, timeout=15_000)
    shot_path = "screenshots/verify-other-browser.png"
    other.screenshot(path=shot_path, full_page=True)
    assert "ylada_session" not in {c["name"] for c in other.context.cookies()}
    other.fill("#field-password", "Nova-senha-2026")
    other.fill("#field-password_again", "Outra-coisa-2026")
    other.click("#verify-submit")
    expect(other.locator("#error-password_again")).to_be_visible()
    other.fill("#field-password_again", "Nova-senha-2026")
    other.click("#verify-submit")
    other.wait_for_url(LOGIN, timeout=15_000)
    expect(other.locator("#login-notice")).to_contain_text("E-mail confirmado")
    login(other, app_server, email, "Nova-senha-2026")
    expect(other.locator("#verify-banner")).to_have_count(0)
    for p in (signer, other):
        p.context.close()


def test_invite_takeover_attempt_grants_nothing_and_the_link_does(browser: Browser, app_server,
                                                                  shot):
    owner = _new_page(browser)
    signup(owner, app_server, tenant="Loja da Dona")
    carla = f"carla-{uuid.uuid4().hex[:8]}@exemplo.com.br"
    owner.goto(f"{app_server}/team")
    owner.fill("#field-email", carla)
    owner.click("#invite-submit")
    expect(owner.locator(".member-row", has_text=carla)).to_contain_text("Convite pendente",
                                                                         timeout=15_000)
    # the invite form stays on the screen beside the wider table (it was pushed past the
    # right edge by the row's Reenviar/Revogar)
    right = owner.evaluate("document.querySelector('#invite-card').getBoundingClientRect().right")
    assert right <= owner.viewport_size["width"], right
    # ...and the pending row's buttons are not hidden in a scrolled-away part of the table
    expect(owner.locator(".member-row", has_text=carla).get_by_text("Revogar")).to_be_in_viewport()
    shot_page = owner
    shot_page.screenshot(path="screenshots/team-pending-invite.png", full_page=True)

    # An impostor signs up with carla's address: an account, but no access to the business.
    impostor = _new_page(browser)
    open_public(impostor, f"{app_server}/signup")
    impostor.fill("#field-name", "Impostora")
    impostor.fill("#field-email", carla)
    impostor.fill("#field-password", PASSWORD)
    impostor.fill("#field-tenant_name", "Fachada")
    impostor.click("#field-accept_dpa")
    impostor.click("#signup-submit")
    expect(impostor.locator("#check-email")).to_be_visible(timeout=30_000)
    login(impostor, app_server, carla)
    expect(impostor.locator("#dashboard-tenant")).to_have_text("Fachada", timeout=15_000)
    impostor.click("#tenant-switcher")
    expect(impostor.get_by_role("option", name="Loja da Dona")).to_have_count(0)
    impostor.keyboard.press("Escape")

    # Carla (who reads carla's mailbox) opens the invitation: the account exists, so she is
    # asked to log in; she takes it back through "forgot password", then accepts.
    real = _new_page(browser)
    invite = mail_link(carla, "convidou")
    real.goto(invite)
    expect(real.locator("#invite-tenant")).to_have_text("Loja da Dona", timeout=15_000)
    real.click("#invite-login")
    real.wait_for_url(re.compile(r".*/login\?next=/invite/.*"))
    open_public(real, f"{app_server}/forgot")
    real.fill("#field-email", carla)
    real.click("#forgot-submit")
    expect(real.locator("#forgot-sent")).to_be_visible(timeout=15_000)
    real.goto(mail_link(carla, "Redefinir"))
    real.fill("#field-password", "Da-Carla-2026")
    real.fill("#field-password_again", "Da-Carla-2026")
    real.click("#reset-submit")
    real.wait_for_url(LOGIN, timeout=15_000)
    expect(real.locator("#login-notice")).to_contain_text("Senha alterada")
    # the impostor was logged out everywhere by the reset
    impostor.goto(f"{app_server}/instances")
    impostor.wait_for_url(LOGIN, timeout=15_000)
    login(real, app_server, carla, "Da-Carla-2026")
    real.goto(invite)
    real.click("#invite-accept")
    # invited as an agent (the default role): the inbox of the business is home
    real.wait_for_url(AGENT_HOME, timeout=15_000)
    expect(real.locator("#tenant-switcher")).to_contain_text("Loja da Dona", timeout=15_000)
    owner.goto(f"{app_server}/team")
    expect(owner.locator(".member-row", has_text=carla)).to_contain_text("Ativa",
                                                                         timeout=15_000)
    for p in (owner, impostor, real):
        p.context.close()


def test_a_new_person_creates_the_account_from_the_invitation(browser: Browser, app_server,
                                                                shot):
    owner = _new_page(browser)
    signup(owner, app_server, tenant="Padaria Convida")
    nina = f"nina-{uuid.uuid4().hex[:8]}@exemplo.com.br"
    owner.goto(f"{app_server}/team")
    owner.fill("#field-email", nina)
    owner.click("#invite-submit")
    expect(owner.locator(".member-row", has_text=nina)).to_be_visible(timeout=15_000)
    guest = _new_page(browser)
    guest.goto(mail_link(nina, "convidou"))
    expect(guest.locator("#invite-email")).to_have_text(nina, timeout=15_000)
    shot_path = "screenshots/invite-create-account.png"
    guest.screenshot(path=shot_path, full_page=True)
    guest.fill("#field-name", "Nina")
    guest.fill("#field-password", "abc12345xyz")
    guest.click("#invite-create")
    guest.wait_for_url(AGENT_HOME, timeout=30_000)
    expect(guest.locator("#tenant-switcher")).to_contain_text("Padaria Convida",
                                                             timeout=15_000)
    expect(guest.locator("#verify-banner")).to_have_count(0)  # the link confirmed the address
    # a revoked invitation's link stops working
    other = f"outro-{uuid.uuid4().hex[:8]}@exemplo.com.br"
    owner.fill("#field-email", other)
    owner.click("#invite-submit")
    row = owner.locator(".member-row", has_text=other)
    row.locator(".revoke-invite").click()
    owner.click("#confirm-revoke")
    expect(row).to_have_count(0, timeout=15_000)
    guest.goto(mail_link(other, "convidou"))
    expect(guest.locator("#invite-invalid")).to_be_visible(timeout=15_000)
    for p in (owner, guest):
        p.context.close()


def test_ending_a_session_takes_effect_on_its_open_page(browser: Browser, app_server, shot):
    laptop = _new_page(browser)
    email = signup(laptop, app_server, tenant="Loja Duas Sessões")
    phone = _new_page(browser)
    login(phone, app_server, email)
    laptop.goto(f"{app_server}/account")
    expect(laptop.locator(".session-row")).to_have_count(2, timeout=15_000)
    shot_path = "screenshots/account-sessions.png"
    laptop.screenshot(path=shot_path, full_page=True)
    laptop.locator(".session-row .end-session").click()
    expect(laptop.locator(".session-row")).to_have_count(1, timeout=15_000)
    # the phone's page is still open on its socket: its next action is refused
    phone.click("#nav-instances")
    phone.wait_for_url(LOGIN, timeout=15_000)
    for p in (laptop, phone):
        p.context.close()


def test_password_change_ends_the_other_sessions(browser: Browser, app_server):
    laptop = _new_page(browser)
    email = signup(laptop, app_server, tenant="Loja Troca Senha")
    phone = _new_page(browser)
    login(phone, app_server, email)
    laptop.goto(f"{app_server}/account")
    laptop.fill("#field-current_password", "errada-123")
    laptop.fill("#field-new_password", "Outra-senha-2026")
    laptop.fill("#field-new_password_again", "Outra-senha-2026")
    laptop.click("#password-submit")
    expect(laptop.locator("#error-current_password")).to_have_text("Senha atual incorreta.")
    before = {c["name"]: c["value"] for c in laptop.context.cookies()}["ylada_session"]
    laptop.fill("#field-current_password", PASSWORD)
    laptop.fill("#field-new_password", "Outra-senha-2026")
    laptop.fill("#field-new_password_again", "Outra-senha-2026")
    laptop.click("#password-submit")
    expect(laptop.get_by_text("Senha alterada")).to_be_visible(timeout=15_000)
    expect(laptop.locator(".session-row")).to_have_count(1, timeout=15_000)
    after = {c["name"]: c["value"] for c in laptop.context.cookies()}["ylada_session"]
    assert after != before  # this browser's session token was rotated too
    phone.click("#nav-flows")
    phone.wait_for_url(LOGIN, timeout=15_000)
    laptop.goto(f"{app_server}/dashboard")
    expect(laptop.locator("#dashboard-tenant")).to_be_visible(timeout=15_000)  # still in
    for p in (laptop, phone):
        p.context.close()


def test_two_step_verification_setup_and_login(page: Page, app_server, shot):
    email = signup(page, app_server, tenant="Loja Duas Etapas")
    page.goto(f"{app_server}/account")
    page.fill("#field-password", PASSWORD)
    page.click("#totp-start")
    expect(page.locator("#totp-qr")).to_be_visible(timeout=15_000)
    secret = page.locator("#totp-secret").inner_text().strip()
    shot("account-2fa-setup")
    page.fill("#field-code", "000000")
    page.click("#totp-confirm")
    expect(page.locator("#error-code")).to_contain_text("Código incorreto")
    page.fill("#field-code", pyotp.TOTP(secret).now())
    page.click("#totp-confirm")
    expect(page.locator("#recovery-codes code")).to_have_count(10, timeout=15_000)
    expect(page.locator("#totp-status")).to_have_text("Ativada")
    recovery = page.locator("#recovery-codes code").first.inner_text()
    shot("account-2fa-codes")
    page.click("#codes-saved")
    logout(page)
    open_public(page, f"{app_server}/login")
    page.fill("#field-email", email)
    page.fill("#field-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#code-submit")).to_be_visible(timeout=15_000)
    assert "ylada_session" not in {c["name"] for c in page.context.cookies()}  # not yet
    shot("login-2fa-step")
    page.fill("#field-code", "123456")
    page.click("#code-submit")
    expect(page.locator("#error-code")).to_be_visible()
    page.fill("#field-code", recovery)
    page.click("#code-submit")
    page.wait_for_url(DASHBOARD, timeout=30_000)
    expect(page.locator("#dashboard-tenant")).to_have_text("Loja Duas Etapas")


def test_lockout_attempt_does_not_keep_the_owner_out(browser: Browser, app_server):
    owner = _new_page(browser)
    email = signup(owner, app_server, tenant="Loja Alvo")  # this browser is now known
    logout(owner)
    attacker = _new_page(browser)
    open_public(attacker, f"{app_server}/login")
    for _ in range(7):
        attacker.fill("#field-email", email)
        attacker.fill("#field-password", "chute-errado-1")
        attacker.click("#login-submit")
        expect(attacker.locator("#login-submit")).to_be_enabled(timeout=15_000)
    expect(attacker.locator("#form-error")).to_contain_text("Muitas tentativas", timeout=15_000)
    # Same machine, same address: the owner's known browser still gets in at once.
    login(owner, app_server, email)
    expect(owner.locator("#dashboard-tenant")).to_have_text("Loja Alvo", timeout=15_000)
    for p in (owner, attacker):
        p.context.close()


def test_admin_actions_ask_first_and_land_in_the_audit_trail(page: Page, app_server, shot):
    open_public(page, f"{app_server}/login")
    page.fill("#field-email", DEMO_ADMIN_EMAIL)
    page.fill("#field-password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/admin/?$"), timeout=30_000)
    page.goto(f"{app_server}/admin/templates")
    row = page.locator(".admin-template-row", has_text="Delivery")
    row.locator(".deactivate-template").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("some do marketplace")
    page.click("#confirm-deactivate")
    expect(row).to_contain_text("Inativo", timeout=15_000)
    row.get_by_role("button", name="Ativar").click()
    expect(row).to_contain_text("Ativo", timeout=15_000)
    page.goto(f"{app_server}/admin/audit")
    expect(page.locator("#audit-table")).to_contain_text("Template desativado", timeout=15_000)
    expect(page.locator("#audit-table")).to_contain_text(DEMO_ADMIN_EMAIL)
    shot("admin-audit")
