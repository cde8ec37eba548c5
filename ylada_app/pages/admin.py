"""/admin and /admin/tenants/[tid]: platform admins list tenants, suspend and reactivate,
keep the price tables that broadcasts (per template message) and /usage (AI, per 1M tokens)
estimate costs with, and choose which payment gateways businesses may subscribe through (and
the default one)."""

from __future__ import annotations

import re
from decimal import Decimal

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import field_error
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.core.i18n import DEFAULT_LANG, translate
from ylada_app.pages.instances import path_segment
from ylada_app.pages.usage import PROVIDER_NAMES
from ylada_app.services import admin, ai_costs, broadcasts, payment_gateways
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def _tenant_rows(session, *, actor, search: str) -> list[dict[str, str]]:
    return [
        {
            "id": str(r.id), "name": r.name, "slug": r.slug, "status": r.status,
            "owner": r.owner_email or "—", "instances": str(r.instance_count),
            "plan": r.plan_name or (translate("agency.via", DEFAULT_LANG, name=r.agency_name)
                                    if r.agency_name else "—"),
            "sub_status": r.subscription_status,
            "created": local_text(r.created_at, "%d/%m/%Y"),
        }
        for r in admin.list_tenants(session, actor, search=search)
    ]


def _decimal_text(value: Decimal) -> str:
    """A price as the admin types it back: "0,35", "412,50", "0,0625" (centavos always)."""
    reais, _, fraction = f"{value:.4f}".partition(".")
    return f"{reais},{fraction.rstrip('0').ljust(2, '0')}"


def _prices(session) -> dict[str, str]:
    return {k: _decimal_text(v) for k, v in broadcasts.prices(session).items()}


def _ai_prices(session) -> list[dict[str, str]]:
    """The AI table's rows; a field is named "input:<provider/model>" (the service's error
    keys), the slug only builds element ids."""
    rows = []
    for r in ai_costs.table(session):
        name = f"{r.provider}/{r.model}"
        rows.append({
            "name": name, "provider": PROVIDER_NAMES.get(r.provider, r.provider),
            "model": "" if r.model == "*" else r.model,  # "": the provider's other models
            "input": _decimal_text(r.price_in), "output": _decimal_text(r.price_out),
            "input_field": f"input:{name}", "output_field": f"output:{name}",
            "slug": re.sub(r"[^a-z0-9]+", "-", name.replace("*", "other").lower()).strip("-"),
            "saved": "1" if r.saved else "", "custom": "1" if r.custom else ""})
    return rows


def _save_ai_prices(session, *, form: dict) -> None:
    values: dict[str, dict[str, object]] = {}
    for key, raw in form.items():
        field, _, name = str(key).partition(":")
        if field in ("input", "output") and name:
            values.setdefault(name, {})[field] = raw
    new = {k: str(form.get(f"new_{k}") or "").strip()
           for k in ("provider", "model", "input", "output")}
    # The added row counts once something is typed in it.
    typed = any(new[k] for k in ("model", "input", "output"))
    ai_costs.set_prices(session, values, new=new if typed else None)


def _gateways(session) -> dict:
    cfg = payment_gateways.config(session)
    return {"enabled": list(cfg.enabled), "configured": list(cfg.configured),
            "default": cfg.default}


def _save_gateways(session, *, form: dict) -> dict:
    enabled = [n for n in payment_gateways.registry.NAMES if form.get(f"enabled_{n}")]
    payment_gateways.set_config(session, enabled=enabled, default=str(form.get("default") or ""))
    return _gateways(session)


