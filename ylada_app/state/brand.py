"""The brand a page is drawn with (white label): resolved once per page from the address
the browser is on, or — on the platform's own address — from the logged-in business.

The browser's address comes from the websocket's `Origin` header (the page's origin: a
browser always sends it and page scripts cannot change it). It is validated by
services/brand.normalize_host; anything unknown draws the platform brand. Nothing is shown
until the brand is known, so a branded page never flashes the platform's name.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import re
from urllib.parse import quote, urlsplit

import reflex as rx

from ylada_app.core.db import session_scope
from ylada_app.core.i18n import DEFAULT_LANG, LANGS, catalog
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


def page_host(headers) -> str | None:
    """The address the page is on: its websocket's Origin (see the module's note)."""
    origin = headers.origin or ""
    netloc = urlsplit(origin).netloc if "://" in origin else ""
    return netloc or headers.host or None


# The pages' static <title>s (and the description) say "… · ylada", and a client-side
# navigation writes the next page's title (and may re-render the icon link) after this ran.
# So the brand is kept in `window.__ylBrand` and a MutationObserver on <head> puts the brand's
# name and favicon back whenever something writes them again. On the platform's brand the
# observer does nothing.
_TITLE_JS = """(function(b){
window.__ylBrand=b;
function apply(){var x=window.__ylBrand;if(!x)return;
if(document.title!==x.t&&/ylada/i.test(document.title)){
x.t=document.title.replace(/ylada/gi,x.n);document.title=x.t;}
document.querySelectorAll('meta[name=description]').forEach(function(m){
if(/ylada/i.test(m.content))m.content=m.content.replace(/ylada/gi,x.n);});
if(x.f){var ls=document.querySelectorAll("link[rel~='icon']");
if(!ls.length){var l=document.createElement('link');l.rel='icon';document.head.appendChild(l);
ls=[l];}
ls.forEach(function(l){if(l.getAttribute('href')!==x.f){l.type=x.f.startsWith('data:image/svg')?'image/svg+xml':'image/png';l.href=x.f;}});}}
if(!window.__ylBrandObs){window.__ylBrandObs=new MutationObserver(apply);
window.__ylBrandObs.observe(document.head,{subtree:true,childList:true,characterData:true,
attributes:true,attributeFilter:['href','content']});}
apply();})"""


def initial_icon(name: str, color: str) -> str:
    """A favicon for a brand without a logo: its initial on its colour (an SVG data URL), so
    the browser tab never shows the platform's icon on a business's address."""
    letter = html.escape((name.strip()[:1] or "?").upper())
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>"
           f"<rect width='64' height='64' rx='14' fill='{color}'/>"
           f"<text x='32' y='44' font-size='36' font-family='Arial,sans-serif' "
           f"font-weight='bold' text-anchor='middle' fill='white'>{letter}</text></svg>")
    return "data:image/svg+xml," + quote(svg)


def title_script(name: str | None, favicon: str) -> str:
    """The script that gives the document the brand's title and favicon (None: the
    platform's — nothing is replaced)."""
    arg = json.dumps({"n": name, "f": favicon}) if name else "null"
    return f"{_TITLE_JS}({arg})"


def _api_base() -> str:
    return str(rx.config.get_config().api_url or "").rstrip("/")


_PLATFORM_WORD = re.compile("ylada", re.I)


@functools.lru_cache(maxsize=256)
def branded_catalog(lang: str, name: str) -> dict[str, str]:
    """The UI's words with the platform's name replaced by the brand's ("hide the ylada
    name"). The brand settings' own labels keep it: they explain what is hidden."""
    return {k: (_PLATFORM_WORD.sub(lambda _m: name, v)
                if not k.startswith("brand.") and "ylada" in v.lower() else v)
            for k, v in catalog(lang).items()}


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
        return page_host(self.router.headers)

    def _brand_catalog(self, view: brand.BrandView) -> None:
        """Words on the page: the brand's name in place of the platform's when it hides it
        (assigned only when it changes: the catalog is large)."""
        lang = self.lang if self.lang in LANGS else DEFAULT_LANG
        hide = view.hide_platform_name and not view.is_platform
        wanted = branded_catalog(lang, view.name) if hide else catalog(lang)
        if self.tr != wanted:
            self.tr = wanted

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
        self._brand_catalog(view)
        self.brand_ready = True
        favicon = base + view.favicon_url if view.favicon_url else initial_icon(view.name,
                                                                                view.color)
        return rx.call_script(title_script(None if view.is_platform else view.name, favicon))
