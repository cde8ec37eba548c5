"""/admin/dashboard (platform admin): tenants by state, MRR and its trend, new tenants per
week, messages per day across the platform, marketplace templates, tenants near limits."""

from __future__ import annotations

import asyncio

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.money import format_brl, format_int
from ylada_app.services import analytics_admin, analytics_rollup
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

STATUSES = ("active", "trialing", "past_due", "canceled", "suspended")


def _br(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}"


def _page_data(session, *, actor) -> dict:
    d = analytics_admin.admin_dashboard(session, actor)
    return {
        "tenants": format_int(d["tenants"]),
        "mrr": format_brl(d["mrr_cents"]),
        "by_status": [{"status": s, "count": format_int(d["by_status"].get(s, 0))}
                      for s in STATUSES],
        "mrr_trend": [{"day": _br(x["day"]), "mrr": round(x["mrr_cents"] / 100, 2)}
                      for x in d["mrr_trend"]],
        "new_tenants": [{"week": _br(x["week"]), "count": x["count"]} for x in d["new_tenants"]],
        "messages": [{"day": _br(x["day"]), "in": x["in"], "out": x["out"]}
                     for x in d["messages"]],
        "installed": [{"name": x["name"], "count": format_int(x["count"])}
                      for x in d["templates"]["installed"]],
        "converting": [{"name": x["name"], "count": format_int(x.get("count", 0))}
                       for x in d["templates"]["converting"]],
        "near": [{"id": str(x["tenant_id"]), "name": x["name"], "used": format_int(x["used"]),
                  "limit": format_int(x["limit"]), "pct": f"{x['pct']} %"}
                 for x in d["near_limits"]],
    }


class AdminDashState(SessionState):
    tenants_total: str = ""
    mrr: str = ""
    by_status: list[dict[str, str]] = []
    mrr_trend: list[dict[str, str | float]] = []
    new_tenants: list[dict[str, str | int]] = []
    messages: list[dict[str, str | int]] = []
    installed: list[dict[str, str]] = []
    converting: list[dict[str, str]] = []
    near: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @guarded_load(admin=True)
    async def load(self, ctx):
        await asyncio.to_thread(analytics_rollup.catch_up_for_page)
        data = await call(_page_data, actor=ctx)
        self.tenants_total, self.mrr = data["tenants"], data["mrr"]
        for key in ("by_status", "mrr_trend", "new_tenants", "messages", "installed",
                    "converting", "near"):
            setattr(self, key, data[key])


def _stat(label: rx.Var, value: rx.Var, icon: str, el_id: str) -> rx.Component:
    return card(rx.hstack(
        rx.center(rx.icon(icon, size=20, color=rx.color("jade", 11)),
                  background=rx.color("jade", 3), border_radius="10px", padding="10px"),
        rx.vstack(rx.text(label, size="2", color_scheme="gray"),
                  rx.heading(value, size="6", id=el_id), spacing="0"),
        align="center", spacing="4"))


def _template_list(title_key: str, rows: rx.Var, empty_key: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(title_key), weight="medium"),
        rx.cond(rows.length() > 0,
                rx.vstack(rx.foreach(rows, lambda r: rx.hstack(
                    rx.text(r["name"]), rx.spacer(), rx.text(r["count"], weight="bold"),
                    width="100%")), width="100%"),
                rx.text(t(empty_key), size="2", color_scheme="gray")),
        width="100%")


def admin_dashboard_page() -> rx.Component:
    S = AdminDashState
    return app_shell(
        page_header("admin_dash.title", "admin_dash.subtitle"),
        rx.grid(
            _stat(t("admin_dash.tenants"), S.tenants_total, "building-2", "dash-tenants"),
            _stat(t("admin_dash.mrr"), S.mrr, "trending-up", "dash-mrr"),
            card(rx.vstack(rx.foreach(S.by_status, lambda s: rx.hstack(
                status_badge(s["status"]), rx.spacer(), rx.text(s["count"], weight="bold"),
                width="100%", id="dash-status-" + s["status"])), spacing="1", width="100%")),
            columns=rx.breakpoints(initial="1", sm="3"), spacing="4", width="100%",
            margin_bottom="16px"),
        rx.grid(
            card(rx.heading(t("admin_dash.mrr_trend"), size="4", margin_bottom="8px"),
                 rx.recharts.line_chart(
                     rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                     rx.recharts.x_axis(data_key="day"), rx.recharts.y_axis(),
                     rx.recharts.tooltip(),
                     rx.recharts.line(data_key="mrr", name="MRR (R$)", stroke="#128C7E",
                                      stroke_width=2),
                     data=S.mrr_trend, width="100%", height=220), id="dash-mrr-trend"),
            card(rx.heading(t("admin_dash.new_tenants"), size="4", margin_bottom="8px"),
                 rx.recharts.bar_chart(
                     rx.recharts.x_axis(data_key="week"),
                     rx.recharts.y_axis(allow_decimals=False), rx.recharts.tooltip(),
                     rx.recharts.bar(data_key="count", name=t("admin_dash.tenants"),
                                     fill="#128C7E"),
                     data=S.new_tenants, width="100%", height=220), id="dash-new-tenants"),
            columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%",
            margin_bottom="16px"),
        card(rx.heading(t("admin_dash.messages"), size="4", margin_bottom="8px"),
             rx.recharts.bar_chart(
                 rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                 rx.recharts.x_axis(data_key="day"),
                 rx.recharts.y_axis(allow_decimals=False), rx.recharts.tooltip(),
                 rx.recharts.legend(),
                 rx.recharts.bar(data_key="in", name=t("analytics.col.msg_in"), stack_id="m",
                                 fill="#86d5c3"),
                 rx.recharts.bar(data_key="out", name=t("analytics.col.msg_out"), stack_id="m",
                                 fill="#128C7E"),
                 data=S.messages, width="100%", height=240),
             id="dash-messages", margin_bottom="16px"),
        rx.grid(
            card(rx.heading(t("admin_dash.templates"), size="4", margin_bottom="8px"),
                 rx.grid(_template_list("admin_dash.templates_installed", S.installed,
                                        "admin_dash.templates_none"),
                         _template_list("admin_dash.templates_converting", S.converting,
                                        "admin_dash.conversions_none"),
                         columns="2", spacing="4", width="100%"), id="dash-templates"),
            card(rx.heading(t("admin_dash.near_limits"), size="4", margin_bottom="8px"),
                 rx.cond(S.near.length() > 0,
                         rx.table.root(rx.table.body(rx.foreach(S.near, lambda r: rx.table.row(
                             rx.table.cell(rx.link(r["name"], href="/admin/tenants/" + r["id"])),
                             rx.table.cell(r["used"], " / ", r["limit"]),
                             rx.table.cell(rx.badge(r["pct"], color_scheme="amber")),
                             class_name="near-row"))), width="100%"),
                         rx.text(t("admin_dash.near_none"), size="2", color_scheme="gray")),
                 id="dash-near"),
            columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        ready=S.loaded,
    )
