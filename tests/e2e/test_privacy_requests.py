"""LGPD in the browser: a contact's page asks for an export (the download link appears when
the ZIP is built) and, after a confirmation that says what goes, an erasure; the business's
"Solicitações LGPD" page lists both with their deadlines — and screenshots to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.helpers import create_instance, signup
from ylada_app.models import Contact, Conversation, Message, Tenant, utcnow
from ylada_app.models.privacy import DataRequest

pytestmark = pytest.mark.e2e


def test_export_and_erase_from_the_contact_page(page: Page, app_server, e2e_db, shot):
    signup(page, app_server, tenant="Loja LGPD")
    iid = create_instance(page, app_server, "Vendas")
    tenant = e2e_db.exec(select(Tenant).where(Tenant.name == "Loja LGPD")).first()
    # (rows written directly: the services' caches follow the app's database, not this one)
    contact = Contact(tenant_id=tenant.id, instance_id=int(iid), wa_id="5511987650042",
                      name="Beatriz Lopes", tags=["vip"], fields={"cidade": "Recife"},
                      opted_in_at=utcnow(), opt_in_source="api")
    e2e_db.add(contact)
    e2e_db.flush()
    conv = Conversation(tenant_id=tenant.id, instance_id=int(iid), contact_id=contact.id)
    e2e_db.add(conv)
    e2e_db.flush()
    e2e_db.add(Message(tenant_id=tenant.id, instance_id=int(iid), conversation_id=conv.id,
                       direction="in", type="text", text="Quero saber do meu pedido",
                       status="processed", created_at=utcnow()))
    e2e_db.commit()
    page.goto(f"{app_server}/contacts/{contact.id}")
    expect(page.locator("#contact-name")).to_have_text("Beatriz Lopes", timeout=15_000)
    expect(page.locator("#privacy-empty")).to_be_visible(timeout=10_000)
    page.click("#privacy-export")
    expect(page.locator(".privacy-download")).to_be_visible(timeout=30_000)
    expect(page.locator("#privacy-table")).to_contain_text("Cópia dos dados")
    expect(page.locator("#privacy-table")).to_contain_text("Concluído")
    href = page.locator(".privacy-download").get_attribute("href")
    got = page.request.get(app_server + href)
    assert got.status == 200 and got.headers["content-type"] == "application/zip"
    shot("contact-lgpd")
    page.click("#privacy-erase")
    expect(page.get_by_role("alertdialog")).to_contain_text("irreversível")
    page.click("#privacy-erase-confirm")
    expect(page.locator("#privacy-erased")).to_be_visible(timeout=30_000)
    expect(page.locator("#contact-name")).not_to_have_text("Beatriz Lopes", timeout=15_000)
    expect(page.locator("#privacy-export")).to_have_count(0)
    assert page.request.get(app_server + href).status == 404  # the built export is gone
    shot("contact-lgpd-erased")
    # demo: two requests still open — one within its deadline, one past it
    for phone, name, days in (("11987650043", "Carlos Dias", 3), ("11987650044", "Dora Reis",
                                                                  17)):
        other = Contact(tenant_id=tenant.id, instance_id=int(iid), wa_id="55" + phone,
                        name=name)
        e2e_db.add(other)
        e2e_db.flush()
        at = utcnow() - timedelta(days=days)
        e2e_db.add(DataRequest(tenant_id=tenant.id, contact_id=other.id, kind="export",
                               source="whatsapp", created_at=at, due_at=at + timedelta(days=15)))
    e2e_db.commit()
    page.goto(f"{app_server}/privacy/requests")
    expect(page.locator(".privacy-request")).to_have_count(4, timeout=15_000)
    expect(page.locator(".privacy-request.open")).to_have_count(2)
    expect(page.locator("#privacy-requests")).to_contain_text("Atrasado")
    expect(page.locator("#privacy-open")).to_contain_text("2 pendente")
    expect(page.locator("#privacy-requests")).to_contain_text("Eliminação")
    expect(page.locator("#privacy-requests")).to_contain_text("Dora Reis")
    expect(page.locator("#privacy-requests")).to_contain_text("Contato apagado")
    shot("privacy-requests")
