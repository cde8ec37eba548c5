"""Which web origins may call the backend from a browser (CORS and the pages' WebSocket).

Ours only: the platform's own address (PUBLIC_BASE_URL, and REFLEX_API_URL when the backend
has an address of its own), a subdomain of BASE_DOMAIN some business uses, a custom domain
whose DNS proof is verified, and CORS_EXTRA_ORIGINS. Outside production any loopback address
too (a developer opens 127.0.0.1 instead of localhost). Any other site gets no CORS
headers and its preflight is refused, so no page elsewhere can read our answers with a
visitor's cookies.

The check runs on the event loop for every request that carries an Origin. The businesses'
addresses are one set in memory, reloaded by a background thread when older than
DOMAINS_TTL_S or when an unknown origin asks (an address another process saved a moment
ago; at most once every MISS_RELOAD_S). Only the first check of a process and the first
after an address changed in it wait for a load; a failed load leaves the set as it was
(empty at first: our own origins still work) and nothing waits on the database again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from urllib.parse import urlsplit

from sqlmodel import select

from ylada_app.core.settings import get_settings
from ylada_app.services.brand import base_domain

log = logging.getLogger(__name__)
DOMAINS_TTL_S = 30.0
MISS_RELOAD_S = 2.0  # an unknown origin reloads the set at most this often
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_domains: frozenset[str] | None = None
_loaded_at = 0.0
_refreshing = False
_dirty = False  # an address changed in this process: load before the next answer
_guard = threading.Lock()


def _parts(origin: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an Origin header, None when it is not a plain http(s) one."""
    if not origin or len(origin) > 300:
        return None
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in ("http", "https") or not host or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        return None
    return parts.scheme, host, port


def _same(origin: tuple[str, str, int | None], url: str) -> bool:
    own = _parts(url)
    if own is None:
        return False
    default = {"http": 80, "https": 443}
    return (origin[0], origin[1], origin[2] or default[origin[0]]) == \
        (own[0], own[1], own[2] or default[own[0]])


def _brand_hosts() -> frozenset[str]:
    from ylada_app.core.db import session_scope
    from ylada_app.models import Brand
    from ylada_app.models.brand import DomainStatus

    base = base_domain()
    with session_scope() as session:
        subdomains = session.exec(select(Brand.subdomain).where(
            Brand.subdomain.is_not(None))).all()  # type: ignore[union-attr]
        domains = session.exec(select(Brand.custom_domain).where(
            Brand.domain_status == DomainStatus.VERIFIED,
            Brand.custom_domain.is_not(None))).all()  # type: ignore[union-attr]
    return frozenset([f"{s.lower()}.{base}" for s in subdomains if s]
                     + [d.lower() for d in domains if d])


def _reload() -> None:
    global _domains, _loaded_at, _refreshing, _dirty
    try:
        found = _brand_hosts()
    except Exception:  # noqa: BLE001 - database away: keep what we had, try again later
        log.warning("could not load the businesses' addresses", exc_info=True)
        found = None
    with _guard:
        if found is not None:
            _domains = found
        elif _domains is None:
            _domains = frozenset()  # our own origins still work; no check waits on it again
        _loaded_at, _refreshing, _dirty = time.monotonic(), False, False


def _reload_in_background() -> None:
    global _refreshing
    with _guard:
        if _refreshing:
            return
        _refreshing = True
    threading.Thread(target=_reload, name="ylada-origins", daemon=True).start()


def brand_hosts() -> frozenset[str]:
    """The subdomains in use and the verified custom domains (at most DOMAINS_TTL_S old)."""
    with _guard:
        current, dirty = _domains, _dirty
        stale = time.monotonic() - _loaded_at > DOMAINS_TTL_S
    if current is None or dirty:
        _reload()  # the first check of the process, or the first after a change here
        with _guard:
            return _domains or frozenset()
    if stale:
        _reload_in_background()
    return current


def forget() -> None:
    """Load again at the next check, before answering it (an address was set, verified or
    dropped in this process: it counts at once here)."""
    global _dirty
    with _guard:
        _dirty = True


def allowed(origin: str | None, *_: object) -> bool:
    """May a page served from `origin` call the backend with the visitor's cookies?"""
    parts = _parts(origin or "")
    if parts is None:
        return False
    settings = get_settings()
    own = [settings.public_base_url, os.environ.get("REFLEX_API_URL", "")]
    own += [o.strip() for o in settings.cors_extra_origins.split(",") if o.strip()]
    if any(_same(parts, url) for url in own if url):
        return True
    host = parts[1].lower()
    if (host in _LOOPBACK or host.endswith(".localhost")) and not settings.is_production:
        return True  # (*.localhost is loopback too: a white-label subdomain on a laptop)
    return host in brand_hosts() or _found_after_reload(host)


def _found_after_reload(host: str) -> bool:
    """An origin not in the set may be an address another process saved a moment ago: the
    set is loaded again in the background — at most once every MISS_RELOAD_S, so a stream
    of foreign origins costs one small query per period — and the browser's retry a moment
    later finds it. (Never a query on the event loop here: a database that is down must
    not stall the process.)"""
    with _guard:
        due = time.monotonic() - _loaded_at >= MISS_RELOAD_S
    if due:
        _reload_in_background()
    return False
