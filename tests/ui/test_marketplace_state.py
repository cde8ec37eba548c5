"""Marketplace page states: the tenant comes from the session, never from the client. Forged
instance or install ids of another tenant change nothing; admin pages refuse tenants."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import make_instance, make_owner
from tests.ui.test_state_isolation import _run, _state
from ylada_app.models import AutomationTemplate, Flow, TenantTemplate
from ylada_app.pages.admin_templates import AdminTemplateEditState, AdminTemplatesState
from ylada_app.pages.marketplace import MarketplaceState
from ylada_app.pages.marketplace_template import TemplateState
from ylada_app.services import marketplace

SLUG = "delivery-cardapio"


def _template_state(monkeypatch, token: str) -> TemplateState:
    monkeypatch.setattr(TemplateState, "_slug", lambda self: SLUG)
    state = _state(TemplateState, token)
    _run(TemplateState.load, state)
    return state


def _flows(db, tenant_id):
    db.expire_all()
    return db.exec(select(Flow).where(Flow.tenant_id == tenant_id)).all()


def test_wizard_installs_on_own_instance_only(db, monkeypatch):
    a, b = make_owner(db, tenant_name="Empresa A"), make_owner(db, tenant_name="Empresa B")
    inst_a, inst_b = make_instance(db, a.tenant_id), make_instance(db, b.tenant_id)
    state = _template_state(monkeypatch, b.token)
    assert state.loaded and not state.missing
    assert [i["id"] for i in state.instance_options] == [str(inst_b.id)]
    # the try-it chat runs in memory with the example values
    _run(TemplateState.send, state, {"text": "oi"})
    assert "Lanchonete Exemplo" in state.chat[-1].text and state.chat[-1].options
    _run(TemplateState.start_wizard, state)
    # the wizard starts from the business's own name; another business's Pix key or site
    # are only shown as examples, while prices and times keep their defaults
    assert state.values["nome_restaurante"] == "Empresa B"
    assert state.values["chave_pix"] == state.values["cardapio_url"] == ""
    assert state.values["tempo_entrega"] == "40 a 60 minutos"
    _run(TemplateState.submit_params, state, {"nome_restaurante": "", "taxa_entrega": "x"})
    assert state.step == 1 and state.errors["nome_restaurante"] == "Campo obrigatório."
    _run(TemplateState.submit_params, state, {**state.values, "nome_restaurante": "Casa B",
                                              "taxa_entrega": "5",
                                              "chave_pix": "pix@casab.com.br"})
    assert state.step == 2
    # a forged instance id of tenant A is refused by the step...
    _run(TemplateState.submit_instance, state, {"instance_id": str(inst_a.id)})
    assert state.step == 2 and "instance_id" in state.errors
    # ...and by the service, if the client forges the state itself
    state.instance_id, state.step = str(inst_a.id), 4
    _run(TemplateState.activate, state)
    assert state.step == 2 and state.errors["instance_id"] == "Escolha uma das suas instâncias."
    assert _flows(db, a.tenant_id) == [] and _flows(db, b.tenant_id) == []
    _run(TemplateState.submit_instance, state, {"instance_id": str(inst_b.id)})
    _run(TemplateState.send, state, {"text": "cardápio"})
    assert "Casa B" in state.chat[-1].text
    _run(TemplateState.to_activate, state)
    _run(TemplateState.activate, state)
    assert state.step == 5 and state.installed_instance == str(inst_b.id)
    (flow,) = _flows(db, b.tenant_id)
    assert flow.instance_id == inst_b.id and flow.status == "active"


def test_upgrade_handler_with_another_tenants_install_changes_nothing(db, monkeypatch):
    a, b = make_owner(db), make_owner(db)
    inst_a = make_instance(db, a.tenant_id)
    tt = marketplace.install_template(db, tenant_id=a.tenant_id, slug=SLUG,
                                      instance_id=inst_a.id, values={})
    db.commit()
    state = _state(MarketplaceState, b.token)
    _run(MarketplaceState.load, state)
    assert state.installs == [] and len(state.cards) >= 5
    out = _run(MarketplaceState.upgrade, state, str(tt.id), True)
    assert "Não encontrado" in str(out)
    db.expire_all()
    assert db.get(TenantTemplate, tt.id).version == 1
    # filters are checked against the known values
    _run(MarketplaceState.set_niche_filter, state, "delivery")
    assert [c["slug"] for c in state.cards] == [SLUG]
    _run(MarketplaceState.set_niche_filter, state, "<script>")
    assert state.niche == "all" and len(state.cards) >= 5


def test_premium_template_wizard_is_refused_without_plan(db, monkeypatch):
    owner = make_owner(db)
    make_instance(db, owner.tenant_id)
    monkeypatch.setattr(TemplateState, "_slug", lambda self: "distribuidor-b2b")
    state = _state(TemplateState, owner.token)
    _run(TemplateState.load, state)
    assert state.info["locked"] == "1"
    _run(TemplateState.start_wizard, state)
    assert state.step == 0
    state.step, state.values, state.instance_id = 4, {}, state.instance_options[0]["id"]
    _run(TemplateState.activate, state)
    assert "premium" in state.errors["_"] and _flows(db, owner.tenant_id) == []


def test_admin_template_pages_refuse_tenants(db, monkeypatch):
    owner = make_owner(db)
    state = _state(AdminTemplatesState, owner.token)
    out = _run(AdminTemplatesState.load, state)
    assert "dashboard" in str(out) and state.rows == []
    tpl = db.exec(select(AutomationTemplate).where(AutomationTemplate.slug == SLUG)).one()
    _run(AdminTemplatesState.set_active, state, str(tpl.id), False)
    edit = _state(AdminTemplateEditState, owner.token)
    monkeypatch.setattr(AdminTemplateEditState, "_tid", lambda self: str(tpl.id))
    _run(AdminTemplateEditState.publish, edit, {"changelog": "x"})
    db.expire_all()
    tpl = db.get(AutomationTemplate, tpl.id)
    assert tpl.is_active and tpl.version == 1


def test_admin_creates_a_template_from_the_new_page(db, monkeypatch):
    import json
    import uuid

    from tests.factories import PASSWORD
    from ylada_app.services import auth

    admin = auth.create_user(db, email=f"adm-{uuid.uuid4().hex[:8]}@exemplo.com.br",
                             name="Admin", password=PASSWORD, is_platform_admin=True)
    token = auth.open_session(db, admin)
    db.commit()
    monkeypatch.setattr(AdminTemplateEditState, "_tid", lambda self: "new")
    state = _state(AdminTemplateEditState, token)
    _run(AdminTemplateEditState.load, state)
    assert state.loaded and state.fields["id"] == ""
    slug = f"novo-{uuid.uuid4().hex[:6]}"
    flow = {"version": 1, "nodes": [
        {"id": "s", "type": "start", "data": {"triggers": [
            {"type": "keyword", "keywords": ["promo"], "match": "exact"}]}},
        {"id": "m", "type": "message", "data": {"text": "Promoção da {{param.loja}}!"}}],
        "edges": [{"id": "e1", "source": "s", "target": "m"}]}
    form = {"slug": slug, "name": "Promoções", "description": "d", "category": "vendas",
            "niche": "ecommerce", "price": "0", "flow": json.dumps(flow),
            "parameters": "[]"}
    _run(AdminTemplateEditState.save, state, form)
    assert state.errors == {"flow": "O fluxo tem erros; corrija-os antes de publicar."}
    assert any("param.loja" in i for i in state.issues)
    form["parameters"] = json.dumps([{"key": "loja", "type": "text", "label": "Loja",
                                      "default": "Loja X"}])
    out = _run(AdminTemplateEditState.save, state, form)
    tpl = db.exec(select(AutomationTemplate).where(AutomationTemplate.slug == slug)).one()
    assert f"/admin/templates/{tpl.id}" in str(out) and tpl.version == 0
