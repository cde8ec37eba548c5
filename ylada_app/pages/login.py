"""/login: e-mail and password (throttled), then the authenticator code when two-step
verification is on. Success hands a single-use grant to the server, which sets the HttpOnly
session cookie (see services/auth.py)."""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.services import auth
from ylada_app.services.errors import ServiceError
from ylada_app.state.brand import BrandState
from ylada_app.state.browser import post_navigation
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState

NOTICES = {"expired": "login.notice_expired", "reset": "login.notice_reset",
           "verified": "login.notice_verified"}
SECOND_STEP_S = 300


class LoginState(SessionState):
    errors: dict[str, str] = {}
    busy: bool = False
    waiting: bool = False
    step: str = "password"
    notice_key: str = ""
    # Between the two steps: who passed the password, until when (never sent to the browser).
    _second_user_id: int = 0
    _second_until: float = 0.0

    def _next_path(self) -> str:
        return auth.safe_next_path(self.router.url.query_parameters.get("next"))

    @rx.event
    async def on_load(self):
        self.errors = {}
        self.step = "password"
        self.busy = self.waiting = False
        self._second_user_id = 0
        query = self.router.url.query_parameters
        self.notice_key = next((key for flag, key in NOTICES.items() if query.get(flag)), "")
        ctx = await self._context()
        if ctx is not None:
            return rx.redirect(self._next_path())

    @rx.event
    async def submit(self, form: dict):
        self.busy = True
        self.errors = {}
        yield
        email, ip, device = form.get("email"), self._client_ip(), self._device_token()
        try:
            verdict = await call(auth.login_check, email=email, client_ip=ip, device=device)
            if verdict.delay_s:
                # Many failures on this account from elsewhere: new devices wait, never fail.
                self.waiting = True
                yield
                await asyncio.sleep(verdict.delay_s)
                self.waiting = False
            result = await call(auth.login, email=email, password=form.get("password"),
                                client_ip=ip, device=device, next_path=self._next_path())
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = self.waiting = False
            return
        if result.needs_second_factor:
            self._second_user_id = result.user_id
            self._second_until = time.time() + SECOND_STEP_S
            self.step = "code"
            self.busy = False
            return
        yield post_navigation("/auth/session", {"grant": result.grant})

    @rx.event
    async def submit_code(self, form: dict):
        if not self._second_user_id or time.time() > self._second_until:
            self._second_user_id = 0
            self.step = "password"
            self.errors = {"_": self._t("login.code_expired")}
            return
        self.busy = True
        yield
        try:
            result = await call(auth.complete_second_factor, user_id=self._second_user_id,
                                code=form.get("code"), client_ip=self._client_ip(),
                                device=self._device_token(), next_path=self._next_path())
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        self._second_user_id = 0
        yield post_navigation("/auth/session", {"grant": result.grant})

    @rx.event
    def back_to_password(self):
        self._second_user_id = 0
        self.step = "password"
        self.errors = {}


def _password_step() -> rx.Component:
    s = LoginState
    return rx.form(
        rx.vstack(
            rx.heading(BrandState.login_title, size="6", id="login-title"),
            rx.cond(s.notice_key != "",
                    rx.callout.root(rx.callout.text(s.tr[s.notice_key]), color_scheme="jade",
                                    variant="surface", width="100%", id="login-notice")),
            form_error(s.errors),
            text_field("login.email", "email", s.errors, type="email", autocomplete="username"),
            text_field("login.password", "password", s.errors, type="password",
                       autocomplete="current-password"),
            rx.link(t("login.forgot"), href="/forgot", size="2", id="to-forgot"),
            rx.cond(s.waiting,
                    rx.text(t("login.slowed"), size="2", color_scheme="amber", id="login-wait")),
            submit_button("login.submit", loading=s.busy, width="100%", id="login-submit"),
            rx.hstack(
                rx.text(t("login.no_account"), size="2", color_scheme="gray"),
                rx.link(t("login.signup_link"), href="/signup", size="2", id="to-signup"),
                spacing="1",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=s.submit,
        width="100%",
    )


def _code_step() -> rx.Component:
    s = LoginState
    return rx.form(
        rx.vstack(
            rx.heading(t("login.code_title"), size="6"),
            rx.text(t("login.code_help"), size="2", color_scheme="gray"),
            form_error(s.errors),
            text_field("login.code", "code", s.errors, autocomplete="one-time-code",
                       max_length=20),
            submit_button("login.code_submit", loading=s.busy, width="100%", id="code-submit"),
            rx.button(t("common.back"), type="button", variant="ghost", color_scheme="gray",
                      on_click=s.back_to_password, id="code-back"),
            spacing="4",
            width="100%",
        ),
        on_submit=s.submit_code,
        width="100%",
    )


def login_page() -> rx.Component:
    return public_shell(rx.cond(LoginState.step == "code", _code_step(), _password_step()))
