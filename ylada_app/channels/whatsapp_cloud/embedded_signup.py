"""Meta's Embedded Signup, the server side, and a number's health on the Graph API.

The "Continuar com o Facebook" popup (Meta's JS SDK) hands the page a one-time code and, by a
window message, the WhatsApp Business Account and phone number the business chose. From
there everything is server to server: exchange the code for the business's token
(GET /oauth/access_token with the platform app's id and secret), read the number with that
token (proves the token reaches it), subscribe the platform app to the account's webhooks
(POST /{waba}/subscribed_apps) and register the number for the Cloud API with a two-step PIN
(POST /{phone_number_id}/register). Each call returns a Step the page shows as it went.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from ylada_app.core.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    key: str  # exchange | number | subscribe | register
    ok: bool
    detail: str = ""  # Meta's words when it refused (shown to the business as is)


@dataclass
class Health:
    """A number as Meta sees it now (the health page and the periodic re-check)."""
    token_ok: bool
    number_found: bool = False
    display_number: str = ""
    verified_name: str = ""
    quality_rating: str = ""  # GREEN | YELLOW | RED | UNKNOWN
    messaging_tier: str = ""  # TIER_250 | TIER_1K | TIER_10K | TIER_100K | TIER_UNLIMITED
    name_status: str = ""
    webhook_subscribed: bool | None = None  # None: no account id to ask about
    error: str = ""
    reachable: bool = True  # False: Meta did not answer (nothing is known about the number)


def _base() -> str:
    s = get_settings()
    return f"{s.whatsapp_graph_url.rstrip('/')}/{s.whatsapp_graph_version}"


def _client() -> httpx.Client:
    return httpx.Client(timeout=get_settings().whatsapp_graph_timeout_s)


def _error(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return f"HTTP {resp.status_code}"
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return str(err.get("error_user_msg") or err.get("message") or resp.status_code)[:300]
    return f"HTTP {resp.status_code}"


def exchange_code(code: str) -> tuple[Step, str]:
    """The business token for the popup's one-time code ("" when refused)."""
    s = get_settings()
    try:
        with _client() as http:
            resp = http.get(f"{_base()}/oauth/access_token",
                            params={"client_id": s.meta_app_id,
                                    "client_secret": s.meta_app_secret, "code": code})
    except httpx.HTTPError as exc:
        return Step("exchange", False, type(exc).__name__), ""
    token = resp.json().get("access_token") if resp.status_code == 200 else None
    if not isinstance(token, str) or not token:
        return Step("exchange", False, _error(resp)), ""
    return Step("exchange", True), token


def subscribe_app(waba_id: str, token: str) -> Step:
    try:
        with _client() as http:
            resp = http.post(f"{_base()}/{waba_id}/subscribed_apps",
                             headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        return Step("subscribe", False, type(exc).__name__)
    ok = resp.status_code == 200 and bool(resp.json().get("success"))
    return Step("subscribe", ok, "" if ok else _error(resp))


def register_number(phone_number_id: str, token: str, pin: str) -> Step:
    try:
        with _client() as http:
            resp = http.post(f"{_base()}/{phone_number_id}/register",
                             headers={"Authorization": f"Bearer {token}"},
                             json={"messaging_product": "whatsapp", "pin": pin})
    except httpx.HTTPError as exc:
        return Step("register", False, type(exc).__name__)
    ok = resp.status_code == 200 and bool(resp.json().get("success"))
    return Step("register", ok, "" if ok else _error(resp))


def health(phone_number_id: str, waba_id: str | None, token: str) -> Health:
    """Token, number, quality, tier and the webhook subscription, in two reads."""
    headers = {"Authorization": f"Bearer {token}"}
    fields = ("display_phone_number,verified_name,quality_rating,messaging_limit_tier,"
              "name_status")
    try:
        with _client() as http:
            resp = http.get(f"{_base()}/{phone_number_id}", params={"fields": fields},
                            headers=headers)
            body = resp.json() if resp.status_code == 200 else {}
            if not body.get("id"):
                err = _error(resp)
                token_bad = resp.status_code == 401 or "token" in err.lower()
                return Health(token_ok=not token_bad, error=err)
            result = Health(
                token_ok=True, number_found=True,
                display_number=str(body.get("display_phone_number") or ""),
                verified_name=str(body.get("verified_name") or ""),
                quality_rating=str(body.get("quality_rating") or "UNKNOWN"),
                messaging_tier=str(body.get("messaging_limit_tier") or ""),
                name_status=str(body.get("name_status") or ""))
            if waba_id:
                subs = http.get(f"{_base()}/{waba_id}/subscribed_apps", headers=headers)
                data = subs.json().get("data") if subs.status_code == 200 else None
                result.webhook_subscribed = bool(data) if isinstance(data, list) else False
            return result
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("health check of %s failed: %s", phone_number_id, exc)
        return Health(token_ok=True, error=f"Meta indisponível ({type(exc).__name__})",
                      reachable=False)
