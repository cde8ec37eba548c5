"""Guards in front of every route, before FastAPI reads anything.

`NulGuard`: requests whose path or query string carry a NUL byte are answered 400 at once.
No route means anything by one, and PostgreSQL text cannot hold it: a filter like
`?tag=%00` reached the database and failed there (a 500) instead of being refused as the
bad input it is. Outermost, so every route — the webhooks' fast lane too — is covered; the
public API's callers get its usual problem+json.

`BodyLimit`: a body over its route's cap is answered 413 without being read whole. FastAPI
parses a JSON body before any dependency runs — the API key check included — so without it
anyone could make the server hold hundreds of megabytes per request. (The WhatsApp lane
and /auth/session cap their own bodies; api/edge.py caps Reflex's upload route.)
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from ylada_app.api.v1.problems import problem

_BODY = json.dumps({"error": "bad_request",
                    "message": "A requisição contém um caractere inválido (NUL)."}).encode()
_HEADERS = [(b"content-type", b"application/json"),
            (b"content-length", str(len(_BODY)).encode())]


class NulGuard:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and (
                "\x00" in scope.get("path", "")
                or b"%00" in scope.get("query_string", b"")
                or b"\x00" in scope.get("query_string", b"")):
            if scope.get("path", "").startswith("/api/v1"):
                answer = problem(Request(scope), 400, "api.error.nul_byte")
                await answer(scope, receive, send)
                return
            await send({"type": "http.response.start", "status": 400, "headers": _HEADERS})
            await send({"type": "http.response.body", "body": _BODY})
            return
        await self.app(scope, receive, send)


# Path prefix → the largest body its routes take (the public API's biggest is a flow sent to
# /flows/validate; the payment gateways' webhooks are a few kB).
BODY_LIMITS = (("/api/v1/", 2 * 1024 * 1024), ("/webhooks/whatsapp", 3 * 1024 * 1024),
               ("/webhooks/", 512 * 1024))


class BodyLimit:
    def __init__(self, app: Any, limits: tuple[tuple[str, int], ...] = BODY_LIMITS) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        cap = next((n for prefix, n in self.limits if path.startswith(prefix)), None)
        if cap is None:
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"),
                        None)
        if declared is not None:  # the server delivers no more than the length declared
            if not declared.isdigit() or int(declared) > cap:
                await _too_large(scope, receive, send, cap)
                return
            await self.app(scope, receive, send)
            return
        # a chunked body says no length: read up to the cap, then hand it on whole
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await receive()
            if event["type"] != "http.request":
                break
            chunk = event.get("body", b"")
            size += len(chunk)
            if size > cap:
                await _too_large(scope, receive, send, cap)
                return
            chunks.append(chunk)
            if not event.get("more_body"):
                break
        body, sent = b"".join(chunks), False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: dict, receive: Any, send: Any, cap: int) -> None:
    if scope.get("path", "").startswith("/api/v1"):
        answer = problem(Request(scope), 413, "api.error.too_large",
                         params={"max_kb": cap // 1024})
        await answer(scope, receive, send)
        return
    body = json.dumps({"error": "payload_too_large"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
