""""Treinar IA": upload a catalog (progress, items listed), a bad file is refused, edit and
search the knowledge, then ask in the test console and see the catalog price and the items
used. The app talks to the fake OpenAI server (AI_BASE_URL set by app_server)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup
from ylada_app.testing.retrieval_eval import EXAMPLES

pytestmark = pytest.mark.e2e


def test_upload_catalog_and_ask_in_the_console(page: Page, app_server, shot, tmp_path,
                                               fake_openai_server):
    signup(page, app_server, tenant="Mercadinho IA")
    create_instance(page, app_server, "Loja IA")
    page.click("#nav-ai")
    page.wait_for_url("**/ai")
    expect(page.locator("#kb-empty")).to_be_visible(timeout=20_000)
    # an empty list reached by the menu offers the niche's sample (no dead end)
    expect(page.locator("#kb-sample-catalog")).to_be_visible()

    bad = tmp_path / "quebrado.csv"
    bad.write_text("nome;preco\nArroz;10,00\n;5,00\nFeijão;barato\n", encoding="utf-8")
    page.set_input_files("#kb-upload input[type=file]", str(bad))
    expect(page.locator("#import-message")).to_contain_text("Nada foi importado",
                                                            timeout=20_000)
    expect(page.locator("#import-errors")).to_contain_text("Linha 4: preço inválido")
    expect(page.locator("#kb-empty")).to_be_visible()
    shot("ai-import-refused")

    page.set_input_files("#kb-upload input[type=file]", str(EXAMPLES / "catalogo.csv"))
    expect(page.locator("#import-message")).to_contain_text("48 itens importados",
                                                            timeout=30_000)
    expect(page.locator(".knowledge-row")).to_have_count(48)
    shot("ai-knowledge")

    page.fill("#kb-search", "coca cola")
    page.click("#kb-search-go")
    expect(page.locator(".knowledge-row").first).to_contain_text("Coca-Cola")
    page.locator(".knowledge-row").first.locator(".item-edit").click()
    expect(page.locator("#edit-card")).to_be_visible()
    page.fill("#edit-card #ai-body", "Refrigerante de cola 2 litros, gelado")
    page.click("#edit-save")
    expect(page.locator("#edit-card")).to_have_count(0)
    expect(page.locator(".knowledge-row").first).to_contain_text("gelado")
    shot("ai-search-edit")

    page.click("#tab-console")
    page.fill("#console-question", "quanto custa a coca cola 2 litros?")
    page.click("#console-ask")
    expect(page.locator("#console-answer")).to_contain_text("R$ 10,99", timeout=30_000)
    expect(page.locator("#console-items .used-item").first).to_contain_text("Coca-Cola")
    expect(page.locator("#ai-usage")).not_to_contain_text("0 /")
    expect(page.locator(".ai-log-row")).to_have_count(1)
    shot("ai-console")

    # The endpoint goes down: a polite answer, and the tenant sees why.
    fake_openai_server.down = True
    try:
        page.fill("#console-question", "tem sabão em pó?")
        page.click("#console-ask")
        # (in words: "o provedor do modelo está com problemas", never the code http_503)
        expect(page.locator("#console-error")).to_contain_text("está com problemas",
                                                               timeout=30_000)
        expect(page.locator("#console-error")).not_to_contain_text("http_503")
        expect(page.locator("#console-answer")).to_contain_text("atendente")
        expect(page.locator("#ai-last-error")).to_contain_text("está com problemas")
        shot("ai-console-endpoint-down")
    finally:
        fake_openai_server.down = False

    page.click("#tab-settings")
    expect(page.locator("#ai-system_prompt")).not_to_be_empty()
    page.fill("#ai-hours", "seg a sáb, 8h às 18h")
    page.click("#ai-fallback_enabled")
    page.click("#ai-save-settings")
    expect(page.locator("#ai-fallback_enabled")).to_have_attribute("data-state", "checked")
    shot("ai-settings")

    # The AI fallback answers in the simulator (a new instance has no flow at all).
    page.goto(page.url.replace("/ai", "/instances"))
    page.locator(".instance-row a", has_text="Loja IA").first.click()
    page.click("#simulator-link")
    page.wait_for_url("**/simulator")
    page.fill("#sim-input", "vocês têm guaraná de 2 litros?")
    page.click("#sim-send")
    expect(page.locator(".sim-out").last).to_contain_text("R$ 8,99", timeout=30_000)
    shot("ai-simulator-fallback")
