"""/signup: creates a user and their first tenant (as owner) on a trial.

The answer never tells whether the address already has an account: both cases say "check
your e-mail" (services/accounts.register); the account is confirmed from the link.
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import (
    field_error,
    form_error,
    select_field,
    submit_button,
    text_field,
)
from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.core.security import new_token
from ylada_app.models.tenant import NICHES
from ylada_app.services import accounts, emails
from ylada_app.services.errors import ServiceError
from ylada_app.state.brand import page_host
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

NICHE_OPTIONS = [(n, f"niche.{n}") for n in NICHES]


class SignupState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False
    sent_to: str = ""
    local_mailbox: bool = False

    @rx.event
    async def on_load(self):
        self.errors = {}
        self.sent_to = ""
        self.local_mailbox = emails.local_mailbox_enabled(self._client_ip())
        self._sync_lang()

    @rx.event
    async def submit(self, form: dict):
        self.busy = True
        yield
        email = str(form.get("email") or "").strip()
        # This browser's proof that it signed up: the link logs in here and nowhere else.
        self.signup_nonce = new_token(16)
        try:
            await call(
                accounts.register,
                name=form.get("name"),
                email=email,
                password=form.get("password"),
                tenant_name=form.get("tenant_name"),
                niche=form.get("niche") or "outro",
                lang=self.lang,
                browser_nonce=self.signup_nonce,
                accept_dpa=form.get("accept_dpa"),
                host=page_host(self.router.headers) or "",
                client_ip=self._client_ip(),
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.errors = {}
        self.busy = False
        self.sent_to = email[:254]


def check_your_email(sent_to: rx.Var, local_mailbox: rx.Var) -> rx.Component:
    """The same answer whether or not the address already had an account."""
    return rx.vstack(
        rx.center(rx.icon("mail-check", size=36, color=rx.color("jade", 10)), width="100%"),
        rx.heading(t("signup.check_title"), size="6", text_align="center", width="100%"),
        rx.text(t("signup.check_body_1"), " ", rx.text.strong(sent_to, id="sent-to"), ". ",
                t("signup.check_body_2"), size="3"),
        rx.text(t("signup.check_spam"), size="2", color_scheme="gray"),
        rx.cond(local_mailbox, rx.callout.root(
            rx.callout.icon(rx.icon("inbox", size=16)),
            rx.callout.text(t("mailbox.local_hint"), " ",
                            rx.link(t("mailbox.open"), href="/dev/emails", weight="bold",
                                    id="open-mailbox")),
            color_scheme="amber", variant="surface", width="100%")),
        rx.link(t("signup.login_link"), href="/login", size="2"),
        spacing="4",
        width="100%",
        id="check-email",
    )


def dpa_checkbox(errors: rx.Var) -> rx.Component:
    """The business accepts the data processing agreement (required; services/legal.py)."""
    return rx.vstack(
        rx.hstack(
            rx.checkbox(name="accept_dpa", id="field-accept_dpa", margin_top="3px",
                        aria_label=t("signup.accept_dpa_aria"),
                        color_scheme=rx.cond(errors.contains("accept_dpa"), "red", "jade")),
            rx.text(t("signup.accept_dpa_1"), " ",
                    rx.link(t("legal.dpa_title"), href="/legal/dpa", is_external=True,
                            id="link-dpa"), " ",
                    t("signup.accept_dpa_2"), " ",
                    rx.link(t("legal.privacy_title"), href="/legal/privacy", is_external=True,
                            id="link-privacy"), ".",
                    as_="label", html_for="field-accept_dpa", size="2"),
            align="start", spacing="2",
        ),
        field_error(errors, "accept_dpa"),
        spacing="1", width="100%",
    )


def signup_page() -> rx.Component:
    return public_shell(rx.cond(
        SignupState.sent_to != "",
        check_your_email(SignupState.sent_to, SignupState.local_mailbox),
        rx.form(
            rx.vstack(
                rx.heading(t("signup.title"), size="6"),
                rx.text(t("signup.subtitle"), color_scheme="gray", size="2"),
                form_error(SignupState.errors),
                text_field("signup.name", "name", SignupState.errors, max_length=80,
                           autocomplete="name"),
                text_field("login.email", "email", SignupState.errors, type="email",
                           autocomplete="email"),
                text_field("login.password", "password", SignupState.errors, type="password",
                           hint_key="signup.password_hint", autocomplete="new-password"),
                text_field("signup.tenant_name", "tenant_name", SignupState.errors,
                           max_length=80, autocomplete="organization"),
                select_field("signup.niche", "niche", SignupState.errors, NICHE_OPTIONS,
                             "outro"),
                dpa_checkbox(SignupState.errors),
                submit_button("signup.submit", loading=SignupState.busy, width="100%",
                              id="signup-submit"),
                rx.hstack(
                    rx.text(t("signup.have_account"), size="2", color_scheme="gray"),
                    rx.link(t("signup.login_link"), href="/login", size="2"),
                    spacing="1",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=SignupState.submit,
            width="100%",
        ),
    ))
