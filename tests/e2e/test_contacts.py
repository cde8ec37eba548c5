"""Contacts in the browser: import (a bad file refused with every row's problem, then a good
one), filters, a contact's page (edit, note) — and screenshots for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e

BAD = ("telefone;nome;tags\n11987654321;Ana;vip\nnão é telefone;Bruno;\n;Sem número;\n"
       .encode())
GOOD = ("Telefone;Nome;Tags;Cidade\n(11) 98765-4321;Ana Souza;vip, atacado;São Paulo\n"
        "21 99999-8888;Bruno Lima;;Rio de Janeiro\n+55 31 3333-4444;Padaria Sol;b2b;BH\n"
        .encode())


def _upload(page: Page, name: str, data: bytes) -> None:
    page.click("#open-import")
    page.locator("#contacts-upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


def test_import_filter_and_edit_contacts(page: Page, app_server, shot):
    signup(page, app_server, tenant="Loja Contatos")
    create_instance(page, app_server, "Vendas")
    page.goto(f"{app_server}/contacts")
    expect(page.locator("#contacts-total")).to_contain_text("0", timeout=15_000)
    _upload(page, "ruim.csv", BAD)
    expect(page.locator("#import-message")).to_contain_text("Nada foi importado",
                                                            timeout=15_000)
    expect(page.locator("#import-errors")).to_contain_text("Linha 3: telefone inválido")
    expect(page.locator("#import-errors")).to_contain_text("Linha 4: telefone vazio")
    shot("contacts-import-errors")
    page.keyboard.press("Escape")
    expect(page.locator(".contact-row")).to_have_count(0)
    _upload(page, "contatos.csv", GOOD)
    expect(page.locator("#import-message")).to_contain_text("3 novos", timeout=15_000)
    page.keyboard.press("Escape")
    expect(page.locator(".contact-row")).to_have_count(3)
    expect(page.locator("#contacts-table")).to_contain_text("+55 11 98765-4321")
    shot("contacts")
    page.fill("#contacts-search", "bruno")
    page.click("#contacts-apply")
    expect(page.locator(".contact-row")).to_have_count(1, timeout=10_000)
    page.fill("#contacts-search", "")
    page.fill("#filter-field", "cidade")
    page.fill("#filter-value", "BH")
    page.click("#contacts-apply")
    expect(page.locator(".contact-row")).to_have_count(1, timeout=10_000)
    expect(page.locator(".contact-row")).to_contain_text("Padaria Sol")
    page.fill("#filter-field", "nome com espaço")
    page.click("#contacts-apply")
    expect(page.locator("#error-field")).to_contain_text("Nome de dado inválido")
    page.fill("#filter-field", "")
    page.fill("#filter-value", "")
    page.click("#contacts-apply")
    page.get_by_role("link", name="Ana Souza").click()
    expect(page.locator("#contact-name")).to_have_text("Ana Souza", timeout=15_000)
    page.fill("#field-tags", "vip, atacado, revenda")
    page.click("#save-contact")
    expect(page.get_by_text("Alterações salvas.")).to_be_visible(timeout=10_000)
    page.fill("#note-input", "Prefere contato à tarde")
    page.click("#add-note")
    expect(page.locator(".contact-note")).to_contain_text("à tarde", timeout=10_000)
    shot("contact")
    page.goto(f"{app_server}/contacts")
    expect(page.locator("#contacts-table")).to_contain_text("revenda", timeout=15_000)
