"""/analytics: the tenant's reports — messages per day, contacts, conversations, conversions
per flow with funnels, peak hours, handoffs, AI answers; instances side by side; CSV/XLSX
exports with progress. Figures come from the hourly rollups (services/analytics.py)."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from ylada_app.components.forms import field_error, form_error
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import zone_label
from ylada_app.core.money import format_int
from ylada_app.services import analytics, analytics_export, analytics_rollup
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

TABLE_COLUMNS = ("msg_in", "msg_out", "contacts_new", "conversations", "conversions",
                 "handoffs", "ai_answers")
CARDS = (("msg_in", "inbox"), ("msg_out", "send"), ("contacts_new", "user-plus"),
         ("conversations", "messages-square"), ("conversions", "target"),
         ("handoffs", "headset"), ("ai_answers", "sparkles"))
POLL_S = 0.5


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def _br(iso: str, *, year: bool = True) -> str:
    return f"{iso[8:10]}/{iso[5:7]}" + (f"/{iso[:4]}" if year else "")


def view_model(data: dict, lang: str = "pt-BR") -> dict:
    """Service figures → strings and chart rows for the page (pt-BR number formats)."""
    heat = data["heatmap"]
    peak = max((v for row in heat for v in row), default=0)
    flows = [{"flow_id": f["flow_id"], "name": f["name"], "started": format_int(f["started"], lang),
              "conversions": format_int(f["conversions"], lang),
              "rate": pct(analytics.rate(f["conversions"], f["started"]))}
             for f in data["flows"]]
    funnels = {f["flow_id"]: [{"label": s["label"], "count": s["count"]} for s in f["funnel"]]
               for f in data["flows"]}
    # one row per branch of each A/B split of the flow: the split's name on its first row
    splits = {f["flow_id"]: [{"test": sp["label"] if i == 0 else "", "path": b["label"],
                              "entered": format_int(b["entered"], lang),
                              "goals": format_int(b["conversions"], lang),
                              "rate": pct(b["rate"])}
                             for sp in f.get("splits", []) for i, b in enumerate(sp["branches"])]
              for f in data["flows"]}
    return {
        "totals": {k: format_int(v, lang) for k, v in data["totals"].items()},
        "rate": pct(analytics.rate(data["totals"]["conversions"],
                                   data["totals"]["conversations"])),
        "chart": [{"day": _br(d["day"], year=False), "msg_in": d["msg_in"],
                   "msg_out": d["msg_out"]} for d in data["days"]],
        "table": [{"day": _br(d["day"]), **{c: format_int(d[c], lang) for c in TABLE_COLUMNS}}
                  for d in data["days"]],
        "flows": flows,
        "funnels": funnels,
        "splits": splits,
        "heat": [[{"v": format_int(v, lang) if v else "",
                   "bg": f"rgba(18, 140, 126, {0.08 + 0.82 * v / peak:.2f})" if v and peak
                   else "var(--gray-3)"} for v in row] for row in heat],
        "compare": [{"id": str(i["id"]), "name": i["name"], "channel": i["channel"],
                     **{c: format_int(i[c], lang) for c in TABLE_COLUMNS},
                     "rate": pct(analytics.rate(i["conversions"], i["conversations"]))}
                    for i in data["instances"]],
        "compare_chart": [{"name": i["name"], "msg_in": i["msg_in"], "msg_out": i["msg_out"],
                           "conversions": i["conversions"]} for i in data["instances"]],
        "instances": [{"id": str(i["id"]), "name": i["name"], "channel": i["channel"]}
                      for i in data["all_instances"]],
        "range": f"{_br(data['period']['start'])} – {_br(data['period']['end'])}",
        "tz": zone_label(data["period"]["tz"], lang),
        "empty": data["empty"],
    }


def _load_figures(session, *, tenant_id: int, lang: str = "pt-BR", **kw) -> dict:
    return view_model(analytics.dashboard(session, tenant_id=tenant_id, lang=lang, **kw), lang)


class AnalyticsState(SessionState):
    period: str = "7d"
    start: str = ""
    end: str = ""
    instance: str = "all"
    include_sim: bool = False
    errors: dict[str, str] = {}
    totals: dict[str, str] = {}
    rate: str = ""
    chart: list[dict[str, str | int]] = []
    table: list[dict[str, str]] = []
    flows: list[dict[str, str]] = []
    funnels: dict[str, list[dict[str, str | int]]] = {}
    splits: dict[str, list[dict[str, str]]] = {}
    flow_pick: str = ""
    heat: list[list[dict[str, str]]] = []
    compare: list[dict[str, str]] = []
    compare_chart: list[dict[str, str | int]] = []
    instances: list[dict[str, str]] = []
    range_label: str = ""
    tz: str = ""
    empty: bool = False
    loaded: bool = False
    busy: bool = False
    export_id: str = ""
    export_status: str = ""
    export_pct: int = 0
    export_rows: str = ""
    export_url: str = ""
    export_name: str = ""

    @rx.var
    def funnel(self) -> list[dict[str, str | int]]:
        steps = self.funnels.get(self.flow_pick, [])
        top = max((int(x["count"]) for x in steps), default=0) or 1
        return [{**x, "pct": f"{max(2, round(100 * int(x['count']) / top))}%"} for x in steps]

    @rx.var
    def split_rows(self) -> list[dict[str, str]]:
        return self.splits.get(self.flow_pick, [])

    def _params(self) -> dict:
        return {"period": self.period, "start": self.start, "end": self.end,
                "instance_id": None if self.instance in ("", "all") else self.instance,
                "include_simulator": self.include_sim}

    async def _refresh(self, *, catch_up: bool = False) -> None:
        ctx, redirect = await self._guard()
        if redirect:
            raise _Redirect(redirect)
        if catch_up:  # (after the guard: a visitor signed out costs the database nothing)
            # Fold in what arrived since the last sweep (incremental; skipped if a worker is
            # on it).
            await asyncio.to_thread(analytics_rollup.catch_up_for_page)
        try:
            data = await call(_load_figures, tenant_id=ctx.tenant_id, lang=self.lang,
                              **self._params())
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        self.errors = {}
        self.totals, self.rate = data["totals"], data["rate"]
        self.chart, self.table, self.flows = data["chart"], data["table"], data["flows"]
        self.funnels, self.heat = data["funnels"], data["heat"]
        self.splits = data["splits"]
        self.compare, self.compare_chart = data["compare"], data["compare_chart"]
        self.instances, self.range_label = data["instances"], data["range"]
        self.tz, self.empty = data["tz"], data["empty"]
        if self.flow_pick not in self.funnels:
            self.flow_pick = self.flows[0]["flow_id"] if self.flows else ""

    @rx.event
    async def load(self):
        self.loaded = False
        self.export_id = self.export_status = self.export_url = ""
        yield
        try:
            await self._refresh(catch_up=True)
        except _Redirect as r:
            yield r.redirect
            return
        self.loaded = True

    async def _reload(self):
        self.busy = True
        yield
        try:
            await self._refresh()
        except _Redirect as r:
            yield r.redirect
        self.busy = False

    @rx.event
    async def set_period(self, value: str | list[str]):
        self.period = value[0] if isinstance(value, list) and value else str(value or "7d")
        if value == "custom":
            if not self.start:
                self.start = self.end = ""
            return
        async for item in self._reload():
            yield item

    @rx.event
    async def apply_custom(self, form: dict):
        self.start = str(form.get("start") or "")
        self.end = str(form.get("end") or "")
        async for item in self._reload():
            yield item

    @rx.event
    async def set_instance(self, value: str):
        self.instance = value
        async for item in self._reload():
            yield item

    @rx.event
    async def toggle_sim(self, value: bool):
        self.include_sim = bool(value)
        async for item in self._reload():
            yield item

    @rx.event
    def pick_flow(self, flow_id: str):
        self.flow_pick = flow_id

    @rx.event
    async def export(self, kind: str, fmt: str):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        try:
            export_id = await call(analytics_export.request_export, tenant_id=ctx.tenant_id,
                                   user_id=ctx.user_id, kind=kind, fmt=fmt, lang=self.lang,
                                   **self._params())
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        await asyncio.to_thread(analytics_export.start, export_id)
        self.export_id, self.export_status, self.export_pct = str(export_id), "queued", 0
        self.export_url = self.export_rows = ""
        yield AnalyticsState.poll_export

    @rx.event
    def download(self):
        """Click a temporary anchor outside the app's root: anchors inside it are taken over by
        the client-side router (a /exports/… URL would become a 404 page)."""
        if not self.export_url:
            return None
        return rx.call_script(
            "(() => { const a = document.createElement('a'); a.href = "
            f"{json.dumps(self.export_url)}; a.download = {json.dumps(self.export_name)}; "
            "a.hidden = true; document.body.appendChild(a); a.click(); a.remove(); })()")

    @rx.event(background=True)
    async def poll_export(self):
        for _ in range(int(600 / POLL_S)):
            async with self:
                export_id = self.export_id
                ctx = await self._context()
            if not export_id or ctx is None or ctx.tenant_id is None:
                return
            try:
                st = await call(analytics_export.export_status, tenant_id=ctx.tenant_id,
                                export_id=export_id)
            except ServiceError:
                return
            async with self:
                if self.export_id != export_id:
                    return
                self.export_status, self.export_pct = st["status"], st["pct"]
                self.export_rows = f"{format_int(st['done'])} / {format_int(st['total'])}"
                if st["status"] == "done":
                    self.export_url = f"{_api_base()}/exports/{st['id']}/{st['token']}"
                    self.export_name = st["filename"]
                if st["status"] in ("done", "failed"):
                    return
            await asyncio.sleep(POLL_S)


class _Redirect(Exception):
    def __init__(self, redirect) -> None:
        self.redirect = redirect


def _funnel_row(step: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(step["label"], size="1", style={"overflow_wrap": "anywhere"}),
                  rx.spacer(), rx.text(step["count"], size="1", weight="bold"),
                  width="100%", align="start", spacing="2"),
        rx.box(rx.box(width=step["pct"], height="10px", background="#128C7E",
                      border_radius="4px"),
               width="100%", background=rx.color("gray", 3), border_radius="4px"),
        spacing="1", width="100%", class_name="funnel-row",
    )


def _ab_tests() -> rx.Component:
    """Each A/B split of the chosen flow, its paths side by side."""
    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(rx.cond(r["test"] != "", rx.text(r["test"], size="1", weight="medium"),
                                  rx.fragment()), rx.text(r["path"], size="1")),
            rx.table.cell(r["entered"]), rx.table.cell(r["goals"]), rx.table.cell(r["rate"]),
            class_name="ab-row")

    return rx.vstack(
        rx.text(t("analytics.ab_tests"), weight="medium", margin_top="8px"),
        rx.table.root(
            rx.table.header(rx.table.row(
                rx.table.column_header_cell(t("analytics.ab_path")),
                rx.table.column_header_cell(t("analytics.ab_entered")),
                rx.table.column_header_cell(t("analytics.ab_goals")),
                rx.table.column_header_cell(t("analytics.col.rate")))),
            rx.table.body(rx.foreach(AnalyticsState.split_rows, row)),
            size="1", width="100%"),
        rx.text(t("analytics.ab_note"), size="1", color_scheme="gray"),
        width="100%", spacing="1", id="ab-tests")


def _api_base() -> str:
    return str(rx.config.get_config().api_url or "").rstrip("/")


# --- components --------------------------------------------------------------------------------

def _stat(key: str, icon: str) -> rx.Component:
    return card(rx.hstack(
        rx.center(rx.icon(icon, size=18, color=rx.color("jade", 11)),
                  background=rx.color("jade", 3), border_radius="10px", padding="8px"),
        rx.vstack(rx.text(t(f"analytics.col.{key}"), size="1", color_scheme="gray"),
                  rx.heading(AnalyticsState.totals[key], size="5", id=f"total-{key}"),
                  spacing="0"),
        align="center", spacing="3"))


def _filters() -> rx.Component:
    periods = ("today", "7d", "30d", "90d", "custom")
    return card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(t("analytics.period"), size="1", weight="medium"),
                    rx.box(rx.segmented_control.root(
                        *[rx.segmented_control.item(t(f"analytics.period.{p}"), value=p,
                                                    id=f"period-{p}") for p in periods],
                        value=AnalyticsState.period, on_change=AnalyticsState.set_period,
                        id="period"), max_width="100%", overflow_x="auto"),
                    spacing="1", max_width="100%"),
                rx.vstack(
                    rx.text(t("analytics.instance"), size="1", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(id="instance-select", min_width="200px",
                                          aria_label=t("a11y.filter_instance")),
                        rx.select.content(
                            rx.select.item(t("analytics.all_instances"), value="all"),
                            rx.foreach(AnalyticsState.instances,
                                       lambda i: rx.select.item(i["name"], value=i["id"]))),
                        value=AnalyticsState.instance, on_change=AnalyticsState.set_instance),
                    field_error(AnalyticsState.errors, "instance"),
                    spacing="1"),
                rx.vstack(
                    rx.text(t("analytics.include_simulator"), size="1", weight="medium"),
                    rx.switch(checked=AnalyticsState.include_sim,
                              on_change=AnalyticsState.toggle_sim, id="include-sim",
                              aria_label=t("analytics.include_simulator")),
                    spacing="2"),
                rx.cond(AnalyticsState.busy, rx.spinner(size="2")),
                spacing="5", align="end", wrap="wrap", width="100%"),
            rx.cond(
                AnalyticsState.period == "custom",
                rx.form(
                    rx.hstack(
                        rx.vstack(rx.text(t("analytics.from"), size="1"),
                                  rx.input(type="date", name="start", id="field-start",
                                           default_value=AnalyticsState.start),
                                  field_error(AnalyticsState.errors, "start"), spacing="1"),
                        rx.vstack(rx.text(t("analytics.to"), size="1"),
                                  rx.input(type="date", name="end", id="field-end",
                                           default_value=AnalyticsState.end),
                                  field_error(AnalyticsState.errors, "end"), spacing="1"),
                        rx.button(t("analytics.apply"), type="submit", id="apply-custom"),
                        align="start", spacing="3"),
                    on_submit=AnalyticsState.apply_custom, reset_on_submit=False),
            ),
            form_error(AnalyticsState.errors),
            field_error(AnalyticsState.errors, "period"),
            rx.text(AnalyticsState.range_label, " · ", t("analytics.timezone"), ": ",
                    AnalyticsState.tz, " · ", t("analytics.simulator_note"), size="1",
                    color_scheme="gray", id="range-label"),
            spacing="3", width="100%"),
        margin_bottom="16px")


def _message_bars(x_key: str, data: rx.Var, height: int, *extra) -> rx.Component:
    """Received and sent messages as bars (plus `extra` series) over `x_key`."""
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(data_key=x_key),
        rx.recharts.y_axis(allow_decimals=False),
        rx.recharts.tooltip(),
        rx.recharts.legend(),
        rx.recharts.bar(data_key="msg_in", name=t("analytics.col.msg_in"), fill="#86d5c3",
                        is_animation_active=False),
        rx.recharts.bar(data_key="msg_out", name=t("analytics.col.msg_out"), fill="#128C7E",
                        is_animation_active=False),
        *extra,
        data=data, width="100%", height=height)


def _per_day() -> rx.Component:
    return card(
        rx.heading(t("analytics.per_day"), size="4", margin_bottom="8px"),
        _message_bars("day", AnalyticsState.chart, 260),
        id="chart-per-day", margin_bottom="16px")


def _flows() -> rx.Component:
    return card(
        rx.heading(t("analytics.flows"), size="4", margin_bottom="8px"),
        rx.cond(
            AnalyticsState.flows.length() > 0,
            rx.grid(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(t("analytics.col.flow")),
                        rx.table.column_header_cell(t("analytics.col.conversations")),
                        rx.table.column_header_cell(t("analytics.col.conversions")),
                        rx.table.column_header_cell(t("analytics.col.rate")))),
                    rx.table.body(rx.foreach(AnalyticsState.flows, lambda f: rx.table.row(
                        rx.table.cell(rx.link(f["name"], on_click=AnalyticsState.pick_flow(
                            f["flow_id"]), cursor="pointer",
                            weight=rx.cond(AnalyticsState.flow_pick == f["flow_id"],
                                           "bold", "regular"))),
                        rx.table.cell(f["started"]), rx.table.cell(f["conversions"]),
                        rx.table.cell(f["rate"]), class_name="flow-row"))),
                    width="100%", id="flows-table"),
                rx.vstack(
                    rx.text(t("analytics.funnel"), weight="medium"),
                    # Rows, not a chart: a block's name wraps on its own line above its bar,
                    # so long names never overlap (a chart's axis labels did).
                    rx.vstack(rx.foreach(AnalyticsState.funnel, _funnel_row), spacing="2",
                              width="100%", id="funnel-rows"),
                    rx.text(t("analytics.funnel_note"), size="1", color_scheme="gray"),
                    rx.cond(AnalyticsState.split_rows.length() > 0, _ab_tests()),
                    width="100%", id="funnel"),
                columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
            rx.text(t("analytics.no_flows"), color_scheme="gray"),
        ),
        margin_bottom="16px")


def _heat_row(row: rx.Var, i: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(rx.match(i, *[(d, t(f"analytics.weekday.{d}")) for d in range(7)], ""),
                size="1", width="34px", min_width="34px", color_scheme="gray"),
        rx.foreach(row, lambda c: rx.box(
            rx.text(c["v"], size="1", color="white", font_size="9px"),
            background=c["bg"], width="100%", height="24px", border_radius="3px",
            display="flex", align_items="center", justify_content="center")),
        spacing="1", width="100%")


def _heatmap() -> rx.Component:
    return card(
        rx.heading(t("analytics.heatmap"), size="4", margin_bottom="8px"),
        # (hours of the tenant's timezone; weekday rows Monday first)
        rx.vstack(
            rx.foreach(AnalyticsState.heat, _heat_row),
            rx.hstack(rx.box(width="34px", min_width="34px"),
                      *[rx.text(str(h) if h % 3 == 0 else "", size="1", color_scheme="gray",
                                width="100%", text_align="center") for h in range(24)],
                      spacing="1", width="100%"),
            spacing="1", width="100%"),
        id="heatmap", margin_bottom="16px")


def _compare() -> rx.Component:
    cols = (*TABLE_COLUMNS, "rate")
    return card(
        rx.heading(t("analytics.compare"), size="4", margin_bottom="8px"),
        # empty axes and a table of headers said nothing: the period had no activity
        rx.cond(AnalyticsState.compare.length() == 0,
                rx.text(t("analytics.empty"), size="2", color_scheme="gray",
                        id="compare-empty"),
                rx.fragment(
                    _message_bars("name", AnalyticsState.compare_chart, 220,
                                  rx.recharts.bar(data_key="conversions",
                                                  name=t("analytics.col.conversions"),
                                                  fill="#f59e0b", is_animation_active=False)),
                    rx.box(rx.table.root(
                        rx.table.header(rx.table.row(
                            rx.table.column_header_cell(t("analytics.instance")),
                            *[rx.table.column_header_cell(t(f"analytics.col.{c}"))
                              for c in cols])),
                        rx.table.body(rx.foreach(AnalyticsState.compare,
                                                 lambda i: rx.table.row(
                            rx.table.cell(rx.text(i["name"], weight="medium")),
                            *[rx.table.cell(i[c]) for c in cols],
                            class_name="compare-row"))),
                        width="100%", id="compare-table", size="1"),
                        overflow_x="auto", width="100%"))),
        margin_bottom="16px")


def _daily_table() -> rx.Component:
    return card(
        rx.heading(t("analytics.daily_table"), size="4", margin_bottom="8px"),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(
                rx.table.column_header_cell(t("analytics.col.day")),
                *[rx.table.column_header_cell(t(f"analytics.col.{c}")) for c in TABLE_COLUMNS])),
            rx.table.body(rx.foreach(AnalyticsState.table, lambda d: rx.table.row(
                rx.table.cell(d["day"]), *[rx.table.cell(d[c]) for c in TABLE_COLUMNS],
                class_name="day-row"))),
            width="100%", id="daily-table", size="1"), overflow_x="auto", width="100%"),
        margin_bottom="16px")


def _menu_label(key: str) -> rx.Component:
    return rx.text(t(key), size="1", color_scheme="gray", padding_x="8px", padding_y="4px")


def _export_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.button(rx.icon("download", size=16), t("analytics.export"),
                                  size="3", id="export-menu")),
        rx.menu.content(
            _menu_label("analytics.export_daily"),
            rx.menu.item("CSV", on_click=AnalyticsState.export("daily", "csv"),
                         id="export-daily-csv"),
            rx.menu.item("XLSX", on_click=AnalyticsState.export("daily", "xlsx"),
                         id="export-daily-xlsx"),
            rx.menu.separator(),
            _menu_label("analytics.export_leads"),
            rx.menu.item("CSV", on_click=AnalyticsState.export("leads", "csv"),
                         id="export-leads-csv"),
            rx.menu.item("XLSX", on_click=AnalyticsState.export("leads", "xlsx"),
                         id="export-leads-xlsx"),
        ),
        modal=False,
    )


def _export_status() -> rx.Component:
    return rx.cond(
        AnalyticsState.export_id != "",
        card(rx.hstack(
            rx.match(
                AnalyticsState.export_status,
                ("done", rx.hstack(
                    rx.icon("circle-check", color=rx.color("jade", 10)),
                    rx.text(t("analytics.export_ready"), " ", AnalyticsState.export_name),
                    rx.button(rx.icon("download", size=14), t("analytics.download"), size="2",
                              on_click=AnalyticsState.download, id="export-download",
                              custom_attrs={"data-href": AnalyticsState.export_url}),
                    align="center", spacing="3")),
                ("failed", rx.callout(t("analytics.export_failed"), color_scheme="red",
                                      icon="triangle-alert")),
                rx.hstack(rx.spinner(size="2"), rx.text(t("analytics.export_running")),
                          rx.progress(value=AnalyticsState.export_pct, width="200px",
                                      id="export-progress"),
                          rx.text(AnalyticsState.export_rows, " ", t("analytics.rows"),
                                  size="1", color_scheme="gray"),
                          align="center", spacing="3"),
            ),
            width="100%"), id="export-status", margin_bottom="16px"),
    )


def analytics_page() -> rx.Component:
    return app_shell(
        page_header("analytics.title", "analytics.subtitle", _export_menu()),
        _filters(),
        _export_status(),
        rx.cond(AnalyticsState.empty,
                rx.callout(t("analytics.empty"), icon="info", color_scheme="gray",
                           margin_bottom="16px", id="analytics-empty")),
        rx.grid(*[_stat(k, icon) for k, icon in CARDS],
                card(rx.vstack(rx.text(t("analytics.col.rate"), size="1", color_scheme="gray"),
                               rx.heading(AnalyticsState.rate, size="5", id="total-rate"),
                               spacing="0")),
                columns=rx.breakpoints(initial="2", sm="4"), spacing="3", width="100%",
                margin_bottom="16px"),
        _per_day(),
        _flows(),
        _heatmap(),
        _compare(),
        _daily_table(),
        ready=AnalyticsState.loaded,
    )
