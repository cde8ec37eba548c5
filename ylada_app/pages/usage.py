"""/usage: this month's consumption against the plan's limits, and the history by month."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.money import format_int
from ylada_app.services import billing
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _page_data(session, *, tenant_id: int) -> dict:
    report = billing.usage_report(session, tenant_id=tenant_id)
    return {
        "meters": [{"key": m.key, "used": format_int(m.used), "limit": format_int(m.limit),
                    "pct": str(min(100, round(m.ratio * 100))), "level": m.level}
                   for m in report.meters],
        "totals": {"in": format_int(report.messages_in), "out": format_int(report.messages_out),
                   "blocked": format_int(report.messages_blocked)},
        "history": [{"month": f"{str(h['month'])[5:]}/{str(h['month'])[:4]}",
                     "in": h["messages_in"], "out": h["messages_out"]}
                    for h in report.history],
    }


class UsageState(SessionState):
    meters: list[dict[str, str]] = []
    totals: dict[str, str] = {}
    history: list[dict[str, str | int]] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        self.loaded = False
        yield
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        data = await call(_page_data, tenant_id=ctx.tenant_id)
        self.meters, self.totals, self.history = data["meters"], data["totals"], data["history"]
        self.loaded = True


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
        ready=UsageState.loaded,
    )
