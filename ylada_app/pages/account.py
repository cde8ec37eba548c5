"""/account ("Minha conta"): password, two-step verification, and the active sessions.

Platform admins are sent here until two-step verification is on when the installation
requires it (production).
"""

from __future__ import annotations

import reflex as rx

from ylada_app.components.forms import form_error, submit_button, text_field
from ylada_app.components.layout import app_shell, card, page_header
from ylada_app.components.texts import t
from ylada_app.core.dates import local_text
from ylada_app.core.settings import get_settings
from ylada_app.services import accounts, auth, notifications, two_factor
from ylada_app.services.errors import ServiceError
from ylada_app.services.validation import ascii_digits
from ylada_app.state.calls import call
from ylada_app.state.session import SessionState


def _sessions(session, *, user_id: int, token: str) -> list[dict[str, str]]:
    return [
        {"id": str(s.id), "device": auth.describe_device(s.user_agent), "ip": s.client_ip or "—",
         "started": local_text(s.created_at), "seen": local_text(s.last_seen_at),
         "current": "1" if s.current else ""}
        for s in auth.list_sessions(session, user_id=user_id, current_token=token)
    ]


class AccountState(SessionState):
    loaded: bool = False
    sessions: list[dict[str, str]] = []
    two_factor_on: bool = False
    admin_must_enable: bool = False
    can_disable: bool = True
    codes_left: int = 0
    setup_qr: str = ""
    setup_secret: str = ""
    recovery_codes: list[str] = []
    pw_errors: dict[str, str] = {}
    tf_errors: dict[str, str] = {}
    pw_key: int = 0
    busy: bool = False
    email_prefs: dict[str, bool] = {}

    async def _refresh(self, ctx) -> None:
        token = self._session_token()
        self.sessions = await call(_sessions, user_id=ctx.user_id, token=token)
        self.two_factor_on = ctx.two_factor
        self.codes_left = await call(two_factor.recovery_codes_left, user_id=ctx.user_id) \
            if ctx.two_factor else 0
        self.email_prefs = await call(notifications.email_preferences, tenant_id=ctx.tenant_id,
                                      user_id=ctx.user_id) if ctx.tenant_id else {}
        required = ctx.is_platform_admin and get_settings().admin_2fa_required
        self.admin_must_enable = required and not ctx.two_factor
        self.can_disable = not required

    @rx.event
    async def load(self):
        self.loaded = False
        self.pw_errors, self.tf_errors = {}, {}
        self.setup_qr = self.setup_secret = ""
        self.recovery_codes = []
        yield
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            yield redirect
            return
        await self._refresh(ctx)
        self.loaded = True
        ended = self.router.url.query_parameters.get("password_changed", "")
        if ascii_digits(ended):
            yield rx.toast.success(self._t("account.password_changed", count=int(ended)))

    # --- password -----------------------------------------------------------------------------
    @rx.event
    async def change_password(self, form: dict):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            yield redirect
            return
        if (form.get("new_password") or "") != (form.get("new_password_again") or ""):
            self.pw_errors = {"new_password_again": self._t("reset.mismatch")}
            return
        self.busy = True
        yield
        try:
            ended = await call(accounts.change_password, user_id=ctx.user_id,
                               current=form.get("current_password"),
                               new=form.get("new_password"), keep_token=self._session_token(),
                               keep_device=self._device_token(), client_ip=self._client_ip())
        except ServiceError as exc:
            self.pw_errors = self._field_errors(exc)
            self.busy = False
            return
        self.pw_errors = {}
        self.busy = False
        # A new session token for this browser too (privilege change → rotation).
        yield await self._rotated_session(ctx, f"/account?password_changed={ended}")

    # --- sessions -----------------------------------------------------------------------------
    @rx.event
    async def end_session(self, session_id: str):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            return redirect
        ended = await call(auth.end_session, user_id=ctx.user_id, session_id=session_id,
                           client_ip=self._client_ip())
        await self._refresh(ctx)
        if not ended:  # already gone (another tab ended it), or not one of this user's
            return rx.toast.error(self._t("error.not_found"))
        return rx.toast.success(self._t("account.session_ended"))

    @rx.event
    async def end_other_sessions(self):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            return redirect
        count = await call(auth.end_other_sessions, user_id=ctx.user_id,
                           keep_token=self._session_token(), client_ip=self._client_ip())
        await self._refresh(ctx)
        return rx.toast.success(self._t("account.sessions_ended", count=count))

    # --- two-step verification ----------------------------------------------------------------
    @rx.event
    async def start_two_factor(self, form: dict):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            return redirect
        try:
            setup = await call(two_factor.begin_setup, user_id=ctx.user_id,
                               password=form.get("password"))
        except ServiceError as exc:
            self.tf_errors = self._field_errors(exc)
            return None
        self.setup_qr, self.setup_secret = setup.qr_svg, setup.secret
        self.tf_errors = {}
        return None

    @rx.event
    async def confirm_two_factor(self, form: dict):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            yield redirect
            return
        try:
            codes = await call(two_factor.confirm_setup, user_id=ctx.user_id,
                               code=form.get("code"))
        except ServiceError as exc:
            self.tf_errors = self._field_errors(exc)
            return
        self.setup_qr = self.setup_secret = ""
        self.recovery_codes = codes
        self.tf_errors = {}
        ctx = await self._context()
        await self._refresh(ctx)
        yield rx.toast.success(self._t("account.2fa_on"))

    @rx.event
    async def disable_two_factor(self, form: dict):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            yield redirect
            return
        try:
            await call(two_factor.disable, user_id=ctx.user_id, password=form.get("password"),
                       code=form.get("code"))
        except ServiceError as exc:
            self.tf_errors = self._field_errors(exc)
            return
        self.tf_errors = {}
        self.recovery_codes = []
        ctx = await self._context()
        await self._refresh(ctx)
        yield rx.toast.success(self._t("account.2fa_off"))

    @rx.event
    async def new_recovery_codes(self, form: dict):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            yield redirect
            return
        try:
            self.recovery_codes = await call(two_factor.regenerate_recovery_codes,
                                             user_id=ctx.user_id, code=form.get("code"))
        except ServiceError as exc:
            self.tf_errors = self._field_errors(exc)
            return
        self.tf_errors = {}
        await self._refresh(ctx)

    @rx.event
    async def set_email_pref(self, kind: str, value: bool):
        ctx, redirect = await self._guard(need_tenant=False, two_factor_setup=True)
        if redirect:
            return redirect
        if ctx.tenant_id is None or kind not in notifications.KINDS:
            return None
        prefs, problem = await self._call_or_toast(
            notifications.set_email_preferences, tenant_id=ctx.tenant_id,
            user_id=ctx.user_id, prefs={**self.email_prefs, kind: bool(value)})
        if problem is not None:
            return problem
        self.email_prefs = prefs
        return rx.toast.success(self._t("common.saved"))

    @rx.event
    def hide_recovery_codes(self):
        self.recovery_codes = []


