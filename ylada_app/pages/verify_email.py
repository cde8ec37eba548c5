"""/verify-email?token=…: the link of the verification e-mail.

The address is confirmed when the page's socket asks for it (a mail scanner that only fetches
the link confirms nothing). The browser that signed up (its `ylada_signup` cookie matches the
link) is then logged in; a browser already logged in to that account just goes on. Opened
anywhere else, the link first asks for a new password: whoever registered the address, only
the person who reads its mailbox keeps access (and nobody is logged in by a link someone
else sent them).
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import form_error, new_password_fields, submit_button
from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.core.cookies import SIGNUP_COOKIE
from ylada_app.services import accounts
from ylada_app.state.browser import post_navigation, request_cookie
from ylada_app.state.calls import call
from ylada_app.state.new_password import NewPasswordState


class VerifyEmailState(NewPasswordState):
    outcome: str = ""  # "" while checking | ok | set_password | invalid
    email: str = ""

    @rx.event
    async def load(self):
        self.outcome = ""
        self.errors = {}
        self.link_ok = True
        yield
        ctx = await self._context()
        # The tab that signed up has it in its state; a new page load reads the cookie.
        nonce = self.signup_nonce or request_cookie(self.router.headers.cookie, SIGNUP_COOKIE)
        found = await call(accounts.open_verification, token=self._token(),
                           browser_nonce=nonce, current_user_id=ctx.user_id if ctx else None)
        self.email = found.email
        if found.outcome in ("invalid", "set_password"):
            self.outcome = found.outcome
            return
        self.outcome = "ok"
        if found.outcome == "done":
            yield rx.redirect("/dashboard")
        elif found.outcome == "login":
            yield rx.redirect("/login?verified=1")
        else:
            yield post_navigation("/auth/session", {"grant": found.grant})

    @rx.event
    async def set_password(self, form: dict):
        async for update in self._save_new_password(form, accounts.verify_with_password,
                                                    "/login?verified=1"):
            yield update


def _set_password_form() -> rx.Component:
    s = VerifyEmailState
    return rx.form(
        rx.vstack(
            rx.heading(t("verify.password_title"), size="6"),
            rx.text(t("verify.password_help"), " ", rx.text.strong(s.email, id="verify-email"),
                    ".", size="2"),
            rx.text(t("verify.password_why"), size="2", color_scheme="gray"),
            form_error(s.errors),
            new_password_fields(s.errors),
            submit_button("verify.password_submit", loading=s.busy, width="100%",
                          id="verify-submit"),
            spacing="4", width="100%",
        ),
        on_submit=s.set_password, width="100%",
    )


def verify_email_page() -> rx.Component:
    s = VerifyEmailState
    return public_shell(rx.match(
        rx.cond(s.link_ok, s.outcome, "invalid"),
        ("invalid", rx.vstack(
            rx.heading(t("verify.invalid_title"), size="6"),
            rx.text(t("verify.invalid_body"), color_scheme="gray"),
            rx.link(t("signup.login_link"), href="/login"),
            spacing="3", id="verify-invalid")),
        ("set_password", _set_password_form()),
        ("ok", rx.vstack(rx.heading(t("verify.ok_title"), size="6"), rx.spinner(),
                         spacing="3", align="center", id="verify-ok")),
        rx.center(rx.spinner(size="3"), padding="24px", width="100%"),
    ))
