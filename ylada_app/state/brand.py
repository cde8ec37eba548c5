"""The brand a page is drawn with (white label): resolved once per page from the address
the browser is on, or — on the platform's own address — from the logged-in business.

The browser's address comes from the websocket's `Origin` header (the page's origin: a
browser always sends it and page scripts cannot change it). It is validated by
services/brand.normalize_host; anything unknown draws the platform brand. Nothing is shown
until the brand is known, so a branded page never flashes the platform's name.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import reflex as rx

from ylada_app.core.db import session_scope
from ylada_app.services import auth, brand
from ylada_app.state.session import SessionState


def _resolve(host: str | None, token: str) -> brand.BrandView:
    with session_scope() as session:
        view = brand.cached_brand_for_host(session, host)
        if view.is_platform and token:
            ctx = auth.resolve_session(session, token)
            if ctx is not None and ctx.tenant_id is not None:
                view = brand.brand_for_tenant(session, tenant_id=ctx.tenant_id)
        return view


def _api_base() -> str:
    return str(rx.config.get_config().api_url or "").rstrip("/")


class BrandState(SessionState):
    brand_ready: bool = False
    brand_custom: bool = False
    brand_name: str = ""
    brand_logo: str = ""
    brand_headline: str = ""
    brand_hide: bool = False
    brand_support_email: str = ""
    brand_color: str = brand.PLATFORM_COLOR
    brand_css: str = ""

    def _page_host(self) -> str | None:
        headers = self.router.headers
        origin = headers.origin or ""
        netloc = urlsplit(origin).netloc if "://" in origin else ""
        return netloc or headers.host or None

    @rx.var
    def login_title(self) -> str:
        if not self.brand_custom:
            return self.tr.get("login.title", "")
        return self.tr.get("brand.login_title", "{name}").replace("{name}", self.brand_name)

    @rx.event
    async def load_brand(self):
        self._sync_lang()
        view = await asyncio.to_thread(_resolve, self._page_host(), self._session_token())
        base = _api_base()
        self.brand_custom = not view.is_platform
        self.brand_name = view.name
        self.brand_logo = base + view.logo_url if view.logo_url else ""
        self.brand_headline = view.headline
        self.brand_hide = view.hide_platform_name
        self.brand_support_email = view.support_email
        self.brand_color = view.color
        # values are our own hex strings (services/brand.accent_vars), never user text
        self.brand_css = (".brand-root{" + ";".join(f"{k}:{v}" for k, v in
                                                    view.css_vars.items()) + "}"
                          if view.css_vars else "")
        self.brand_ready = True
        if view.is_platform:
            return None
        # The page's static <title> says "… · ylada": the brand's name takes its place, and
        # the favicon becomes the brand's (derived from its logo) when it has one.
        favicon = base + view.favicon_url if view.favicon_url else ""
        script = (
            f"(function(n,f){{document.title=document.title.replace(/ylada/gi,n);"
            "if(f){var l=document.querySelector(\"link[rel~='icon']\");"
            "if(!l){l=document.createElement('link');l.rel='icon';"
            "document.head.appendChild(l);}l.type='image/png';l.href=f;}})"
            f"({json.dumps(view.name)},{json.dumps(favicon)})"
        )
        return rx.call_script(script)
