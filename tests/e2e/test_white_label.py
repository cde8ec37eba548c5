"""White label in the browser: two businesses' addresses on loopback (`acme.localhost`,
`outra.localhost` — Chromium resolves *.localhost to 127.0.0.1) each show their own brand on
the login page and in the app shell; the platform address keeps the platform brand; with
"hide the ylada name" no text node of the page says ylada."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.conftest import SHOTS
from tests.e2e.helpers import DASHBOARD, PASSWORD, open_public
from tests.factories import make_owner
from ylada_app.models import Plan, Subscription
from ylada_app.services import brand

pytestmark = pytest.mark.e2e

TEXT_NODES_WITH_YLADA = """() => {
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const hits = [];
  while (w.nextNode()) {
    const v = w.currentNode.nodeValue; if (/ylada/i.test(v)) hits.push(v); }
  document.querySelectorAll('[alt],[title],[aria-label],[placeholder]').forEach(el => {
    ['alt','title','aria-label','placeholder'].forEach(a => {
      const v = el.getAttribute(a); if (v && /ylada/i.test(v)) hits.push(a + '=' + v); }); });
  return hits;
}"""


def _logo_png() -> bytes:
    img = Image.new("RGBA", (240, 80), (10, 91, 211, 255))
    for x in range(20, 60):
        for y in range(20, 60):
            img.putpixel((x, y), (255, 255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue() + b"<script>alert(1)</script>"  # appended junk: must not survive


def _agency(db, tenant: str, sub: str, data: dict, logo: bytes | None = None):
    owner = make_owner(db, tenant_name=tenant)
    plan = db.exec(select(Plan).where(Plan.code == "business")).one()
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="active"))
    db.flush()
    brand.save_settings(db, tenant_id=owner.tenant_id, data=data)
    brand.set_subdomain(db, tenant_id=owner.tenant_id, subdomain=sub)
    if logo:
        brand.set_logo(db, tenant_id=owner.tenant_id, data=logo)
    db.commit()
    return owner


def _host(base: str, sub: str) -> str:
    port = urlsplit(base).port
    return f"http://{sub}.localhost:{port}"


def _side_by_side(left: str, right: str, out: str) -> None:
    with Image.open(SHOTS / f"{left}.png") as a, Image.open(SHOTS / f"{right}.png") as b:
        canvas = Image.new("RGB", (a.width + b.width + 20, max(a.height, b.height)), "white")
        canvas.paste(a, (0, 0))
        canvas.paste(b, (a.width + 20, 0))
        canvas.save(SHOTS / f"{out}.png")


def test_each_address_shows_its_own_brand(page: Page, app_server, e2e_db, shot):
    acme = _agency(e2e_db, "Agência Acme", "acme", {
        "display_name": "Acme Bots", "primary_color": "#0A5BD3",
        "login_headline": "Atendimento automático da Acme", "hide_platform_name": "1",
        "support_email": "suporte@acme.com.br"}, logo=_logo_png())
    _agency(e2e_db, "Agência Outra", "outra", {
        "display_name": "Outra Agência", "primary_color": "#B42318"})

    acme_base, outra_base = _host(app_server, "acme"), _host(app_server, "outra")
    open_public(page, f"{acme_base}/login")
    expect(page.locator("#brand-name")).to_have_text("Acme Bots", timeout=15_000)
    expect(page.locator("#login-title")).to_have_text("Entrar em Acme Bots")
    expect(page.locator("#brand-headline")).to_have_text("Atendimento automático da Acme")
    logo = page.locator("#brand-logo")
    expect(logo).to_be_visible()
    page.wait_for_function("() => document.querySelector('#brand-logo').naturalWidth > 0")
    submit_bg = page.eval_on_selector("#login-submit",
                                      "el => getComputedStyle(el).backgroundColor")
    assert submit_bg == "rgb(10, 91, 211)"
    page.wait_for_function("() => !/ylada/i.test(document.title)")
    assert "Acme Bots" in page.title()
    assert page.evaluate(TEXT_NODES_WITH_YLADA) == []
    expect(page.locator("#powered-by")).to_have_count(0)
    favicon = page.eval_on_selector("link[rel~='icon']", "el => el.href")
    assert "/favicon-" in favicon
    shot("white-label-acme-login")

    open_public(page, f"{outra_base}/login")
    expect(page.locator("#brand-name")).to_have_text("Outra Agência", timeout=15_000)
    expect(page.locator("#login-title")).to_have_text("Entrar em Outra Agência")
    expect(page.locator("#brand-logo")).to_have_count(0)
    assert page.eval_on_selector("#login-submit",
                                 "el => getComputedStyle(el).backgroundColor") \
        == "rgb(180, 35, 24)"
    assert "Acme" not in page.locator("body").inner_text()
    # Outra did not hide the platform's name: a discreet credit stays
    expect(page.locator("#powered-by")).to_have_text("com tecnologia ylada")
    shot("white-label-outra-login")
    _side_by_side("white-label-acme-login", "white-label-outra-login",
                  "white-label-login-side-by-side")

    # the platform's own address and an unknown subdomain: the platform brand, nobody else's
    for base in (app_server, _host(app_server, "ninguem")):
        open_public(page, f"{base}/login")
        expect(page.locator("#brand-name")).to_have_text("ylada", timeout=15_000)
        assert "Acme" not in page.locator("body").inner_text()

    # the app shell on Acme's address, logged in as Acme's owner
    open_public(page, f"{acme_base}/login")
    page.fill("#field-email", acme.email)
    page.fill("#field-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(DASHBOARD, timeout=30_000)
    # in the menu the logo stands alone (the name is its alt text and the page title)
    expect(page.locator("#brand-logo")).to_have_attribute("alt", "Acme Bots", timeout=15_000)
    expect(page.locator("#brand-logo")).to_be_visible()
    page.wait_for_function("() => !/ylada/i.test(document.title)")
    assert page.evaluate(TEXT_NODES_WITH_YLADA) == []
    shot("white-label-acme-shell")
    page.goto(f"{acme_base}/settings/brand")
    expect(page.locator("#brand-preview")).to_be_visible(timeout=15_000)
    page.fill("#field-primary_color", "#FFFF66")
    expect(page.locator("#color-hint")).to_contain_text("clara demais", timeout=10_000)
    page.fill("#field-primary_color", "#6B21A8")
    page.fill("#field-display_name", "Acme Roxa")
    expect(page.locator("#preview-name")).to_have_text("Acme Roxa", timeout=10_000)
    assert page.eval_on_selector("#preview-button",
                                 "el => getComputedStyle(el).backgroundColor") \
        == "rgb(107, 33, 168)"
    shot("white-label-settings-preview")
    # the branded pages pass the same checks as every other page (axe, 404s, width)
    from axe_playwright_python.sync_playwright import Axe

    from tests.e2e.test_accessibility import _check

    axe = Axe()
    problems = [p for path in ("/settings/brand", "/dashboard")
                for p in _check(page, acme_base, path, axe)]
    assert problems == []
