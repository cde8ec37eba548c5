"""Marketplace: browse automation templates, install them on an instance, upgrade them; and the
platform admin's side (create/edit, publish versions, activate, usage stats).

Tenant functions take `session` + `tenant_id`; admin functions take the caller's AuthContext
and refuse non-admins themselves. Installing validates everything (template, plan, instance,
parameter values, the resulting flow) before writing anything, then creates an independent
Flow on the instance through the flows service (publish + activate).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ylada_app.engine import validate_flow
from ylada_app.models import (
    AnalyticsEvent,
    AutomationTemplate,
    AutomationTemplateVersion,
    Flow,
    Instance,
    MessageTemplate,
    TemplatePurchase,
    TenantTemplate,
    utcnow,
)
from ylada_app.models.marketplace import TEMPLATE_CATEGORIES, TEMPLATE_NICHES
from ylada_app.services import audit, message_templates
from ylada_app.services import flows as flows_service
from ylada_app.services.context import AuthContext
from ylada_app.services.entitlements import premium_templates_allowed
from ylada_app.services.errors import (
    Conflict,
    FieldErrors,
    Forbidden,
    NotFound,
    ServiceError,
)
from ylada_app.services.instances import get_instance
from ylada_app.services.serialize import lock_tenant
from ylada_app.services.template_params import (
    apply_params,
    check_declarations,
    default_values,
    flow_hash,
    format_brl,
    parse_money,
    placeholders,
    validate_values,
)
from ylada_app.services.template_preview import outline, outline_text
from ylada_app.services.validation import Validator, parse_id

log = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "marketplace_templates"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
PRICE_FILTERS = ("free", "paid")


# --- reading templates ----------------------------------------------------------------------


def _version(session: Session, template_id: int, number: int
             ) -> AutomationTemplateVersion | None:
    return session.exec(select(AutomationTemplateVersion).where(
        AutomationTemplateVersion.template_id == template_id,
        AutomationTemplateVersion.version == number)).first()


def _published(session: Session, template: AutomationTemplate) -> AutomationTemplateVersion | None:
    return _version(session, template.id, template.version) if template.version else None


def _by_slug(session: Session, slug: str | None) -> AutomationTemplate:
    """An active, published template (what tenants may see)."""
    template = session.exec(select(AutomationTemplate).where(
        AutomationTemplate.slug == str(slug or "")[:60])).first()
    if template is None or not template.version:
        raise NotFound("error.template_not_found")
    if not template.is_active:
        raise Forbidden("error.template_inactive")
    return template


def _purchased(session: Session, *, tenant_id: int, template_id: int) -> bool:
    return session.exec(select(TemplatePurchase.id).where(
        TemplatePurchase.tenant_id == tenant_id,
        TemplatePurchase.template_id == template_id)).first() is not None


def can_use(session: Session, *, tenant_id: int, template: AutomationTemplate) -> bool:
    """The premium rule: a premium template needs a plan that includes premium templates
    (entitlements) or a purchase of that template."""
    if not template.is_premium:
        return True
    return premium_templates_allowed(session, tenant_id=tenant_id) or _purchased(
        session, tenant_id=tenant_id, template_id=template.id)


def price_label(template: AutomationTemplate) -> str:
    if not template.is_premium:
        return "Grátis"
    return format_brl(template.price_cents) if template.price_cents else "Premium"


@dataclass(frozen=True)
class TemplateCard:
    slug: str
    name: str
    description: str
    category: str
    niche: str
    is_premium: bool
    price: str
    version: int
    locked: bool
    installed: bool


def list_templates(session: Session, *, tenant_id: int, search: str = "", niche: str = "",
                   category: str = "", price: str = "") -> list[TemplateCard]:
    q = select(AutomationTemplate).where(AutomationTemplate.is_active.is_(True),
                                         AutomationTemplate.version > 0)
    if niche in TEMPLATE_NICHES:
        q = q.where(AutomationTemplate.niche == niche)
    if category in TEMPLATE_CATEGORIES:
        q = q.where(AutomationTemplate.category == category)
    if price == "free":
        q = q.where(AutomationTemplate.is_premium.is_(False))
    elif price == "paid":
        q = q.where(AutomationTemplate.is_premium.is_(True))
    term = " ".join((search or "").lower().split())[:80]
    if term:
        like = f"%{term}%"
        q = q.where(func.lower(AutomationTemplate.name).like(like)
                    | func.lower(AutomationTemplate.description).like(like)
                    | AutomationTemplate.slug.like(like))
    templates = list(session.exec(q.order_by(AutomationTemplate.name)).all())
    installed = set(session.exec(select(TenantTemplate.template_id).where(
        TenantTemplate.tenant_id == tenant_id)).all())
    return [_card(session, tenant_id=tenant_id, template=t, installed=t.id in installed)
            for t in templates]


@dataclass(frozen=True)
class InstallRow:
    id: int
    template_slug: str
    template_name: str
    instance_id: int
    instance_name: str
    flow_id: int | None
    flow_status: str
    version: int
    latest_version: int
    update_available: bool
    edited: bool
    changelog: str
    installed_at: datetime
    changes: str = ""


def version_changes(old: dict | None, new: dict | None) -> str:
    """A short pt-BR summary of what a new template version changed, node by node
    ("2 etapas alteradas, 1 nova"); "" when nothing is comparable or nothing changed."""
    def nodes(flow: dict | None) -> dict[str, Any]:
        return {n.get("id"): {k: v for k, v in n.items() if k != "position"}
                for n in (flow or {}).get("nodes") or [] if isinstance(n, dict)}

    a, b = nodes(old), nodes(new)
    added = len(set(b) - set(a))
    removed = len(set(a) - set(b))
    changed = sum(1 for nid in set(a) & set(b) if a[nid] != b[nid])
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    parts = [n(changed, "etapa alterada", "etapas alteradas") if changed else "",
             n(added, "nova", "novas") if added else "",
             n(removed, "removida", "removidas") if removed else ""]
    return ", ".join(p for p in parts if p)


def list_installs(session: Session, *, tenant_id: int, slug: str | None = None
                  ) -> list[InstallRow]:
    q = (select(TenantTemplate, AutomationTemplate, Instance)
         .join(AutomationTemplate, AutomationTemplate.id == TenantTemplate.template_id)
         .join(Instance, Instance.id == TenantTemplate.instance_id)
         .where(TenantTemplate.tenant_id == tenant_id))
    if slug:
        q = q.where(AutomationTemplate.slug == slug)
    rows = []
    for tt, template, inst in session.exec(q.order_by(TenantTemplate.id)).all():
        flow = session.get(Flow, tt.flow_id) if tt.flow_id else None
        if flow is not None and flow.tenant_id != tenant_id:
            flow = None
        latest = _published(session, template)
        newer = latest is not None and template.version > tt.version
        installed = _version(session, template.id, tt.version) if newer else None
        rows.append(InstallRow(
            id=tt.id, template_slug=template.slug, template_name=template.name,
            instance_id=inst.id, instance_name=inst.name, flow_id=flow.id if flow else None,
            flow_status=flow.status if flow else "removed", version=tt.version,
            latest_version=template.version,
            update_available=template.version > tt.version and template.is_active,
            edited=flow is not None and flow_hash(flow.draft) != tt.flow_hash,
            changelog=latest.changelog if newer and latest else "",
            installed_at=tt.installed_at,
            changes=version_changes(installed.flow, latest.flow)
            if installed is not None and latest is not None else ""))
    return rows


@dataclass(frozen=True)
class TemplateDetail:
    card: TemplateCard
    parameters: list[dict[str, Any]]
    outline: list[dict[str, str]]
    installs: list[InstallRow] = field(default_factory=list)


def _card(session: Session, *, tenant_id: int, template: AutomationTemplate,
          installed: bool) -> TemplateCard:
    return TemplateCard(template.slug, template.name, template.description, template.category,
                        template.niche, template.is_premium, price_label(template),
                        template.version,
                        not can_use(session, tenant_id=tenant_id, template=template), installed)


def template_detail(session: Session, *, tenant_id: int, slug: str,
                    lang: str = "pt-BR") -> TemplateDetail:
    template = _by_slug(session, slug)
    version = _published(session, template)
    assert version is not None
    installs = list_installs(session, tenant_id=tenant_id, slug=template.slug)
    return TemplateDetail(
        card=_card(session, tenant_id=tenant_id, template=template, installed=bool(installs)),
        parameters=[dict(p) for p in version.parameters],
        outline=[line for line in outline(apply_params(version.flow,
                                                       default_values(version.parameters)),
                                          lang)
                 if line["kind"] != "set_variable"],
        installs=installs)


def published_parameters(session: Session, *, slug: str) -> list[dict]:
    """The parameters (with their sample defaults) of the template's published version."""
    version = _published(session, _by_slug(session, slug))
    if version is None:
        raise NotFound("error.not_found")
    return list(version.parameters or [])


