"""The brand settings page's state: owners of a plan with white label only; each business
edits its own brand; the brand a page is drawn with comes from the browser's Origin (a
forged or unknown one draws the platform brand)."""

from __future__ import annotations

import uuid

from tests.factories import make_business_owner, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import Membership
from ylada_app.models.tenant import Role
from ylada_app.pages.brand import BrandSettingsState
from ylada_app.services import brand
from ylada_app.state.brand import BrandState


def test_owner_saves_own_brand_and_others_cannot(db):
    a = make_business_owner(db, tenant_name="Agência Um")
    b = make_business_owner(db, tenant_name="Agência Dois")
    page = _state(BrandSettingsState, a.token)
    _run(BrandSettingsState.load, page)
    assert page.owner and page.allowed and page.loaded
    _run(BrandSettingsState.set_field, page, "display_name", "Marca Um")
    _run(BrandSettingsState.set_field, page, "primary_color", "#ffff66")
    assert "4,5:1" in page.color_hint and page.preview_color == "#FFFF66"
    _run(BrandSettingsState.save, page)
    assert "primary_color" in page.errors
    assert brand.get_brand(db, tenant_id=a.tenant_id) is None
    _run(BrandSettingsState.set_field, page, "primary_color", "#0a5bd3")
    _run(BrandSettingsState.save, page)
    db.expire_all()
    assert brand.get_brand(db, tenant_id=a.tenant_id).display_name == "Marca Um"
    # B's page shows B's (empty) brand and saving writes only B's row
    other = _state(BrandSettingsState, b.token)
    _run(BrandSettingsState.load, other)
    assert other.form["display_name"] == ""
    _run(BrandSettingsState.set_field, other, "display_name", "Marca Dois")
    _run(BrandSettingsState.save, other)
    db.expire_all()
    assert brand.get_brand(db, tenant_id=a.tenant_id).display_name == "Marca Um"
    assert brand.get_brand(db, tenant_id=b.tenant_id).display_name == "Marca Dois"


def test_admins_of_the_business_and_plans_without_white_label_are_refused(db):
    from ylada_app.services import auth

    a = make_business_owner(db, tenant_name="Agência Três")
    user = auth.create_user(db, email=f"adm-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                            name="Admin", password="Senha-forte-123")
    db.add(Membership(user_id=user.id, tenant_id=a.tenant_id, role=Role.ADMIN))
    token = auth.open_session(db, user)
    db.commit()
    page = _state(BrandSettingsState, token)
    _run(BrandSettingsState.load, page)
    assert not page.owner
    _run(BrandSettingsState.set_field, page, "display_name", "Invasor")
    _run(BrandSettingsState.save, page)
    db.expire_all()
    assert brand.get_brand(db, tenant_id=a.tenant_id) is None
    free = make_owner(db, tenant_name="Loja Grátis")
    page = _state(BrandSettingsState, free.token)
    _run(BrandSettingsState.load, page)
    assert page.owner and not page.allowed


def _brand_state(origin: str, token: str = ""):
    state = _state(BrandState, token)
    from reflex.istate.data import RouterData

    state.router = RouterData.from_router_data({
        "headers": {"cookie": f"ylada_lang=pt-BR; ylada_session={token}", "origin": origin},
        "ip": "127.0.0.1", "pathname": "/login"})
    return state


def test_page_brand_comes_from_the_origin_and_forged_ones_get_the_platform(db):
    a = make_business_owner(db, tenant_name="Agência Quatro")
    slug = "q" + uuid.uuid4().hex[:8]
    brand.save_settings(db, tenant_id=a.tenant_id, data={"display_name": "Quatro",
                                                         "primary_color": "#0A5BD3"})
    brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=slug)
    db.commit()
    brand.forget_cache()
    state = _brand_state(f"http://{slug}.localhost:3000")
    _run(BrandState.load_brand, state)
    assert state.brand_custom and state.brand_name == "Quatro"
    assert state.login_title == "Entrar em Quatro" and "--accent-9:#0A5BD3" in state.brand_css
    for forged in ("http://evil.com", f"http://{slug}.localhost@evil.com", "null", ""):
        state = _brand_state(forged)
        _run(BrandState.load_brand, state)
        assert not state.brand_custom and state.brand_name == "ylada", forged
        assert state.brand_css == ""
    # on the platform's address, a logged-in member of the business sees its brand
    state = _brand_state("http://localhost:3000", a.token)
    _run(BrandState.load_brand, state)
    assert state.brand_name == "Quatro"


