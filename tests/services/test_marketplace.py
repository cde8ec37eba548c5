"""Marketplace service: listing, installing (parameters, premium rule, isolation), upgrades,
admin-only operations and usage stats."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlmodel import select

from tests.factories import make_admin, make_instance, make_owner
from ylada_app.engine import validate_flow
from ylada_app.models import (
    AnalyticsEvent,
    AutomationTemplate,
    Flow,
    FlowVersion,
    Plan,
    Subscription,
    TenantTemplate,
)
from ylada_app.services import auth, flows, marketplace
from ylada_app.services.errors import Conflict, FieldErrors, Forbidden, NotFound
from ylada_app.services.template_params import apply_params, flow_hash, parse_money

FREE = "delivery-cardapio"
PREMIUM = "distribuidor-b2b"
DELIVERY_VALUES = {"nome_restaurante": "Pizzaria da Nona", "taxa_entrega": "7,50",
                   "tempo_entrega": "30 a 45 minutos",
                   "horario_funcionamento": "todos os dias, das 18h às 23h",
                   "chave_pix": "nona@pix.com.br", "cardapio_url": "https://nona.com.br/menu"}


def _counts(db, tenant_id):
    db.expire_all()
    return (len(db.exec(select(Flow).where(Flow.tenant_id == tenant_id)).all()),
            len(db.exec(select(TenantTemplate).where(TenantTemplate.tenant_id == tenant_id)).all()))


def _pro(db, tenant_id):
    pro = db.exec(select(Plan).where(Plan.code == "pro")).one()
    db.add(Subscription(tenant_id=tenant_id, plan_id=pro.id, status="active"))
    db.commit()


def _minimal_flow(text="Olá de {{param.loja}}!"):
    return {"version": 1, "nodes": [
        {"id": "s", "type": "start", "data": {"triggers": [
            {"type": "keyword", "keywords": ["teste"], "match": "exact"}]}},
        {"id": "m", "type": "message", "data": {"text": text}}],
        "edges": [{"id": "e1", "source": "s", "target": "m"}]}


def _admin_template(db, admin, **kw):
    slug = kw.pop("slug", f"tpl-{uuid.uuid4().hex[:8]}")
    params = kw.pop("parameters", [{"key": "loja", "type": "text", "label": "Loja",
                                     "default": "Loja X", "required": True}])
    t = marketplace.admin_save_template(
        db, admin, slug=slug, name=kw.pop("name", "Template de teste"), description="d",
        category="vendas", niche="ecommerce", price=kw.pop("price", "0"),
        is_premium=kw.pop("is_premium", False), flow=json.dumps(kw.pop("flow", _minimal_flow())),
        parameters=json.dumps(params))
    marketplace.admin_publish(db, admin, template_id=t.id, changelog="primeira")
    db.commit()
    return t


# --- seed and catalogue ----------------------------------------------------------------------


def test_five_templates_are_seeded_idempotently_and_valid(db):
    slugs = {t.slug for t in db.exec(select(AutomationTemplate)).all()}
    assert {"distribuidor-b2b", "ecommerce-loja", "servicos-agendamento", "educacao-matriculas",
            "delivery-cardapio"} <= slugs
    assert marketplace.seed_templates(db) == 0
    for data in marketplace.packaged_templates():
        assert marketplace.check_template(data["flow"], data["parameters"]) == []
        t = db.exec(select(AutomationTemplate).where(AutomationTemplate.slug == data["slug"])).one()
        assert t.version >= 1 and t.preview.startswith("[Início]")


def test_list_filters_and_search(db):
    owner = make_owner(db)
    all_cards = marketplace.list_templates(db, tenant_id=owner.tenant_id)
    assert len(all_cards) >= 5
    delivery = marketplace.list_templates(db, tenant_id=owner.tenant_id, niche="delivery")
    assert [c.slug for c in delivery] == [FREE]
    paid = marketplace.list_templates(db, tenant_id=owner.tenant_id, price="paid")
    assert paid and all(c.is_premium and c.locked for c in paid)
    free = marketplace.list_templates(db, tenant_id=owner.tenant_id, price="free")
    assert free and not any(c.is_premium or c.locked for c in free)
    found = marketplace.list_templates(db, tenant_id=owner.tenant_id, search="matrícula")
    assert [c.slug for c in found] == ["educacao-matriculas"]
    sched = marketplace.list_templates(db, tenant_id=owner.tenant_id, category="agendamento")
    assert [c.slug for c in sched] == ["servicos-agendamento"]


def test_detail_has_parameters_and_a_readable_outline(db):
    owner = make_owner(db)
    d = marketplace.template_detail(db, tenant_id=owner.tenant_id, slug="ecommerce-loja")
    assert any(p["key"] == "api_url" and p["type"] == "url" for p in d.parameters)
    kinds = {line["kind"] for line in d.outline}
    assert {"start", "message", "question", "http_request", "condition", "handoff"} <= kinds
    with pytest.raises(NotFound):
        marketplace.template_detail(db, tenant_id=owner.tenant_id, slug="nao-existe")


@pytest.mark.parametrize("name", [t["slug"] for t in marketplace.packaged_templates()])
def test_every_outline_speaks_in_sentences_not_engine_terms(name):
    """What a business owner reads before installing: no variables, operators or kinds."""
    from ylada_app.services.template_params import apply_params, default_values
    from ylada_app.services.template_preview import outline

    data = next(t for t in marketplace.packaged_templates() if t["slug"] == name)
    lines = outline(apply_params(data["flow"], default_values(data["parameters"])))
    text = "\n".join(f"{line['label']} {line['text']}" for line in lines)
    for jargon in ("vars.", "contact.", "{{", "is_set", "regex", "equals", "set_variable",
                   "http_request", "GET ", "POST ", " = ", "reminder", "template"):
        assert jargon not in text, (jargon, text[:2000])
    # a variable's name is read with its accents ("endereco" was shown as written)
    for bare in ("endereco", "numero", "opcao", "horario", "servico", "preco"):
        assert f"“{bare}" not in text and f"[{bare}" not in text, (bare, text[:2000])
    from ylada_app.engine.schema import NODE_KINDS

    # every block is named in words and says what it does (a kind without a label showed
    # its internal name)
    assert all(line["label"] not in NODE_KINDS for line in lines), text[:2000]



@pytest.mark.parametrize("name", [t["slug"] for t in marketplace.packaged_templates()])
def test_every_outline_reads_in_english_on_an_english_page(name):
    """The flow's own texts stay as the template wrote them; the words around them and the
    blocks' names follow the page's language (they were pt-BR on an English page)."""
    from ylada_app.services.template_params import apply_params, default_values
    from ylada_app.services.template_preview import outline

    data = next(t for t in marketplace.packaged_templates() if t["slug"] == name)
    flow = apply_params(data["flow"], default_values(data["parameters"]))
    pt, en = outline(flow), outline(flow, "en")
    assert [line["kind"] for line in pt] == [line["kind"] for line in en]
    text = "\n".join(f"{line['label']} {line['text']}" for line in en)
    for jargon in ("vars.", "contact.", "{{", "is_set", "regex", "equals", "set_variable",
                   "http_request", " = "):
        assert jargon not in text, (jargon, text[:2000])
    import re

    outside_quotes = re.sub(r"“[^”]*”|\[[^\]]*\]", "", text)
    for portuguese in ("Envia:", "Pergunta:", "Começa quando", "Segue por", "com os botões",
                       "com a lista", "guarda a resposta", "Passa a conversa para",
                       "Encerra a conversa"):
        assert portuguese not in outside_quotes, (portuguese, outside_quotes[:2000])
    from ylada_app.services.template_preview import KIND_LABELS

    assert {line["label"] for line in en} <= {words[1] for words in KIND_LABELS.values()}


# --- install ----------------------------------------------------------------------------------


def test_install_creates_an_independent_active_flow_with_parameters(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    tt = marketplace.install_template(db, tenant_id=owner.tenant_id, slug=FREE,
                                      instance_id=inst.id, values=DELIVERY_VALUES)
    db.commit()
    flow = db.get(Flow, tt.flow_id)
    assert flow.status == "active" and flow.instance_id == inst.id
    text = json.dumps(flow.draft, ensure_ascii=False)
    assert "Pizzaria da Nona" in text and "R$ 7,50" in text and "{{param." not in text
    assert "{{vars.carrinho}}" in text and "{{contact.name}}" in text  # runtime ones kept
    assert validate_flow(flow.draft).ok
    assert tt.params["taxa_entrega"] == "R$ 7,50" and tt.flow_hash == flow_hash(flow.draft)
    active = flows.active_definitions(db, instance_id=inst.id)
    assert str(flow.id) in active
    # the template itself is untouched (independent copy)
    t = db.exec(select(AutomationTemplate).where(AutomationTemplate.slug == FREE)).one()
    assert "Pizzaria da Nona" not in json.dumps(t.flow, ensure_ascii=False)
    card = next(c for c in marketplace.list_templates(db, tenant_id=owner.tenant_id)
                if c.slug == FREE)
    assert card.installed
    with pytest.raises(Conflict):
        marketplace.install_template(db, tenant_id=owner.tenant_id, slug=FREE,
                                     instance_id=inst.id, values=DELIVERY_VALUES)


def test_missing_and_invalid_parameters_are_field_errors_and_nothing_is_written(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    before = _counts(db, owner.tenant_id)
    bad = {**DELIVERY_VALUES, "nome_restaurante": "  ", "taxa_entrega": "sete reais",
           "cardapio_url": "javascript:alert(1)"}
    with pytest.raises(FieldErrors) as exc:
        marketplace.install_template(db, tenant_id=owner.tenant_id, slug=FREE,
                                     instance_id=inst.id, values=bad)
    db.rollback()
    msgs = exc.value.messages()
    assert msgs["nome_restaurante"] == "Campo obrigatório."
    assert "valor em reais" in msgs["taxa_entrega"]
    assert "https://" in msgs["cardapio_url"]
    assert _counts(db, owner.tenant_id) == before


def test_parameter_values_are_never_evaluated(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    values = {**DELIVERY_VALUES, "nome_restaurante": 'Nona {{vars.x}} {% for %} "}]'}
    tt = marketplace.install_template(db, tenant_id=owner.tenant_id, slug=FREE,
                                      instance_id=inst.id, values=values)
    flow = db.get(Flow, tt.flow_id)
    text = json.dumps(flow.draft, ensure_ascii=False)
    assert "{{vars.x}}" not in text and "{%" not in text
    assert 'Nona { {vars.x} } { % for %} \\"}]' in text
    assert validate_flow(flow.draft).ok


def test_unknown_inactive_template_and_foreign_instance(db):
    owner, other = make_owner(db), make_owner(db)
    foreign = make_instance(db, other.tenant_id)
    before = _counts(db, owner.tenant_id)
    with pytest.raises(NotFound) as e1:
        marketplace.install_template(db, tenant_id=owner.tenant_id, slug="nao-existe",
                                     instance_id=foreign.id, values={})
    assert e1.value.message() == "Template não encontrado."
    with pytest.raises(FieldErrors) as e2:
        marketplace.install_template(db, tenant_id=owner.tenant_id, slug=FREE,
                                     instance_id=foreign.id, values=DELIVERY_VALUES)
    assert e2.value.messages()["instance_id"] == "Escolha uma das suas instâncias."
    db.rollback()
    admin = make_admin(db)
    t = _admin_template(db, admin)
    marketplace.admin_set_active(db, admin, template_id=t.id, active=False)
    db.commit()
    inst = make_instance(db, owner.tenant_id)
    with pytest.raises(Forbidden) as e3:
        marketplace.install_template(db, tenant_id=owner.tenant_id, slug=t.slug,
                                     instance_id=inst.id, values={})
    assert "não está mais disponível" in e3.value.message()
    assert t.slug not in {c.slug for c in marketplace.list_templates(db, tenant_id=owner.tenant_id)}
    db.rollback()
    assert _counts(db, owner.tenant_id) == before
    assert len(db.exec(select(Flow).where(Flow.tenant_id == other.tenant_id)).all()) == 0


def test_premium_needs_plan_or_purchase(db):
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    with pytest.raises(Forbidden) as exc:
        marketplace.install_template(db, tenant_id=owner.tenant_id, slug=PREMIUM,
                                     instance_id=inst.id, values={})
    assert "premium" in exc.value.message()
    db.rollback()
    assert _counts(db, owner.tenant_id) == (0, 0)
    # a purchase unlocks this one template
    t = db.exec(select(AutomationTemplate).where(AutomationTemplate.slug == PREMIUM)).one()
    p1 = marketplace.grant_purchase(db, tenant_id=owner.tenant_id, template_id=t.id)
    assert marketplace.grant_purchase(db, tenant_id=owner.tenant_id, template_id=t.id).id == p1.id
    assert p1.price_cents == t.price_cents == 14900
    tt = marketplace.install_template(db, tenant_id=owner.tenant_id, slug=PREMIUM,
                                      instance_id=inst.id, values={})  # defaults
    assert tt.params["nome_empresa"] == "Distribuidora Exemplo"
    with pytest.raises(Forbidden):
        marketplace.install_template(db, tenant_id=owner.tenant_id, slug="educacao-matriculas",
                                     instance_id=inst.id, values={})
    db.rollback()
    # the plan unlocks every premium template
    pro_owner = make_owner(db)
    _pro(db, pro_owner.tenant_id)
    pinst = make_instance(db, pro_owner.tenant_id)
    marketplace.install_template(db, tenant_id=pro_owner.tenant_id, slug="educacao-matriculas",
                                 instance_id=pinst.id, values={})
    assert not any(c.locked for c in marketplace.list_templates(db, tenant_id=pro_owner.tenant_id))


# --- upgrades ---------------------------------------------------------------------------------


def test_upgrade_keeps_values_and_warns_about_edits(db):
    admin = make_admin(db)
    t = _admin_template(db, admin)
    owner = make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    tt = marketplace.install_template(db, tenant_id=owner.tenant_id, slug=t.slug,
                                      instance_id=inst.id, values={"loja": "Casa Azul"})
    db.commit()
    assert not marketplace.list_installs(db, tenant_id=owner.tenant_id)[0].update_available
    with pytest.raises(Conflict):
        marketplace.upgrade_install(db, tenant_id=owner.tenant_id, install_id=tt.id)
    # the admin publishes v2 with a new parameter
    marketplace.admin_save_template(
        db, admin, template_id=t.id, slug=t.slug, name=t.name, description="d", category="vendas",
        niche="ecommerce", price="0", flow=json.dumps(_minimal_flow(
            "Bem-vindo à {{param.loja}}! Atendemos {{param.horario}}.")),
        parameters=json.dumps([
            {"key": "loja", "type": "text", "label": "Loja", "default": "Loja X", "required": True},
            {"key": "horario", "type": "text", "label": "Horário", "default": "das 8h às 18h"}]))
    marketplace.admin_publish(db, admin, template_id=t.id, changelog="Mensagem nova com horário")
    db.commit()
    row = marketplace.list_installs(db, tenant_id=owner.tenant_id)[0]
    assert row.update_available and row.version == 1 and row.latest_version == 2
    assert row.changelog == "Mensagem nova com horário" and not row.edited
    assert row.changes == "1 etapa alterada"
    # the tenant edits the installed flow: upgrading warns first
    flow = db.get(Flow, tt.flow_id)
    edited = json.loads(json.dumps(flow.draft))
    edited["nodes"][1]["data"]["text"] = "Texto meu"
    flows.save_draft(db, tenant_id=owner.tenant_id, flow_id=flow.id, definition=edited)
    db.commit()
    assert marketplace.list_installs(db, tenant_id=owner.tenant_id)[0].edited
    with pytest.raises(Conflict) as exc:
        marketplace.upgrade_install(db, tenant_id=owner.tenant_id, install_id=tt.id)
    assert exc.value.code == "error.template_edited"
    db.rollback()
    up = marketplace.upgrade_install(db, tenant_id=owner.tenant_id, install_id=tt.id,
                                     overwrite_edits=True)
    db.commit()
    assert up.version == 2 and up.params == {"loja": "Casa Azul", "horario": "das 8h às 18h"}
    flow = db.get(Flow, tt.flow_id)
    active = db.get(FlowVersion, flow.active_version_id)
    assert active.definition["nodes"][1]["data"]["text"] == \
        "Bem-vindo à Casa Azul! Atendemos das 8h às 18h."
    assert flow.status == "active" and active.version == 2  # the edit was a draft only
    row = marketplace.list_installs(db, tenant_id=owner.tenant_id)[0]
    assert not row.update_available and not row.edited


def test_upgrade_of_another_tenants_install_is_not_found(db):
    owner, other = make_owner(db), make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    tt = marketplace.install_template(db, tenant_id=owner.tenant_id, slug=FREE,
                                      instance_id=inst.id, values=DELIVERY_VALUES)
    db.commit()
    with pytest.raises(NotFound):
        marketplace.upgrade_install(db, tenant_id=other.tenant_id, install_id=tt.id)
    assert marketplace.list_installs(db, tenant_id=other.tenant_id) == []


# --- admin ------------------------------------------------------------------------------------


def test_admin_operations_are_refused_for_normal_users(db):
    owner = make_owner(db)
    ctx = owner.ctx(db)
    t = db.exec(select(AutomationTemplate).where(AutomationTemplate.slug == FREE)).one()
    for call in (
        lambda: marketplace.admin_list_templates(db, ctx),
        lambda: marketplace.admin_get_template(db, ctx, template_id=t.id),
        lambda: marketplace.admin_save_template(db, ctx, slug="x-y", name="abc"),
        lambda: marketplace.admin_publish(db, ctx, template_id=t.id),
        lambda: marketplace.admin_set_active(db, ctx, template_id=t.id, active=False),
        lambda: marketplace.template_stats(db, ctx),
    ):
        with pytest.raises(Forbidden):
            call()
    db.rollback()
    db.refresh(t)
    assert t.is_active


def test_admin_save_validates_flow_parameters_and_placeholders(db):
    admin = make_admin(db)
    with pytest.raises(marketplace.TemplateInvalid) as exc:
        marketplace.admin_save_template(
            db, admin, slug="Bad Slug", name="x", category="nope", niche="nope", price="abc",
            flow="{not json", parameters="[]")
    assert set(exc.value.errors) == {"slug", "name", "category", "niche", "price", "flow"}
    assert exc.value.messages()["flow"].startswith("Não consegui ler")
    with pytest.raises(marketplace.TemplateInvalid) as exc:
        marketplace.admin_save_template(
            db, admin, slug="tpl-ok", name="Template ok", category="vendas", niche="delivery",
            price="0", flow=json.dumps(_minimal_flow("Oi {{param.nao_declarado}}")),
            parameters=json.dumps([{"key": "loja", "type": "money", "label": "L",
                                    "default": "abc"}]))
    assert any("não é válido" in i for i in exc.value.issues)
    assert set(exc.value.errors) == {"parameters"}
    with pytest.raises(marketplace.TemplateInvalid) as exc:
        marketplace.admin_save_template(
            db, admin, slug="tpl-ok", name="Template ok", category="vendas", niche="delivery",
            price="0", flow=json.dumps(_minimal_flow("Oi {{param.nao_declarado}}")),
            parameters="[]")
    assert any("nao_declarado" in i for i in exc.value.issues)
    db.rollback()
    t = _admin_template(db, admin)
    with pytest.raises(Conflict):  # nothing changed
        marketplace.admin_publish(db, admin, template_id=t.id)
    with pytest.raises(marketplace.TemplateInvalid) as exc:  # slug taken
        marketplace.admin_save_template(db, admin, slug=FREE, name="Outro", category="vendas",
                                        niche="delivery", flow=json.dumps(_minimal_flow()),
                                        parameters=json.dumps(t.parameters))
    assert exc.value.errors == {"slug": "error.template_slug_taken"}


def test_usage_stats_count_installs_active_installs_and_goals(db):
    admin = make_admin(db)
    t = _admin_template(db, admin, flow={
        "version": 1, "nodes": [
            {"id": "s", "type": "start", "data": {"triggers": [
                {"type": "keyword", "keywords": ["teste"], "match": "exact"}]}},
            {"id": "m", "type": "message", "data": {"text": "Oi {{param.loja}}"}},
            {"id": "g", "type": "goal", "data": {"name": "viu"}}],
        "edges": [{"id": "e1", "source": "s", "target": "m"},
                  {"id": "e2", "source": "m", "target": "g"}]})
    a, b = make_owner(db), make_owner(db)
    ia, ib = make_instance(db, a.tenant_id), make_instance(db, b.tenant_id)
    ta = marketplace.install_template(db, tenant_id=a.tenant_id, slug=t.slug, instance_id=ia.id,
                                      values={})
    tb = marketplace.install_template(db, tenant_id=b.tenant_id, slug=t.slug, instance_id=ib.id,
                                      values={})
    flows.set_active(db, tenant_id=b.tenant_id, flow_id=tb.flow_id, active=False)
    for _ in range(3):
        db.add(AnalyticsEvent(tenant_id=a.tenant_id, instance_id=ia.id, type="goal_reached",
                              flow_id=str(ta.flow_id), node_id="g"))
    db.add(AnalyticsEvent(tenant_id=a.tenant_id, instance_id=ia.id, type="message_in",
                          flow_id=str(ta.flow_id)))
    db.commit()
    row = next(r for r in marketplace.admin_list_templates(db, admin) if r.id == t.id)
    assert (row.installs, row.active_installs, row.goals) == (2, 1, 3)


# --- parameters -------------------------------------------------------------------------------


def test_money_parsing_and_number_placeholder():
    assert parse_money("R$ 1.234,56") == 123456
    assert parse_money("12.5") == 1250 and parse_money("1.234") == 123400
    assert parse_money("-3") is None and parse_money("abc") is None
    flow = {"a": "{{param.x|number}} e {{ param.x }}", "b": ["{{param.y}}"], "{{param.x}}": 1}
    out = apply_params(flow, {"x": "R$ 12,50", "y": "ok"})
    assert out == {"a": "12.5 e R$ 12,50", "b": ["ok"], "{{param.x}}": 1}


def test_replace_active_deactivates_the_instances_other_flows(db):
    owner = make_owner(db)
    inst, other_inst = make_instance(db, owner.tenant_id), make_instance(db, owner.tenant_id)
    menu = flows.import_flow(db, tenant_id=owner.tenant_id, instance_id=inst.id, name="Menu",
                             raw_json=json.dumps(_minimal_flow("oi")), activate=True).flow
    elsewhere = flows.import_flow(db, tenant_id=owner.tenant_id, instance_id=other_inst.id,
                                  name="Outro", raw_json=json.dumps(_minimal_flow("oi")),
                                  activate=True).flow
    assert [f.id for f in marketplace.other_active_flows(
        db, tenant_id=owner.tenant_id, instance_id=inst.id)] == [menu.id]
    tt = marketplace.install_template(db, tenant_id=owner.tenant_id, slug=FREE,
                                      instance_id=inst.id, values=DELIVERY_VALUES,
                                      replace_active=True)
    db.commit()
    db.refresh(menu)
    db.refresh(elsewhere)
    assert menu.status == "inactive" and elsewhere.status == "active"
    assert list(flows.active_definitions(db, instance_id=inst.id)) == [str(tt.flow_id)]


def test_the_visual_editor_saves_a_templates_working_flow_and_publish_checks_it(db):
    admin = make_admin(db)
    tpl = _admin_template(db, admin)
    draft = marketplace.admin_template_flow(db, admin, template_id=tpl.id)
    assert draft.flow["nodes"][1]["data"]["text"] == "Olá de {{param.loja}}!"
    unfinished = _minimal_flow("Oi de {{param.loja}}")
    unfinished["nodes"].append({"id": "solto", "type": "message", "data": {}})  # no text yet
    marketplace.admin_autosave_template_flow(db, admin, template_id=tpl.id,
                                             definition=unfinished)
    db.commit()
    # the template's own form, saved without a flow, keeps what the editor saved
    marketplace.admin_save_template(
        db, admin, template_id=tpl.id, slug=tpl.slug, name="Novo nome", description="d",
        category="vendas", niche="ecommerce", price="0", flow=None,
        parameters=json.dumps(tpl.parameters))
    db.commit()
    assert marketplace.admin_template_flow(db, admin, template_id=tpl.id).flow == unfinished
    with pytest.raises(marketplace.TemplateInvalid):  # an unfinished flow is not published
        marketplace.admin_publish(db, admin, template_id=tpl.id, changelog="x")
    db.rollback()
    with pytest.raises(FieldErrors):
        marketplace.admin_autosave_template_flow(db, admin, template_id=tpl.id,
                                                 definition=["not", "a", "flow"])
    business = auth.resolve_session(db, make_owner(db).token)
    with pytest.raises(Forbidden):  # a business owner never edits the platform's templates
        marketplace.admin_template_flow(db, business, template_id=tpl.id)
    with pytest.raises(Forbidden):
        marketplace.admin_autosave_template_flow(db, business, template_id=tpl.id,
                                                 definition=_minimal_flow())


def test_installing_the_servicos_template_creates_its_reminder_message_template(db):
    """The reminder goes out as an approved template (a day before, the 24-hour window is
    usually closed): the install creates it on the number — approved at once on the
    simulator, submitted to Meta on a connected number — once, and only there."""
    from ylada_app.models import MessageTemplate

    owner, other = make_owner(db), make_owner(db)
    inst = make_instance(db, owner.tenant_id)
    foreign = make_instance(db, other.tenant_id)
    marketplace.install_template(db, tenant_id=owner.tenant_id, slug="servicos-agendamento",
                                 instance_id=inst.id, values={})
    db.commit()
    rows = db.exec(select(MessageTemplate).where(MessageTemplate.instance_id == inst.id)).all()
    assert [(r.name, r.status, r.category, r.tenant_id) for r in rows] == [
        ("lembrete_agendamento", "APPROVED", "UTILITY", owner.tenant_id)]
    assert rows[0].body_variables == 4
    assert db.exec(select(MessageTemplate).where(
        MessageTemplate.instance_id == foreign.id)).all() == []
    # already there: not created twice (a second install on the same number is refused
    # anyway; the helper alone must not duplicate it either)
    assert marketplace.submit_message_templates(
        db, tenant_id=owner.tenant_id, instance_id=inst.id, slug="servicos-agendamento") == []
    # a connected number without its business account id: the install still succeeds
    broken = make_instance(db, owner.tenant_id, channel="whatsapp_cloud")
    tt = marketplace.install_template(db, tenant_id=owner.tenant_id,
                                      slug="servicos-agendamento", instance_id=broken.id,
                                      values={})
    db.commit()
    assert tt.flow_id is not None
    assert db.exec(select(MessageTemplate).where(
        MessageTemplate.instance_id == broken.id)).all() == []