def _password_card() -> rx.Component:
    s = AccountState
    return card(
        rx.form(
            rx.vstack(
                rx.heading(t("account.password_title"), size="4"),
                rx.text(t("account.password_help"), size="2", color_scheme="gray"),
                form_error(s.pw_errors),
                text_field("account.current_password", "current_password", s.pw_errors,
                           type="password", autocomplete="current-password"),
                text_field("account.new_password", "new_password", s.pw_errors,
                           type="password", hint_key="signup.password_hint",
                           autocomplete="new-password"),
                text_field("reset.password_again", "new_password_again", s.pw_errors,
                           type="password", autocomplete="new-password"),
                submit_button("account.password_submit", loading=s.busy, id="password-submit"),
                spacing="3", width="100%",
            ),
            on_submit=s.change_password, key=s.pw_key, width="100%",
        ),
        id="password-card",
    )


def _recovery_codes_block() -> rx.Component:
    s = AccountState
    return rx.cond(
        s.recovery_codes.length() > 0,
        rx.callout.root(
            rx.vstack(
                rx.text(t("account.codes_title"), weight="bold"),
                rx.text(t("account.codes_help"), size="2"),
                rx.grid(rx.foreach(s.recovery_codes, lambda c: rx.code(c, size="3")),
                        columns="2", spacing="2", id="recovery-codes"),
                rx.hstack(
                    rx.button(rx.icon("copy", size=14), t("common.copy"), size="1",
                              variant="soft",
                              on_click=rx.set_clipboard(s.recovery_codes.join("\n"))),
                    rx.button(t("account.codes_saved"), size="1", on_click=s.hide_recovery_codes,
                              id="codes-saved"),
                    spacing="2",
                ),
                spacing="2",
            ),
            color_scheme="amber", variant="surface", width="100%",
        ),
    )


