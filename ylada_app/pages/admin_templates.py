"""/admin/templates and /admin/templates/[tid]: platform admins create and edit marketplace
templates (flow JSON import until the visual editor is wired, parameters, price, premium),
publish versions, activate/deactivate, and see usage (installs, active installs, goals)."""

from __future__ import annotations

import json

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import field_error, form_error, text_field
from ylada_app.components.layout import app_shell, card, not_found_block, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.models.marketplace import TEMPLATE_CATEGORIES, TEMPLATE_NICHES
from ylada_app.pages.instances import path_segment
from ylada_app.services import marketplace
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.services.template_params import PARAM_TYPES, format_brl
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

NEW = "new"


def _rows(session, *, actor) -> list[dict[str, str]]:
    return [{"id": str(r.id), "slug": r.slug, "name": r.name, "niche": r.niche,
             "category": r.category, "price": r.price, "active": "1" if r.is_active else "",
             "version": str(r.version), "installs": str(r.installs),
             "active_installs": str(r.active_installs), "goals": str(r.goals)}
            for r in marketplace.admin_list_templates(session, actor)]


class AdminTemplatesState(SessionState):
    rows: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @guarded_load(admin=True)
    async def load(self, ctx):
        self.rows = await call(_rows, actor=ctx)

    @rx.event
    async def set_active(self, template_id: str, active: bool):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(marketplace.admin_set_active, actor=ctx,
                                               template_id=template_id, active=active)
        if problem is not None:
            return problem
        self.rows = await call(_rows, actor=ctx)
        return None


def _row(r: rx.Var) -> rx.Component:
    s = AdminTemplatesState
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(r["name"], weight="medium"),
                                rx.text(r["slug"], size="1", color_scheme="gray"), spacing="0"),
                      min_width="220px"),
        rx.table.cell(SessionState.tr["niche." + r["niche"]]),
        rx.table.cell(r["price"]),
        rx.table.cell(rx.cond(r["version"] == "0", t("adm_tpl.never_published"),
                              "v" + r["version"])),
        rx.table.cell(r["installs"], class_name="stat-installs"),
        rx.table.cell(r["active_installs"], class_name="stat-active"),
        rx.table.cell(r["goals"], class_name="stat-goals"),
        rx.table.cell(rx.cond(r["active"] == "1",
                              rx.badge(t("flow_status.active"), color_scheme="green"),
                              rx.badge(t("flow_status.inactive"), color_scheme="gray"))),
        rx.table.cell(rx.hstack(
            rx.link(rx.button(t("adm_tpl.edit"), size="1", variant="outline"),
                    href="/admin/templates/" + r["id"]),
            rx.cond(r["active"] == "1",
                    confirm_button(
                        rx.button(t("adm_tpl.deactivate"), size="1", variant="soft",
                                  color_scheme="gray", class_name="deactivate-template"),
                        title_key="adm_tpl.confirm_deactivate_title",
                        body=rx.text(rx.text.strong(r["name"]), " ",
                                     t("adm_tpl.confirm_deactivate_body")),
                        confirm_key="adm_tpl.deactivate",
                        on_confirm=s.set_active(r["id"], False),
                        confirm_id="confirm-deactivate"),
                    rx.button(t("adm_tpl.activate"), size="1", variant="soft",
                              on_click=s.set_active(r["id"], True))),
            spacing="2")),
        class_name="admin-template-row",
    )


def admin_templates_page() -> rx.Component:
    s = AdminTemplatesState
    return app_shell(
        page_header("adm_tpl.title", "adm_tpl.subtitle",
                    rx.link(rx.button(rx.icon("plus", size=14), t("adm_tpl.new")),
                            href="/admin/templates/new", id="new-template")),
        card(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                "common.name", "adm_tpl.niche", "adm_tpl.price", "mkt.version",
                "adm_tpl.installs", "adm_tpl.active_installs", "adm_tpl.goals",
                "common.status", "common.actions")])),
            rx.table.body(rx.foreach(s.rows, _row)),
            width="100%",
        )),
        ready=s.loaded,
    )


# --- edit ----------------------------------------------------------------------------------------


def _form_data(session, *, actor, template_id: str) -> dict:
    tpl = marketplace.admin_get_template(session, actor, template_id=template_id)
    return {
        "fields": {"id": str(tpl.id), "slug": tpl.slug, "name": tpl.name,
                   "description": tpl.description, "category": tpl.category,
                   "niche": tpl.niche, "price": format_brl(tpl.price_cents).replace("R$ ", ""),
                   "premium": "1" if tpl.is_premium else "", "version": str(tpl.version),
                   "flow": json.dumps(tpl.flow, ensure_ascii=False, indent=1),
                   "parameters": json.dumps(tpl.parameters, ensure_ascii=False, indent=1),
                   "preview": tpl.preview},
        "params": [{"key": str(p.get("key")), "type": str(p.get("type")),
                    "label": str(p.get("label") or ""), "default": str(p.get("default") or "—"),
                    "required": "✓" if p.get("required") else ""}
                   for p in tpl.parameters if isinstance(p, dict)],
        "versions": [{"version": str(v.version), "changelog": v.changelog or "—",
                      "date": local_text(v.created_at, "%d/%m/%Y %H:%M")}
                     for v in marketplace.admin_versions(session, actor, template_id=tpl.id)],
    }


