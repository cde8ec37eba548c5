"""SessionState: the root of every page state.

The browser holds only an opaque session token, in an HttpOnly cookie that the server sets
(`POST /auth/session`, see api/auth_session.py): scripts in the page cannot read it, and the
state reads it from the cookie header of its own socket — never from a value the page sends.
Who the user is, which tenant they work in and their role are re-read from the database on
each page load and before each data-changing handler: nothing a client sends can pick another
tenant, and a session ended elsewhere stops working on the next event of an open page.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ylada_app.core import live
from ylada_app.core.cookies import DEVICE_COOKIE, SIGNUP_COOKIE, session_cookie_name
from ylada_app.core.dates import local_text
from ylada_app.core.i18n import DEFAULT_LANG, LANGS, catalog, translate
from ylada_app.core.net import client_address
from ylada_app.core.security import new_token
from ylada_app.core.settings import get_settings
from ylada_app.models.tenant import Role
from ylada_app.services import auth
from ylada_app.services.closure import READ_ONLY_TENANT
from ylada_app.services.context import AuthContext
from ylada_app.services.errors import ServiceError
from ylada_app.services.validation import parse_id
from ylada_app.state.browser import post_navigation, request_cookie
from ylada_app.state.calls import call

BANNER_TTL_S = 20.0
BELL_WATCH_S = 60 * 60
AGENT_HOME = "/inbox"
# Where a platform admin without two-step verification is sent when it is required.
TWO_FACTOR_SETUP_PATH = "/account"
_PT = catalog(DEFAULT_LANG)


class SessionState(rx.State):
    lang: str = rx.Cookie(DEFAULT_LANG, name="ylada_lang", max_age=365 * 86400)
    # "1" once the visitor picked a language in this browser: that choice then wins over
    # the locale stored on the account at login.
    lang_chosen: str = rx.Cookie("", name="ylada_lang_chosen", max_age=365 * 86400)
    signup_nonce: str = rx.Cookie("", name=SIGNUP_COOKIE, max_age=3 * 86400, same_site="lax")
    tr: dict[str, str] = _PT
    authed: bool = False
    user_name: str = ""
    user_email: str = ""
    is_admin: bool = False
    tenant_name: str = ""
    tenant_role: str = ""
    tenant_key: str = ""
    tenant_status: str = ""
    tenants: list[dict[str, str]] = []
    email_verified: bool = True
    menu_open: bool = False  # phones: the menu opened over the page
    flash: str = ""
    banner_text: str = ""
    banner_level: str = ""
    # The bell: unread team notifications of this member in this business.
    bell_count: int = 0
    bell_items: list[dict[str, str]] = []
    _bell_gen: int = 0
    _bell_version: int = -1  # the business's live counter the bell was loaded at
    # Which tenant the banner was read for and when: handlers call _guard on every event,
    # the banner only needs re-reading now and then.
    _banner_tenant: int = 0
    _banner_at: float = 0.0
    # Per page state: the address and business it last loaded (see state/page_load.py).
    _loaded_pages: dict[str, str] = {}

    # --- helpers for substates -------------------------------------------------------
    def _session_token(self) -> str:
        """The session token from the socket's cookie header (HttpOnly: not from JS)."""
        return request_cookie(self.router.headers.cookie, session_cookie_name())

    def _device_token(self) -> str:
        return request_cookie(self.router.headers.cookie, DEVICE_COOKIE)

    def _client_ip(self) -> str:
        headers = self.router.headers.raw_headers
        return client_address(self.router.session.client_ip or "",
                              headers.get("x-forwarded-for", ""))

    def _t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def _sync_lang(self) -> None:
        lang = self.lang if self.lang in LANGS else DEFAULT_LANG
        if self.tr.get("nav.logout") != catalog(lang)["nav.logout"]:
            self.tr = catalog(lang)

    def _apply(self, ctx: AuthContext | None) -> None:
        self._sync_lang()
        self.authed = ctx is not None
        if ctx is None:
            self.user_name = self.user_email = self.tenant_name = self.tenant_role = ""
            self.tenant_key = self.tenant_status = ""
            self.is_admin = False
            self.email_verified = True
            self.tenants = []
            return
        self.user_name = ctx.name
        self.user_email = ctx.email
        self.is_admin = ctx.is_platform_admin
        self.tenant_name = ctx.tenant_name
        self.tenant_role = ctx.role
        self.tenant_status = ctx.tenant_status
        self.tenant_key = str(ctx.tenant_id or "")
        self.tenants = [{"id": str(t.id), "name": t.name} for t in ctx.tenants]
        self.email_verified = ctx.email_verified

    async def _context(self) -> AuthContext | None:
        ctx = await call(auth.resolve_session, token=self._session_token())
        self._apply(ctx)
        # This event's later calls (state/calls.call) may not change a closed business.
        READ_ONLY_TENANT.set(ctx.tenant_id if ctx is not None and ctx.tenant_closed else None)
        return ctx

    async def _signed_in_upload(self, files: list, cap: int) -> tuple[bytes, str] | None:
        """The first uploaded file's bytes — at most cap + 1, enough to refuse one too big —
        and its name; None (nothing read) when nobody is signed in: Reflex's upload route
        takes anyone's files, and bytes kept in an anonymous visitor's state would stay in
        memory until the state expires."""
        if not files or await self._context() is None:
            return None
        upload = files[0]
        return await upload.read(cap + 1), (upload.name or upload.filename or "")

    async def _guard(self, *, need_tenant: bool = True, admin: bool = False,
                     two_factor_setup: bool = False, agent_ok: bool = False):
        """Returns (ctx, redirect). A redirect is returned when the page may not be shown.
        Where two-step verification is required of platform admins, only the page that sets
        it up (`two_factor_setup`) works until it is on. An agent (role) works only where
        `agent_ok` (the inbox, contacts): every other page and its events send them there."""
        ctx = await self._context()
        if ctx is None:
            return None, rx.redirect("/login")
        if ctx.is_platform_admin and not ctx.two_factor and not two_factor_setup and \
                get_settings().admin_2fa_required:
            return None, rx.redirect(TWO_FACTOR_SETUP_PATH)
        if admin:
            if not ctx.is_platform_admin:
                return None, rx.redirect("/dashboard")
            return ctx, None
        if need_tenant:
            if ctx.tenant_id is None:
                return None, rx.redirect("/admin" if ctx.is_platform_admin else "/tenants/new")
            if ctx.tenant_blocked:
                return None, rx.redirect("/blocked")
            if ctx.role == Role.AGENT and not agent_ok:
                return None, rx.redirect(AGENT_HOME)
            if ctx.tenant_id != self._banner_tenant or \
                    time.time() - self._banner_at > BANNER_TTL_S:
                await self._load_banner(ctx.tenant_id)
                await self._load_bell(ctx)
        return ctx, None

    async def _load_bell(self, ctx: AuthContext) -> None:
        from ylada_app.services import notifications

        if ctx.tenant_id is None:
            self.bell_count, self.bell_items = 0, []
            return
        # read before the data: a change committed meanwhile makes the watcher load again
        self._bell_version = live.version(ctx.tenant_id)
        self.bell_count = await call(notifications.unread_count, tenant_id=ctx.tenant_id,
                                     user_id=ctx.user_id)
        items = await call(notifications.latest, tenant_id=ctx.tenant_id, user_id=ctx.user_id,
                           limit=8)
        self.bell_items = [{"id": str(n.id), "title": n.title, "body": n.body,
                            # (a notice about the number leads to the numbers)
                            "conversation": "number" if n.kind == "number"
                            else str(n.conversation_id or ""),
                            "read": "1" if n.read else "", "kind": n.kind,
                            "when": local_text(n.created_at, "%d/%m %H:%M")} for n in items]

    async def _load_banner(self, tenant_id: int) -> None:
        from ylada_app.services.billing import banner

        notice = await call(banner, tenant_id=tenant_id)
        self._banner_tenant, self._banner_at = tenant_id, time.time()
        from ylada_app.core.money import format_int

        # a count reads as people write it: "1.000" in pt-BR, "1,000" in English ("days" stays
        # a number: it chooses "dia" or "dias")
        params = {k: format_int(v, self.lang) if isinstance(v, int) and k != "days" else v
                  for k, v in (notice.params or {}).items()}
        self.banner_text = self._t(notice.key, **params) if notice.key else ""
        self.banner_level = notice.level

    def _error_text(self, exc: ServiceError) -> str:
        return exc.message(self.lang)

    def _field_errors(self, exc: ServiceError) -> dict[str, str]:
        return exc.messages(self.lang)

    async def _call_or_toast(self, fn, /, **kwargs) -> tuple[object, object]:
        """(result, None) of `await call(fn, **kwargs)`, or (None, an error toast in the
        page's language) when the service refused: a button's handler then returns the
        toast instead of raising (e.g. any write of a closed business is Forbidden)."""
        try:
            return await call(fn, **kwargs), None
        except ServiceError as exc:
            return None, rx.toast.error(self._error_text(exc))

    async def _rotated_session(self, ctx: AuthContext, next_path: str):
        """After a privilege change: a new session token replaces this one (the server sets
        the cookie, so the browser takes a short POST round trip and lands on `next_path`)."""
        grant = await call(auth.issue_grant, user_id=ctx.user_id, next_path=next_path,
                           tenant_id=ctx.tenant_id)
        return post_navigation("/auth/session", {"grant": grant})

    async def _adopt_locale(self, ctx: AuthContext) -> None:
        """After login: the browser's explicit choice wins, else the account's locale."""
        if self.lang_chosen == "1":
            if ctx.locale != self.lang:
                await call(auth.set_locale, user_id=ctx.user_id, locale=self.lang)
        elif ctx.locale in LANGS and ctx.locale != self.lang:
            self.lang = ctx.locale
        self._sync_lang()

    # --- events ---------------------------------------------------------------------
    @rx.event
    async def guard_page(self):
        """on_load for pages that only need a logged-in user in an active tenant."""
        _, redirect = await self._guard()
        return redirect

    @rx.event
    async def switch_tenant(self, tenant_key: str):
        tenant_id = parse_id(tenant_key)
        if tenant_id is None:  # a forged event: words, or past the database's integers
            return rx.toast.error(self._t("error.not_member"))
        try:
            ctx = await call(auth.switch_tenant, token=self._session_token(),
                             tenant_id=tenant_id)
        except ServiceError:
            return rx.toast.error(self._t("error.not_member"))
        self._apply(ctx)
        return rx.redirect("/blocked" if ctx.tenant_blocked else "/dashboard")

    @rx.event
    def toggle_menu(self):
        self.menu_open = not self.menu_open

    @rx.event
    def close_menu(self):
        self.menu_open = False

    @rx.event
    async def toggle_lang(self):
        self.lang = "en" if self.lang == DEFAULT_LANG else DEFAULT_LANG
        self.lang_chosen = "1"
        self.tr = catalog(self.lang)
        ctx = await call(auth.resolve_session, token=self._session_token())
        if ctx is not None:
            await call(auth.set_locale, user_id=ctx.user_id, locale=self.lang)
            # the banner is worded when read (and then cached): word it again, or it stays
            # in the other language on every page until the cache runs out
            if ctx.tenant_id is not None and self.banner_text:
                await self._load_banner(ctx.tenant_id)

    @rx.event
    async def logout(self):
        """End the session here, then let the server clear the cookie (it is HttpOnly)."""
        await call(auth.logout, token=self._session_token())
        self._apply(None)
        return post_navigation("/auth/logout", {"next": "/login"})

    @rx.event(background=True)
    async def watch_bell(self):
        """While a page is open: the bell follows its business's changes (core.live)."""
        async with self:
            ctx = await self._context()
            if ctx is None or ctx.tenant_id is None:
                return
            self._bell_gen += 1
            gen = self._bell_gen
            # The bell shown may be older than this page (kept between pages for a while):
            # compare with the counter it was loaded at, not with the counter now, or a
            # notification that arrived while moving between pages would never show.
            seen = self._bell_version
        deadline = time.monotonic() + BELL_WATCH_S
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            current = live.version(ctx.tenant_id)
            if current == seen:
                continue
            seen = current
            async with self:
                if self._bell_gen != gen:
                    return
                fresh = await self._context()
                if fresh is None or fresh.tenant_id != ctx.tenant_id:
                    return
                await self._load_bell(fresh)

    @rx.event
    async def open_notification(self, notification_id: str, conversation_id: str):
        from ylada_app.services import notifications

        ctx = await self._context()
        if ctx is None or ctx.tenant_id is None:
            return rx.redirect("/login")
        await call(notifications.mark_read, tenant_id=ctx.tenant_id, user_id=ctx.user_id,
                   notification_id=notification_id)
        await self._load_bell(ctx)
        if conversation_id == "number":
            return rx.redirect("/instances")
        cid = parse_id(conversation_id)
        return rx.redirect(f"/inbox?c={cid}" if cid is not None else "/inbox")

    @rx.event
    async def read_all_notifications(self):
        from ylada_app.services import notifications

        ctx = await self._context()
        if ctx is None or ctx.tenant_id is None:
            return
        await call(notifications.mark_read, tenant_id=ctx.tenant_id, user_id=ctx.user_id)
        await self._load_bell(ctx)

    @rx.event
    async def resend_verification(self):
        from ylada_app.services import accounts

        ctx = await self._context()
        if ctx is None or ctx.email_verified:
            return
        self.signup_nonce = new_token(16)
        _, problem = await self._call_or_toast(accounts.resend_verification,
                                               user_id=ctx.user_id,
                                               browser_nonce=self.signup_nonce)
        if problem is not None:
            return problem
        return rx.toast.success(self._t("verify.resent", email=ctx.email))
