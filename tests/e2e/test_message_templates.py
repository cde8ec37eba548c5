"""Message templates in the browser: a wrong name shows Meta's rule in pt-BR, a valid
template on a simulator number is approved at once and listed with its text; an image header
needs its example file (a field message says which types), then is approved too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e


def test_create_a_template(page: Page, app_server, shot):
    signup(page, app_server, tenant="Loja dos Modelos")
    iid = create_instance(page, app_server, "Vendas")
    page.goto(f"{app_server}/instances/{iid}/templates")
    expect(page.locator("#no-templates")).to_be_visible(timeout=15_000)
    page.fill("#field-name", "Pedido Enviado")
    page.fill("#field-body", "Olá {{1}}, seu pedido {{2}} saiu para entrega.")
    page.click("#create-template")
    expect(page.get_by_text("Use só letras minúsculas")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Dê um exemplo para cada variável (2)")).to_be_visible()
    page.fill("#field-name", "pedido_enviado")
    page.fill("#field-examples", "Ana\n#1234")
    page.fill("#field-footer", "Loja dos Modelos")
    page.fill("#field-quick", "Rastrear pedido")
    page.click("#create-template")
    row = page.locator(".template-row")
    expect(row).to_have_count(1, timeout=10_000)
    expect(row).to_contain_text("pedido_enviado")
    expect(row).to_contain_text("Aprovado")
    expect(row).to_contain_text("seu pedido {{2}} saiu")
    shot("message-templates")

    # an image header: without its example file the field says which types Meta takes
    page.fill("#field-name", "oferta_foto")
    page.fill("#field-body", "Veja a oferta da semana.")
    page.click("#field-header_kind")
    page.get_by_role("option", name="Imagem").click()
    page.click("#create-template")
    expect(page.get_by_text("Envie uma imagem de exemplo em JPEG ou PNG.")).to_be_visible(
        timeout=10_000)
    page.locator("#header-upload-image input[type=file]").set_input_files(files=[{
        "name": "oferta.png", "mimeType": "image/png",
        "buffer": b"\x89PNG\r\n\x1a\n" + b"0" * 64}])
    expect(page.locator("#header-file-name")).to_contain_text("oferta.png", timeout=10_000)
    page.click("#create-template")
    expect(row).to_have_count(2, timeout=10_000)
    expect(page.locator(".template-row", has_text="oferta_foto")).to_contain_text("Aprovado")
    expect(page.locator(".template-row", has_text="oferta_foto").locator(".template-media")
           ).to_have_text("Imagem")
    shot("message-templates-media")
