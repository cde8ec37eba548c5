"""Read-only Graph API calls used when connecting a number (GET /{phone_number_id})."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from ylada_app.core.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhoneNumberCheck:
    ok: bool
    error: str | None = None  # "auth" | "not_found" | "unavailable"
    display_number: str | None = None
    verified_name: str | None = None
    detail: str | None = None


def check_phone_number(
    phone_number_id: str, access_token: str, *, client: httpx.Client | None = None
) -> PhoneNumberCheck:
    """Ask Meta whether this token can see this phone number."""
    settings = get_settings()
    url = (
        f"{settings.whatsapp_graph_url.rstrip('/')}/{settings.whatsapp_graph_version}/"
        f"{phone_number_id}"
    )
    params = {"fields": "display_phone_number,verified_name,quality_rating"}
    headers = {"Authorization": f"Bearer {access_token}"}
    own = client is None
    http = client or httpx.Client(timeout=settings.whatsapp_graph_timeout_s)
    try:
        resp = http.get(url, params=params, headers=headers)
    except httpx.HTTPError as exc:
        log.warning("graph check failed for %s: %s", phone_number_id, exc)
        return PhoneNumberCheck(ok=False, error="unavailable", detail=type(exc).__name__)
    finally:
        if own:
            http.close()
    return _interpret(resp)


def _interpret(resp: httpx.Response) -> PhoneNumberCheck:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if resp.status_code == 200 and body.get("id"):
        return PhoneNumberCheck(
            ok=True,
            display_number=str(body.get("display_phone_number") or "") or None,
            verified_name=str(body.get("verified_name") or "") or None,
        )
    err = body.get("error") if isinstance(body.get("error"), dict) else {}
    code = err.get("code")
    detail = str(err.get("message") or resp.status_code)[:300]
    # Graph: 190 = invalid/expired OAuth token; 10/200 = permission; 100 = unknown object.
    if resp.status_code == 401 or code in (190, 10, 200):
        return PhoneNumberCheck(ok=False, error="auth", detail=detail)
    if resp.status_code in (400, 404) and code in (100, 803, None):
        return PhoneNumberCheck(ok=False, error="not_found", detail=detail)
    if resp.status_code == 403:
        return PhoneNumberCheck(ok=False, error="auth", detail=detail)
    return PhoneNumberCheck(ok=False, error="unavailable", detail=detail)
