"""Raw ASGI entry for POST /webhooks/whatsapp/{key}, ahead of FastAPI and its middleware.

The webhook is the one endpoint that takes Meta's whole traffic, so it skips the request
object, middleware, routing, dependency and exception layers (a third of its CPU time under
load) and calls `receive_whatsapp` with the raw body and the signature header. Every other
request, and a malformed webhook path (one with a NUL byte: request_guard answers it), goes
on to the FastAPI app unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from ylada_app.api.webhooks_whatsapp import MAX_BODY, receive_whatsapp
from ylada_app.core.logs import new_request_id

PREFIX = "/webhooks/whatsapp/"
_JSON_HEADERS = [(b"content-type", b"application/json")]


class WhatsAppFastLane:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        key = path[len(PREFIX):] if path.startswith(PREFIX) else ""
        if (scope.get("method") != "POST" or not key or "/" in key or "\x00" in key
                or b"\x00" in scope.get("query_string", b"")
                or b"%00" in scope.get("query_string", b"")):
            await self.app(scope, receive, send)
            return
        raw, too_big = await _read_body(receive)
        signature = given_id = None
        for name, value in scope.get("headers", ()):
            if name == b"x-hub-signature-256":
                signature = value.decode("latin-1")
            elif name == b"x-request-id":
                given_id = value.decode("latin-1")
        rid = new_request_id(given_id)
        if too_big:
            status, doc = 413, {"error": "payload_too_large"}
        else:
            status, doc = await receive_whatsapp(key, raw, signature)
        body = json.dumps(doc).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [*_JSON_HEADERS, (b"content-length", str(len(body)).encode()),
                                (b"x-request-id", rid.encode())]})
        await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Any) -> tuple[bytes, bool]:
    """The body, or (what was read, True) once it passes MAX_BODY (the rest is dropped)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        event = await receive()
        if event["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunk = event.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return b"", True
        chunks.append(chunk)
        if not event.get("more_body"):
            return b"".join(chunks), False
