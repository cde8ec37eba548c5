"""/flows: the tenant's flows — import a flow JSON (validated), activate, deactivate, test.

The visual editor (its own issue) will create and edit flows; this page already lets a
tenant bring a flow in and turn it on, and never activates an invalid one.
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.forms import field_error, form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.services import flow_editor, flows, instances
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def instance_options(session, *, tenant_id: int) -> list[dict[str, str]]:
    """Where a new flow or install may go: ready numbers first (the first is the default);
    a number not connected yet is marked, and is never the default."""
    return [{"id": str(i.id), "name": i.name, "ready": "1" if ready else ""}
            for i, ready in instances.target_choices(session, tenant_id=tenant_id)]


def option_label(option: rx.Var) -> rx.Var:
    return option["name"] + rx.cond(option["ready"] == "1", "",
                                    " (" + t("instances.not_connected") + ")")


def _page_data(session, *, tenant_id: int) -> dict:
    return {
        "flows": [{"id": str(r.id), "name": r.name, "instance": r.instance_name,
                   "instance_id": str(r.instance_id), "status": r.status,
                   "version": str(r.version or "—")}
                  for r in flows.flow_rows(session, tenant_id=tenant_id)],
        "instances": instance_options(session, tenant_id=tenant_id),
    }


class FlowsState(SessionState):
    rows: list[dict[str, str]] = []
    instance_options: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    new_errors: dict[str, str] = {}
    issues: list[str] = []
    loaded: bool = False
    busy: bool = False
    form_key: int = 0

    async def _refresh(self, tenant_id: int) -> None:
        data = await call(_page_data, tenant_id=tenant_id)
        self.rows = data["flows"]
        self.instance_options = data["instances"]

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.errors, self.issues = {}, []
        await self._refresh(ctx.tenant_id)

    @rx.event
    async def import_flow(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy = True
        self.errors, self.issues = {}, []
        yield
        try:
            await call(flows.import_flow, tenant_id=ctx.tenant_id,
                       instance_id=form.get("instance_id") or "", name=form.get("name"),
                       raw_json=form.get("definition"),
                       activate=bool(form.get("activate")), lang=self.lang)
        except flows.FlowInvalid as exc:
            self.issues = [issue.message for issue in exc.issues][:50]
            self.busy = False
            return
        except ServiceError as exc:
            errors = self._field_errors(exc)
            if exc.code == "error.not_found":
                errors = {"instance_id": self._t("error.not_found")}
            self.errors = errors
            self.busy = False
            return
        await self._refresh(ctx.tenant_id)
        self.busy = False
        self.form_key += 1
        yield rx.toast.success(self._t("flows.imported"))

    @rx.event
    async def new_flow(self, form: dict):
        """'Novo fluxo': an empty draft (a start node) for an instance, opened in the editor."""
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.new_errors = {}
        try:
            flow = await call(flow_editor.new_flow, tenant_id=ctx.tenant_id,
                              instance_id=form.get("instance_id") or "", name=form.get("name"))
        except ServiceError as exc:
            errors = self._field_errors(exc)
            if exc.code == "error.not_found":
                errors = {"instance_id": self._t("error.not_found")}
            self.new_errors = errors
            return
        yield rx.redirect(f"/flows/{flow.id}/edit")

    @rx.event
    async def set_active(self, flow_id: str, active: bool):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        try:
            await call(flows.set_active, tenant_id=ctx.tenant_id, flow_id=flow_id,
                       active=active)
        except flows.FlowInvalid as exc:
            return rx.toast.error(exc.issues[0].message if exc.issues else "")
        except ServiceError as exc:
            return rx.toast.error(self._error_text(exc))
        await self._refresh(ctx.tenant_id)


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r["name"], weight="medium"), min_width="160px"),
        rx.table.cell(r["instance"]),
        rx.table.cell(r["version"]),
        rx.table.cell(status_badge(r["status"], flow=True)),
        rx.table.cell(rx.hstack(
            rx.cond(r["status"] == "active",
                    rx.button(t("flows.deactivate"), size="1", variant="soft",
                              color_scheme="gray",
                              on_click=FlowsState.set_active(r["id"], False)),
                    rx.button(t("flows.activate"), size="1", variant="soft",
                              on_click=FlowsState.set_active(r["id"], True))),
            rx.link(rx.button(rx.icon("pencil", size=12), t("flows.edit"), size="1"),
                    href="/flows/" + r["id"] + "/edit", class_name="flow-edit"),
            rx.link(rx.button(t("flows.test"), size="1", variant="outline"),
                    href="/instances/" + r["instance_id"] + "/simulator"),
            spacing="2", wrap="wrap")),
        class_name="flow-row",
    )


def _instance_select(s, field_id: str) -> rx.Component:
    return rx.el.select(
        rx.foreach(s.instance_options,
                   lambda i: rx.el.option(option_label(i), value=i["id"])),
        name="instance_id", id=field_id, aria_label=t("a11y.filter_instance"),
        style={"width": "100%", "padding": "8px", "border_radius": "8px",
               "border": f"1px solid {rx.color('gray', 6)}"},
    )


def _new_flow_form(s) -> rx.Component:
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("flows.new"), size="4"),
                rx.text(t("flows.new_title"), size="2", color_scheme="gray"),
                form_error(s.new_errors),
                rx.input(name="name", id="new-flow-name", placeholder=t("common.name"),
                         max_length=80, width="100%", size="3"),
                field_error(s.new_errors, "name"),
                _instance_select(s, "new-flow-instance"),
                field_error(s.new_errors, "instance_id"),
                rx.button(rx.icon("plus", size=14), t("flows.create"), type="submit",
                          size="3", id="new-flow"),
                spacing="3", width="100%",
            ),
            on_submit=s.new_flow,
        ),
        max_width="460px",
    )


def flows_page() -> rx.Component:
    s = FlowsState
    # Folded: a box of JSON on the page every newcomer opens read as a thing to fill in;
    # importing is for a flow file someone exported.
    import_form = card(rx.el.details(
        rx.el.summary(rx.text(t("flows.import_title"), as_="span", size="3", weight="bold"),
                      id="import-toggle", cursor="pointer"),
        rx.form(
            rx.vstack(
                rx.text(t("flows.import_help"), size="2", color_scheme="gray"),
                form_error(s.errors),
                text_field("common.name", "name", s.errors, max_length=80),
                rx.vstack(
                    rx.text(t("flows.instance"), size="2", weight="medium"),
                    _instance_select(s, "field-instance_id"),
                    field_error(s.errors, "instance_id"),
                    spacing="1", width="100%",
                ),
                rx.vstack(
                    rx.text(t("flows.json"), size="2", weight="medium"),
                    rx.text_area(name="definition", id="field-definition", rows="10",
                                 width="100%", placeholder='{"version": 1, "nodes": [...]}',
                                 style={"font_family": "monospace", "font_size": "12px"}),
                    field_error(s.errors, "definition"),
                    spacing="1", width="100%",
                ),
                rx.hstack(rx.checkbox(name="activate", default_checked=True, id="field-activate",
                                      aria_label=t("flows.activate_now")),
                          rx.text(t("flows.activate_now"), size="2"), align="center"),
                rx.cond(
                    s.issues.length() > 0,
                    rx.callout.root(
                        rx.callout.text(t("flows.errors_title"), weight="bold"),
                        rx.foreach(s.issues, lambda m: rx.callout.text("• ", m, size="1")),
                        color_scheme="red", width="100%", id="flow-issues",
                    ),
                ),
                submit_button("flows.import", loading=s.busy, id="import-flow"),
                spacing="3", width="100%",
            ),
            on_submit=s.import_flow,
            key=s.form_key,
            margin_top="12px",
        ),
    ), max_width="460px")
    table = card(
        rx.cond(
            s.rows.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("common.name")),
                    rx.table.column_header_cell(t("flows.instance")),
                    rx.table.column_header_cell(t("flows.version")),
                    rx.table.column_header_cell(t("common.status")),
                    rx.table.column_header_cell(t("common.actions")),
                )),
                rx.table.body(rx.foreach(s.rows, _row)),
                width="100%",
            ),
            rx.text(t("flows.empty"), color_scheme="gray"),
        ),
        flex="2",
    )
    return app_shell(
        page_header("flows.title", "flows.subtitle"),
        rx.flex(table, rx.vstack(_new_flow_form(s), import_form, spacing="4", width="100%",
                                 max_width="460px"),
                spacing="4", width="100%", align="start",
                direction=rx.breakpoints(initial="column", md="row")),
        ready=s.loaded,
    )
