"""/invite/[token]: the link of an invitation e-mail.

Logged in as the invited address: "Aceitar". Logged in as someone else: told to switch
accounts. Not logged in: log in (if the address has an account) or create the account right
here — which joins the business and confirms the address, since the link reached it.
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import public_shell
from ylada_app.components.texts import t
from ylada_app.pages.instances import path_segment
from ylada_app.services import auth, team
from ylada_app.services.errors import ServiceError
from ylada_app.state.browser import post_navigation
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _signup_join_grant(session, *, token: str, name: str, password: str) -> str:
    user_id, tenant_id = team.signup_and_accept(session, token=token, name=name,
                                                password=password)
    return auth.issue_grant(session, user_id=user_id, next_path="/dashboard",
                            tenant_id=tenant_id)


def _accept_and_grant(session, *, token: str, user_id: int) -> str:
    """Join, then a new session (rotation: the account's access just grew) in that business."""
    tenant_id = team.accept(session, token=token, user_id=user_id)
    return auth.issue_grant(session, user_id=user_id, next_path="/dashboard",
                            tenant_id=tenant_id)


class InviteState(SessionState):
    state: str = ""  # "" loading | valid | expired | invalid
    email: str = ""
    tenant: str = ""
    inviter: str = ""
    role: str = ""
    has_account: bool = False
    viewer: str = ""  # "" anonymous | same | other
    login_href: str = "/login"
    errors: dict[str, str] = {}
    busy: bool = False

    def _token(self) -> str:
        return path_segment(self.router.url.path, 1)

    @rx.event
    async def load(self):
        self.state = ""
        self.errors = {}
        yield
        view = await call(team.preview, token=self._token())
        ctx = await self._context()
        self.state, self.email, self.tenant = view.state, view.email, view.tenant_name
        self.inviter, self.role, self.has_account = view.inviter, view.role, view.has_account
        self.viewer = "" if ctx is None else ("same" if ctx.email == view.email else "other")
        self.login_href = f"/login?next=/invite/{self._token()}"

    @rx.event
    async def accept(self):
        ctx = await self._context()
        if ctx is None:
            return rx.redirect(f"/login?next=/invite/{self._token()}")
        try:
            grant = await call(_accept_and_grant, token=self._token(), user_id=ctx.user_id)
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            return
        return post_navigation("/auth/session", {"grant": grant})

    @rx.event
    async def create_account(self, form: dict):
        self.busy = True
        yield
        try:
            grant = await call(_signup_join_grant, token=self._token(), name=form.get("name"),
                               password=form.get("password"))
        except ServiceError as exc:
            self.errors = self._field_errors(exc)
            self.busy = False
            return
        yield post_navigation("/auth/session", {"grant": grant})


def _summary() -> rx.Component:
    s = InviteState
    return rx.vstack(
        rx.heading(t("invite.title"), size="6"),
        rx.text(rx.text.strong(s.inviter), " ", t("invite.invited_you"), " ",
                rx.text.strong(s.tenant, id="invite-tenant"), " (",
                SessionState.tr["role." + s.role], ").", size="3"),
        rx.text(t("invite.for_address"), " ", rx.text.strong(s.email, id="invite-email"),
                size="2", color_scheme="gray"),
        spacing="2", width="100%",
    )


def _for_viewer() -> rx.Component:
    s = InviteState
    create_form = rx.form(
        rx.vstack(
            rx.text(t("invite.create_help"), size="2", color_scheme="gray"),
            text_field("signup.name", "name", s.errors, max_length=80, autocomplete="name"),
            text_field("login.password", "password", s.errors, type="password",
                       hint_key="signup.password_hint", autocomplete="new-password"),
            submit_button("invite.create_submit", loading=s.busy, width="100%",
                          id="invite-create"),
            spacing="3", width="100%",
        ),
        on_submit=s.create_account, width="100%",
    )
    return rx.match(
        s.viewer,
        ("same", rx.button(t("invite.accept"), on_click=s.accept, size="3", width="100%",
                           id="invite-accept")),
        ("other", rx.vstack(
            rx.callout.root(rx.callout.text(t("invite.other_account")), color_scheme="amber",
                            variant="surface", width="100%", id="invite-other"),
            rx.button(t("nav.logout"), on_click=SessionState.logout, variant="soft",
                      id="invite-logout"),
            spacing="3", width="100%")),
        rx.cond(s.has_account,
                rx.link(rx.button(t("invite.login_to_accept"), size="3", width="100%"),
                        href=s.login_href,
                        width="100%", id="invite-login"),
                create_form),
    )


def invite_page() -> rx.Component:
    s = InviteState
    return public_shell(rx.match(
        s.state,
        ("valid", rx.vstack(_summary(), form_error(s.errors), _for_viewer(), spacing="4",
                            width="100%", id="invite-valid")),
        ("expired", rx.vstack(rx.heading(t("invite.expired_title"), size="6"),
                              rx.text(t("invite.expired_body"), color_scheme="gray"),
                              spacing="3", id="invite-expired")),
        ("invalid", rx.vstack(rx.heading(t("invite.invalid_title"), size="6"),
                              rx.text(t("invite.invalid_body"), color_scheme="gray"),
                              rx.link(t("signup.login_link"), href="/login"),
                              spacing="3", id="invite-invalid")),
        rx.center(rx.spinner(size="3"), padding="24px", width="100%"),
    ))
