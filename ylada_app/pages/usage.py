"""/usage: this month's consumption against the plan's limits, the history by month, and
the AI assistant's tokens and cost this month by provider and model (services/ai_costs.py)."""

from __future__ import annotations

from decimal import Decimal

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.money import format_int
from ylada_app.services import ai_costs, billing
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def _page_data(session, *, tenant_id: int, lang: str = "pt-BR") -> dict:
    report = billing.usage_report(session, tenant_id=tenant_id)
    return {
        "meters": [{"key": m.key, "used": format_int(m.used, lang),
                    "limit": format_int(m.limit, lang),
                    "pct": str(min(100, round(m.ratio * 100))), "level": m.level}
                   for m in report.meters],
        "totals": {"in": format_int(report.messages_in, lang),
                   "out": format_int(report.messages_out, lang),
                   "blocked": format_int(report.messages_blocked, lang)},
        "history": [{"month": f"{str(h['month'])[5:]}/{str(h['month'])[:4]}",
                     "in": h["messages_in"], "out": h["messages_out"]}
                    for h in report.history],
        **_ai_costs(session, tenant_id=tenant_id, lang=lang),
    }


PROVIDER_NAMES = {"openai": "OpenAI", "anthropic": "Anthropic"}


def _ai_costs(session, *, tenant_id: int, lang: str = "pt-BR") -> dict:
    lines = ai_costs.month_costs(session, tenant_id=tenant_id)
    rows = [{"provider": PROVIDER_NAMES.get(c.provider, c.provider),
             "model": "" if c.model == "*" else c.model,
             "in": format_int(c.input_tokens, lang), "out": format_int(c.output_tokens, lang),
             "price": f"{ai_costs.format_cost(c.price_in)} / "
                      f"{ai_costs.format_cost(c.price_out)}",
             "default": "1" if c.default_price else "",
             "cost": ai_costs.format_cost(c.cost_brl)} for c in lines]
    total = sum((c.cost_brl for c in lines), start=Decimal(0))
    return {"ai_costs": rows, "ai_total": ai_costs.format_cost(total)}


class UsageState(SessionState):
    meters: list[dict[str, str]] = []
    totals: dict[str, str] = {}
    history: list[dict[str, str | int]] = []
    ai_costs: list[dict[str, str]] = []
    ai_total: str = ""
    loaded: bool = False

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        data = await call(_page_data, tenant_id=ctx.tenant_id, lang=self.lang)
        self.meters, self.totals, self.history = data["meters"], data["totals"], data["history"]
        self.ai_costs, self.ai_total = data["ai_costs"], data["ai_total"]


def _meter(m: rx.Var) -> rx.Component:
    return card(
        rx.vstack(
            rx.hstack(
                rx.text(rx.match(m["key"], ("messages", t("usage.messages")),
                                 ("ai_tokens", t("usage.ai_tokens")),
                                 ("instances", t("usage.instances")), t("usage.flows")),
                        weight="medium"),
                rx.spacer(),
                rx.match(m["level"],
                         ("over", rx.badge(t("usage.level_over"), color_scheme="red")),
                         ("warn", rx.badge(t("usage.level_warn"), color_scheme="amber")),
                         rx.fragment()),
                width="100%", align="center",
            ),
            rx.hstack(rx.heading(m["used"], size="6"),
                      rx.text(t("usage.of"), " ", m["limit"], color_scheme="gray", size="2"),
                      align="end", spacing="2"),
            rx.box(
                rx.box(width=m["pct"] + "%", height="100%", border_radius="999px",
                       background=rx.match(m["level"], ("over", "var(--red-9)"),
                                          ("warn", "var(--amber-9)"), "var(--jade-9)"),
                       class_name="meter-fill"),
                width="100%", height="10px", border_radius="999px",
                background=rx.color("gray", 4), overflow="hidden",
            ),
            spacing="2", width="100%",
        ),
        id="meter-" + m["key"], class_name="usage-meter",
    )


def _total(label_key: str, key: str) -> rx.Component:
    return rx.vstack(rx.text(t(label_key), size="2", color_scheme="gray"),
                     rx.heading(UsageState.totals[key], size="5", id=f"total-{key}"),
                     spacing="0")


def _cost_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["provider"]),
        rx.table.cell(rx.cond(row["model"] != "", row["model"],
                              rx.text(t("usage.ai_model_unknown"), color_scheme="gray"))),
        rx.table.cell(row["in"], text_align="right"),
        rx.table.cell(row["out"], text_align="right"),
        rx.table.cell(rx.vstack(
            rx.text(row["price"], size="2", white_space="nowrap"),
            rx.cond(row["default"] == "1", rx.text(t("usage.ai_default_price"), size="1",
                                                   color_scheme="gray")),
            spacing="0")),
        rx.table.cell(rx.text(row["cost"], weight="medium", white_space="nowrap"),
                      text_align="right"),
        class_name="ai-cost-row",
    )


def _ai_costs_card() -> rx.Component:
    s = UsageState
    return card(
        rx.heading(t("usage.ai_costs"), size="4", margin_bottom="4px"),
        rx.text(t("usage.ai_costs_help"), size="2", color_scheme="gray", margin_bottom="12px"),
        rx.cond(
            s.ai_costs.length() > 0,
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("usage.ai_provider")),
                    rx.table.column_header_cell(t("usage.ai_model")),
                    rx.table.column_header_cell(t("usage.ai_in"), text_align="right"),
                    rx.table.column_header_cell(t("usage.ai_out"), text_align="right"),
                    rx.table.column_header_cell(t("usage.ai_price")),
                    rx.table.column_header_cell(t("usage.ai_cost"), text_align="right"),
                )),
                rx.table.body(
                    rx.foreach(s.ai_costs, _cost_row),
                    rx.table.row(
                        rx.table.cell(rx.text(t("usage.ai_total"), weight="bold")),
                        rx.table.cell(""), rx.table.cell(""), rx.table.cell(""),
                        rx.table.cell(""),
                        rx.table.cell(rx.text(s.ai_total, weight="bold", id="ai-cost-total",
                                              white_space="nowrap"), text_align="right")),
                ),
                width="100%", size="1"), overflow_x="auto", width="100%"),
            rx.text(t("usage.ai_costs_empty"), color_scheme="gray"),
        ),
        id="ai-costs", margin_top="20px",
    )


def usage_page() -> rx.Component:
    return app_shell(
        page_header("usage.title", "usage.subtitle",
                    rx.link(rx.button(rx.icon("rocket", size=16), t("usage.upgrade"), size="3"),
                            href="/billing")),
        rx.grid(rx.foreach(UsageState.meters, _meter),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%",
                margin_bottom="20px"),
        card(
            rx.hstack(_total("usage.received", "in"), _total("usage.sent", "out"),
                      _total("usage.blocked", "blocked"), spacing="8", margin_bottom="16px"),
            rx.heading(t("usage.history"), size="4", margin_bottom="8px"),
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.x_axis(data_key="month"),
                rx.recharts.y_axis(allow_decimals=False),
                rx.recharts.tooltip(),
                rx.recharts.legend(),
                rx.recharts.bar(data_key="in", name=t("usage.received"), fill="#86d5c3"),
                rx.recharts.bar(data_key="out", name=t("usage.sent"), fill="#128C7E"),
                data=UsageState.history, width="100%", height=280,
            ),
            id="usage-history",
        ),
        _ai_costs_card(),
        ready=UsageState.loaded,
    )