def personalized_flow(session: Session, *, slug: str, values: dict[str, Any] | None = None,
                      defaults: bool = False) -> dict:
    """The published flow with parameters applied (defaults, or the given values validated).
    Used by the "try it" chat and the wizard's preview; writes nothing."""
    template = _by_slug(session, slug)
    version = _published(session, template)
    assert version is not None
    clean = (default_values(version.parameters) if defaults
             else validate_values(version.parameters, values))
    return apply_params(version.flow, clean)


# --- installing -----------------------------------------------------------------------------


def _checked_definition(version: AutomationTemplateVersion, values: dict[str, Any] | None
                        ) -> tuple[dict[str, str], dict]:
    clean = validate_values(version.parameters, values)
    definition = apply_params(version.flow, clean)
    report = validate_flow(definition)
    if not report.ok:
        raise flows_service.FlowInvalid(list(report.errors))
    return clean, definition


def other_active_flows(session: Session, *, tenant_id: int, instance_id: int | str
                       ) -> list[Flow]:
    """The instance's active flows: they may answer the same words (oi, menu) first."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    return [f for f in flows_service.list_flows(session, tenant_id=tenant_id,
                                                instance_id=inst.id) if f.status == "active"]


def install_template(session: Session, *, tenant_id: int, slug: str,
                     instance_id: int | str | None, values: dict[str, Any] | None,
                     replace_active: bool = False) -> TenantTemplate:
    """Install on one of the tenant's instances. `replace_active` first deactivates the
    instance's other active flows, so the template answers "oi"/"menu" itself (flows that
    share a trigger answer in creation order)."""
    template = _by_slug(session, slug)
    if not can_use(session, tenant_id=tenant_id, template=template):
        raise Forbidden("error.template_premium")
    try:
        inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    except NotFound:
        raise FieldErrors({"instance_id": "error.instance_choose"}) from None
    version = _published(session, template)
    assert version is not None
    lock_tenant(session, tenant_id)  # (installed twice at once: one install, not two flows)
    clean, definition = _checked_definition(version, values)
    existing = session.exec(select(TenantTemplate).where(
        TenantTemplate.tenant_id == tenant_id, TenantTemplate.template_id == template.id,
        TenantTemplate.instance_id == inst.id, TenantTemplate.flow_id.is_not(None))).first()
    if existing is not None:
        raise Conflict("error.template_already_installed")
    if replace_active:
        for other in other_active_flows(session, tenant_id=tenant_id, instance_id=inst.id):
            flows_service.set_active(session, tenant_id=tenant_id, flow_id=other.id,
                                     active=False)
    flow = flows_service.create_flow(session, tenant_id=tenant_id, instance_id=inst.id,
                                     name=template.name[:80], definition=definition)
    flows_service.publish(session, tenant_id=tenant_id, flow_id=flow.id, activate=True)
    install = TenantTemplate(tenant_id=tenant_id, template_id=template.id, instance_id=inst.id,
                             flow_id=flow.id, version=version.version, params=clean,
                             flow_hash=flow_hash(definition), is_active=True)
    session.add(install)
    session.flush()
    submit_message_templates(session, tenant_id=tenant_id, instance_id=inst.id,
                             slug=template.slug)
    return install


def submit_message_templates(session: Session, *, tenant_id: int, instance_id: int,
                             slug: str) -> list[str]:
    """The WhatsApp message templates a packaged automation sends (the serviços reminder),
    created on the number when it lacks them: submitted to Meta for review on a connected
    number, approved at once on the simulator. A refusal (no business account yet, Meta
    says no) never undoes the install — the flow's template block tells the team in the
    inbox until the template exists. Returns the names created."""
    created: list[str] = []
    for raw in (packaged_template(slug) or {}).get("message_templates") or []:
        exists = session.exec(select(MessageTemplate.id).where(
            MessageTemplate.instance_id == instance_id, MessageTemplate.name == raw["name"],
            MessageTemplate.language == raw.get("language", "pt_BR"))).first()
        if exists is not None:
            continue
        draft = message_templates.Draft(
            name=raw["name"], language=raw.get("language", "pt_BR"),
            category=raw.get("category", "UTILITY"), body=raw["body"],
            body_examples=list(raw.get("body_examples") or []))
        try:
            with session.begin_nested():
                message_templates.create(session, tenant_id=tenant_id,
                                         instance_id=instance_id, draft=draft)
            created.append(raw["name"])
        except ServiceError as exc:
            log.warning("template %s on instance %s not submitted: %s", raw["name"],
                        instance_id, exc.code)
    return created


def _install(session: Session, *, tenant_id: int, install_id: int | str) -> TenantTemplate:
    iid = parse_id(install_id)
    if iid is None:
        raise NotFound("error.not_found")
    install = session.exec(select(TenantTemplate).where(
        TenantTemplate.id == iid, TenantTemplate.tenant_id == tenant_id)).first()
    if install is None:
        raise NotFound("error.not_found")
    return install


def upgrade_install(session: Session, *, tenant_id: int, install_id: int | str,
                    values: dict[str, Any] | None = None, overwrite_edits: bool = False
                    ) -> TenantTemplate:
    """Move an installation to the template's latest version, keeping the parameter values
    (new parameters take their defaults unless `values` gives them). If the tenant edited the
    installed flow, Conflict("error.template_edited") unless `overwrite_edits`."""
    install = _install(session, tenant_id=tenant_id, install_id=install_id)
    template = session.get(AutomationTemplate, install.template_id)
    if template is None or not template.version:
        raise NotFound("error.template_not_found")
    if not template.is_active:
        raise Forbidden("error.template_inactive")
    if install.version >= template.version:
        raise Conflict("error.template_up_to_date")
    if not can_use(session, tenant_id=tenant_id, template=template):
        raise Forbidden("error.template_premium")
    version = _published(session, template)
    assert version is not None
    merged = {**dict(install.params or {}), **(values or {})}
    clean, definition = _checked_definition(version, merged)
    flow = None
    if install.flow_id is not None:
        flow = session.exec(select(Flow).where(Flow.id == install.flow_id,
                                               Flow.tenant_id == tenant_id)).first()
    if flow is not None and flow_hash(flow.draft) != install.flow_hash and not overwrite_edits:
        raise Conflict("error.template_edited")
    if flow is None:
        flow = flows_service.create_flow(session, tenant_id=tenant_id,
                                         instance_id=install.instance_id,
                                         name=template.name[:80], definition=definition)
        was_active = True
    else:
        was_active = flow.status in ("active", "draft")
        flows_service.save_draft(session, tenant_id=tenant_id, flow_id=flow.id,
                                 definition=definition)
    flows_service.publish(session, tenant_id=tenant_id, flow_id=flow.id, activate=was_active)
    install.flow_id = flow.id
    install.version = version.version
    install.params = clean
    install.flow_hash = flow_hash(definition)
    install.updated_at = utcnow()
    session.add(install)
    session.flush()
    return install


def grant_purchase(session: Session, *, tenant_id: int, template_id: int,
                   price_cents: int | None = None, provider_ref: str | None = None
                   ) -> TemplatePurchase:
    """Record that a tenant bought a premium template (called by billing once paid).
    Idempotent: a second grant returns the first record."""
    existing = session.exec(select(TemplatePurchase).where(
        TemplatePurchase.tenant_id == tenant_id,
        TemplatePurchase.template_id == template_id)).first()
    if existing is not None:
        return existing
    template = session.get(AutomationTemplate, template_id)
    if template is None:
        raise NotFound("error.template_not_found")
    purchase = TemplatePurchase(
        tenant_id=tenant_id, template_id=template_id,
        price_cents=template.price_cents if price_cents is None else price_cents,
        provider_ref=provider_ref)
    session.add(purchase)
    session.flush()
    return purchase


# --- platform admin ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminTemplateRow:
    id: int
    slug: str
    name: str
    niche: str
    category: str
    is_premium: bool
    price: str
    is_active: bool
    version: int
    installs: int
    active_installs: int
    goals: int


def admin_list_templates(session: Session, actor: AuthContext) -> list[AdminTemplateRow]:
    actor.require_admin()
    templates = list(session.exec(select(AutomationTemplate).order_by(AutomationTemplate.name)))
    stats = template_stats(session, actor)
    return [AdminTemplateRow(t.id, t.slug, t.name, t.niche, t.category, t.is_premium,
                             price_label(t), t.is_active, t.version,
                             *stats.get(t.id, (0, 0, 0)))
            for t in templates]


def template_stats(session: Session, actor: AuthContext) -> dict[int, tuple[int, int, int]]:
    """{template id: (installs, active installs, goals reached by installed flows)}."""
    actor.require_admin()
    rows = session.exec(select(TenantTemplate.template_id, TenantTemplate.flow_id,
                               TenantTemplate.is_active, Flow.status)
                        .join(Flow, Flow.id == TenantTemplate.flow_id, isouter=True)).all()
    flow_template = {str(fid): tid for tid, fid, _, _ in rows if fid is not None}
    goals: dict[int, int] = {}
    if flow_template:
        for fid, count in session.exec(
            select(AnalyticsEvent.flow_id, func.count(AnalyticsEvent.id))
            .where(AnalyticsEvent.type == "goal_reached",
                   AnalyticsEvent.flow_id.in_(list(flow_template)))
            .group_by(AnalyticsEvent.flow_id)).all():
            tid = flow_template[fid]
            goals[tid] = goals.get(tid, 0) + count
    out: dict[int, list[int]] = {}
    for tid, _fid, active, status in rows:
        entry = out.setdefault(tid, [0, 0, 0])
        entry[0] += 1
        entry[1] += 1 if active and status == "active" else 0
    for tid, count in goals.items():
        out.setdefault(tid, [0, 0, 0])[2] = count
    return {tid: (a, b, c) for tid, (a, b, c) in out.items()}


def admin_get_template(session: Session, actor: AuthContext, *, template_id: int | str
                       ) -> AutomationTemplate:
    actor.require_admin()
    tid = parse_id(template_id)
    if tid is None:
        raise NotFound("error.template_not_found")
    template = session.get(AutomationTemplate, tid)
    if template is None:
        raise NotFound("error.template_not_found")
    return template


def admin_versions(session: Session, actor: AuthContext, *, template_id: int
                   ) -> list[AutomationTemplateVersion]:
    actor.require_admin()
    return list(session.exec(select(AutomationTemplateVersion).where(
        AutomationTemplateVersion.template_id == template_id)
        .order_by(AutomationTemplateVersion.version.desc())).all())


class TemplateInvalid(FieldErrors):
    """Field errors plus pt-BR problems of the flow/parameters (`issues`)."""

    def __init__(self, errors: dict[str, str], issues: list[str],
                 params: dict[str, dict[str, object]] | None = None) -> None:
        super().__init__(errors, params)
        self.issues = issues


def _parse_json(text: Any, expected: type) -> Any:
    if isinstance(text, expected):
        return text
    try:
        value = json.loads(str(text or ""))
    except ValueError:
        return None
    return value if isinstance(value, expected) else None


def check_template(flow: Any, parameters: Any) -> list[str]:
    """pt-BR problems of a template's flow and parameters: the declarations, undeclared or
    unused {{param.x}}, and the flow's validation with the default values applied."""
    problems = check_declarations(parameters)
    if problems:
        return problems
    declared = {p["key"] for p in parameters}
    used = placeholders(flow)
    problems += [f"O fluxo usa {{{{param.{k}}}}}, que não está declarado nos parâmetros."
                 for k in sorted(used - declared)]
    problems += [f"O parâmetro \"{k}\" não é usado no fluxo." for k in sorted(declared - used)]
    report = validate_flow(apply_params(flow, default_values(parameters)))
    problems += [f"Fluxo: {issue.message}" for issue in report.errors]
    return problems