_EMPTY = {"id": "", "slug": "", "name": "", "description": "", "category": "vendas",
          "niche": "outro", "price": "0,00", "premium": "", "version": "0",
          "flow": '{"version": 1, "nodes": [], "edges": []}', "parameters": "[]", "preview": ""}


class AdminTemplateEditState(SessionState):
    fields: dict[str, str] = {}
    param_rows: list[dict[str, str]] = []
    versions: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    issues: list[str] = []
    missing: bool = False
    loaded: bool = False
    busy: bool = False
    form_key: int = 0
    # The new version's note lives in the state, not only in the field: the page re-renders
    # its forms when it reloads, and what the admin typed must survive that.
    changelog: str = ""
    _changelog_of: str = ""  # the template the note was typed for

    @rx.event
    def set_changelog(self, value: str):
        self.changelog, self._changelog_of = value[:500], self._tid()

    def _tid(self) -> str:
        return path_segment(self.router.url.path, 2)

    async def _reload(self, ctx, template_id: str) -> None:
        data = await call(_form_data, actor=ctx, template_id=template_id)
        self.fields, self.versions = data["fields"], data["versions"]
        self.param_rows = data["params"]
        self.form_key += 1

    @rx.event
    @guarded_load(admin=True, in_place=True)  # (back from the flow editor, the note is typed)
    async def load(self, ctx):
        self.errors, self.issues, self.missing = {}, [], False
        if self._changelog_of != self._tid() and self.changelog:
            # (only when there is a note to drop: setting it, even to "", is sent to the
            # page and wiped what the admin was typing while the page loaded)
            self.changelog = ""
        if self._tid() == NEW:
            self.fields, self.versions, self.param_rows = dict(_EMPTY), [], []
            self.form_key += 1
        else:
            try:
                await self._reload(ctx, self._tid())
            except NotFound:
                self.missing = True

    @rx.event
    async def save(self, form: dict):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            yield redirect
            return
        self.busy, self.errors, self.issues = True, {}, []
        yield
        try:
            tpl = await call(
                marketplace.admin_save_template, actor=ctx,
                template_id=self.fields.get("id") or None, slug=form.get("slug"),
                name=form.get("name"), description=form.get("description"),
                category=form.get("category"), niche=form.get("niche"),
                price=form.get("price"), is_premium=bool(form.get("premium")),
                flow=form.get("flow"), parameters=form.get("parameters"))
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.issues = list(getattr(exc, "issues", []))[:50]
            self.busy = False
            return
        self.busy = False
        yield rx.toast.success(self._t("adm_tpl.saved"))
        if not self.fields.get("id"):
            yield rx.redirect(f"/admin/templates/{tpl.id}")
            return
        await self._reload(ctx, str(tpl.id))

    @rx.event
    async def publish(self, form: dict):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        self.issues = []
        try:
            await call(marketplace.admin_publish, actor=ctx, template_id=self.fields.get("id"),
                       changelog=self.changelog or form.get("changelog") or "")
        except ServiceError as exc:
            self.issues = list(getattr(exc, "issues", []))[:50]
            return rx.toast.error(self._error_text(exc))
        self.changelog = ""
        await self._reload(ctx, self.fields.get("id") or "")
        return rx.toast.success(self._t("adm_tpl.published"))


def _select(label_key: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    s = AdminTemplateEditState
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"),
        rx.el.select(*[rx.el.option(t(label), value=value) for value, label in options],
                     name=name, id=f"field-{name}", default_value=s.fields[name],
                     aria_label=t(label_key),
                     style={"width": "100%", "padding": "8px", "border_radius": "8px",
                            "border": f"1px solid {rx.color('gray', 6)}"}),
        field_error(s.errors, name),
        spacing="1", width="100%",
    )


def _json_area(label_key: str, name: str, rows: str, hint_key: str | None = None):
    s = AdminTemplateEditState
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"),
        rx.cond(hint_key is not None, rx.text(t(hint_key or "common.name"), size="1",
                                              color_scheme="gray")) if hint_key else rx.fragment(),
        rx.text_area(name=name, id=f"field-{name}", rows=rows, width="100%",
                     default_value=s.fields[name],
                     style={"font_family": "monospace", "font_size": "12px"}),
        field_error(s.errors, name),
        spacing="1", width="100%",
    )


