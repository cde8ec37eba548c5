"""/agency ("Clientes"): an agency's client businesses — create one, switch into it, suspend
or reactivate it, and see this month's usage of each. Owners and admins of a business whose
plan includes white label; everyone else sees what the feature is and where to get it."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import form_error, select_field, submit_button, text_field
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.models import Tenant
from ylada_app.models.brand import DomainStatus
from ylada_app.pages.signup import NICHE_OPTIONS
from ylada_app.services import agency, auth, brand
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState


def _page_data(session, *, tenant_id: int, user_id: int) -> dict:
    if not agency.can_manage_clients(session, tenant_id=tenant_id):
        return {"allowed": False, "is_client": agency.agency_of(session, tenant_id=tenant_id)
                is not None, "clients": []}
    rows = agency.list_clients(session, tenant_id=tenant_id, user_id=user_id)
    return {"allowed": True, "is_client": False,
            "signup_open": bool(session.get(Tenant, tenant_id).agency_signup),
            "signup_url": _signup_url(session, tenant_id), "clients": [
        {"id": str(c.id), "name": c.name, "suspended": "1" if c.status == "suspended" else "",
         "numbers": str(c.numbers), "contacts": str(c.contacts),
         "messages": str(c.messages_in + c.messages_out), "created": local_text(c.created_at,
                                                                                "%d/%m/%Y")}
        for c in rows]}


def _signup_url(session, tenant_id: int) -> str:
    """The sign-up page on the agency's own address ("" until it has one)."""
    row = brand.get_brand(session, tenant_id=tenant_id)
    if row is None:
        return ""
    if row.custom_domain and row.domain_status == DomainStatus.VERIFIED:
        return f"https://{row.custom_domain}/signup"
    if row.subdomain:
        return f"https://{row.subdomain}.{brand.base_domain()}/signup"
    return ""


def _create_client(session, *, tenant_id: int, user_id: int, name: str, niche: str) -> None:
    agency.create_client(session, tenant_id=tenant_id, user_id=user_id, name=name, niche=niche)


def _enter(session, *, token: str, tenant_id: int, user_id: int, client_id: str):
    """Switch into a client — only one of this agency's (the membership alone is not enough:
    the page must not become a way into any business the user belongs to)."""
    clients = {str(c.id) for c in agency.list_clients(session, tenant_id=tenant_id,
                                                      user_id=user_id)}
    if client_id not in clients:
        from ylada_app.services.errors import NotFound

        raise NotFound("error.not_found")
    return auth.switch_tenant(session, token=token, tenant_id=int(client_id))


