"""The team's inbox in two browsers: a customer (the simulator) asks for a person, an agent
sees it live, answers through the pipeline, and hands the conversation back to the bot."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from tests.e2e import helpers
from tests.e2e.helpers import PASSWORD, create_instance, login, signup
from ylada_app.models import Membership, User
from ylada_app.models.tenant import Role
from ylada_app.services import auth, flows

pytestmark = pytest.mark.e2e
MENU = (Path(__file__).resolve().parents[2] / "ylada_app/engine/examples/menu.json").read_text()


def _new_page(browser: Browser, width: int = 1280):
    return browser.new_context(viewport={"width": width, "height": 860},
                               locale="pt-BR").new_page()


def _prepare(e2e_db, owner_email: str, instance_id: str) -> str:
    """The menu flow on the instance, and a second member (the agent). Returns its e-mail."""
    owner = e2e_db.exec(select(User).where(User.email == owner_email)).one()
    tenant_id = e2e_db.exec(select(Membership.tenant_id)
                            .where(Membership.user_id == owner.id)).first()
    flows.import_flow(e2e_db, tenant_id=tenant_id, instance_id=instance_id, name="Menu",
                      raw_json=MENU, activate=True)
    agent_email = f"agente-{uuid.uuid4().hex[:8]}@exemplo.com.br"
    agent = auth.create_user(e2e_db, email=agent_email, name="Ana Atendente",
                             password=PASSWORD)
    e2e_db.add(Membership(user_id=agent.id, tenant_id=tenant_id, role=Role.AGENT))
    e2e_db.commit()
    return agent_email


def test_customer_asks_for_a_person_and_the_agent_answers_live(browser: Browser, app_server,
                                                               e2e_db):
    customer = _new_page(browser)
    owner_email = signup(customer, app_server, tenant="Loja Atendimento")
    iid = create_instance(customer, app_server, "Simulador Loja")
    agent_email = _prepare(e2e_db, owner_email, iid)

    agent = _new_page(browser, width=1440)
    login(agent, app_server, agent_email)
    agent.goto(f"{app_server}/inbox")
    expect(agent.locator("#inbox-empty")).to_be_visible(timeout=15_000)

    customer.goto(f"{app_server}/instances/{iid}/simulator")
    customer.fill("#sim-input", "oi")
    customer.click("#sim-send")
    customer.locator(".sim-option", has_text="Falar com atendente").last.click(timeout=20_000)
    expect(customer.locator(".sim-out").last).to_contain_text("equipe", timeout=20_000)
    handed_at = time.monotonic()
    # without a reload, within 2 seconds
    row = agent.locator(".inbox-row").first
    expect(row).to_be_visible(timeout=2_000)
    assert time.monotonic() - handed_at <= 2.5
    expect(agent.locator("#tab-open .tab-count")).to_have_text("1")
    expect(agent.locator("#bell-count")).to_have_text("1", timeout=2_000)  # the bell, live
    mail = helpers.MAILBOX.wait_for(agent_email, subject="pediu atendimento humano")
    assert "/inbox?c=" in mail.links()[0]  # and an e-mail to the agent
    row.click()
    expect(agent.locator("#conv-timeline")).to_contain_text("Falar com atendente")
    expect(agent.locator(".inbox-system").first).to_contain_text("atendimento humano")
    agent.fill("#composer", "Oi! Aqui é a Ana 😊 Como posso ajudar?")
    agent.click("#send")
    expect(agent.locator(".msg-agent").last).to_contain_text("Aqui é a Ana")
    expect(agent.locator(".msg-agent .tick-sent").last).to_be_visible(timeout=10_000)
    # the customer sees the reply without doing anything
    expect(customer.locator(".sim-out").last).to_contain_text("Aqui é a Ana", timeout=10_000)
    customer.fill("#sim-input", "quero trocar um produto")
    customer.click("#sim-send")
    expect(agent.locator("#conv-timeline")).to_contain_text("trocar um produto",
                                                            timeout=5_000)
    agent.click("#mode-note")
    agent.fill("#composer", "Cliente pediu troca — ver política")
    agent.click("#send")
    expect(agent.locator(".inbox-note")).to_contain_text("ver política")
    agent.screenshot(path="screenshots/inbox-conversation.png", full_page=True)
    # a note never reaches the customer
    customer.wait_for_timeout(800)
    expect(customer.locator("#sim-messages")).not_to_contain_text("ver política")

    agent.click("#bell")
    expect(agent.locator(".bell-item").first).to_contain_text("pediu atendimento humano")
    agent.wait_for_timeout(400)  # the popover fades in
    agent.screenshot(path="screenshots/inbox-bell.png")
    agent.locator(".bell-item").first.click()  # opens the conversation it is about
    expect(agent.locator("#bell-count")).to_have_count(0, timeout=10_000)
    expect(agent.locator("#conv-name")).to_have_text("Maria", timeout=15_000)
    agent.click("#to-bot")
    agent.click("#to-bot-resume")
    expect(agent.locator(".inbox-system").last).to_contain_text("Devolvida ao bot",
                                                                timeout=10_000)
    customer.fill("#sim-input", "oi")
    customer.click("#sim-send")
    expect(customer.locator(".sim-option", has_text="Ver catálogo").last).to_be_visible(
        timeout=20_000)
    agent.click("#tab-bot")
    expect(agent.locator(".inbox-row")).to_have_count(1, timeout=10_000)
    agent.screenshot(path="screenshots/inbox-bot-tab.png", full_page=True)
    # the contact's page shows the same conversation, notes apart
    agent.goto(f"{app_server}/contacts")
    agent.get_by_role("link", name="Maria").first.click()
    expect(agent.locator("#contact-name")).to_have_text("Maria", timeout=15_000)
    timeline = agent.locator("#contact-timeline")
    expect(timeline).to_contain_text("Aqui é a Ana", timeout=10_000)
    expect(timeline.locator(".inbox-note")).to_contain_text("ver política")
    expect(timeline.locator(".inbox-system").first).to_contain_text("atendimento humano")
    agent.screenshot(path="screenshots/contact-timeline.png", full_page=True)
    for p in (customer, agent):
        p.context.close()


def test_quick_replies_files_by_link_and_tags(browser: Browser, app_server, e2e_db):
    customer = _new_page(browser)
    owner_email = signup(customer, app_server, tenant="Loja Respostas")
    iid = create_instance(customer, app_server, "Simulador Respostas")
    agent_email = _prepare(e2e_db, owner_email, iid)
    customer.goto(f"{app_server}/instances/{iid}/simulator")
    customer.fill("#sim-input", "oi")
    customer.click("#sim-send")
    customer.locator(".sim-option", has_text="Falar com atendente").last.click(timeout=20_000)
    agent = _new_page(browser, width=1440)
    login(agent, app_server, agent_email)
    agent.goto(f"{app_server}/inbox")
    agent.locator(".inbox-row").first.click(timeout=15_000)
    # a saved answer, used with /shortcut
    agent.click("#open-quick")
    agent.fill("#quick-shortcut", "Horário Comercial")  # refused: spaces and capitals
    agent.fill("#quick-text", "Abrimos de segunda a sábado, das 8h às 18h.")
    agent.click("#quick-save")
    expect(agent.get_by_text("Atalho: até 30 letras minúsculas")).to_be_visible()
    agent.fill("#quick-shortcut", "horario")
    agent.fill("#quick-text", "Abrimos de segunda a sábado, das 8h às 18h.")
    agent.click("#quick-save")
    expect(agent.locator(".quick-row")).to_have_count(1, timeout=10_000)
    agent.keyboard.press("Escape")
    expect(agent.get_by_role("dialog")).to_have_count(0)
    agent.click("#composer")
    agent.keyboard.type("/hor", delay=50)
    agent.locator(".quick-suggestion").first.click(timeout=10_000)
    expect(agent.locator("#composer")).to_have_value("Abrimos de segunda a sábado, das 8h às 18h.")
    agent.click("#send")
    expect(customer.locator(".sim-out").last).to_contain_text("das 8h às 18h", timeout=10_000)
    # a file by its link
    agent.click("#attach")
    agent.fill("#attach-url", "http://inseguro.exemplo/catalogo.pdf")
    agent.click("#attach-send")
    expect(agent.locator("#composer-error")).to_contain_text("https")
    agent.click("#attach")
    agent.fill("#attach-url", "https://loja.exemplo.com.br/catalogo.pdf")
    agent.click("#attach-send")
    expect(customer.locator(".sim-media-document").last).to_contain_text("catalogo.pdf",
                                                                         timeout=10_000)
    # tags of the contact, from the conversation
    agent.fill("#add-tag", "troca")
    agent.keyboard.press("Enter")
    expect(agent.locator(".conv-tag")).to_contain_text("troca", timeout=10_000)
    agent.screenshot(path="screenshots/inbox-quick-replies.png", full_page=True)
    for p in (customer, agent):
        p.context.close()


def test_on_a_phone_the_inbox_shows_the_list_or_the_conversation(browser: Browser, app_server,
                                                                  e2e_db, e2e_database_url,
                                                                  monkeypatch):
    """At 390 px the conversation once sat squeezed beside the list, out of sight. Now the
    list, then the conversation full width with a way back; a reply the owner wrote in the
    WhatsApp Business app (coexistence) shows as such, with the bot paused."""
    from ylada_app.channels.whatsapp_cloud import samples
    from ylada_app.channels.whatsapp_cloud.events import AppEcho
    from ylada_app.core.settings import reset_settings_cache
    from ylada_app.models import Contact
    from ylada_app.services import coexistence

    customer = _new_page(browser)
    owner_email = signup(customer, app_server, tenant="Loja no Celular")
    iid = create_instance(customer, app_server, "Simulador Celular")
    _prepare(e2e_db, owner_email, iid)
    customer.goto(f"{app_server}/instances/{iid}/simulator")
    customer.fill("#sim-input", "oi")
    customer.click("#sim-send")
    expect(customer.locator(".sim-option", has_text="Ver catálogo").last).to_be_visible(
        timeout=20_000)
    e2e_db.expire_all()
    contact = e2e_db.exec(select(Contact).where(Contact.instance_id == int(iid))).one()
    # (the service writes through its own sessions: pointed at the app's database here)
    monkeypatch.setenv("DATABASE_URL", e2e_database_url)
    reset_settings_cache()
    try:
        coexistence.apply_echoes(tenant_id=contact.tenant_id, instance_id=int(iid), echoes=[
            AppEcho("", samples.new_wamid(), contact.wa_id, int(time.time()), "text",
                    text="Oi! Respondi pelo celular 📱")])
    finally:
        monkeypatch.undo()
        reset_settings_cache()

    phone = _new_page(browser, width=390)
    login(phone, app_server, owner_email)
    phone.goto(f"{app_server}/inbox")
    row = phone.locator(".inbox-row").first
    expect(row).to_be_visible(timeout=15_000)
    expect(row).to_contain_text("Pelo app: Oi! Respondi")
    expect(phone.locator("#conv-back")).to_be_hidden()
    row.click()
    timeline = phone.locator("#conv-timeline")
    expect(timeline).to_be_visible(timeout=10_000)
    expect(phone.locator(".inbox-row").first).to_be_hidden()
    expect(phone.locator(".msg-app")).to_contain_text("Pelo app WhatsApp Business")
    expect(phone.locator(".msg-app")).to_contain_text("Respondi pelo celular")
    expect(timeline.locator(".inbox-system").last).to_contain_text("o bot pausou")
    box = timeline.bounding_box()
    assert box and box["width"] >= 300  # the whole width, not a sliver beside the list
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path="screenshots/inbox-phone-conversation.png", full_page=True)
    phone.click("#conv-back")
    expect(phone.locator(".inbox-row").first).to_be_visible()
    expect(timeline).to_be_hidden()
    for p in (customer, phone):
        p.context.close()
