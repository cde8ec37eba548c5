"""Connecting WhatsApp the guided way: "Continuar com o Facebook" opens Meta's popup (a stub of
the JS SDK here, injected before the page loads), the server finishes the signup against the
fake Graph API and the page shows each step; a forged popup message from another origin is
ignored; the number's health page shows what Meta says and re-checks on demand."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_instance, signup

pytestmark = pytest.mark.e2e
TOKEN = "EAAG" + "s" * 60

SDK_STUB = """
window.FB = {
  init() {},
  login(callback, options) {
    window.__fbLoginOptions = options;
    setTimeout(() => {
      window.dispatchEvent(new MessageEvent("message", {
        origin: "%(origin)s",
        data: JSON.stringify({type: "WA_EMBEDDED_SIGNUP", event: "FINISH",
                              data: {phone_number_id: "%(pnid)s", waba_id: "%(waba)s"}})}));
      callback({authResponse: {code: "%(code)s"}});
    }, 50);
  },
};
"""


def _stub(page: Page, *, code: str, waba: str, pnid: str,
          origin: str = "https://www.facebook.com") -> None:
    page.add_init_script(SDK_STUB % {"code": code, "waba": waba, "pnid": pnid,
                                     "origin": origin})


def test_continue_with_facebook_connects_and_shows_each_step(page: Page, app_server,
                                                             fake_graph, shot):
    fake_graph.down = False
    fake_graph.add_signup("es-code-ok", waba_id="910001", phone_number_id="810001",
                          token=TOKEN, display_phone_number="+55 11 97777-0001",
                          verified_name="Padaria Facebook")
    _stub(page, code="es-code-ok", waba="910001", pnid="810001")
    signup(page, app_server, tenant="Padaria Facebook")
    iid = create_instance(page, app_server, "WhatsApp principal", channel="whatsapp_cloud")
    expect(page.locator("#es-card")).to_be_visible(timeout=15_000)
    shot("connect-embedded-before")
    page.click("#es-start")
    expect(page.locator("#es-steps .es-ok")).to_have_count(4, timeout=20_000)
    expect(page.locator("#es-pin")).to_be_visible()
    expect(page.locator("#connect-success")).to_contain_text("+55 11 97777-0001")
    assert page.evaluate("window.__fbLoginOptions.config_id") == "e2e-config"
    assert "910001" in fake_graph.subscribed and "810001" in fake_graph.registered
    shot("connect-embedded-done")

    page.click("#health-link")
    page.wait_for_url(f"**/instances/{iid}/health")
    expect(page.locator(".health-row")).to_have_count(6, timeout=15_000)
    expect(page.locator(".health-row", has_text="Qualidade")).to_contain_text("verde")
    fake_graph.quality["810001"] = "YELLOW"
    page.click("#health-check")
    expect(page.locator(".health-row", has_text="Qualidade")).to_contain_text("amarela",
                                                                           timeout=15_000)
    shot("number-health")


def test_a_popup_message_from_another_origin_is_ignored(page: Page, app_server, fake_graph):
    fake_graph.down = False
    fake_graph.add_signup("es-code-forged", waba_id="910002", phone_number_id="810002",
                          token=TOKEN)
    _stub(page, code="es-code-forged", waba="910002", pnid="810002",
          origin="https://evil.example")
    signup(page, app_server, tenant="Loja Desconfiada")
    create_instance(page, app_server, "WhatsApp", channel="whatsapp_cloud")
    page.click("#es-start")
    expect(page.locator("#es-error")).to_contain_text("não informou a conta", timeout=20_000)
    assert "910002" not in fake_graph.subscribed