class AdminState(SessionState):
    gw_enabled: list[str] = []
    gw_configured: list[str] = []
    gateway_default: str = ""
    gateway_errors: dict[str, str] = {}
    gateway_key: int = 0
    rows: list[dict[str, str]] = []
    search: str = ""
    loaded: bool = False
    prices: dict[str, str] = {}
    price_errors: dict[str, str] = {}
    price_key: int = 0
    ai_prices: list[dict[str, str]] = []
    ai_price_errors: dict[str, str] = {}
    ai_price_key: int = 0
    ai_adding: bool = False

    async def _saved(self, errors_var: str, save, **kwargs) -> bool:
        """Runs one of the price tables' saves; its field errors (or none) go to
        `errors_var`. The caller has checked that this is the platform admin."""
        try:
            await call(save, **kwargs)
        except ServiceError as exc:
            setattr(self, errors_var, self._field_errors(exc))
            return False
        setattr(self, errors_var, {})
        return True

    @rx.event
    @guarded_load(admin=True)
    async def load(self, ctx):
        self.rows = await call(_tenant_rows, actor=ctx, search=self.search)
        self.prices = await call(_prices)
        self.ai_prices = await call(_ai_prices)
        gw = await call(_gateways)
        self.gw_enabled, self.gw_configured = gw["enabled"], gw["configured"]
        self.gateway_default = gw["default"]

    @rx.event
    async def save_gateways(self, form: dict):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            yield redirect
            return
        try:
            gw = await call(_save_gateways, form=dict(form))
        except ServiceError as exc:
            self.gateway_errors = self._field_errors(exc)
            return
        self.gateway_errors = {}
        self.gw_enabled, self.gw_configured = gw["enabled"], gw["configured"]
        self.gateway_default = gw["default"]
        self.gateway_key += 1
        yield rx.toast.success(self._t("admin.gateways.saved"))

    @rx.event
    async def save_prices(self, form: dict):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            yield redirect
            return
        if not await self._saved("price_errors", broadcasts.set_prices, values=dict(form)):
            return
        self.prices = await call(_prices)
        self.price_key += 1
        yield rx.toast.success(self._t("common.saved"))

    @rx.event
    async def save_ai_prices(self, form: dict):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            yield redirect
            return
        if not await self._saved("ai_price_errors", _save_ai_prices, form=dict(form)):
            return
        self.ai_prices = await call(_ai_prices)
        self.ai_adding = False
        self.ai_price_key += 1
        yield rx.toast.success(self._t("common.saved"))

    @rx.event
    async def remove_ai_price(self, name: str):
        """The admin's price goes: a known model back to its default, an added one away."""
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            yield redirect
            return
        provider, _, model = str(name).partition("/")
        custom = (provider, model) not in ai_costs.DEFAULT_PRICES
        removed, problem = await self._call_or_toast(ai_costs.remove_price, provider=provider,
                                                     model=model)
        if problem is not None:
            yield problem
            return
        if not removed:
            return
        self.ai_prices = await call(_ai_prices)
        self.ai_price_errors = {}
        self.ai_price_key += 1
        yield rx.toast.success(self._t("admin.ai_prices.removed" if custom
                                       else "admin.ai_prices.reset_done"))

    @rx.event
    def toggle_ai_adding(self):
        self.ai_adding = not self.ai_adding

    @rx.event
    async def do_search(self, form: dict):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        self.search = (form.get("q") or "")[:80]
        self.rows = await call(_tenant_rows, actor=ctx, search=self.search)

    @rx.var
    def suspended_count(self) -> int:
        return len([r for r in self.rows if r["status"] == "suspended"])


def _detail(session, *, actor, tenant_id: str) -> dict:
    d = admin.tenant_detail(session, actor, tenant_id=tenant_id)
    return {
        "access_reason": admin.access_reason(session, actor, tenant_id=d.tenant.id) or "",
        "tenant": {
            "id": str(d.tenant.id), "name": d.tenant.name, "slug": d.tenant.slug,
            "status": d.tenant.status, "owner": d.tenant.owner_email or "—",
            "plan": d.tenant.plan_name or (translate("agency.via", DEFAULT_LANG,
                                                     name=d.tenant.agency_name)
                                           if d.tenant.agency_name else "—"),
            "niche": d.tenant.niche,
            "reason": d.suspended_reason, "created": local_text(d.tenant.created_at, "%d/%m/%Y"),
        },
        "members": [{"name": m.name or "—", "email": m.email, "role": m.role} for m in d.members],
        "instances": [
            {"name": i.name, "channel": i.channel, "status": i.status,
             "number": i.display_number or "—"}
            for i in d.instances
        ],
    }


