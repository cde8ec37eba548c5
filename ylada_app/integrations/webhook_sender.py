"""Sends one event to a business's receiver: signed per the Standard Webhooks specification
(`webhook-id`, `webhook-timestamp`, `webhook-signature`, via the `standardwebhooks`
package), a hard timeout, no redirects, only the first bytes of the answer read, and — in
production — never to loopback, private or link-local addresses (as the flows' HTTP block;
checked on the name, and again on the address connected to: integrations/public_http).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from standardwebhooks import Webhook

from ylada_app.core.net import internal_host
from ylada_app.core.settings import get_settings
from ylada_app.integrations import public_http

EXCERPT_BYTES = 1024
_client: httpx.Client | None = None


def _http() -> httpx.Client:
    global _client
    if _client is None:
        # a receiver answering a byte at a time holds a delivery thread no longer than this
        total = 2 * get_settings().webhook_timeout_s
        _client = public_http.client(
            total_timeout_s=total, follow_redirects=False,
            headers={"user-agent": "ylada-webhooks/1"},
            limits=httpx.Limits(max_connections=500, max_keepalive_connections=100))
    return _client


def body(event_id: int, event_type: str, created_at: datetime, data: dict[str, Any]) -> str:
    return json.dumps({"id": message_id(event_id), "type": event_type,
                       "timestamp": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "data": data},
                      ensure_ascii=False, separators=(",", ":"), default=str)


def message_id(event_id: int) -> str:
    """The same for every attempt and resend of one event: receivers deduplicate by it."""
    return f"evt_{event_id}"


def signed_headers(secrets: list[str], msg_id: str, payload: str,
                   now: datetime | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers; during a secret rotation one signature per
    secret, space-separated (a receiver accepts the message if any one matches)."""
    now = now or datetime.now(UTC)
    signature = " ".join(Webhook(s).sign(msg_id, now, payload) for s in secrets)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature, "content-type": "application/json"}


@dataclass(frozen=True)
class Sent:
    ok: bool
    status: int | None
    excerpt: str
    error: str
    duration_ms: int


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """The excerpt as text any database stores and a page shows (NUL cannot be stored in
    PostgreSQL: the delivery's outcome would never be written, and it would be re-sent)."""
    return _UNPRINTABLE.sub("\ufffd", text)


def post(url: str, payload: str, headers: dict[str, str]) -> Sent:
    """One attempt; never raises. Success is any 2xx answer."""
    settings = get_settings()
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    host = urlsplit(url).hostname or ""
    if settings.is_production and internal_host(host):
        return Sent(False, None, "", "blocked_address", 0)
    try:
        # (identity: only the first bytes of the answer are kept, as they came)
        with _http().stream("POST", url, content=payload.encode(),
                            headers={**headers, "Accept-Encoding": "identity"},
                            timeout=settings.webhook_timeout_s) as resp:
            try:
                got = public_http.read_capped(resp, EXCERPT_BYTES)
            except public_http.UnreadableBody:
                got = b""  # the answer's status is what counts; its words are a courtesy
        excerpt = _printable(got.decode("utf-8", "replace"))
    except httpx.TimeoutException:
        return Sent(False, None, "", "timeout", took())
    except httpx.HTTPError as exc:
        if public_http.blocked(exc):
            return Sent(False, None, "", "blocked_address", took())
        return Sent(False, None, "", type(exc).__name__, took())
    ok = 200 <= resp.status_code < 300
    return Sent(ok, resp.status_code, excerpt, "" if ok else f"http_{resp.status_code}", took())
