"""/settings/audit ("Auditoria"): a business's own audit trail — sign-ins of its members,
exports, API keys, webhooks, team changes, LGPD requests and every time the platform's staff
opened its data, with the reason they gave. Filter by kind, period and person, page through,
download as CSV. Owners and admins only (agents are sent to their inbox by the guard)."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.services import audit_view
from ylada_app.services.audit import KINDS
from ylada_app.state.audit_trail import ALL, AuditTrailState
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


class AuditState(AuditTrailState, SessionState):
    async def _trail_page(self, ctx):
        view = await call(audit_view.business_view, tenant_id=ctx.tenant_id, page=self.page,
                          lang=self.lang, **self._filters())
        return view.rows, view.total, view.pages, view.people

    async def _trail_csv(self, ctx):
        text = await call(audit_view.business_csv, tenant_id=ctx.tenant_id,
                          user_id=ctx.user_id, lang=self.lang, **self._filters())
        return text, "auditoria.csv"


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["when"], white_space="nowrap"),
        rx.table.cell(r["who"]),
        rx.table.cell(rx.text(r["what"], weight="medium")),
        rx.table.cell(r["target"]),
        rx.table.cell(r["details"], max_width="320px"),
        class_name="audit-row",
    )


def _select(name: str, value: rx.Var, items: list[rx.Component], width: str,
            label: str) -> rx.Component:
    return rx.select.root(rx.select.trigger(width=width, aria_label=t(label),
                                            id=f"audit-{name}"),
                          rx.select.content(*items), name=name, default_value=value)


def filters_form(s, *, with_people: bool = True) -> rx.Component:
    """Kind, period and (optionally) person — shared with the admin's page."""
    kinds = [rx.select.item(t("audit.kind.all"), value=ALL)] + [
        rx.select.item(t(f"audit.kind.{k}"), value=k) for k in KINDS]
    people = [rx.select.item(t("audit.person.all"), value=ALL),
              rx.foreach(s.people, lambda p: rx.select.item(p["name"], value=p["id"]))]
    label = {"size": "1", "color_scheme": "gray"}
    return rx.form(
        rx.flex(
            rx.vstack(rx.text(t("audit.kind"), **label),
                      _select("kind", s.kind, kinds, "200px", "audit.kind"), spacing="1"),
            *([rx.vstack(rx.text(t("audit.person"), **label),
                         _select("person", s.person, people, "220px", "audit.person"), spacing="1")]
              if with_people else []),
            rx.vstack(rx.text(t("audit.from"), **label),
                      rx.input(type="date", name="since", default_value=s.since,
                               id="audit-since", aria_label=t("audit.from")), spacing="1"),
            rx.vstack(rx.text(t("audit.to"), **label),
                      rx.input(type="date", name="until", default_value=s.until,
                               id="audit-until", aria_label=t("audit.to")), spacing="1"),
            rx.button(rx.icon("filter", size=14), t("audit.apply"), type="submit",
                      id="audit-apply"),
            rx.button(t("audit.clear"), type="button", variant="ghost", on_click=s.clear),
            spacing="3", align="end", wrap="wrap",
        ),
        on_submit=s.apply, key=s.form_key.to_string(), reset_on_submit=False,
    )


def trail_table(s, *, business_column: bool = False) -> rx.Component:
    head = ["audit.when", "audit.who", "audit.what", "audit.target", "audit.details"]
    return rx.box(
        rx.cond(s.error != "", rx.callout(s.error, icon="triangle-alert", color_scheme="red",
                                          margin_bottom="12px")),
        rx.cond(s.rows.length() == 0,
                rx.text(t("audit.empty_filtered"), color_scheme="gray", id="audit-empty"),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        *[rx.table.column_header_cell(t(h)) for h in head],
                        *([rx.table.column_header_cell(t("audit.business"))]
                          if business_column else []))),
                    rx.table.body(rx.foreach(s.rows, _admin_row if business_column else _row)),
                    width="100%", id="audit-table", size="2",
                )),
        rx.hstack(
            rx.text(s.page_label, size="2", color_scheme="gray", id="audit-pages"),
            rx.spacer(),
            rx.button(rx.icon("chevron-left", size=14), t("audit.prev"), size="1",
                      variant="soft", on_click=s.go(-1), disabled=s.page <= 1),
            rx.button(t("audit.next"), rx.icon("chevron-right", size=14), size="1",
                      variant="soft", on_click=s.go(1), disabled=s.page >= s.pages),
            width="100%", align="center", margin_top="12px",
        ),
        width="100%",
    )


def _admin_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["when"], white_space="nowrap"),
        rx.table.cell(r["who"]),
        rx.table.cell(rx.text(r["what"], weight="medium")),
        rx.table.cell(r["target"]),
        rx.table.cell(r["details"], max_width="320px"),
        rx.table.cell(r["business"]),
        class_name="audit-row",
    )


def audit_page() -> rx.Component:
    s = AuditState
    return app_shell(
        page_header("audit.settings_title", "audit.settings_subtitle",
                    rx.button(rx.icon("download", size=14), t("audit.export_csv"),
                              variant="soft", on_click=s.download, id="audit-csv")),
        card(filters_form(s), margin_bottom="16px"),
        card(trail_table(s)),
        ready=s.loaded,
    )