def admin_save_template(session: Session, actor: AuthContext, *,
                        template_id: int | str | None = None, slug: str | None = None,
                        name: str | None = None, description: str | None = None,
                        category: str | None = None, niche: str | None = None,
                        price: str | None = None, is_premium: bool = False,
                        flow: Any = None, parameters: Any = None) -> AutomationTemplate:
    """Create (no template_id) or edit a template's working copy. `flow`/`parameters` may be
    JSON text (the admin's import) or already parsed. Publishing is a separate step."""
    actor.require_admin()
    template = (admin_get_template(session, actor, template_id=template_id)
                if template_id not in (None, "") else None)
    v = Validator()
    clean_slug = (slug or "").strip().lower()
    if not SLUG_RE.match(clean_slug):
        v.fail("slug", "error.template_slug")
    else:
        other = session.exec(select(AutomationTemplate).where(
            AutomationTemplate.slug == clean_slug)).first()
        if other is not None and (template is None or other.id != template.id):
            v.fail("slug", "error.template_slug_taken")
    clean_name = v.name("name", name, max_len=80, min_len=3)
    clean_desc = (description or "").strip()
    if len(clean_desc) > 2000:
        v.fail("description", "error.too_long", max=2000)
    clean_cat = v.choice("category", category, TEMPLATE_CATEGORIES, "error.template_category")
    clean_niche = v.choice("niche", niche, TEMPLATE_NICHES, "error.niche_invalid")
    cents = parse_money(str(price or "0"))
    if cents is None:
        v.fail("price", "error.param_money")
    if flow is None:
        # Not sent (the form keeps the flow folded away: it is edited in the visual editor):
        # the stored flow stays; a new template starts empty.
        flow_value = dict(template.flow) if template is not None else {
            "version": 1, "nodes": [], "edges": []}
    else:
        flow_value = _parse_json(flow, dict)
    if flow_value is None:
        v.fail("flow", "error.flow_json")
    params_value = _parse_json(parameters if parameters not in (None, "") else "[]", list)
    if params_value is None:
        v.fail("parameters", "error.template_params_json")
    if v.errors:
        issues = []
    elif flow is None:  # the flow is the visual editor's (checked when publishing)
        issues = check_declarations(params_value)
    else:
        issues = check_template(flow_value, params_value)
    if issues:
        bad_params = bool(check_declarations(params_value))
        v.fail("parameters" if bad_params else "flow",
               "error.template_params_invalid" if bad_params else "error.flow_invalid")
    if v.errors:
        raise TemplateInvalid(v.errors, issues, v.params)
    if template is None:
        template = AutomationTemplate(slug=clean_slug, name=clean_name)
    template.slug, template.name, template.description = clean_slug, clean_name, clean_desc
    template.category, template.niche = clean_cat, clean_niche
    template.price_cents, template.is_premium = cents or 0, bool(is_premium)
    template.flow, template.parameters = flow_value, params_value
    template.preview = outline_text(apply_params(flow_value, default_values(params_value)))
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    return template


