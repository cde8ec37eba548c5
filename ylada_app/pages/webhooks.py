"""/settings/webhooks ("Webhooks"): the business's endpoints for outgoing events — create
or edit (address, events), see the signing secret, rotate it, send a test, read the
delivery log and resend, turn off or delete. Owners and admins only."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.confirm import confirm_button
from ylada_app.components.forms import field_error, form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.services import webhooks_out
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.page_load import guarded_load
from ylada_app.state.session import SessionState

EVENTS = webhooks_out.EVENT_TYPES


def _endpoint_rows(session, *, tenant_id: int) -> list[dict]:
    return [{"id": str(e.id), "url": e.url, "description": e.description,
             "events": list(e.events), "active": "1" if e.active else "",
             "reason": e.disabled_reason,
             "failing": local_text(e.failing_since) if e.failing_since else "",
             "delivered": str(e.delivered_24h), "failed": str(e.failed_24h),
             "pending": str(e.pending)}
            for e in webhooks_out.list_endpoints(session, tenant_id=tenant_id)]


# Why an attempt got no HTTP answer, for people (the sender's error kinds).
_NO_ANSWER = {"timeout": "webhooks.err.timeout", "blocked_address": "webhooks.err.blocked",
              "endpoint_disabled": "webhooks.err.disabled"}


def _code_text(status: int | None, error: str, lang: str) -> str:
    from ylada_app.core.i18n import translate

    if status:
        return str(status)
    if not error:
        return "—"
    return translate(_NO_ANSWER.get(error, "webhooks.err.connect"), lang)


def _log_rows(session, *, tenant_id: int, endpoint_id: str,
              lang: str = "pt-BR") -> list[dict[str, str]]:
    return [{"id": str(d.id), "event": d.event_type, "status": d.status,
             "code": _code_text(d.last_status, d.last_error, lang),
             "attempts": str(d.attempts),
             "when": local_text(d.last_attempt_at or d.created_at),
             "next": local_text(d.next_attempt_at) if d.status == "pending" and d.attempts
             else "",
             "excerpt": d.response_excerpt[:160]}
            for d in webhooks_out.deliveries(session, tenant_id=tenant_id,
                                             endpoint_id=endpoint_id)]


class WebhooksState(SessionState):
    loaded: bool = False
    endpoints: list[dict] = []
    errors: dict[str, str] = {}
    busy: bool = False
    form_key: int = 0
    editing_id: str = ""
    edit_url: str = ""
    edit_description: str = ""
    edit_events: list[str] = []
    secret_for: str = ""
    secret: str = ""
    log_for: str = ""
    log_url: str = ""
    log: list[dict[str, str]] = []
    labels: dict[str, str] = {}

    @rx.event
    @guarded_load()
    async def load(self, ctx):
        self.secret_for = self.secret = self.log_for = ""
        self.labels = {ev: self._t(f"webhooks.ev.{ev}")
                       for ev in (*EVENTS, webhooks_out.TEST_EVENT)}
        await self._reload(ctx.tenant_id)

    async def _reload(self, tenant_id: int) -> None:
        self.endpoints = await call(_endpoint_rows, tenant_id=tenant_id)
        if self.log_for:
            self.log = await call(_log_rows, tenant_id=tenant_id, endpoint_id=self.log_for,
                                  lang=self.lang)

    @rx.event
    async def save(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        chosen = [ev for ev in EVENTS if form.get(f"ev:{ev}")]
        self.busy = True
        yield  # the button shows it is working before the service is called
        try:
            if self.editing_id:
                await call(webhooks_out.update_endpoint, tenant_id=ctx.tenant_id,
                           endpoint_id=self.editing_id, url=form.get("url"), events=chosen,
                           description=form.get("description"))
                done, secret_for, secret = "webhooks.saved", "", ""
            else:
                row, secret = await call(webhooks_out.create_endpoint, tenant_id=ctx.tenant_id,
                                         url=form.get("url"), events=chosen,
                                         description=form.get("description"),
                                         actor_user_id=ctx.user_id)
                done, secret_for = "webhooks.created", str(row.id)
        except ServiceError as exc:
            self.errors, self.busy = self._field_errors(exc), False
            return
        self.errors, self.busy = {}, False
        self.secret_for, self.secret = secret_for, secret
        self._clear_form()
        await self._reload(ctx.tenant_id)
        yield rx.toast.success(self._t(done))

    def _clear_form(self) -> None:
        self.editing_id = self.edit_url = self.edit_description = ""
        self.edit_events = []
        self.form_key += 1

    @rx.event
    def start_edit(self, endpoint_id: str):
        row = next((e for e in self.endpoints if e["id"] == endpoint_id), None)
        if row is None:
            return
        self.editing_id, self.edit_url = endpoint_id, row["url"]
        self.edit_description, self.edit_events = row["description"], list(row["events"])
        self.errors = {}
        self.form_key += 1

    @rx.event
    def cancel_edit(self):
        self.errors = {}
        self._clear_form()

    async def _act(self, fn, done_key: str, *, with_actor: bool = False, **kwargs):
        ctx, redirect = await self._guard()
        if redirect:
            return None, redirect
        if with_actor:  # the service records who did it (audit trail)
            kwargs["actor_user_id"] = ctx.user_id
        result, problem = await self._call_or_toast(fn, tenant_id=ctx.tenant_id, **kwargs)
        if problem is not None:
            return None, problem
        await self._reload(ctx.tenant_id)
        return result, (rx.toast.success(self._t(done_key)) if done_key else None)

    @rx.event
    async def show_secret(self, endpoint_id: str):
        secret, out = await self._act(webhooks_out.reveal_secret, "", endpoint_id=endpoint_id)
        if secret:
            self.secret_for, self.secret = endpoint_id, secret
        return out

    @rx.event
    def hide_secret(self):
        self.secret_for = self.secret = ""

    @rx.event
    async def rotate(self, endpoint_id: str):
        secret, out = await self._act(webhooks_out.rotate_secret, "webhooks.rotated",
                                      endpoint_id=endpoint_id)
        if secret:
            self.secret_for, self.secret = endpoint_id, secret
        return out

    @rx.event
    async def send_test(self, endpoint_id: str):
        _, out = await self._act(webhooks_out.send_test, "webhooks.test_sent",
                                 endpoint_id=endpoint_id)
        await self._open_log(endpoint_id)
        return out

    @rx.event
    async def toggle(self, endpoint_id: str, active: bool):
        _, out = await self._act(webhooks_out.set_active,
                                 "webhooks.enabled" if active else "webhooks.disabled",
                                 endpoint_id=endpoint_id, active=active)
        return out

    @rx.event
    async def delete(self, endpoint_id: str):
        if self.log_for == endpoint_id:
            self.log_for, self.log = "", []
        if self.editing_id == endpoint_id:
            self._clear_form()
        _, out = await self._act(webhooks_out.delete_endpoint, "webhooks.deleted",
                                 endpoint_id=endpoint_id, with_actor=True)
        return out

    async def _open_log(self, endpoint_id: str) -> None:
        ctx, redirect = await self._guard()
        if redirect:
            return
        row = next((e for e in self.endpoints if e["id"] == endpoint_id), None)
        self.log_for, self.log_url = endpoint_id, row["url"] if row else ""
        try:
            self.log = await call(_log_rows, tenant_id=ctx.tenant_id, endpoint_id=endpoint_id,
                                  lang=self.lang)
        except ServiceError:
            self.log_for, self.log = "", []

    @rx.event
    async def open_log(self, endpoint_id: str):
        await self._open_log(endpoint_id)

    @rx.event
    async def refresh_log(self):
        if self.log_for:
            await self._open_log(self.log_for)
            ctx, redirect = await self._guard()
            if not redirect:
                self.endpoints = await call(_endpoint_rows, tenant_id=ctx.tenant_id)

    @rx.event
    def close_log(self):
        self.log_for, self.log = "", []

    @rx.event
    async def resend(self, delivery_id: str):
        _, out = await self._act(webhooks_out.resend, "webhooks.resent", delivery_id=delivery_id)
        return out


def _event_chip(ev: rx.Var) -> rx.Component:
    return rx.badge(WebhooksState.labels[ev], variant="soft", color_scheme="gray",
                    radius="full")


def _secret_box(endpoint_id: rx.Var) -> rx.Component:
    s = WebhooksState
    return rx.cond(s.secret_for == endpoint_id, rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.vstack(
            rx.text(t("webhooks.secret"), weight="bold", size="2"),
            rx.hstack(rx.code(s.secret, id="webhook-secret", word_break="break-all"),
                      rx.icon_button(rx.icon("copy", size=14), size="1", variant="soft",
                                     on_click=rx.set_clipboard(s.secret)),
                      align="center"),
            rx.text(t("webhooks.secret_hint"), size="1"),
            rx.button(t("webhooks.hide_secret"), size="1", variant="soft",
                      on_click=s.hide_secret),
            spacing="2",
        ),
        color_scheme="amber", width="100%", size="1",
    ))


def _endpoint_card(e: rx.Var) -> rx.Component:
    s = WebhooksState
    status = rx.cond(
        e["active"] != "",
        rx.badge(t("webhooks.active"), color_scheme="jade"),
        rx.cond(e["reason"] == "failing",
                rx.badge(t("webhooks.off_failing"), color_scheme="red"),
                rx.badge(t("webhooks.off"), color_scheme="gray")),
    )
    actions = rx.flex(
        rx.button(rx.icon("list", size=14), t("webhooks.deliveries"), size="1", variant="soft",
                  on_click=s.open_log(e["id"]), class_name="open-log"),
        rx.cond(e["active"] != "",
                rx.button(rx.icon("send", size=14), t("webhooks.test"), size="1",
                          variant="soft", on_click=s.send_test(e["id"]),
                          class_name="send-test")),
        rx.button(rx.icon("pencil", size=14), t("webhooks.edit_short"), size="1", variant="soft",
                  on_click=s.start_edit(e["id"]), class_name="edit-endpoint"),
        rx.button(rx.icon("eye", size=14), t("webhooks.show_secret"), size="1",
                  variant="soft", color_scheme="gray", on_click=s.show_secret(e["id"]),
                  class_name="show-secret"),
        confirm_button(
            rx.button(rx.icon("refresh-cw", size=14), t("webhooks.rotate"), size="1",
                      variant="soft", color_scheme="gray", class_name="rotate-secret"),
            title_key="webhooks.rotate_title", body=t("webhooks.rotate_body"),
            confirm_key="webhooks.rotate", on_confirm=s.rotate(e["id"]),
            color_scheme="amber", confirm_id="confirm-rotate"),
        rx.cond(e["active"] != "",
                rx.button(t("webhooks.disable"), size="1", variant="soft",
                          color_scheme="gray", on_click=s.toggle(e["id"], False),
                          class_name="disable-endpoint"),
                rx.button(t("webhooks.enable"), size="1", variant="soft",
                          on_click=s.toggle(e["id"], True), class_name="enable-endpoint")),
        confirm_button(
            rx.button(t("webhooks.delete"), size="1", variant="soft", color_scheme="red",
                      class_name="delete-endpoint"),
            title_key="webhooks.delete_title",
            body=rx.text(t("webhooks.delete_body"), " ", rx.text.strong(e["url"]), "."),
            confirm_key="webhooks.delete", on_confirm=s.delete(e["id"]),
            confirm_id="confirm-delete-endpoint"),
        spacing="2", wrap="wrap",
    )
    return card(
        rx.vstack(
            rx.hstack(rx.code(e["url"], word_break="break-all", size="2"), rx.spacer(), status,
                      width="100%", align="start", spacing="3"),
            rx.cond(e["description"] != "", rx.text(e["description"], size="2",
                                                     color_scheme="gray")),
            rx.flex(rx.foreach(e["events"].to(list[str]), _event_chip), spacing="1",
                    wrap="wrap"),
            rx.text(t("webhooks.stats"), " ", rx.text.strong(e["delivered"]), " ",
                    t("webhooks.stat_delivered"), " · ", rx.text.strong(e["failed"]), " ",
                    t("webhooks.stat_failed"), " · ", rx.text.strong(e["pending"]), " ",
                    t("webhooks.stat_pending"), size="1", color_scheme="gray"),
            rx.cond(e["failing"] != "", rx.hstack(
                rx.icon("triangle-alert", size=14, color=rx.color("red", 10)),
                rx.text(t("webhooks.failing_since"), " ", e["failing"], size="1",
                        color_scheme="red"),
                spacing="1", align="center")),
            _secret_box(e["id"]),
            actions,
            spacing="2", width="100%",
        ),
        width="100%", class_name="endpoint-card",
    )


def _status_badge(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        ("delivered", rx.badge(t("webhooks.st_delivered"), color_scheme="jade")),
        ("failed", rx.badge(t("webhooks.st_failed"), color_scheme="red")),
        ("sending", rx.badge(t("webhooks.st_sending"), color_scheme="blue")),
        rx.badge(t("webhooks.st_pending"), color_scheme="amber"),
    )


def _log_row(d: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(WebhooksState.labels[d["event"]]),
        rx.table.cell(_status_badge(d["status"]),
                      rx.cond(d["next"] != "", rx.text(t("webhooks.next_try"), " ", d["next"],
                                                       size="1", color_scheme="gray"))),
        rx.table.cell(rx.text(d["code"], size="1")),
        rx.table.cell(d["attempts"]),
        rx.table.cell(d["when"], white_space="nowrap"),
        rx.table.cell(rx.text(d["excerpt"], size="1", color_scheme="gray", max_width="260px",
                              overflow="hidden", text_overflow="ellipsis",
                              white_space="nowrap")),
        rx.table.cell(rx.button(t("webhooks.resend"), size="1", variant="soft",
                                on_click=WebhooksState.resend(d["id"]),
                                class_name="resend-delivery")),
        class_name="delivery-row",
    )


def _log_card() -> rx.Component:
    s = WebhooksState
    return rx.cond(s.log_for != "", card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("webhooks.deliveries_of"), " ", rx.code(s.log_url), size="3"),
                rx.spacer(),
                rx.icon_button(rx.icon("refresh-cw", size=14), size="1", variant="soft",
                               on_click=s.refresh_log, id="refresh-log"),
                rx.button(t("webhooks.close"), size="1", variant="soft", color_scheme="gray",
                          on_click=s.close_log),
                width="100%", align="center",
            ),
            rx.cond(
                s.log.length() == 0,
                rx.text(t("webhooks.no_deliveries"), color_scheme="gray", size="2"),
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(t("webhooks.col_event")),
                        rx.table.column_header_cell(t("webhooks.col_status")),
                        rx.table.column_header_cell(t("webhooks.col_code")),
                        rx.table.column_header_cell(t("webhooks.col_attempts")),
                        rx.table.column_header_cell(t("webhooks.col_when")),
                        rx.table.column_header_cell(""),
                        rx.table.column_header_cell(""),
                    )),
                    rx.table.body(rx.foreach(s.log, _log_row)),
                    width="100%", size="1",
                ), overflow_x="auto", width="100%"),
            ),
            spacing="3", width="100%",
        ),
        width="100%", id="delivery-log",
    ))


def _event_option(ev: str) -> rx.Component:
    s = WebhooksState
    return rx.hstack(
        rx.checkbox(name=f"ev:{ev}", default_checked=s.edit_events.contains(ev),
                    id=f"ev-{ev.replace('.', '-')}", aria_label=t(f"webhooks.ev.{ev}")),
        rx.vstack(
            rx.text(t(f"webhooks.ev.{ev}"), size="2", weight="medium", as_="label",
                    html_for=f"ev-{ev.replace('.', '-')}"),
            rx.text(t(f"webhooks.ev.{ev}.hint"), " · ", rx.code(ev, size="1", variant="ghost"),
                    size="1", color_scheme="gray"),
            spacing="0",
        ),
        align="start", spacing="2",
    )


def _form() -> rx.Component:
    s = WebhooksState
    return card(
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(s.editing_id != "", t("webhooks.edit"), t("webhooks.new")),
                           size="4"),
                form_error(s.errors),
                text_field("webhooks.url", "url", s.errors, max_length=500,
                           placeholder="https://seu-sistema.com.br/webhooks/whatsapp",
                           default_value=s.edit_url),
                text_field("webhooks.description", "description", s.errors, max_length=120,
                           placeholder="CRM, n8n…", default_value=s.edit_description),
                rx.text(t("webhooks.events"), size="2", weight="medium"),
                rx.vstack(*[_event_option(ev) for ev in EVENTS], spacing="2"),
                field_error(s.errors, "events"),
                rx.cond(
                    s.editing_id != "",
                    rx.hstack(
                        submit_button("webhooks.save", loading=s.busy, id="update-endpoint"),
                        rx.button(t("webhooks.cancel_edit"), type="button", size="3",
                                  variant="soft", color_scheme="gray", on_click=s.cancel_edit),
                        spacing="2",
                    ),
                    submit_button("webhooks.create", loading=s.busy, id="save-endpoint"),
                ),
                spacing="3", width="100%",
            ),
            on_submit=s.save, key=s.form_key,
        ),
        max_width="420px", width="100%",
    )


def webhooks_page() -> rx.Component:
    s = WebhooksState
    listing = rx.vstack(
        rx.cond(s.endpoints.length() == 0,
                card(rx.text(t("webhooks.none"), color_scheme="gray", id="no-endpoints"),
                     width="100%"),
                rx.foreach(s.endpoints, _endpoint_card)),
        rx.text(t("webhooks.how"), size="1", color_scheme="gray"),
        spacing="3", width="100%", flex="2",
    )
    return app_shell(
        page_header("webhooks.title", "webhooks.subtitle"),
        rx.vstack(
            rx.flex(listing, _form(), spacing="4", width="100%", align="start",
                    direction=rx.breakpoints(initial="column", md="row")),
            _log_card(),
            spacing="4", width="100%",
        ),
        ready=s.loaded,
    )