class AdminTenantState(SessionState):
    tenant: dict[str, str] = {}
    members: list[dict[str, str]] = []
    instances: list[dict[str, str]] = []
    missing: bool = False
    loaded: bool = False
    errors: dict[str, str] = {}
    reason: str = ""
    # The business's data opens only once the admin said why (kept in its audit trail).
    needs_reason: bool = False
    access_reason: str = ""
    gate_name: str = ""

    def _tenant_key(self) -> str:
        return path_segment(self.router.url.path, 2)

    async def _refresh(self, ctx) -> None:
        try:
            data = await call(_detail, actor=ctx, tenant_id=self._tenant_key())
        except NotFound:
            self.missing = True
            return
        except admin.ReasonRequired:
            self.missing, self.needs_reason = False, True
            self.tenant, self.members, self.instances = {}, [], []
            try:
                self.gate_name = await call(admin.tenant_name, actor=ctx,
                                            tenant_id=self._tenant_key())
            except NotFound:
                self.missing = True
            return
        self.missing, self.needs_reason = False, False
        self.access_reason = data["access_reason"]
        self.tenant = data["tenant"]
        self.members = data["members"]
        self.instances = data["instances"]

    @rx.event
    @guarded_load(admin=True)
    async def load(self, ctx):
        self.errors = {}
        await self._refresh(ctx)

    @rx.event
    async def open_data(self, form: dict):
        """The admin gives the reason; the data opens (and the business sees why)."""
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        try:
            await call(admin.open_tenant, actor=ctx, tenant_id=self._tenant_key(),
                       reason=form.get("access_reason"), client_ip=self._client_ip())
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors = {}
        await self._refresh(ctx)
        return None

    @rx.event
    def set_reason(self, value: str):
        self.reason = str(value)[:300]

    @rx.event
    async def set_status(self, status: str):
        """Called from the confirmation dialog (suspending or reactivating)."""
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        try:
            await call(admin.set_tenant_status, actor=ctx, tenant_id=self._tenant_key(),
                       status=status, reason=self.reason if status == "suspended" else "")
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        self.errors = {}
        self.reason = ""
        await self._refresh(ctx)
        return rx.toast.success(self._t("admin.status_changed"))


def _tenant_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r["name"], href="/admin/tenants/" + r["id"], weight="medium")),
        rx.table.cell(r["owner"]),
        rx.table.cell(r["plan"]),
        rx.table.cell(r["instances"]),
        rx.table.cell(status_badge(r["status"])),
        rx.table.cell(r["created"]),
        class_name="tenant-row",
    )


def _price_field(category: str) -> rx.Component:
    s = AdminState
    return rx.vstack(
        rx.text(t(f"templates.cat.{category}"), as_="label", size="2", weight="medium",
                html_for=f"price-{category}"),
        rx.input(name=category, id=f"price-{category}", default_value=s.prices[category],
                 size="2", width="140px", aria_label=t(f"templates.cat.{category}")),
        field_error(s.price_errors, category),
        spacing="1")


def _prices_card() -> rx.Component:
    return card(
        rx.heading(t("admin.prices"), size="4"),
        rx.text(t("admin.prices_hint"), size="2", color_scheme="gray"),
        rx.form(
            rx.hstack(*[_price_field(c) for c in broadcasts.PRICES_BRL],
                      rx.button(t("common.save"), size="2", type="submit", id="save-prices"),
                      spacing="4", align="end", wrap="wrap", margin_top="8px"),
            on_submit=AdminState.save_prices, key=AdminState.price_key),
        margin_top="20px")


def _ai_price_cell(r: rx.Var, field: str) -> rx.Component:
    s = AdminState
    key = r[f"{field}_field"]
    model = rx.cond(r["model"] == "", t("admin.ai_prices.other_models"), r["model"])
    return rx.table.cell(rx.vstack(
        rx.input(name=key, id="ai-price-" + r["slug"] + f"-{field}", default_value=r[field],
                 size="2", width="120px", input_mode="decimal",
                 aria_label=t(f"admin.ai_prices.{field}") + " · " + r["provider"] + " "
                 + model),
        rx.cond(s.ai_price_errors.contains(key),
                rx.text(s.ai_price_errors[key], color_scheme="red", size="1",
                        id="error-ai-" + r["slug"] + f"-{field}")),
        spacing="1"))


