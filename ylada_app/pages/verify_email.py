"""/verify-email?token=…: the link of the verification e-mail.

The address is confirmed when the page's socket asks for it (a mail scanner that only fetches
the link confirms nothing). Then the browser is logged in to that account — unless it already
is, or two-step verification is on (the login page asks for the code).
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.services import accounts, auth
from ylada_app.services.errors import ServiceError
from ylada_app.state.browser import post_navigation
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _verify_and_grant(session, *, token: str, current_user_id: int | None) -> str:
    """'' when nothing more is needed, a grant to log in, or 'login' (two-step is on)."""
    from ylada_app.models import User

    user_id = accounts.verify_email(session, token=token)
    if user_id == current_user_id:
        return ""
    user = session.get(User, user_id)
    if user is not None and user.totp_enabled_at is not None:
        return "login"
    return auth.issue_grant(session, user_id=user_id, next_path="/dashboard")


class VerifyEmailState(SessionState):
    outcome: str = ""  # "" while checking, "ok" or "invalid"

    @rx.event
    async def load(self):
        self.outcome = ""
        yield
        ctx = await self._context()
        token = self.router.url.query_parameters.get("token", "")
        try:
            next_step = await call(_verify_and_grant, token=token,
                                   current_user_id=ctx.user_id if ctx else None)
        except ServiceError:
            self.outcome = "invalid"
            return
        self.outcome = "ok"
        if next_step == "":
            yield rx.redirect("/dashboard")
        elif next_step == "login":
            yield rx.redirect("/login?verified=1")
        else:
            yield post_navigation("/auth/session", {"grant": next_step})


def verify_email_page() -> rx.Component:
    s = VerifyEmailState
    return public_shell(rx.match(
        s.outcome,
        ("invalid", rx.vstack(
            rx.heading(t("verify.invalid_title"), size="6"),
            rx.text(t("verify.invalid_body"), color_scheme="gray"),
            rx.link(t("signup.login_link"), href="/login"),
            spacing="3", id="verify-invalid")),
        ("ok", rx.vstack(rx.heading(t("verify.ok_title"), size="6"), rx.spinner(),
                         spacing="3", align="center", id="verify-ok")),
        rx.center(rx.spinner(size="3"), padding="24px", width="100%"),
    ))