def _two_factor_card() -> rx.Component:
    s = AccountState
    off = rx.cond(
        s.setup_qr != "",
        rx.form(
            rx.vstack(
                rx.text(t("account.2fa_scan"), size="2"),
                rx.image(src=s.setup_qr, width="200px", height="200px", alt="QR code",
                         id="totp-qr"),
                rx.text(t("account.2fa_manual"), " ", rx.code(s.setup_secret, id="totp-secret"),
                        size="2", color_scheme="gray"),
                form_error(s.tf_errors),
                text_field("login.code", "code", s.tf_errors, autocomplete="one-time-code",
                           max_length=10),
                submit_button("account.2fa_confirm", id="totp-confirm"),
                spacing="3", width="100%",
            ),
            on_submit=s.confirm_two_factor, width="100%",
        ),
        rx.form(
            rx.vstack(
                form_error(s.tf_errors),
                text_field("account.2fa_password", "password", s.tf_errors, type="password",
                           autocomplete="current-password"),
                rx.button(rx.icon("shield-check", size=16), t("account.2fa_enable"),
                          type="submit", id="totp-start"),
                spacing="3", width="100%",
            ),
            on_submit=s.start_two_factor, width="100%",
        ),
    )
    on = rx.vstack(
        rx.text(t("account.codes_left"), " ", rx.text.strong(s.codes_left), size="2"),
        form_error(s.tf_errors),
        rx.form(
            rx.hstack(
                rx.input(name="code", placeholder=t("login.code"), max_length=10,
                         id="regen-code"),
                rx.button(t("account.codes_new"), type="submit", variant="soft"),
                spacing="2",
            ),
            on_submit=s.new_recovery_codes,
        ),
        rx.cond(s.can_disable,
                rx.form(
                    rx.vstack(
                        rx.text(t("account.2fa_disable_help"), size="2", color_scheme="gray"),
                        rx.hstack(
                            rx.input(name="password", type="password",
                                     placeholder=t("login.password"), id="disable-password"),
                            rx.input(name="code", placeholder=t("login.code"), max_length=10,
                                     id="disable-code"),
                            rx.button(t("account.2fa_disable"), type="submit", color_scheme="red",
                                      variant="soft", id="totp-disable"),
                            spacing="2", wrap="wrap",
                        ),
                        spacing="2",
                    ),
                    on_submit=s.disable_two_factor,
                )),
        spacing="3", width="100%",
    )
    return card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("account.2fa_title"), size="4"),
                rx.cond(s.two_factor_on,
                        rx.badge(t("account.2fa_status_on"), color_scheme="green",
                                 id="totp-status"),
                        rx.badge(t("account.2fa_status_off"), color_scheme="gray",
                                 id="totp-status")),
                align="center", spacing="3",
            ),
            rx.text(t("account.2fa_help"), size="2", color_scheme="gray"),
            _recovery_codes_block(),
            rx.cond(s.two_factor_on, on, off),
            spacing="3", width="100%",
        ),
        id="two-factor-card",
    )


