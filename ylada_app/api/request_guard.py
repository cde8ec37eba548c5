"""Requests whose path or query string carry a NUL byte are answered 400 at once.

No route means anything by one, and PostgreSQL text cannot hold it: a filter like
`?tag=%00` reached the database and failed there (a 500) instead of being refused as the
bad input it is. Outermost, so every route — the webhooks' fast lane too — is covered; the
public API's callers get its usual problem+json.
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