@dataclass(frozen=True)
class TemplateFlowDraft:
    template_id: int
    name: str
    flow: dict
    parameters: list[dict]
    updated_at: datetime


def admin_template_flow(session: Session, actor: AuthContext, *, template_id: int | str
                        ) -> TemplateFlowDraft:
    """A template's working flow, for the visual editor."""
    template = admin_get_template(session, actor, template_id=template_id)
    return TemplateFlowDraft(template.id, template.name, dict(template.flow or {}),
                             list(template.parameters or []), template.updated_at)


def admin_autosave_template_flow(session: Session, actor: AuthContext, *,
                                 template_id: int | str, definition: Any) -> datetime:
    """The visual editor's autosave of a template's working copy. Like a business's draft it
    may be unfinished (publishing checks it); only its shape and size are refused here."""
    template = admin_get_template(session, actor, template_id=template_id)
    if not isinstance(definition, dict):
        raise FieldErrors({"flow": "error.flow_json"})
    if len(json.dumps(definition).encode()) > flows_service.MAX_FLOW_BYTES:
        raise FieldErrors({"flow": "error.flow_too_big"})
    template.flow = definition
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    return template.updated_at


def admin_publish(session: Session, actor: AuthContext, *, template_id: int | str,
                  changelog: str = "") -> AutomationTemplateVersion:
    """Freeze the working copy as the next version; installs on older versions then see
    "atualização disponível"."""
    actor.require_admin()
    template = admin_get_template(session, actor, template_id=template_id)
    issues = check_template(template.flow, template.parameters)
    if issues:
        raise TemplateInvalid({"flow": "error.flow_invalid"}, issues)
    note = " ".join((changelog or "").split())
    if len(note) > 500:
        raise FieldErrors({"changelog": "error.too_long"}, {"changelog": {"max": 500}})
    version = _publish(session, template, note)
    audit.record(session, action="admin.template_published", actor_user_id=actor.user_id,
                 target=template.name, version=version.version)
    return version


