"""The "hide the ylada name" audit: a branded business (name hidden) reached on its own
verified custom domain — Chromium maps the domain to loopback with --host-resolver-rules —
and on every page its team and clients see, no visible text, title, favicon or description
says "ylada". Also: the branded password-reset e-mail (asked from the custom domain) and the
branded simulator, with screenshots of both."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlmodel import select

from tests.e2e.conftest import CHROMIUM, SHOTS
from tests.e2e.helpers import DASHBOARD, PASSWORD
from tests.e2e.test_white_label import TEXT_NODES_WITH_YLADA
from tests.factories import make_instance, make_owner
from ylada_app.models import Plan, Subscription
from ylada_app.services import brand

pytestmark = pytest.mark.e2e

DOMAIN = "bots.acme-auditoria.com.br"
HEAD_WITH_YLADA = """() => {
  const hits = [];
  if (/ylada/i.test(document.title)) hits.push('title=' + document.title);
  document.querySelectorAll("link[rel~='icon']").forEach(l => {
    const h = l.getAttribute('href') || '';
    if (/ylada/i.test(h) || !(h.includes('/favicon-') || h.startsWith('data:image/svg')))
      hits.push('icon=' + h); });
  if (!document.querySelector("link[rel~='icon']")) hits.push('no brand icon');
  document.querySelectorAll('meta[name=description],meta[property^="og:"]').forEach(m => {
    if (/ylada/i.test(m.content || '')) hits.push('meta=' + m.content); });
  return hits;
}"""
# What a business's team and its clients see (the owner sees them all); not the admin's.
PAGES = ("/dashboard", "/onboarding", "/inbox", "/contacts", "/flows", "/instances",
         "/instances/{iid}", "/instances/{iid}/simulator", "/analytics", "/broadcasts",
         "/ai", "/marketplace", "/team", "/billing", "/plans", "/usage", "/account",
         "/help", "/help/primeiros-passos", "/help/fluxos", "/settings/webhooks",
         "/settings/api")


def _logo() -> bytes:
    img = Image.new("RGBA", (200, 60), (107, 33, 168, 255))
    for x in range(10, 50):
        for y in range(10, 50):
            img.putpixel((x, y), (255, 255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _branded_business(db):
    owner = make_owner(db, tenant_name="Acme Auditoria")
    plan = db.exec(select(Plan).where(Plan.code == "business")).one()
    db.add(Subscription(tenant_id=owner.tenant_id, plan_id=plan.id, status="active"))
    db.flush()
    brand.save_settings(db, tenant_id=owner.tenant_id, data={
        "display_name": "Acme Atende", "primary_color": "#6B21A8", "hide_platform_name": "1",
        "login_headline": "Seu atendimento no WhatsApp", "support_email": "ajuda@acme.com.br"})
    brand.set_logo(db, tenant_id=owner.tenant_id, data=_logo())
    row = brand.request_custom_domain(db, tenant_id=owner.tenant_id, domain=DOMAIN)
    value = brand.txt_record(row)[1]
    brand.verify_custom_domain(db, tenant_id=owner.tenant_id, lookup=lambda _name: [value])
    db.commit()
    inst = make_instance(db, owner.tenant_id, name="Loja Acme")
    return owner, inst


@pytest.fixture
def custom_domain_page(browser_type):
    """A browser of its own that resolves the custom domain to this machine."""
    browser = browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic",
        f"--host-resolver-rules=MAP {DOMAIN} 127.0.0.1"])
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="pt-BR")
    page = context.new_page()
    yield page
    context.close()
    browser.close()


def _settled(page) -> None:
    """The page drew its brand (title script ran) and its content (no loading spinner)."""
    page.wait_for_function("() => window.__ylBrand && !/ylada/i.test(document.title)",
                           timeout=30_000)
    page.wait_for_function("() => !document.querySelector('.rt-Spinner')", timeout=20_000)
    page.wait_for_timeout(400)  # late text (lists loading) is part of what is checked


def test_no_page_of_a_branded_business_says_ylada(custom_domain_page, app_server, e2e_db):
    from tests.e2e import helpers

    page = custom_domain_page
    owner, inst = _branded_business(e2e_db)
    port = urlsplit(app_server).port
    base = f"http://{DOMAIN}:{port}"
    SHOTS.mkdir(exist_ok=True)
    found: dict[str, list[str]] = {}

    def audit(path: str) -> None:
        _settled(page)
        hits = page.evaluate(TEXT_NODES_WITH_YLADA) + page.evaluate(HEAD_WITH_YLADA)
        if hits:
            found[path] = hits

    for path in ("/login", "/forgot"):
        page.goto(base + path)
        audit(path)
    # the reset e-mail, asked from the custom domain: the brand's, and no ylada in it
    page.fill("#field-email", owner.email)
    page.click("#forgot-submit")
    expect(page.locator("#forgot-sent")).to_be_visible(timeout=15_000)
    mail = helpers.MAILBOX.wait_for(owner.email, subject="Redefinir")
    assert mail.subject == "Redefinir sua senha do Acme Atende"
    assert str(mail.message["Reply-To"]) == "ajuda@acme.com.br"
    assert str(mail.message["From"]).startswith("Acme Atende <")
    assert not re.search("ylada", mail.subject + mail.text + mail.html, re.I)
    assert f"{base}/reset-password?token=" in mail.text
    page.set_content(mail.html)
    page.wait_for_function("() => [...document.images].every(i => i.complete && "
                           "i.naturalWidth > 0)", timeout=15_000)
    page.screenshot(path=str(SHOTS / "white-label-email-reset.png"), full_page=True)

    page.goto(base + "/login")
    _settled(page)
    page.fill("#field-email", owner.email)
    page.fill("#field-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(DASHBOARD, timeout=30_000)
    for template in PAGES:
        path = template.format(iid=inst.id)
        page.goto(base + path)
        audit(path)
        if path.endswith("/simulator"):
            expect(page.locator("#sim-brand-name")).to_have_text(" · Acme Atende")
            expect(page.locator("#sim-brand-logo")).to_be_visible()
            assert page.eval_on_selector(
                "#sim-header", "el => getComputedStyle(el).backgroundColor") \
                == "rgb(107, 33, 168)"
            page.screenshot(path=str(SHOTS / "white-label-simulator.png"), full_page=True)
        if path == "/dashboard":
            page.screenshot(path=str(SHOTS / "white-label-hidden-dashboard.png"),
                            full_page=True)
    # a client-side navigation (no reload) keeps the brand's title too
    page.click("#nav-flows")
    page.wait_for_url(re.compile(r".*/flows/?$"), timeout=15_000)
    page.wait_for_timeout(800)
    assert not re.search("ylada", page.title(), re.I), page.title()
    assert "Acme Atende" in page.title()
    assert found == {}, f"pages that still say ylada: {found}"

    # the business's own sender, set up and tested from the brand page (the e2e SMTP server
    # stands in for the business's server; a loopback host is allowed outside production)
    page.goto(base + "/settings/brand")
    expect(page.locator("#smtp-status")).to_have_text(
        "Enviando pelo servidor padrão, com a sua marca", timeout=20_000)
    page.fill("#field-smtp_host", "127.0.0.1")
    page.fill("#field-smtp_port", str(helpers.MAILBOX.port))
    page.fill("#field-smtp_from_email", "contato@acme.com.br")
    page.fill("#field-smtp_password", "senha-do-smtp")
    page.click("#smtp-save")
    expect(page.locator("#smtp-status")).to_have_text("Enviando pelo seu servidor",
                                                      timeout=15_000)
    expect(page.locator("#field-smtp_password")).to_have_value("")  # never shown back
    expect(page.locator("#smtp-password-kept")).to_be_visible()
    page.click("#smtp-test")
    expect(page.locator("#smtp-result")).to_contain_text("Tudo certo", timeout=20_000)
    test_mail = helpers.MAILBOX.wait_for(owner.email, subject="Teste de envio de Acme Atende")
    assert str(test_mail.message["From"]) == "Acme Atende <contato@acme.com.br>"
    page.locator("#smtp-result").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "white-label-smtp-settings.png"))
