"""/billing: the tenant's plan and status, plan choice (Stripe Checkout or a prorated change),
cancel at period end / resume, the Customer Portal and the invoices.

How to pay is chosen among the gateways the platform admin enabled: card (Stripe Checkout),
or Pix / boleto / card page through Asaas (with the payer's CPF/CNPJ). An Asaas checkout
shows its first charge right here (Pix QR + copia-e-cola, boleto line + PDF, card link) and
the page re-reads the subscription every few seconds until the payment's webhook made the
plan active. After Stripe Checkout, Stripe sends the browser back with ?checkout=ok; the page
then re-reads the subscription a few times until the webhook has landed (the browser's word
changes nothing). Invoices of every gateway are listed together.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ylada_app.components.badges import status_badge
from ylada_app.components.forms import field_error
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.core.money import format_brl
from ylada_app.core.settings import get_settings
from ylada_app.pages.plan_cards import plan_card, plan_row
from ylada_app.services import billing, billing_asaas, entitlements, payment_gateways
from ylada_app.services.agency import agency_of
from ylada_app.services.errors import FieldErrors, ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def _date(value) -> str:
    return local_text(value, "%d/%m/%Y") if value else ""


def _page_data(session, *, tenant_id: int, lang: str = "pt-BR") -> dict:
    # The charges first, the subscription after: each statement sees what was committed
    # before it (PostgreSQL, read committed), so once a paid charge is seen here, the
    # subscription its webhook activated in the same transaction is seen too (the Pix page
    # stops waiting when the open charge is gone).
    pending = billing_asaas.pending_charge(session, tenant_id=tenant_id) or {}
    invoices = billing.list_invoices(session, tenant_id=tenant_id)
    state = entitlements.billing_state(session, tenant_id=tenant_id)
    sub = entitlements.current_subscription(session, tenant_id=tenant_id)
    agency = agency_of(session, tenant_id=tenant_id)
    return {
        "billed_by": agency.name if agency else "",
        "status": state.status, "plan_code": state.plan_code, "plan_name": state.plan_name,
        "trial_left": "" if state.trial_days_left is None else str(state.trial_days_left),
        "period_end": _date(state.current_period_end),
        "cancel_at_period_end": state.cancel_at_period_end,
        "paid": bool(sub and sub.provider_subscription_id
                     and state.status in ("active", "past_due", "trialing")),
        "provider_event_at": sub.provider_event_at if sub else 0,
        "provider": (sub.provider or "") if sub else "",
        "pay_options": [o.key for o in payment_gateways.options(session)],
        # the rest of the free trial is kept (the first charge waits for it): by card on
        # Stripe; on Asaas the first charge falls due then (Pix / boleto can be paid before)
        "card_options": [o.key for o in payment_gateways.options(session)
                         if o.gateway == "stripe" or (o.gateway == "asaas"
                                                      and o.method.value == "card")],
        "due_options": [o.key for o in payment_gateways.options(session)
                        if o.gateway in billing.TRIAL_KEEPING and o.method.value != "card"],
        "trial_kept_until": _date(billing.trial_kept_until(sub)),
        "pending": pending,
        "plans": [plan_row(p, state.plan_code, lang) for p in billing.plan_catalog(session)],
        "invoices": [{"id": str(i.id), "number": i.number or i.provider_invoice_id,
                      "date": _date(i.created_at), "amount": format_brl(i.amount_cents),
                      "status": i.status, "hosted": i.hosted_url or "", "pdf": i.pdf_url or ""}
                     for i in invoices],
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
    provider: str = ""
    pay_options: list[str] = []
    card_options: list[str] = []
    due_options: list[str] = []  # Pix / boleto: the first charge falls due when the trial ends
    trial_kept_until: str = ""
    trial_kept_note: str = ""
    trial_due_note: str = ""
    method: str = ""
    tax_id: str = ""
    errors: dict[str, str] = {}
    pending: dict[str, str] = {}
    billed_by: str = ""  # an agency's client: the agency's name (it pays, services/agency)
    _watching: bool = False
    _event_at: int = 0

    async def _refresh(self, tenant_id: int) -> None:
        data = await call(_page_data, tenant_id=tenant_id, lang=self.lang)
        for key in ("status", "plan_code", "plan_name", "trial_left", "period_end",
                    "cancel_at_period_end", "paid", "plans", "invoices", "provider",
                    "pay_options", "pending", "billed_by", "card_options",
                    "due_options", "trial_kept_until"):
            setattr(self, key, data[key])
        if self.method not in self.pay_options:
            self.method = self.pay_options[0] if self.pay_options else ""
        self._event_at = data["provider_event_at"]
        self.trial_label = (self._t("billing.trial_left", days=data["trial_left"])
                            if data["trial_left"] != "" else "")
        self.trial_kept_note = (self._t("billing.trial_kept", date=self.trial_kept_until)
                                if self.trial_kept_until else "")
        self.trial_due_note = (self._t("billing.trial_kept_due", date=self.trial_kept_until)
                               if self.trial_kept_until else "")

    @rx.var
    def is_owner(self) -> bool:
        return self.tenant_role == "owner"

    @rx.var
    def keeps_trial(self) -> bool:
        """Subscribing with the chosen method keeps the trial's remaining days."""
        return self.trial_kept_until != "" and (self.method in self.card_options
                                                or self.method in self.due_options)

    @rx.var
    def cancels_at_once(self) -> bool:
        """Gateways without "cancel at period end" nor a customer portal."""
        return self.provider in ("asaas", "mercadopago")

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.notice = ""
        self.payments_enabled = billing.payments_enabled()
        await self._refresh(ctx.tenant_id)
        await self._load_banner(ctx.tenant_id)  # the plan may have just changed
        self.loaded = True
        if self.pending and not self._watching:
            yield PlanBillingState.watch_payment
        outcome = self.router.url.query_parameters.get("checkout", "")
        if outcome:
            # said once: a reload of the page must not thank for the payment again
            yield rx.call_script("history.replaceState(null, '', location.pathname)")
        if outcome == "cancel":
            self.notice, self.notice_level = self._t("billing.checkout_cancel"), "warn"
        elif outcome == "ok" and self.paid and self.status == "active":
            self.notice, self.notice_level = self._t("billing.checkout_done"), "info"
        elif outcome == "ok" and self.paid and self.status == "trialing":  # trial kept
            self.notice, self.notice_level = self._t("billing.checkout_done_trial",
                                                     date=self.period_end), "info"
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
        try:
            seen, tries = int(seen_event_at), max(0, min(int(tries), 30))
        except (TypeError, ValueError, OverflowError):
            return  # a forged argument (the page sends numbers): nothing to wait for
        for _ in range(tries):
            await asyncio.sleep(1.0)
            await self._refresh(ctx.tenant_id)
            if self._event_at > seen:
                self.notice = self._t("billing.updated")
                await self._load_banner(ctx.tenant_id)
                yield
                return
            yield

    @rx.event(background=True)
    async def watch_payment(self):
        """While a charge is open, re-read every few seconds: the payment's webhook flips the
        plan to active without a reload (Pix is usually confirmed within seconds). A
        background task, so the page stays usable while it waits."""
        async with self:
            if self._watching:
                return
            self._watching = True
        try:
            for _ in range(450):  # 15 minutes, then a reload resumes it
                await asyncio.sleep(2.0)
                async with self:
                    if self.router.url.path.rstrip("/") != "/billing":
                        return  # the user went elsewhere
                    ctx, redirect = await self._guard()
                    if redirect:
                        return
                    was_active = self.paid and self.status == "active"
                    await self._refresh(ctx.tenant_id)
                    if not self.pending:
                        if self.paid and self.status == "active" and not was_active:
                            self.notice = self._t("billing.active_now")
                            self.notice_level = "info"
                        await self._load_banner(ctx.tenant_id)
                        return
        finally:
            async with self:
                self._watching = False

    @rx.event
    def set_method(self, value: str):
        self.method = value
        self.errors = {}

    @rx.event
    def set_tax_id(self, value: str):
        self.tax_id = value[:20]
        self.errors = {k: v for k, v in self.errors.items() if k != "tax_id"}

    async def _act(self, fn, **kwargs):
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        self.errors = {}
        try:
            return await call(fn, tenant_id=ctx.tenant_id, role=ctx.role, **kwargs), None
        except FieldErrors as exc:
            if set(exc.errors) <= {"tax_id", "method"}:
                self.errors = self._field_errors(exc)  # shown under their fields
            else:
                self.notice, self.notice_level = self._error_text(exc), "danger"
            return None, None
        except ServiceError as exc:
            self.notice, self.notice_level = self._error_text(exc), "danger"
            return None, None

    @rx.event
    async def choose(self, code: str):
        self.busy = code
        self.notice = ""
        yield
        ctx, redirect = await self._guard()
        if redirect:
            self.busy = ""
            yield redirect
            return
        url, redirect = await self._act(billing.choose_plan, user_id=ctx.user_id,
                                        plan_code=code, method=self.method,
                                        tax_id=self.tax_id,
                                        base_url=get_settings().public_base_url)
        self.busy = ""
        if redirect:
            yield redirect
        elif url:
            yield rx.redirect(url, is_external=False)
        elif self.errors:
            return
        elif not self.paid and not self.notice:
            # an Asaas checkout: its first charge is shown here; wait for the payment
            await self._refresh(ctx.tenant_id)
            yield PlanBillingState.watch_payment
        elif not self.notice:
            key = "billing.change_requested_asaas" if self.cancels_at_once \
                else "billing.change_requested"
            self.notice, self.notice_level = self._t(key), "info"
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
    choose = rx.button(
        rx.cond(PlanBillingState.paid, t("billing.change"), t("billing.choose")),
        on_click=PlanBillingState.choose(plan["code"]),
        loading=PlanBillingState.busy == plan["code"],
        disabled=~PlanBillingState.is_owner | ~PlanBillingState.payments_enabled,
        width="100%", size="3", id="choose-" + plan["code"],
    )
    # said before paying, not found out on the invoice
    trial_note = rx.cond((PlanBillingState.status == "trialing") & ~PlanBillingState.paid,
                         rx.text(rx.cond(PlanBillingState.keeps_trial,
                                         rx.cond(PlanBillingState.due_options.contains(
                                             PlanBillingState.method),
                                             PlanBillingState.trial_due_note,
                                             PlanBillingState.trial_kept_note),
                                         t("billing.trial_then_charge")),
                                 size="1", color_scheme="gray", class_name="trial-charge-note"))
    return rx.cond(
        (plan["current"] == "1") | (plan["free"] == "1"),
        rx.fragment(),
        rx.vstack(choose, trial_note, spacing="1", width="100%"),
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
                                        rx.cond(PlanBillingState.paid,
                                                t("billing.first_charge"),
                                                t("billing.trial_ends")),
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
                    rx.cond(PlanBillingState.cancels_at_once, rx.fragment(),
                            rx.button(rx.icon("credit-card", size=16), t("billing.portal"),
                                      variant="soft", on_click=PlanBillingState.open_portal,
                                      id="open-portal")),
                    rx.cond(
                        PlanBillingState.cancels_at_once,
                        # Asaas and Mercado Pago cancel at once (no "at period end" there)
                        rx.button(t("billing.cancel_now"), variant="soft", color_scheme="red",
                                  on_click=PlanBillingState.set_cancel(True),
                                  loading=PlanBillingState.busy == "cancel", id="cancel-sub"),
                        rx.cond(
                        PlanBillingState.cancel_at_period_end,
                        rx.button(t("billing.resume"), variant="soft", color_scheme="jade",
                                  on_click=PlanBillingState.set_cancel(False),
                                  loading=PlanBillingState.busy == "cancel", id="resume"),
                        rx.button(t("billing.cancel"), variant="soft", color_scheme="red",
                                  on_click=PlanBillingState.set_cancel(True),
                                  loading=PlanBillingState.busy == "cancel", id="cancel-sub"),
                    )),
                    spacing="2", wrap="wrap",  # (a phone: the two buttons one under the other)
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
                               ("overdue", rx.badge(t("invoice.overdue"), color_scheme="red")),
                               ("refunded", rx.badge(t("invoice.refunded"),
                                                     color_scheme="gray")),
                               ("canceled", rx.badge(t("invoice.canceled"),
                                                     color_scheme="gray")),
                               rx.badge(t("invoice.pending"), color_scheme="orange"))),
        rx.table.cell(rx.hstack(
            rx.cond(inv["hosted"] != "", rx.link(t("billing.invoice_view"), href=inv["hosted"],
                                                 is_external=True)),
            rx.cond(inv["pdf"] != "", rx.link(t("billing.invoice_pdf"), href=inv["pdf"],
                                              is_external=True)),
            spacing="3")),
        class_name="invoice-row",
    )