def _ai_price_row(r: rx.Var) -> rx.Component:
    s = AdminState
    return rx.table.row(
        rx.table.cell(r["provider"]),
        rx.table.cell(rx.hstack(
            rx.cond(r["model"] == "",
                    rx.text(t("admin.ai_prices.other_models"), color_scheme="gray"),
                    rx.text(r["model"])),
            rx.cond((r["saved"] == "1") & (r["custom"] == ""),
                    rx.badge(t("admin.ai_prices.edited"), variant="soft")),
            spacing="2", align="center")),
        _ai_price_cell(r, "input"),
        _ai_price_cell(r, "output"),
        rx.table.cell(rx.cond(
            r["saved"] == "1",
            rx.tooltip(rx.icon_button(
                rx.cond(r["custom"] == "1", rx.icon("trash-2", size=14),
                        rx.icon("rotate-ccw", size=14)),
                size="1", variant="soft", type="button", color_scheme="gray",
                aria_label=rx.cond(r["custom"] == "1", t("admin.ai_prices.remove"),
                                   t("admin.ai_prices.reset")),
                on_click=s.remove_ai_price(r["name"]), id="ai-price-reset-" + r["slug"]),
                content=rx.cond(r["custom"] == "1", t("admin.ai_prices.remove"),
                                t("admin.ai_prices.reset"))))),
        class_name="ai-price-row")


def _ai_new_row() -> rx.Component:
    s = AdminState

    def cell(name: str, control: rx.Component) -> rx.Component:
        return rx.table.cell(rx.vstack(control, field_error(s.ai_price_errors, name),
                                       spacing="1"))

    def price(field: str) -> rx.Component:
        return rx.input(name=f"new_{field}", id=f"ai-new-{field}", size="2", width="120px",
                        input_mode="decimal", aria_label=t("admin.ai_prices.new") + " · "
                        + t(f"admin.ai_prices.{field}"))

    return rx.table.row(
        cell("new_provider", rx.select.root(
            rx.select.trigger(id="ai-new-provider", aria_label=t("admin.ai_prices.new")
                              + " · " + t("admin.ai_prices.provider")),
            rx.select.content(*[rx.select.item(label, value=key)
                                for key, label in PROVIDER_NAMES.items()]),
            name="new_provider", default_value="openai", size="2")),
        cell("new_model", rx.input(
            name="new_model", id="ai-new-model", size="2", max_length=ai_costs.MAX_MODEL,
            placeholder=t("admin.ai_prices.model_placeholder"),
            aria_label=t("admin.ai_prices.new") + " · " + t("admin.ai_prices.model"))),
        cell("new_input", price("input")),
        cell("new_output", price("output")),
        rx.table.cell(),
        id="ai-new-row")


def _ai_prices_card() -> rx.Component:
    s = AdminState
    return card(
        rx.heading(t("admin.ai_prices"), size="4"),
        rx.text(t("admin.ai_prices_hint"), size="2", color_scheme="gray"),
        rx.form(
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("admin.ai_prices.provider")),
                    rx.table.column_header_cell(t("admin.ai_prices.model")),
                    rx.table.column_header_cell(t("admin.ai_prices.input")),
                    rx.table.column_header_cell(t("admin.ai_prices.output")),
                    rx.table.column_header_cell(""),
                )),
                rx.table.body(rx.foreach(s.ai_prices, _ai_price_row),
                              rx.cond(s.ai_adding, _ai_new_row())),
                width="100%", size="1", id="ai-prices-table"),
            field_error(s.ai_price_errors, "_"),
            rx.hstack(
                rx.button(rx.cond(s.ai_adding, rx.icon("x", size=14), rx.icon("plus", size=14)),
                          rx.cond(s.ai_adding, t("common.cancel"),
                                  t("admin.ai_prices.add")),
                          size="2", variant="soft", type="button",
                          on_click=s.toggle_ai_adding, id="ai-price-add"),
                rx.button(t("common.save"), size="2", type="submit", id="save-ai-prices"),
                spacing="3", margin_top="8px"),
            on_submit=s.save_ai_prices, key=s.ai_price_key),
        margin_top="20px", id="ai-prices-card")