def test_smtp_form_keeps_the_password_hidden_and_tests_in_words(db, smtp_server):
    """The own-SMTP form: saved per business, the password never comes back to the page,
    "testar envio" answers in pt-BR (success through the business's server; B has none)."""
    a = make_business_owner(db, tenant_name="Agência SMTP A")
    b = make_business_owner(db, tenant_name="Agência SMTP B")
    brand.save_settings(db, tenant_id=a.tenant_id, data={"display_name": "Marca SMTP"})
    db.commit()
    page = _state(BrandSettingsState, a.token)
    _run(BrandSettingsState.load, page)
    assert page.smtp_enabled is False
    for name, value in (("smtp_host", "127.0.0.1"), ("smtp_port", str(smtp_server.port)),
                        ("smtp_from_email", "contato@agencia-a.com.br"),
                        ("smtp_password", "segredo-do-smtp")):
        _run(BrandSettingsState.set_smtp_field, page, name, value)
    _run(BrandSettingsState.save_smtp, page)
    assert page.errors == {} and page.smtp_enabled and page.smtp_has_password
    assert page.smtp_password == "" and "segredo-do-smtp" not in repr(page.dict())
    _run(BrandSettingsState.test_smtp, page)
    assert page.smtp_ok and page.smtp_result.startswith("Tudo certo")
    assert page.user_email in page.smtp_result
    smtp_server.wait_for(page.user_email, subject="Teste de envio de Marca SMTP")
    # B's page: nothing of A's server shows, and B's test says to save first
    other = _state(BrandSettingsState, b.token)
    _run(BrandSettingsState.load, other)
    assert other.smtp_enabled is False and other.smtp["smtp_host"] == ""
    _run(BrandSettingsState.test_smtp, other)
    assert not other.smtp_ok and other.smtp_result.startswith("Salve os dados")
    # a bad port is refused with its own message
    _run(BrandSettingsState.set_smtp_field, page, "smtp_port", "0")
    _run(BrandSettingsState.save_smtp, page)
    assert "smtp_port" in page.errors


def test_hidden_platform_name_changes_the_pages_words_and_title_script(db):
    """With "hide the ylada name", the words sent to the page name the brand instead (the
    brand settings' own labels excepted); without it, or on another address, they are the
    platform's again. The title script carries the brand's name and favicon."""
    from ylada_app.state.brand import initial_icon, title_script

    a = make_business_owner(db, tenant_name="Agência Cinco")
    slug = "c" + uuid.uuid4().hex[:8]
    brand.save_settings(db, tenant_id=a.tenant_id, data={
        "display_name": "Cinco Bots", "primary_color": "#0A5BD3", "hide_platform_name": "1"})
    brand.set_subdomain(db, tenant_id=a.tenant_id, subdomain=slug)
    db.commit()
    brand.forget_cache()
    state = _brand_state(f"http://{slug}.localhost:3000")
    _run(BrandState.load_brand, state)
    words = state.tr
    assert words["help.subtitle"] == "O guia do Cinco Bots, passo a passo."
    assert not [k for k, v in words.items() if "ylada" in v.lower()
                and not k.startswith("brand.")]
    assert "ylada" in words["brand.hide_platform"]  # the owner's setting still explains
    other = _brand_state("http://localhost:3000")
    _run(BrandState.load_brand, other)
    assert other.tr["help.subtitle"] == "O guia do ylada, passo a passo."
    script = title_script("Cinco Bots", initial_icon("Cinco Bots", "#0A5BD3"))
    assert '"n": "Cinco Bots"' in script and "data:image/svg+xml," in script
    assert "%230A5BD3" in script and ">C<" in initial_icon("cinco", "#0A5BD3").replace(
        "%3E", ">").replace("%3C", "<")
    assert title_script(None, "").endswith("(null)")
