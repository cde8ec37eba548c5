"""/instances/[iid]/connect: WhatsApp Cloud API credentials, checked against the Graph API.

Departure from the layer rule (ui → services only): this page hands the Graph API checker
from `channels/` to the service, because the check must run before anything is saved and
its outcome must land on the form's fields.
"""

from __future__ import annotations

import reflex as rx

from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
from ylada_app.components.badges import status_badge
from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, not_found_block
from ylada_app.components.texts import t
from ylada_app.core.settings import get_settings
from ylada_app.pages.instances import instance_view, path_segment
from ylada_app.services import instances
from ylada_app.services.errors import NotFound, ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


class ConnectState(SessionState):
    inst: dict[str, str] = {}
    errors: dict[str, str] = {}
    missing: bool = False
    loaded: bool = False
    busy: bool = False
    success: str = ""
    callback_url: str = ""

    def _instance_key(self) -> str:
        return path_segment(self.router.url.path, 1)

    @rx.event
    async def load(self):
        self.loaded = False
        self.success = ""
        self.errors = {}
        yield
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        try:
            inst = await call(instances.get_instance, tenant_id=ctx.tenant_id,
                              instance_id=self._instance_key())
        except NotFound:
            self.missing = True
            self.loaded = True
            return
        self.missing = False
        self.inst = instance_view(inst)
        base = get_settings().public_base_url.rstrip("/")
        self.callback_url = f"{base}/webhooks/whatsapp/{inst.webhook_key}"
        self.loaded = True

    @rx.event
    async def submit(self, form: dict):
        ctx, redirect = await self._guard()
        if redirect:
            yield redirect
            return
        self.busy = True
        self.success = ""
        self.errors = {}
        yield
        try:
            inst = await call(
                instances.connect_whatsapp,
                tenant_id=ctx.tenant_id,
                user_id=ctx.user_id,
                instance_id=self._instance_key(),
                phone_number_id=form.get("phone_number_id"),
                waba_id=form.get("waba_id"),
                access_token=form.get("access_token"),
                app_secret=form.get("app_secret"),
                check=check_phone_number,
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.inst = instance_view(inst)
        number = inst.display_number or inst.phone_number_id
        self.success = self._t("connect.success", number=number)
        self.busy = False


def _copy_row(label_key: str, value: rx.Var, elem_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"),
        rx.hstack(
            rx.code(value, size="2", id=elem_id, style={"word_break": "break-all"}),
            rx.icon_button(rx.icon("copy", size=14), size="1", variant="soft", type="button",
                           on_click=rx.set_clipboard(value)),
            align="center",
            spacing="2",
        ),
        spacing="1",
        width="100%",
    )


def connect_page() -> rx.Component:
    s = ConnectState
    form = rx.form(
        rx.vstack(
            rx.text(t("connect.intro"), color_scheme="gray", size="2"),
            form_error(s.errors),
            rx.cond(s.success != "",
                    rx.callout(s.success, icon="circle-check", color_scheme="green",
                               width="100%", id="connect-success")),
            text_field("connect.phone_number_id", "phone_number_id", s.errors,
                       default_value=s.inst["phone_number_id"], max_length=40),
            text_field("connect.waba_id", "waba_id", s.errors, default_value=s.inst["waba_id"],
                       max_length=40),
            text_field("connect.access_token", "access_token", s.errors, type="password",
                       autocomplete="off"),
            text_field("connect.app_secret", "app_secret", s.errors, type="password",
                       autocomplete="off"),
            rx.text(t("connect.secrets_note"), size="1", color_scheme="gray"),
            submit_button("connect.submit", loading=s.busy, id="connect-submit"),
            spacing="4",
            width="100%",
        ),
        on_submit=s.submit,
        key=s.inst["id"],
    )
    webhook = card(
        rx.vstack(
            rx.heading(t("connect.webhook_title"), size="4"),
            rx.text(t("connect.webhook_help"), size="2", color_scheme="gray"),
            _copy_row("connect.callback_url", s.callback_url, "callback-url"),
            _copy_row("connect.verify_token", s.inst["verify_token"], "verify-token"),
            spacing="3",
            width="100%",
        )
    )
    return app_shell(
        rx.cond(
            s.missing,
            not_found_block(),
            rx.vstack(
                rx.hstack(
                    rx.link(rx.icon("arrow-left", size=18), href="/instances/" + s.inst["id"]),
                    rx.heading(t("connect.title"), size="7"),
                    rx.text("· ", s.inst["name"], size="5", color_scheme="gray"),
                    status_badge(s.inst["status"]),
                    align="center",
                    spacing="3",
                ),
                rx.grid(
                    card(form),
                    webhook,
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                    align_items="start",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        ready=s.loaded,
    )
