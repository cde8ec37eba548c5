"""/signup: creates a user and their first tenant (as owner) on a trial."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import form_error, select_field, submit_button, text_field
from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.models.tenant import NICHES
from ylada_app.services import auth
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

NICHE_OPTIONS = [(n, f"niche.{n}") for n in NICHES]


def _signup_and_login(session, **form):
    user, _tenant = auth.signup(session, **form)
    return auth.open_session(session, user)


class SignupState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    async def on_load(self):
        self.errors = {}
        self._sync_lang()

    @rx.event
    async def submit(self, form: dict):
        self.busy = True
        yield
        try:
            token = await call(
                _signup_and_login,
                name=form.get("name"),
                email=form.get("email"),
                password=form.get("password"),
                tenant_name=form.get("tenant_name"),
                niche=form.get("niche") or "outro",
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.token = token
        self.errors = {}
        self.busy = False
        yield rx.redirect("/dashboard")


def signup_page() -> rx.Component:
    return public_shell(
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
        )
    )
