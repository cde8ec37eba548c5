"""/billing: the tenant's plan and status, plan choice (Stripe Checkout or a prorated change),
cancel at period end / resume, the Customer Portal and the invoices.

After Checkout, Stripe sends the browser back with ?checkout=ok; the page then re-reads the
subscription a few times until the webhook has landed (the browser's word changes nothing).
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.money import format_brl
from ylada_app.core.settings import get_settings
from ylada_app.pages.plan_cards import plan_card, plan_row
from ylada_app.services import billing, entitlements
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _page_data(session, *, tenant_id: int) -> dict:
    state = entitlements.billing_state(session, tenant_id=tenant_id)
    sub = entitlements.current_subscription(session, tenant_id=tenant_id)
    return {
        "status": state.status, "plan_code": state.plan_code, "plan_name": state.plan_name,
        "trial_left": "" if state.trial_days_left is None else str(state.trial_days_left),
        "period_end": _date(state.current_period_end),
        "cancel_at_period_end": state.cancel_at_period_end,
        "paid": bool(sub and sub.provider_subscription_id
                     and state.status in ("active", "past_due", "trialing")),
        "provider_event_at": sub.provider_event_at if sub else 0,
        "plans": [plan_row(p, state.plan_code) for p in billing.plan_catalog(session)],
        "invoices": [{"id": str(i.id), "number": i.number or i.provider_invoice_id,
                      "date": _date(i.created_at), "amount": format_brl(i.amount_cents),
                      "status": i.status, "hosted": i.hosted_url or "", "pdf": i.pdf_url or ""}
                     for i in billing.list_invoices(session, tenant_id=tenant_id)],
    }


class PlanBillingState(SessionState):
    status: str = ""
    plan_code: str = ""
    plan_name: str = ""
    trial_left: str = ""
    period_end: str = ""
    cancel_at_period_end: bool = False
    paid: bool = False
    plans: list[dict[str, str]] = []
    invoices: list[dict[str, str]] = []
    notice: str = ""
    notice_level: str = "info"
    payments_enabled: bool = False
    trial_label: str = ""  # "3 dias de teste restantes" (a count reads as a sentence)
    busy: str = ""
    loaded: bool = False
    _event_at: int = 0

    async def _refresh(self, tenant_id: int) -> None:
        data = await call(_page_data, tenant_id=tenant_id)
        for key in ("status", "plan_code", "plan_name", "trial_left", "period_end",
                    "cancel_at_period_end", "paid", "plans", "invoices"):
            setattr(self, key, data[key])
        self._event_at = data["provider_event_at"]
        self.trial_label = (self._t("billing.trial_left", days=data["trial_left"])
                            if data["trial_left"] != "" else "")

    @rx.var
    def is_owner(self) -> bool:
        return self.tenant_role == "owner"

    @rx.event
    async def load(self):
        self.loaded = False
        self.notice = ""
        yield
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.payments_enabled = billing.payments_enabled()
        await self._refresh(ctx.tenant_id)
        await self._load_banner(ctx.tenant_id)  # the plan may have just changed
        self.loaded = True
        outcome = self.router.url.query_parameters.get("checkout", "")
        if outcome == "cancel":
            self.notice, self.notice_level = self._t("billing.checkout_cancel"), "warn"
        elif outcome == "ok" and self.paid and self.status == "active":
            self.notice, self.notice_level = self._t("billing.checkout_done"), "info"
        elif outcome == "ok":
            self.notice, self.notice_level = self._t("billing.checkout_ok"), "info"
            yield PlanBillingState.wait_for_webhook(self._event_at, 15)

    @rx.event
    async def wait_for_webhook(self, seen_event_at: int, tries: int):
        """Re-read until a newer provider event has been applied (or give up quietly)."""
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        for _ in range(max(0, min(int(tries), 30))):
            await asyncio.sleep(1.0)
            await self._refresh(ctx.tenant_id)
            if self._event_at > int(seen_event_at):
                self.notice = self._t("billing.updated")
                await self._load_banner(ctx.tenant_id)
                yield
                return
            yield

    async def _act(self, fn, **kwargs):
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        try:
            return await call(fn, tenant_id=ctx.tenant_id, role=ctx.role, **kwargs), None
        except ServiceError as exc:
            self.notice, self.notice_level = self._error_text(exc), "danger"
            return None, None

    @rx.event
    async def choose(self, code: str):
        self.busy = code
        yield
        ctx, redirect = await self._guard()
        if redirect:
            self.busy = ""
            yield redirect
            return
        url, redirect = await self._act(billing.choose_plan, user_id=ctx.user_id,
                                        plan_code=code,
                                        base_url=get_settings().public_base_url)
        self.busy = ""
        if redirect:
            yield redirect
        elif url:
            yield rx.redirect(url, is_external=False)
        elif not self.notice:
            self.notice, self.notice_level = self._t("billing.change_requested"), "info"
            yield PlanBillingState.wait_for_webhook(self._event_at, 10)

    @rx.event
    async def set_cancel(self, cancel: bool):
        self.busy = "cancel"
        yield
        _, redirect = await self._act(billing.set_cancel, cancel=cancel)
        self.busy = ""
        if redirect:
            yield redirect
        elif not self.notice:
            self.notice, self.notice_level = self._t("billing.cancel_requested"), "info"
            yield PlanBillingState.wait_for_webhook(self._event_at, 10)

    @rx.event
    async def open_portal(self):
        url, redirect = await self._act(billing.portal_url,
                                        base_url=get_settings().public_base_url)
        if redirect:
            return redirect
        if url:
            return rx.redirect(url)


def _plan_action(plan: rx.Var) -> rx.Component:
    return rx.cond(
        (plan["current"] == "1") | (plan["free"] == "1"),
        rx.fragment(),
        rx.button(
            rx.cond(PlanBillingState.paid, t("billing.change"), t("billing.choose")),
            on_click=PlanBillingState.choose(plan["code"]),
            loading=PlanBillingState.busy == plan["code"],
            disabled=~PlanBillingState.is_owner | ~PlanBillingState.payments_enabled,
            width="100%", size="3", id="choose-" + plan["code"],
        ),
    )


def _summary() -> rx.Component:
    return card(
        rx.hstack(
            rx.vstack(
                rx.text(t("billing.current"), size="2", color_scheme="gray"),
                rx.hstack(rx.heading(PlanBillingState.plan_name, size="6", id="current-plan"),
                          status_badge(PlanBillingState.status), align="center", spacing="3"),
                rx.cond(PlanBillingState.trial_label != "",
                        rx.text(PlanBillingState.trial_label, size="2", color_scheme="blue",
                                id="trial-left")),
                rx.cond(PlanBillingState.period_end != "",
                        # a trial does not renew: it ends (and the plan starts when paid)
                        rx.text(rx.cond(PlanBillingState.status == "trialing",
                                        t("billing.trial_ends"),
                                        rx.cond(PlanBillingState.cancel_at_period_end,
                                                t("billing.ends"), t("billing.renews"))), ": ",
                                PlanBillingState.period_end, size="2", color_scheme="gray",
                                id="period-end")),
                spacing="1", align="start",
            ),
            rx.spacer(),
            rx.cond(
                PlanBillingState.paid & PlanBillingState.is_owner,
                rx.hstack(
                    rx.button(rx.icon("credit-card", size=16), t("billing.portal"),
                              variant="soft", on_click=PlanBillingState.open_portal,
                              id="open-portal"),
                    rx.cond(
                        PlanBillingState.cancel_at_period_end,
                        rx.button(t("billing.resume"), variant="soft", color_scheme="jade",
                                  on_click=PlanBillingState.set_cancel(False),
                                  loading=PlanBillingState.busy == "cancel", id="resume"),
                        rx.button(t("billing.cancel"), variant="soft", color_scheme="red",
                                  on_click=PlanBillingState.set_cancel(True),
                                  loading=PlanBillingState.busy == "cancel", id="cancel-sub"),
                    ),
                    spacing="2",
                ),
            ),
            width="100%", align="center", wrap="wrap", spacing="4",
        ),
        margin_bottom="20px",
    )


def _invoice_row(inv: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(inv["number"]),
        rx.table.cell(inv["date"]),
        rx.table.cell(inv["amount"]),
        rx.table.cell(rx.match(inv["status"],
                               ("paid", rx.badge(t("invoice.paid"), color_scheme="green")),
                               ("failed", rx.badge(t("invoice.failed"), color_scheme="red")),
                               rx.badge(t("invoice.pending"), color_scheme="orange"))),
        rx.table.cell(rx.hstack(
            rx.cond(inv["hosted"] != "", rx.link(t("billing.invoice_view"), href=inv["hosted"],
                                                 is_external=True)),
            rx.cond(inv["pdf"] != "", rx.link(t("billing.invoice_pdf"), href=inv["pdf"],
                                              is_external=True)),
            spacing="3")),
        class_name="invoice-row",
    )


def _invoices() -> rx.Component:
    return card(
        rx.heading(t("billing.invoices"), size="4", margin_bottom="12px"),
        rx.cond(
            PlanBillingState.invoices.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("billing.invoice_number")),
                    rx.table.column_header_cell(t("billing.invoice_date")),
                    rx.table.column_header_cell(t("billing.invoice_amount")),
                    rx.table.column_header_cell(t("common.status")),
                    rx.table.column_header_cell(""),
                )),
                rx.table.body(rx.foreach(PlanBillingState.invoices, _invoice_row)),
                width="100%", id="invoices",
            ),
            rx.text(t("billing.no_invoices"), color_scheme="gray", id="no-invoices"),
        ),
    )


def billing_page() -> rx.Component:
    return app_shell(
        page_header("billing.title", "billing.subtitle"),
        rx.cond(PlanBillingState.notice != "",
                rx.callout(PlanBillingState.notice, icon="info", width="100%",
                           color_scheme=rx.match(PlanBillingState.notice_level,
                                                 ("danger", "red"), ("warn", "amber"), "jade"),
                           margin_bottom="16px", id="billing-notice")),
        rx.cond(~PlanBillingState.payments_enabled,
                rx.callout(t("billing.unavailable"), icon="info", color_scheme="gray",
                           width="100%", margin_bottom="16px", id="payments-off")),
        rx.cond(~PlanBillingState.is_owner,
                rx.callout(t("billing.owner_only"), icon="lock", color_scheme="gray",
                           width="100%", margin_bottom="16px")),
        _summary(),
        rx.grid(
            rx.foreach(PlanBillingState.plans, lambda p: plan_card(p, _plan_action(p))),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="4", width="100%", margin_bottom="24px",
        ),
        _invoices(),
        ready=PlanBillingState.loaded,
    )
