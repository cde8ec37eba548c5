"""What every answer of the one backend gets, whichever of Reflex's three ASGI apps gives it
(its own — the pages and `/_upload` —, our API, and the outer app around both).

Reflex calls its static `App._add_cors` on each of the three; `install` puts `_edge` in its
place, which adds:
- CORS for our own origins only (api/cors.py, services/origins.py);
- a body cap on Reflex's upload route (Starlette would spool any size to disk first; the
  largest file a page takes is a 16 MB video header);
- security headers where the answer has none: no framing by other sites (clickjacking),
  no MIME sniffing, no full URLs in the Referer sent to other sites.
`check_sockets` gives the pages' WebSocket handshake the same origin check.
"""

from __future__ import annotations

from typing import Any

from ylada_app.api.cors import OriginCheckedCors
from ylada_app.api.request_guard import BodyLimit
from ylada_app.services import origins

UPLOAD_LIMITS = (("/_upload", 17 * 1024 * 1024),)
SECURITY_HEADERS = (
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class Edge:
    """The three guards, applied once per request: Reflex adds this to each of its three
    nested apps, and the outermost one marks the request so the inner ones pass it on
    (the WhatsApp webhooks' hot path pays for one set, not three)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        # outermost first: a refused preflight ends at the CORS check
        self.guarded = OriginCheckedCors(SecurityHeaders(BodyLimit(app, limits=UPLOAD_LIMITS)))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("ylada.edge"):
            await self.app(scope, receive, send)
            return
        scope["ylada.edge"] = True
        await self.guarded(scope, receive, send)


def _edge(api: Any) -> None:
    api.add_middleware(Edge)


def install(app_class: Any) -> None:
    """Before the app is created."""
    app_class._add_cors = staticmethod(_edge)


def check_sockets(app: Any) -> None:
    """After the app is created: the pages' WebSocket handshake checks its Origin too."""
    if app.sio is not None:
        app.sio.eio.cors_allowed_origins = origins.allowed