PAY_OPTIONS = ("pix", "boleto", "card", "card_asaas", "mercadopago")
TAX_ID_OPTIONS = ("pix", "boleto", "card_asaas")  # Asaas needs the payer's CPF/CNPJ


def _pay_choice() -> rx.Component:
    """How to pay a first subscription (only the ways the platform offers) and the CPF/CNPJ
    the Brazilian gateway needs."""
    s = PlanBillingState
    return rx.cond(
        s.is_owner & s.payments_enabled & ~s.paid & (s.pay_options.length() > 0),
        card(
            rx.vstack(
                rx.text(t("billing.pay_with"), size="3", weight="medium"),
                rx.radio_group.root(
                    rx.hstack(
                        *[rx.cond(s.pay_options.contains(key), rx.hstack(
                            rx.radio_group.item(value=key, id=f"method-{key}",
                                                aria_label=t(f"billing.method.{key}")),
                            rx.text(t(f"billing.method.{key}"), size="2"),
                            align="center", spacing="1"))
                          for key in PAY_OPTIONS],
                        spacing="5", wrap="wrap"),
                    value=s.method, on_change=s.set_method),
                field_error(s.errors, "method"),
                rx.cond(
                    (s.method == TAX_ID_OPTIONS[0]) | (s.method == TAX_ID_OPTIONS[1])
                    | (s.method == TAX_ID_OPTIONS[2]),
                    rx.vstack(
                        rx.text(t("billing.tax_id"), size="2", weight="medium", as_="label",
                                html_for="field-tax-id"),
                        rx.input(value=s.tax_id, on_change=s.set_tax_id, id="field-tax-id",
                                 placeholder="000.000.000-00", max_length=20,
                                 input_mode="numeric", aria_label=t("billing.tax_id"),
                                 size="3", width="100%", max_width="280px"),
                        rx.text(t("billing.tax_id_hint"), size="1", color_scheme="gray"),
                        field_error(s.errors, "tax_id"),
                        spacing="1", width="100%"),
                ),
                spacing="3", width="100%", align="start",
            ),
            margin_bottom="20px",
        ),
    )