class AgencyState(SessionState):
    loaded: bool = False
    allowed: bool = False
    is_client: bool = False
    clients: list[dict[str, str]] = []
    signup_open: bool = False
    signup_url: str = ""
    errors: dict[str, str] = {}
    busy: bool = False
    form_key: int = 0

    async def _reload(self, tenant_id: int, user_id: int) -> None:
        data = await call(_page_data, tenant_id=tenant_id, user_id=user_id)
        self.allowed, self.is_client, self.clients = (data["allowed"], data["is_client"],
                                                      data["clients"])
        self.signup_open = data.get("signup_open", False)
        self.signup_url = data.get("signup_url", "")

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.errors = {}
        await self._reload(ctx.tenant_id, ctx.user_id)

    @rx.event
    async def create(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        self.busy = True
        try:
            await call(_create_client, tenant_id=ctx.tenant_id, user_id=ctx.user_id,
                       name=form.get("tenant_name") or "", niche=form.get("niche") or "outro")
        except ServiceError as exc:
            self.errors, self.busy = self._field_errors(exc), False
            return None
        self.errors, self.busy = {}, False
        self.form_key += 1
        await self._reload(ctx.tenant_id, ctx.user_id)
        return rx.toast.success(self._t("agency.created"))

    @rx.event
    async def enter(self, client_id: str):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        new_ctx, problem = await self._call_or_toast(
            _enter, token=self._session_token(), tenant_id=ctx.tenant_id, user_id=ctx.user_id,
            client_id=client_id)
        if problem is not None:
            return problem
        self._apply(new_ctx)
        return rx.redirect("/blocked" if new_ctx.tenant_blocked else "/dashboard")

    @rx.event
    async def set_suspended(self, client_id: str, suspended: bool):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(agency.set_client_suspended,
                                               tenant_id=ctx.tenant_id, user_id=ctx.user_id,
                                               client_id=client_id, suspended=suspended)
        if problem is not None:
            return problem
        await self._reload(ctx.tenant_id, ctx.user_id)
        return rx.toast.success(self._t("agency.suspended_done" if suspended
                                        else "agency.reactivated_done"))


    @rx.event
    async def set_signup_open(self, value: bool):
        ctx, redirect = await self._guard()
        if redirect:
            return redirect
        _, problem = await self._call_or_toast(agency.set_signup_open, tenant_id=ctx.tenant_id,
                                               user_id=ctx.user_id, open_=bool(value))
        if problem is not None:
            return problem
        self.signup_open = bool(value)
        return None


def _client_row(c: rx.Var) -> rx.Component:
    s = AgencyState
    return rx.table.row(
        rx.table.cell(rx.text(c["name"], weight="medium")),
        rx.table.cell(rx.cond(c["suspended"] != "",
                              rx.badge(t("agency.status_suspended"), color_scheme="red",
                                       variant="soft"),
                              rx.badge(t("agency.status_active"), color_scheme="jade",
                                       variant="soft"))),
        rx.table.cell(c["numbers"]),
        rx.table.cell(c["contacts"]),
        rx.table.cell(c["messages"]),
        rx.table.cell(c["created"]),
        rx.table.cell(rx.hstack(
            rx.button(rx.icon("log-in", size=14), t("agency.enter"), size="1", variant="soft",
                      on_click=s.enter(c["id"]), class_name="enter-client"),
            rx.cond(
                c["suspended"] != "",
                rx.button(t("agency.reactivate"), size="1", variant="soft", color_scheme="jade",
                          on_click=s.set_suspended(c["id"], False),
                          class_name="reactivate-client"),
                confirm_button(
                    rx.button(t("agency.suspend"), size="1", variant="soft",
                              color_scheme="red", class_name="suspend-client"),
                    title_key="agency.suspend_title",
                    body=rx.text(t("agency.suspend_body"), " ", rx.text.strong(c["name"]), "."),
                    confirm_key="agency.suspend", on_confirm=s.set_suspended(c["id"], True),
                    confirm_id="confirm-suspend-client"),
            ),
            spacing="2",
        )),
        class_name="client-row",
    )


def _clients() -> rx.Component:
    s = AgencyState
    return card(
        rx.cond(
            s.clients.length() == 0,
            rx.text(t("agency.none"), color_scheme="gray", id="no-clients"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("agency.client")),
                    rx.table.column_header_cell(t("agency.status")),
                    rx.table.column_header_cell(t("agency.numbers")),
                    rx.table.column_header_cell(t("agency.contacts")),
                    rx.table.column_header_cell(t("agency.messages_month")),
                    rx.table.column_header_cell(t("agency.since")),
                    rx.table.column_header_cell(""),
                )),
                rx.table.body(rx.foreach(s.clients, _client_row)),
                width="100%",
            ), overflow_x="auto", width="100%"),
        ),
        flex="2", min_width="0",
    )


def _new_client() -> rx.Component:
    s = AgencyState
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("agency.new"), size="4"),
                rx.text(t("agency.new_hint"), size="2", color_scheme="gray"),
                form_error(s.errors),
                text_field("agency.client_name", "tenant_name", s.errors, max_length=80),
                select_field("signup.niche", "niche", s.errors, NICHE_OPTIONS, "outro"),
                submit_button("agency.create", loading=s.busy, id="create-client"),
                spacing="3", width="100%",
            ),
            on_submit=s.create, key=s.form_key,
        ),
        flex="1", max_width="420px",
    )


def _signup_card() -> rx.Component:
    s = AgencyState
    return card(
        rx.hstack(
            rx.switch(checked=s.signup_open, on_change=s.set_signup_open, id="agency-signup",
                      aria_label=t("agency.signup_switch")),
            rx.vstack(
                rx.text(t("agency.signup_switch"), weight="medium"),
                rx.cond(
                    s.signup_url != "",
                    rx.text(t("agency.signup_hint"), " ", rx.code(s.signup_url), size="2",
                            color_scheme="gray"),
                    rx.text(t("agency.signup_no_address"), " ",
                            rx.link(t("nav.brand"), href="/settings/brand"), ".", size="2",
                            color_scheme="gray"),
                ),
                spacing="1",
            ),
            spacing="3", align="start",
        ),
        width="100%",
    )


def agency_page() -> rx.Component:
    s = AgencyState
    return app_shell(
        page_header("agency.title", "agency.subtitle"),
        rx.cond(
            s.allowed,
            rx.vstack(
                rx.flex(_clients(), _new_client(), spacing="4", width="100%", align="start",
                        direction=rx.breakpoints(initial="column", md="row")),
                _signup_card(),
                spacing="4", width="100%",
            ),
            rx.callout(rx.cond(s.is_client, t("agency.is_client"), t("agency.upsell")),
                       icon="building-2", color_scheme="gray", width="100%",
                       id="agency-unavailable"),
        ),
        ready=s.loaded,
    )
