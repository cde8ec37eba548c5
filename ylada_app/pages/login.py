"""/login: e-mail and password, rate-limited by the auth service."""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.services import auth
from ylada_app.services.errors import ServiceError
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


class LoginState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    async def on_load(self):
        self.errors = {}
        ctx = await self._context()
        if ctx is not None:
            return rx.redirect("/dashboard")

    @rx.event
    async def submit(self, form: dict):
        self.busy = True
        yield
        try:
            token = await call(
                auth.login,
                email=form.get("email"),
                password=form.get("password"),
                client_ip=self.router.session.client_ip or "",
            )
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self.token = token
        self.errors = {}
        self.busy = False
        ctx = await self._context()
        if ctx is not None:
            await self._adopt_locale(ctx)
        if ctx and ctx.tenant_id is None and ctx.is_platform_admin:
            yield rx.redirect("/admin")
            return
        yield rx.redirect("/dashboard")


def login_page() -> rx.Component:
    return public_shell(
        rx.form(
            rx.vstack(
                rx.heading(t("login.title"), size="6"),
                form_error(LoginState.errors),
                text_field("login.email", "email", LoginState.errors, type="email",
                           autocomplete="username"),
                text_field("login.password", "password", LoginState.errors, type="password",
                           autocomplete="current-password"),
                submit_button("login.submit", loading=LoginState.busy, width="100%",
                              id="login-submit"),
                rx.hstack(
                    rx.text(t("login.no_account"), size="2", color_scheme="gray"),
                    rx.link(t("login.signup_link"), href="/signup", size="2", id="to-signup"),
                    spacing="1",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=LoginState.submit,
            width="100%",
        )
    )