def _publish(session: Session, template: AutomationTemplate, note: str
             ) -> AutomationTemplateVersion:
    last = _published(session, template)
    if last is not None and last.flow == template.flow and last.parameters == template.parameters:
        raise Conflict("error.template_no_changes")
    version = AutomationTemplateVersion(template_id=template.id, version=template.version + 1,
                                        flow=template.flow, parameters=template.parameters,
                                        changelog=note)
    session.add(version)
    template.version = version.version
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    return version


def admin_set_active(session: Session, actor: AuthContext, *, template_id: int | str,
                     active: bool) -> AutomationTemplate:
    """An inactive template disappears from the marketplace and cannot be installed;
    flows already installed keep running (they are the tenants' own copies)."""
    actor.require_admin()
    template = admin_get_template(session, actor, template_id=template_id)
    if template.is_active != bool(active):
        audit.record(session, action="admin.template_" + ("activated" if active else
                                                          "deactivated"),
                     actor_user_id=actor.user_id, target=template.name)
    template.is_active = bool(active)
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    return template


# --- seed -------------------------------------------------------------------------------------


def packaged_templates() -> list[dict]:
    """The templates shipped with ylada (ylada_app/marketplace_templates/*.json)."""
    return [json.loads(p.read_text("utf-8")) for p in sorted(TEMPLATES_DIR.glob("*.json"))]


