"""The session cookie is set and cleared here, by the server, over plain HTTP.

A Reflex page talks over a WebSocket and cannot set an HttpOnly cookie, so after a login the
page posts the single-use login grant it got to `POST /auth/session`; this answers with the
session cookie (HttpOnly, SameSite=Lax, Secure behind https) and a redirect. `POST
/auth/logout` ends the session and clears the cookie. Both refuse posts from other sites
(Origin checked), so no other page can log a visitor in or out.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ylada_app.core.cookies import DEVICE_COOKIE, session_cookie_name
from ylada_app.core.db import session_scope
from ylada_app.core.net import client_address
from ylada_app.core.settings import get_settings
from ylada_app.services import auth

router = APIRouter()
DEVICE_DAYS = 400  # the longest a browser keeps a cookie
MAX_FORM_BYTES = 4096


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def same_site_post(request: Request) -> bool:
    """The form was posted by one of our pages (Origin, or Referer when Origin is absent)."""
    claimed = request.headers.get("origin") or _origin(request.headers.get("referer", ""))
    if not claimed or claimed == "null":
        return False
    claimed = claimed.lower()
    host = request.headers.get("host", "").lower()
    allowed = {f"http://{host}", f"https://{host}", _origin(get_settings().public_base_url)}
    return claimed in allowed


def client_ip(request: Request) -> str:
    return client_address(request.client.host if request.client else "",
                          request.headers.get("x-forwarded-for", ""))


def set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(session_cookie_name(), token, max_age=settings.session_days * 86400,
                        path="/", httponly=True, secure=settings.secure_cookies, samesite="lax")


def clear_session_cookie(response: Response) -> None:
    settings = get_settings()
    response.delete_cookie(session_cookie_name(), path="/", httponly=True,
                           secure=settings.secure_cookies, samesite="lax")


async def _form(request: Request) -> dict[str, str]:
    """The posted form's fields; {} for anything but a small url-encoded form (read at most
    MAX_FORM_BYTES: a client that lies about its Origin still cannot make us buffer more)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    try:
        parsed = parse_qs(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v[0] for k, v in parsed.items() if v}


def _refused() -> JSONResponse:
    return JSONResponse(status_code=403, content={
        "error": "error.forbidden", "message": "Pedido recusado: envie pelo próprio site."})


def _exchange(grant: str, old_token: str, device: str, user_agent: str, ip: str):
    with session_scope() as session:
        return auth.exchange_grant(session, grant=grant, old_token=old_token, device=device,
                                   user_agent=user_agent, client_ip=ip)


@router.post("/auth/session", include_in_schema=False)
async def open_browser_session(request: Request) -> Response:
    if not same_site_post(request):
        return _refused()
    form = await _form(request)
    done = await asyncio.to_thread(
        _exchange, form.get("grant", ""), request.cookies.get(session_cookie_name(), ""),
        request.cookies.get(DEVICE_COOKIE, ""), request.headers.get("user-agent", ""),
        client_ip(request))
    if done is None:
        return RedirectResponse("/login?expired=1", status_code=303)
    response = RedirectResponse(auth.safe_next_path(done.next_path), status_code=303)
    set_session_cookie(response, done.token)
    settings = get_settings()
    response.set_cookie(DEVICE_COOKIE, done.device, max_age=DEVICE_DAYS * 86400, path="/",
                        httponly=True, secure=settings.secure_cookies, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


def _logout(token: str) -> None:
    with session_scope() as session:
        auth.logout(session, token)


@router.post("/auth/logout", include_in_schema=False)
async def close_browser_session(request: Request) -> Response:
    if not same_site_post(request):
        return _refused()
    form = await _form(request)
    token = request.cookies.get(session_cookie_name(), "")
    if token:
        await asyncio.to_thread(_logout, token)
    response = RedirectResponse(auth.safe_next_path(form.get("next"), "/login"),
                                status_code=303)
    clear_session_cookie(response)
    response.headers["Cache-Control"] = "no-store"
    return response