def _copy_line(label_key: str, value: rx.Var, elem_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"),
        rx.hstack(
            rx.code(value, size="2", id=elem_id, style={"word_break": "break-all"}),
            rx.button(rx.icon("copy", size=14), t("billing.pix_copy"), size="2",
                      variant="soft", type="button", id=elem_id + "-copy",
                      on_click=[rx.set_clipboard(value),
                                rx.toast.success(t("billing.pix_copied"))]),
            align="center", spacing="2", wrap="wrap"),
        spacing="1", width="100%", align="start",
    )


def _pending_panel() -> rx.Component:
    """The open Asaas charge: Pix QR + copia-e-cola, boleto line + PDF, or the card page."""
    p = PlanBillingState.pending
    amount = rx.hstack(
        rx.text(t("billing.amount"), ": ", p["amount"], size="2"),
        rx.cond(p["due"] != "", rx.text(t("billing.due"), ": ", p["due"], size="2",
                                        color_scheme="gray")),
        spacing="4", wrap="wrap")
    waiting = rx.vstack(
        rx.hstack(rx.spinner(size="1"), rx.text(t("billing.waiting_payment"), size="2"),
                  align="center", spacing="2", id="waiting-payment"),
        # the gateway's own page for this charge (in demos, where "pay now" is)
        rx.cond(p["hosted_url"] != "",
                rx.link(t("billing.invoice_view"), href=p["hosted_url"], is_external=True,
                        size="2", id="open-invoice")),
        spacing="2", align="start")
    pix = rx.vstack(
        rx.heading(rx.cond(p["checkout"] == "1", t("billing.pix_title"),
                           t("billing.charge_open")), size="4"),
        rx.text(t("billing.pix_scan"), size="2", color_scheme="gray"),
        rx.flex(
            rx.cond(p["pix_image"] != "",
                    rx.image(src="data:image/png;base64," + p["pix_image"],
                             alt=t("billing.pix_qr_alt"), width="220px", height="220px",
                             id="pix-qr", style={"image_rendering": "pixelated"})),
            rx.vstack(
                amount,
                rx.cond(p["pix_payload"] != "",
                        _copy_line("billing.pix_code", p["pix_payload"], "pix-code")),
                rx.cond(p["pix_expires"] != "",
                        rx.text(t("billing.pix_expires"), ": ", p["pix_expires"], size="2",
                                color_scheme="gray", id="pix-expires")),
                waiting,
                spacing="3", align="start", flex="1", min_width="240px"),
            gap="24px", wrap="wrap", align="center", width="100%"),
        spacing="3", width="100%", align="start")
    boleto = rx.vstack(
        rx.heading(rx.cond(p["checkout"] == "1", t("billing.boleto_title"),
                           t("billing.charge_open")), size="4"),
        amount,
        rx.cond(p["boleto_line"] != "",
                _copy_line("billing.boleto_line", p["boleto_line"], "boleto-line")),
        rx.cond(p["boleto_url"] != "",
                rx.link(rx.button(rx.icon("file-text", size=14), t("billing.boleto_pdf"),
                                  variant="soft"),
                        href=p["boleto_url"], is_external=True, id="boleto-pdf")),
        rx.text(t("billing.boleto_note"), size="1", color_scheme="gray"),
        waiting,
        spacing="3", width="100%", align="start")
    card_pay = rx.vstack(
        rx.heading(rx.cond(p["checkout"] == "1", t("billing.card_title"),
                           t("billing.charge_open")), size="4"),
        amount,
        rx.link(rx.button(rx.icon("credit-card", size=14), t("billing.card_open"), size="3"),
                href=p["hosted_url"], is_external=True, id="card-pay"),
        waiting,
        spacing="3", width="100%", align="start")
    return rx.cond(
        p.contains("kind"),
        card(rx.match(p["kind"], ("pix", pix), ("boleto", boleto), card_pay),
             margin_bottom="20px", id="pending-charge"),
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
        rx.cond(
            PlanBillingState.billed_by != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("building-2", size=16)),
                rx.callout.text(t("agency.billed_by"), " ",
                                rx.text.strong(PlanBillingState.billed_by), "."),
                color_scheme="gray", width="100%", id="billed-by-agency"),
            rx.fragment(
                _pending_panel(),
                _pay_choice(),
                rx.grid(
                    rx.foreach(PlanBillingState.plans, lambda p: plan_card(p, _plan_action(p))),
                    columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                    spacing="4", width="100%", margin_bottom="24px",
                ),
                _invoices(),
            ),
        ),
        ready=PlanBillingState.loaded,
    )