def _gateway_row(name: str) -> rx.Component:
    s = AdminState
    return rx.hstack(
        rx.checkbox(name=f"enabled_{name}", default_checked=s.gw_enabled.contains(name),
                    id=f"gateway-{name}", aria_label=t(f"admin.gateways.{name}")),
        rx.text(t(f"admin.gateways.{name}"), size="2", as_="label",
                html_for=f"gateway-{name}"),
        rx.cond(~s.gw_configured.contains(name), rx.badge(t("admin.gateways.not_configured"),
                                      color_scheme="gray", variant="soft")),
        rx.spacer(),
        rx.radio_group.item(value=name, id=f"gateway-default-{name}",
                            aria_label=t("admin.gateways.default") + " · "
                            + t(f"admin.gateways.{name}")),
        rx.text(t("admin.gateways.default"), size="1", color_scheme="gray"),
        align="center", spacing="2", width="100%", max_width="460px")


def _gateways_card() -> rx.Component:
    s = AdminState
    return card(
        rx.heading(t("admin.gateways"), size="4"),
        rx.text(t("admin.gateways_hint"), size="2", color_scheme="gray"),
        rx.form(
            rx.vstack(
                rx.radio_group.root(
                    rx.vstack(*[_gateway_row(n) for n in payment_gateways.registry.NAMES],
                              spacing="2", width="100%"),
                    name="default", default_value=s.gateway_default),
                field_error(s.gateway_errors, "default"),
                rx.button(t("common.save"), size="2", type="submit", id="save-gateways"),
                spacing="3", margin_top="8px", width="100%"),
            on_submit=AdminState.save_gateways, key=AdminState.gateway_key),
        margin_top="20px", id="gateways-card")


def admin_page() -> rx.Component:
    s = AdminState
    return app_shell(
        page_header("admin.title"),
        rx.hstack(
            card(rx.text(t("admin.total"), size="2", color_scheme="gray"),
                 rx.heading(s.rows.length(), size="6")),
            card(rx.text(t("admin.suspended_count"), size="2", color_scheme="gray"),
                 rx.heading(s.suspended_count, size="6")),
            spacing="4", width="100%", margin_bottom="20px",
        ),
        card(
            rx.form(
                rx.hstack(
                    rx.input(name="q", placeholder=t("admin.search_placeholder"), size="2",
                             default_value=s.search, width="280px"),
                    rx.button(rx.icon("search", size=14), t("common.search"), size="2",
                              type="submit"),
                    spacing="2",
                ),
                on_submit=s.do_search,
                margin_bottom="12px",
            ),
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("common.name")),
                    rx.table.column_header_cell(t("admin.owner")),
                    rx.table.column_header_cell(t("admin.plan")),
                    rx.table.column_header_cell(t("admin.instances")),
                    rx.table.column_header_cell(t("common.status")),
                    rx.table.column_header_cell(t("common.created")),
                )),
                rx.table.body(rx.foreach(s.rows, _tenant_row)),
                width="100%",
                id="tenants-table",
            ),
        ),
        _prices_card(),
        _ai_prices_card(),
        _gateways_card(),
        ready=s.loaded,
    )


def _info(label_key: str, value) -> rx.Component:
    return rx.vstack(rx.text(t(label_key), size="1", color_scheme="gray"),
                     rx.text(value, weight="medium"), spacing="0")


