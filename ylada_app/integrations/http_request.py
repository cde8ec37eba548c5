"""Performs a flow's `http_request` effect: a bounded, templated HTTP call.

Guards: only http(s), a hard timeout, a response size cap, and (in production) no requests
to loopback, private or link-local addresses, so a tenant's flow cannot probe our network —
checked on the name first and again on the address connected to (integrations/public_http).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from ylada_app.core.net import internal_host
from ylada_app.core.settings import get_settings
from ylada_app.integrations import public_http

MAX_RESPONSE = 256 * 1024
MAX_TOTAL_S = 35.0  # a whole call, however slowly the server answers (each read: timeout_s)
_client: httpx.Client | None = None


def _http() -> httpx.Client:
    global _client
    if _client is None:
        _client = public_http.client(follow_redirects=False, total_timeout_s=MAX_TOTAL_S,
                                     limits=httpx.Limits(max_connections=50))
    return _client


def perform(effect: dict[str, Any]) -> dict[str, Any]:
    """Returns {"ok", "status", "json", "text", "error"} — never raises: whatever a flow's
    placeholders put into the URL or headers, the block takes its "error" exit (an
    exception here failed the worker's whole batch and left the customer unanswered)."""
    try:
        return _perform(effect)
    except (ValueError, UnicodeError, TypeError, httpx.InvalidURL):
        # a broken host or port, a control character in the URL, a header name not ASCII
        return {"ok": False, "status": 0, "error": "invalid_request"}


def _headers(raw: Any) -> dict[str, bytes]:
    """Header values as UTF-8 bytes ("X-Cliente: João" is what the owner meant), without
    line breaks (a value answered on two lines must not start a second header)."""
    if not isinstance(raw, dict):
        return {}
    return {str(k)[:100]: " ".join(str(v)[:2000].splitlines()).encode("utf-8")
            for k, v in raw.items()}


def _perform(effect: dict[str, Any]) -> dict[str, Any]:
    url = str(effect.get("url") or "")
    method = str(effect.get("method") or "GET").upper()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return {"ok": False, "status": 0, "error": "invalid_url"}
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):  # (a space is encoded: fine)
        return {"ok": False, "status": 0, "error": "invalid_url"}
    settings = get_settings()
    if settings.is_production and internal_host(parts.hostname):
        return {"ok": False, "status": 0, "error": "blocked_address"}
    timeout = min(max(float(effect.get("timeout_s") or 10), 1.0), 30.0)
    headers = _headers(effect.get("headers"))
    body = effect.get("body")
    try:
        # Streamed and cut at the cap: reading the whole body first let a fast server fill
        # the worker's memory within the call's time limit.
        with _http().stream(method, url, headers=headers,
                            content=body.encode() if isinstance(body, str) else None,
                            timeout=timeout) as resp:
            text = public_http.read_capped(resp, MAX_RESPONSE).decode(
                resp.encoding or "utf-8", "replace")
    except public_http.UnreadableBody:
        return {"ok": False, "status": 0, "error": "unreadable_body"}
    except httpx.TimeoutException:
        return {"ok": False, "status": 0, "error": "timeout"}
    except httpx.HTTPError as exc:
        if public_http.blocked(exc):
            return {"ok": False, "status": 0, "error": "blocked_address"}
        return {"ok": False, "status": 0, "error": type(exc).__name__}
    try:
        # NaN/Infinity are not JSON; a variable holding one could not be stored.
        parsed = json.loads(text, parse_constant=lambda _c: None) if text else None
    except (ValueError, RecursionError):  # ("[[[[…" 100,000 deep: no JSON for a flow)
        parsed = None
    return {"ok": 200 <= resp.status_code < 300, "status": resp.status_code, "json": parsed,
            "text": text[:4096], "error": None if resp.is_success else f"http_{resp.status_code}"}
