"""/revenue (platform admin): MRR, tenants by subscription status, revenue by plan, and the
plan catalogue with its limits, prices and Stripe price ids."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.forms import field_error, form_error
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.money import format_brl, format_int
from ylada_app.services import billing_admin
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

PLAN_FIELDS = ("max_instances", "max_active_flows", "max_messages_month",
               "max_ai_tokens_month", "trial_days")


def _page_data(session, *, actor) -> dict:
    figures = billing_admin.revenue_figures(session, actor)
    plans = billing_admin.list_plans(session, actor)
    return {
        "mrr": format_brl(figures.mrr_cents),
        "paid": format_brl(figures.paid_this_month_cents),
        "tenant_count": format_int(figures.tenants),
        "by_status": [{"status": k, "count": str(v)} for k, v in figures.by_status.items()],
        "by_plan": [{"name": p.name, "mrr": p.mrr_cents / 100, "subscribers": p.subscribers,
                     "label": format_brl(p.mrr_cents)} for p in figures.by_plan],
        "plans": [{
            "id": str(p.id), "code": p.code, "name": p.name,
            "price": f"{p.price_cents / 100:.2f}".replace(".", ","),
            "price_label": format_brl(p.price_cents), "interval": p.interval,
            **{f: str(getattr(p, f)) for f in PLAN_FIELDS},
            "messages_label": format_int(p.max_messages_month),
            "stripe_price_id": p.stripe_price_id or "",
            **{f: "1" if getattr(p, f) else "" for f in billing_admin.PLAN_FLAGS},
        } for p in plans],
    }


class RevenueState(SessionState):
    mrr: str = ""
    paid: str = ""
    tenant_count: str = ""  # (not `tenants`: the session's list of the user's businesses)
    by_status: list[dict[str, str]] = []
    by_plan: list[dict[str, str | int | float]] = []
    plans: list[dict[str, str]] = []
    editing: dict[str, str] = {}
    errors: dict[str, str] = {}
    loaded: bool = False
    # A plan edit is confirmed before it is saved: what changes, old → new.
    pending_changes: list[dict[str, str]] = []
    _pending_form: dict = {}

    async def _refresh(self, ctx) -> None:
        data = await call(_page_data, actor=ctx)
        for key in ("mrr", "paid", "tenant_count", "by_status", "by_plan", "plans"):
            setattr(self, key, data[key])

    @rx.event
    @guarded_load(admin=True)
    async def load(self, ctx):
        self.editing, self.errors = {}, {}
        await self._refresh(ctx)

    @rx.event
    def edit(self, plan_id: str):
        self.errors = {}
        self.editing = next((p for p in self.plans if p["id"] == plan_id), {})

    @rx.event
    def close(self, _open: bool = False):
        self.editing, self.errors = {}, {}
        self.pending_changes, self._pending_form = [], {}

    @rx.event
    def review(self, form: dict):
        """First step of saving: check the values, list what would change, ask to confirm."""
        data = {**form, **{f: bool(form.get(f)) for f in billing_admin.PLAN_FLAGS}}
        try:
            billing_admin.check_plan_data(data)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return None
        self.errors = {}
        changes = []
        for key in ("name", "price", "interval", *PLAN_FIELDS, "stripe_price_id",
                    *billing_admin.PLAN_FLAGS):
            old = self.editing.get(key, "")
            new = str(form.get(key) or "").strip()
            if key in billing_admin.PLAN_FLAGS:
                old, new = ("1" if old else ""), ("1" if new else "")
            if old != new:
                changes.append({"field": key, "old": self._shown(key, old),
                                "new": self._shown(key, new)})
        if not changes:
            self.close()
            return rx.toast.info(self._t("revenue.no_changes"))
        self.pending_changes, self._pending_form = changes, dict(form)
        return None

    def _shown(self, key: str, value: str) -> str:
        if key in billing_admin.PLAN_FLAGS:
            return self._t("common.yes") if value else self._t("common.no")
        return value or "—"

    @rx.event
    def back_to_form(self):
        self.pending_changes, self._pending_form = [], {}

    @rx.event
    async def save(self):
        ctx, redirect = await self._guard(admin=True)
        if redirect:
            return redirect
        form = self._pending_form
        data = dict(form)
        data.update({f: bool(form.get(f)) for f in billing_admin.PLAN_FLAGS})
        self.pending_changes, self._pending_form = [], {}
        try:
            await call(billing_admin.update_plan, actor=ctx,
                       plan_id=self.editing.get("id", ""), data=data)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        self.editing, self.errors = {}, {}
        await self._refresh(ctx)
        return rx.toast.success(self._t("revenue.saved"))


def _stat(label_key: str, value: rx.Var, icon: str, el_id: str) -> rx.Component:
    return card(rx.hstack(
        rx.center(rx.icon(icon, size=20, color=rx.color("jade", 11)),
                  background=rx.color("jade", 3), border_radius="10px", padding="10px"),
        rx.vstack(rx.text(t(label_key), size="2", color_scheme="gray"),
                  rx.heading(value, size="6", id=el_id), spacing="0"),
        align="center", spacing="4"))


def _num_input(label_key: str, name: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"),
        rx.input(name=name, default_value=RevenueState.editing[name], id=f"field-{name}",
                 width="100%"),
        field_error(RevenueState.errors, name), spacing="1", width="100%")


def _confirm_changes() -> rx.Component:
    return rx.vstack(
        rx.text(t("revenue.confirm_help"), size="2"),
        rx.table.root(
            rx.table.body(rx.foreach(RevenueState.pending_changes, lambda c: rx.table.row(
                rx.table.cell(SessionState.tr["field." + c["field"]], weight="medium"),
                rx.table.cell(c["old"]), rx.table.cell("→"),
                rx.table.cell(c["new"], weight="bold")))),
            width="100%", id="plan-changes",
        ),
        rx.hstack(
            rx.button(t("common.back"), variant="soft", color_scheme="gray",
                      on_click=RevenueState.back_to_form),
            rx.button(t("revenue.confirm_save"), color_scheme="red", on_click=RevenueState.save,
                      id="confirm-plan"),
            justify="end", width="100%"),
        spacing="3", width="100%",
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("revenue.edit"), " · ", RevenueState.editing["name"]),
            rx.form(
                rx.vstack(
                    form_error(RevenueState.errors),
                    rx.grid(
                        _num_input("common.name", "name"),
                        _num_input("field.price", "price"),
                        rx.vstack(
                            rx.text(t("field.interval"), size="2", weight="medium"),
                            rx.select.root(
                                rx.select.trigger(width="100%",
                                                  aria_label=t("field.interval")),
                                rx.select.content(
                                    rx.select.item(t("interval.month"), value="month"),
                                    rx.select.item(t("interval.year"), value="year")),
                                name="interval", default_value=RevenueState.editing["interval"]),
                            spacing="1", width="100%"),
                        *[_num_input(f"field.{f}", f) for f in PLAN_FIELDS],
                        _num_input("field.stripe_price_id", "stripe_price_id"),
                        columns="2", spacing="3", width="100%",
                    ),
                    *[rx.checkbox(t(f"field.{f}"), name=f,
                                  default_checked=RevenueState.editing[f] == "1")
                      for f in billing_admin.PLAN_FLAGS],
                    rx.hstack(
                        rx.dialog.close(rx.button(t("common.cancel"), variant="soft",
                                                  color_scheme="gray", type="button")),
                        rx.button(t("common.save"), type="submit", id="save-plan"),
                        justify="end", width="100%"),
                    spacing="3", width="100%"),
                on_submit=RevenueState.review, reset_on_submit=False,
                display=rx.cond(RevenueState.pending_changes.length() > 0, "none", "block"),
            ),
            rx.cond(RevenueState.pending_changes.length() > 0, _confirm_changes()),
            max_width="560px",
        ),
        open=RevenueState.editing.contains("id"),
        on_open_change=RevenueState.close,
    )


def _plan_row(p: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(p["name"], weight="medium")),
        rx.table.cell(rx.text(p["price_label"], white_space="nowrap")),
        rx.table.cell(p["max_instances"]),
        rx.table.cell(p["max_active_flows"]),
        rx.table.cell(p["messages_label"]),
        rx.table.cell(rx.cond(p["premium_templates"] == "1", rx.icon("check", size=16), "—")),
        rx.table.cell(rx.cond(p["stripe_price_id"] != "", p["stripe_price_id"], "—")),
        rx.table.cell(rx.button(t("revenue.edit"), size="1", variant="soft",
                                on_click=RevenueState.edit(p["id"]), id="edit-" + p["code"])),
    )


def revenue_page() -> rx.Component:
    return app_shell(
        page_header("revenue.title"),
        rx.grid(
            _stat("revenue.mrr", RevenueState.mrr, "trending-up", "mrr"),
            _stat("revenue.paid_month", RevenueState.paid, "wallet", "paid-month"),
            _stat("revenue.tenants", RevenueState.tenant_count, "building-2", "tenant-count"),
            columns=rx.breakpoints(initial="1", sm="3"), spacing="4", width="100%",
            margin_bottom="20px"),
        rx.grid(
            card(rx.heading(t("revenue.by_status"), size="4", margin_bottom="12px"),
                 rx.vstack(rx.foreach(RevenueState.by_status, lambda s: rx.hstack(
                     status_badge(s["status"]), rx.spacer(), rx.text(s["count"], weight="bold"),
                     width="100%", id="status-" + s["status"])), spacing="2", width="100%")),
            card(rx.heading(t("revenue.by_plan"), size="4", margin_bottom="12px"),
                 rx.cond(
                     RevenueState.by_plan.length() > 0,
                     rx.recharts.bar_chart(
                         rx.recharts.x_axis(data_key="name"),
                         rx.recharts.y_axis(),
                         rx.recharts.tooltip(),
                         rx.recharts.bar(data_key="mrr", name="MRR (R$)", fill="#128C7E"),
                         data=RevenueState.by_plan, width="100%", height=220),
                     # (empty axes read as a broken chart)
                     rx.text(t("revenue.by_plan_empty"), color_scheme="gray", size="2",
                             id="by-plan-empty"))),
            columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%",
            margin_bottom="20px"),
        card(
            rx.heading(t("revenue.plans"), size="4", margin_bottom="12px"),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in (
                    "common.name", "field.price", "field.max_instances",
                    "field.max_active_flows", "field.max_messages_month",
                    "field.premium_templates", "field.stripe_price_id", "common.actions")])),
                rx.table.body(rx.foreach(RevenueState.plans, _plan_row)),
                width="100%", id="plans-table"),
        ),
        _edit_dialog(),
        ready=RevenueState.loaded,
    )
