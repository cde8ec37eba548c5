"""/forgot and /reset-password?token=…: a new password through a link sent by e-mail.

"/forgot" answers the same whether or not the address has an account. The reset ends every
session of the account; the person then logs in with the new password (and the second step,
if it is on).
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import (
    form_error,
    new_password_fields,
    submit_button,
    text_field,
)
from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.services import accounts, emails
from ylada_app.services.errors import ServiceError
from ylada_app.state.brand import page_host
from ylada_app.state.calls import call
from ylada_app.state.new_password import NewPasswordState
from ylada_app.state.session import SessionState


class ForgotState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False
    sent: bool = False
    local_mailbox: bool = False

    @rx.event
    def load(self):
        self.errors = {}
        self.sent = False
        self.local_mailbox = emails.local_mailbox_enabled(self._client_ip())
        self._sync_lang()

    @rx.event
    async def submit(self, form: dict):
        self.busy = True
        yield
        try:
            await call(accounts.request_password_reset, email=form.get("email"),
                       client_ip=self._client_ip(),
                       host=page_host(self.router.headers) or "")
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.errors = {}
        self.busy = False
        self.sent = True


def forgot_page() -> rx.Component:
    s = ForgotState
    return public_shell(rx.cond(
        s.sent,
        rx.vstack(
            rx.heading(t("forgot.sent_title"), size="6"),
            rx.text(t("forgot.sent_body"), size="3"),
            rx.cond(s.local_mailbox, rx.link(t("mailbox.open"), href="/dev/emails",
                                             id="open-mailbox")),
            rx.link(t("signup.login_link"), href="/login", size="2"),
            spacing="4", width="100%", id="forgot-sent",
        ),
        rx.form(
            rx.vstack(
                rx.heading(t("forgot.title"), size="6"),
                rx.text(t("forgot.help"), size="2", color_scheme="gray"),
                form_error(s.errors),
                text_field("login.email", "email", s.errors, type="email",
                           autocomplete="username"),
                submit_button("forgot.submit", loading=s.busy, width="100%",
                              id="forgot-submit"),
                rx.link(t("common.back"), href="/login", size="2"),
                spacing="4", width="100%",
            ),
            on_submit=s.submit, width="100%",
        ),
    ))


class ResetState(NewPasswordState):
    checked: bool = False

    @rx.event
    async def load(self):
        self.errors = {}
        self.checked = False
        yield
        self.link_ok = await call(accounts.reset_link_valid, token=self._token())
        self.checked = True

    @rx.event
    async def submit(self, form: dict):
        async for update in self._save_new_password(form, accounts.reset_password,
                                                    "/login?reset=1"):
            yield update


def reset_page() -> rx.Component:
    s = ResetState
    return public_shell(rx.cond(
        ~s.checked,
        rx.center(rx.spinner(size="3"), padding="24px", width="100%"),
        rx.cond(
            s.link_ok,
            rx.form(
                rx.vstack(
                    rx.heading(t("reset.title"), size="6"),
                    rx.text(t("reset.help"), size="2", color_scheme="gray"),
                    form_error(s.errors),
                    new_password_fields(s.errors),
                    submit_button("reset.submit", loading=s.busy, width="100%",
                                  id="reset-submit"),
                    spacing="4", width="100%",
                ),
                on_submit=s.submit, width="100%",
            ),
            rx.vstack(
                rx.heading(t("verify.invalid_title"), size="6"),
                rx.text(t("reset.invalid_body"), color_scheme="gray"),
                rx.link(t("forgot.title"), href="/forgot"),
                spacing="3", id="reset-invalid",
            ),
        ),
    ))