def _notifications_card() -> rx.Component:
    s = AccountState

    def switch(kind: str) -> rx.Component:
        return rx.hstack(
            rx.switch(checked=s.email_prefs[kind], on_change=lambda v: s.set_email_pref(kind, v),
                      id=f"pref-{kind}", aria_label=t(f"account.email_{kind}")),
            rx.text(t(f"account.email_{kind}"), size="2"),
            spacing="2", align="center",
        )

    return card(
        rx.vstack(
            rx.heading(t("account.email_title"), size="4"),
            rx.text(t("account.email_help"), " ", rx.text.strong(SessionState.tenant_name), ":",
                    size="2", color_scheme="gray"),
            *[switch(kind) for kind in notifications.KINDS],
            spacing="3", width="100%",
        ),
        id="notifications-card",
    )


def _session_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.hstack(rx.text(row["device"]),
                                rx.cond(row["current"] != "",
                                        rx.badge(t("account.this_device"), color_scheme="jade")),
                                spacing="2", align="center")),
        rx.table.cell(row["ip"]),
        rx.table.cell(row["started"]),
        rx.table.cell(row["seen"]),
        rx.table.cell(rx.cond(
            row["current"] != "",
            rx.button(t("nav.logout"), size="1", variant="soft", color_scheme="gray",
                      on_click=SessionState.logout),
            rx.button(t("account.end_session"), size="1", variant="soft", color_scheme="red",
                      on_click=AccountState.end_session(row["id"]),
                      class_name="end-session"),
        )),
        class_name="session-row",
    )


def _sessions_card() -> rx.Component:
    s = AccountState
    return card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("account.sessions_title"), size="4"),
                rx.spacer(),
                rx.cond(s.sessions.length() > 1,
                        rx.button(t("account.end_others"), size="2", variant="soft",
                                  color_scheme="red", on_click=s.end_other_sessions,
                                  id="end-others")),
                width="100%", align="center",
            ),
            rx.text(t("account.sessions_help"), size="2", color_scheme="gray"),
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell(t("account.device")),
                    rx.table.column_header_cell(t("account.address")),
                    rx.table.column_header_cell(t("account.started")),
                    rx.table.column_header_cell(t("account.last_seen")),
                    rx.table.column_header_cell(""),
                )),
                rx.table.body(rx.foreach(s.sessions, _session_row)),
                width="100%",
            ),
            spacing="3", width="100%",
        ),
        id="sessions-card",
    )


def account_page() -> rx.Component:
    s = AccountState
    return app_shell(
        page_header("account.title", "account.subtitle"),
        rx.cond(s.admin_must_enable, rx.callout.root(
            rx.callout.icon(rx.icon("shield-alert", size=16)),
            rx.callout.text(t("account.admin_must_enable")),
            color_scheme="red", variant="surface", margin_bottom="16px",
            id="admin-2fa-required")),
        rx.vstack(
            card(rx.hstack(
                rx.vstack(rx.text(SessionState.user_name, weight="bold", size="4"),
                          rx.text(SessionState.user_email, color_scheme="gray"), spacing="1"),
                rx.spacer(),
                rx.cond(SessionState.email_verified,
                        rx.badge(t("account.email_verified"), color_scheme="green"),
                        rx.button(t("verify.resend"), size="2", variant="soft",
                                  on_click=SessionState.resend_verification)),
                align="center", width="100%",
            )),
            rx.flex(_password_card(), _two_factor_card(), spacing="4", width="100%",
                    direction=rx.breakpoints(initial="column", md="row"), align="start"),
            rx.cond(SessionState.tenant_key != "", _notifications_card()),
            _sessions_card(),
            spacing="4", width="100%",
        ),
        ready=s.loaded,
    )