def admin_tenant_page() -> rx.Component:
    s = AdminTenantState
    status_form = rx.vstack(
        rx.cond(
            s.tenant["status"] == "suspended",
            confirm_button(
                rx.button(t("admin.reactivate"), size="3", color_scheme="green",
                          id="reactivate-tenant"),
                title_key="admin.confirm_reactivate_title",
                body=rx.text(t("admin.confirm_reactivate_body"), " ",
                             rx.text.strong(s.tenant["name"]), "."),
                confirm_key="admin.reactivate", color_scheme="green",
                on_confirm=s.set_status("active"), confirm_id="confirm-reactivate"),
            rx.fragment(
                rx.text(t("admin.reason"), size="2", weight="medium"),
                rx.text_area(value=s.reason, on_change=s.set_reason, max_length=300,
                             width="100%", id="field-reason"),
                confirm_button(
                    rx.button(t("admin.suspend"), size="3", color_scheme="red",
                              id="suspend-tenant"),
                    title_key="admin.confirm_suspend_title",
                    body=rx.text(t("admin.confirm_suspend_body"), " ",
                                 rx.text.strong(s.tenant["name"]), "."),
                    confirm_key="admin.suspend", on_confirm=s.set_status("suspended"),
                    confirm_id="confirm-suspend"),
            ),
        ),
        rx.cond(s.errors.contains("reason"),
                rx.text(s.errors["reason"], color_scheme="red", size="1")),
        spacing="2",
        width="100%",
    )
    gate = card(
        rx.form(
            rx.vstack(
                rx.heading(s.gate_name, size="6"),
                rx.heading(t("admin.access_title"), size="4"),
                rx.text(t("admin.access_body"), size="2", color_scheme="gray"),
                rx.text_area(name="access_reason", max_length=300, width="100%",
                             aria_label=t("admin.access_title"),
                             placeholder=t("admin.access_placeholder"), id="access-reason"),
                rx.cond(s.errors.contains("reason"),
                        rx.text(s.errors["reason"], color_scheme="red", size="1",
                                id="access-error")),
                rx.button(rx.icon("lock-open", size=14), t("admin.access_open"),
                          type="submit", id="access-open"),
                spacing="3", width="100%",
            ),
            on_submit=s.open_data, reset_on_submit=False,
        ),
        max_width="640px", id="access-gate",
    )
    return app_shell(
        rx.cond(
            s.missing,
            card(rx.text(t("common.not_found_title")), id="not-found"),
            rx.cond(s.needs_reason, gate, rx.vstack(
                rx.hstack(
                    rx.link(rx.icon("arrow-left", size=18), aria_label=t("a11y.back"),
                            href="/admin"),
                    rx.heading(s.tenant["name"], size="7", id="admin-tenant-name"),
                    status_badge(s.tenant["status"]),
                    align="center", spacing="3",
                ),
                card(
                    rx.grid(
                        _info("admin.owner", s.tenant["owner"]),
                        _info("admin.plan", s.tenant["plan"]),
                        _info("signup.niche", SessionState.tr["niche." + s.tenant["niche"]]),
                        _info("common.created", s.tenant["created"]),
                        columns="4", spacing="4", width="100%",
                    ),
                ),
                rx.cond(s.tenant["reason"] != "",
                        rx.callout(s.tenant["reason"], icon="info", color_scheme="red",
                                   width="100%")),
                rx.grid(
                    card(
                        rx.heading(t("admin.members"), size="4", margin_bottom="8px"),
                        rx.foreach(s.members, lambda m: rx.text(
                            m["name"], " · ", m["email"], " · ",
                            SessionState.tr["role." + m["role"]], size="2")),
                    ),
                    card(
                        rx.heading(t("admin.instances"), size="4", margin_bottom="8px"),
                        rx.cond(s.instances.length() == 0,
                                rx.text(t("instances.empty"), size="2", color_scheme="gray")),
                        rx.foreach(s.instances, lambda i: rx.hstack(
                            rx.text(i["name"], size="2"), status_badge(i["status"]),
                            align="center")),
                    ),
                    card(status_form),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(s.access_reason != "",
                        rx.text(t("audit.reason"), ": ", s.access_reason, size="1",
                                color_scheme="gray", id="access-given")),
                spacing="4",
                width="100%",
            )),
        ),
        ready=s.loaded,
    )