def admin_template_edit_page() -> rx.Component:
    s = AdminTemplateEditState
    form = card(rx.form(
        rx.vstack(
            form_error(s.errors),
            rx.flex(text_field("adm_tpl.slug", "slug", s.errors, default_value=s.fields["slug"],
                               max_length=60),
                    text_field("common.name", "name", s.errors, default_value=s.fields["name"],
                               max_length=80),
                    spacing="3", width="100%"),
            rx.vstack(rx.text(t("adm_tpl.description"), size="2", weight="medium"),
                      rx.text_area(name="description", id="field-description", rows="3",
                                   width="100%", default_value=s.fields["description"]),
                      field_error(s.errors, "description"), spacing="1", width="100%"),
            rx.flex(_select("adm_tpl.category", "category",
                            [(c, f"mkt.cat.{c}") for c in TEMPLATE_CATEGORIES]),
                    _select("adm_tpl.niche", "niche", [(n, f"niche.{n}") for n in TEMPLATE_NICHES]),
                    text_field("adm_tpl.price", "price", s.errors, default_value=s.fields["price"],
                               max_length=20),
                    spacing="3", width="100%"),
            rx.hstack(rx.checkbox(name="premium", default_checked=s.fields["premium"] == "1",
                                  id="field-premium"),
                      rx.text(t("adm_tpl.premium"), size="2"), align="center"),
            rx.cond(s.param_rows.length() > 0, rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"adm_tpl.col.{h}"))
                                               for h in ("key", "type", "label", "default",
                                                         "required")])),
                rx.table.body(rx.foreach(s.param_rows, lambda p: rx.table.row(
                    rx.table.cell(rx.code(p["key"])),
                    rx.table.cell(rx.match(p["type"], *[(k, t(f"adm_tpl.type.{k}"))
                                                        for k in PARAM_TYPES], p["type"])),
                    rx.table.cell(p["label"]), rx.table.cell(p["default"]),
                    rx.table.cell(p["required"])))),
                size="1", width="100%", id="param-table"), overflow_x="auto", width="100%")),
            _json_area("adm_tpl.parameters", "parameters", "8", "adm_tpl.parameters_hint"),
            # The flow is edited in the visual editor; pasting JSON stays as an advanced
            # import, folded away.
            rx.cond(
                s.fields["id"] != "",
                rx.link(rx.button(rx.icon("workflow", size=16), t("adm_tpl.edit_visual"),
                                  type="button", size="3", variant="soft",
                                  id="edit-flow-visual"),
                        href="/admin/templates/" + s.fields["id"] + "/flow"),
                rx.text(t("adm_tpl.visual_after_save"), size="2", color_scheme="gray"),
            ),
            rx.accordion.root(
                rx.accordion.item(header=t("adm_tpl.flow_json_advanced"),
                                  content=_json_area("adm_tpl.flow", "flow", "16"),
                                  value="json"),
                collapsible=True, type="single", variant="ghost", width="100%",
                id="flow-json-advanced"),
            rx.cond(s.issues.length() > 0, rx.callout.root(
                rx.callout.text(t("adm_tpl.problems"), weight="bold"),
                rx.foreach(s.issues, lambda m: rx.callout.text("• ", m, size="1")),
                color_scheme="red", width="100%", id="template-issues")),
            rx.button(t("adm_tpl.save"), type="submit", loading=s.busy, id="save-template"),
            spacing="3", width="100%",
        ),
        on_submit=s.save, key=s.form_key,
    ), flex="3", min_width="0")
    side = rx.vstack(
        rx.cond(s.fields["id"] != "", card(rx.form(
            rx.vstack(
                rx.heading(t("adm_tpl.publish"), size="4"),
                rx.text(t("mkt.version"), ": v", s.fields["version"], size="2"),
                rx.text_area(name="changelog", placeholder=t("adm_tpl.changelog"), rows="3",
                             width="100%", id="field-changelog", max_length=500,
                             value=s.changelog, on_change=s.set_changelog),
                rx.button(rx.icon("upload", size=14), t("adm_tpl.publish"), type="submit",
                          id="publish-template"),
                spacing="2", width="100%"),
            on_submit=s.publish))),
        rx.cond(s.versions.length() > 0, card(rx.vstack(
            rx.heading(t("adm_tpl.versions"), size="4"),
            rx.foreach(s.versions, lambda v: rx.vstack(
                rx.text("v", v["version"], " · ", v["date"], size="2", weight="medium"),
                rx.text(v["changelog"], size="1", color_scheme="gray"), spacing="0")),
            spacing="2", width="100%"))),
        rx.cond(s.fields["preview"] != "", card(rx.vstack(
            rx.heading(t("mkt.preview_title"), size="4"),
            rx.text(s.fields["preview"], size="1", white_space="pre-wrap",
                    color_scheme="gray", word_break="break-word"),
            spacing="2", max_height="400px", overflow_y="auto"))),
        flex="2", spacing="4", width="100%", min_width="0",
    )
    return app_shell(
        rx.cond(s.missing, not_found_block(), rx.vstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=16), t("adm_tpl.title"),
                              align="center", spacing="1"), href="/admin/templates", size="2"),
            rx.heading(rx.cond(s.fields["name"] != "", s.fields["name"], t("adm_tpl.new")),
                       size="7", margin_bottom="16px"),
            rx.flex(form, side, spacing="4", width="100%", align="start",
                    direction=rx.breakpoints(initial="column", lg="row")),
            width="100%", spacing="2")),
        ready=s.loaded,
    )
