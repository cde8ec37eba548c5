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

`JsonValueGuard` (public API): a JSON body whose strings hold a NUL (`\\u0000`) or half of a
surrogate pair (`\\ud800`), or that holds NaN, Infinity, -Infinity or a number too big for a
float (1e999), is answered 422 with the fields that hold them. Python's json lets all of
them through and so does pydantic's plain `str` and `float`, but no column can store them
and no response can encode them: a tag of `"\\ud800"` was stored and then failed every read
of the contact with a 500; a broadcast named with a NUL failed at the insert; a contact's
field of NaN was stored as the text "nan", and /flows/validate called a flow valid that the
flow editor and the import refuse (PostgreSQL's json type takes no NaN).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request

from ylada_app.api.v1.problems import lang_of, problem

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
        await self.app(scope, _replaying(b"".join(chunks), receive), send)


class JsonValueGuard:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        body, receive = await _buffered(receive)
        bad = unstorable_values(body)
        if bad:
            request = Request(scope)
            texts = _BAD_TEXT["en" if lang_of(request) == "en" else "pt"]
            answer = problem(request, 422, "error.invalid_fields",
                             errors={path: texts[kind] for path, kind in bad.items()})
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


_BAD_TEXT = {
    "pt": {"nul": "não pode conter o caractere NUL (\\u0000)",
           "surrogate": "não pode conter metade de um par substituto (como \\ud800): "
                        "envie texto UTF-8 válido",
           "nonfinite": "não é um número válido (NaN ou Infinity): envie um número"},
    "en": {"nul": "must not contain a NUL character",
           "surrogate": "must not contain half of a surrogate pair (like \\ud800): send "
                        "valid UTF-8 text",
           "nonfinite": "is not a valid number (NaN or Infinity): send a number"},
}


class _NonFinite:
    """Put by the guard's parse where a body holds NaN, ±Infinity or 1e999."""


_NON_FINITE = _NonFinite()
# What may hold one: the constants, or a number float() makes infinite (an exponent of three
# digits or more, 309 digits or more). Most bodies have none and are not parsed here.
_MAYBE_NON_FINITE = re.compile(rb"NaN|Infinity|[0-9][eE]\+?[0-9]{3}|[0-9]{309}")


def _float_or_mark(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NON_FINITE


def unstorable_values(body: bytes, limit: int = 20) -> dict[str, str]:
    """The places of a JSON body (as "tags.0", "_" for the whole body) whose strings, keys
    included, hold a NUL ("nul") or half of a surrogate pair ("surrogate"), and those of a
    number that is not finite ("nonfinite"). The first two need a `\\u` escape in valid
    JSON, so most bodies are not parsed here; one that is not JSON is left to the route's
    own error."""
    if b"\\u" not in body and not _MAYBE_NON_FINITE.search(body):
        return {}
    try:
        doc = json.loads(body, parse_constant=lambda _name: _NON_FINITE,
                         parse_float=_float_or_mark)
    except (ValueError, RecursionError):
        return {}
    found: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack and len(found) < limit:  # (not recursive: the depth is the sender's choice)
        path, item = stack.pop()
        if isinstance(item, str):
            kind = _text_fault(item)
            if kind:
                found.setdefault(path or "_", kind)
        elif item is _NON_FINITE:
            found.setdefault(path or "_", "nonfinite")
        elif isinstance(item, dict):
            for key, value in item.items():
                kind = _text_fault(key)
                if kind:
                    found.setdefault(path or "_", kind)
                else:
                    stack.append((f"{path}.{key}" if path else key, value))
        elif isinstance(item, list):
            stack.extend((f"{path}.{n}" if path else str(n), v) for n, v in enumerate(item))
    return found


def _text_fault(text: str) -> str | None:
    if "\x00" in text:
        return "nul"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return None


async def _buffered(receive: Any) -> tuple[bytes, Any]:
    """The whole body (BodyLimit, outside, has bounded it), and a `receive` that gives it again."""
    chunks: list[bytes] = []
    while True:
        event = await receive()
        if event["type"] != "http.request":
            break
        chunks.append(event.get("body", b""))
        if not event.get("more_body"):
            break
    body = b"".join(chunks)
    return body, _replaying(body, receive)


def _replaying(body: bytes, receive: Any) -> Any:
    """A `receive` that gives `body` once, then whatever comes next (a disconnect)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


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