def packaged_template(name: str) -> dict | None:
    """A packaged template by slug, or by a short name when only one matches: its niche
    ("delivery", "distribuidores") or the start of its slug ("distribuidor")."""
    templates = packaged_templates()
    for test in (lambda t: t.get("slug") == name, lambda t: t.get("niche") == name,
                 lambda t: str(t.get("slug", "")).startswith(f"{name}-")):
        found = [t for t in templates if test(t)]
        if len(found) == 1:
            return found[0]
    return None


def seed_templates(session: Session) -> int:
    """Create (and publish as version 1) every packaged template that is not there yet.
    Idempotent; never overwrites what the admin changed."""
    created = 0
    for data in packaged_templates():
        if session.exec(select(AutomationTemplate.id).where(
                AutomationTemplate.slug == data["slug"])).first() is not None:
            continue
        problems = check_template(data["flow"], data.get("parameters") or [])
        if problems:
            raise ValueError(f"template {data['slug']}: {problems[:3]}")
        template = AutomationTemplate(
            slug=data["slug"], name=data["name"], description=data.get("description", ""),
            category=data.get("category", "vendas"), niche=data.get("niche", "outro"),
            flow=data["flow"], parameters=data.get("parameters") or [],
            price_cents=int(data.get("price_cents") or 0),
            is_premium=bool(data.get("is_premium")),
            preview=outline_text(apply_params(data["flow"],
                                              default_values(data.get("parameters") or []))))
        session.add(template)
        session.flush()
        _publish(session, template, "Versão inicial")
        created += 1
    return created
