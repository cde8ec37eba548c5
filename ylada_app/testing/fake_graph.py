"""A fake Meta Graph API (WhatsApp Cloud API subset) for tests and local development.

    graph = FakeGraph(); graph.start(); graph.add_number("123", "TOKEN")
    ... point WHATSAPP_GRAPH_URL at graph.base_url ...
    graph.stop()

Endpoints:
  GET  /{version}/{phone_number_id}           -> number info (401 bad token, 400 unknown id)
  POST /{version}/{phone_number_id}/messages  -> {"messages": [{"id": "wamid..."}]}
Failure injection: `fail_next(status, count)`, `delay_s` (slow mode), `down` (503),
`stall_after_accepting(count, seconds)` (the message is taken — it reaches the customer —
but the answer comes too late: the sender's timeout, an outcome in doubt).

The app is a bare ASGI callable served by uvicorn in a background thread: no framework
routing and no per-request logging, so it sustains thousands of requests per second.
State is shared with the test thread; mutations go through one lock.

Standalone: python -m ylada_app.testing.fake_graph --port 8555 --number 123456789:TOKEN
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import random
import secrets
import threading
import time
from typing import Any

from ylada_app.channels.whatsapp_cloud.payloads import is_bsuid
from ylada_app.testing.asgi_server import ThreadedAsgiServer, read_body

SEND_TYPES = frozenset(
    {
        "text",
        "image",
        "audio",
        "video",
        "document",
        "sticker",
        "interactive",
        "template",
        "reaction",
        "location",
        "contacts",
    }
)
_DEFAULT_FAILURES = {
    400: (100, "(#100) Invalid parameter"),
    401: (190, "Error validating access token: Session has expired"),
    403: (200, "(#200) Permissions error"),
    429: (130429, "(#130429) Rate limit hit"),
    500: (131000, "(#131000) Something went wrong"),
    502: (131000, "(#131000) Something went wrong"),
    503: (2, "(#2) Service temporarily unavailable"),
}
_JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


class FakeGraph(ThreadedAsgiServer):
    thread_name = "fake-graph"
    backlog = 2048
    uvicorn_options = {"timeout_keep_alive": 30}

    def __init__(self, *, version: str = "v21.0", host: str = "127.0.0.1", port: int = 0) -> None:
        self.version = version
        self.host = host
        self.port = port
        self.base_url = ""
        self.phone_numbers: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.sent: list[dict] = []
        self.sent_at: list[float] = []  # when each of `sent` arrived (this clock)
        self.templates: dict[str, dict] = {}  # message templates by id
        # Resumable uploads (a media header's example): open sessions, and handles given
        self.uploads: dict[str, dict] = {}
        self.handles: dict[str, bytes] = {}
        # Embedded Signup: one-time codes → (token, waba, number); the platform app's
        # credentials the code exchange must present; what was subscribed / registered.
        self.app_id, self.app_secret = "", ""
        self.signup_codes: dict[str, dict] = {}
        self.subscribed: set[str] = set()
        self.registered: dict[str, str] = {}  # phone number id → PIN
        self.quality: dict[str, str] = {}  # phone number id → quality rating (default GREEN)
        self.delay_s: float = 0.0
        self.down: bool = False
        self.record_requests: bool = True  # turn off for very long benchmarks (memory)
        # this share of message POSTs is refused with 130429 (Meta's throughput limit)
        self.throttle_share: float = 0.0
        self._rng = random.Random(7)
        self._failures: collections.deque[tuple[int, dict, float | None]] = collections.deque()
        self._lock = threading.Lock()
        self._prefix = secrets.token_hex(4).upper()
        self._counter = itertools.count(1)
        self._generation = 0  # bumped by reset(): late answers of a previous test are dropped
        self._stalls: list[float] = []

    # ---- control (test thread) -------------------------------------------------------

    def add_number(
        self,
        phone_number_id: str,
        token: str,
        display_phone_number: str = "+55 11 99999-0000",
        verified_name: str = "Loja Demo",
    ) -> None:
        with self._lock:
            self.phone_numbers[str(phone_number_id)] = {
                "token": token,
                "display_phone_number": display_phone_number,
                "verified_name": verified_name,
            }

    def add_signup(self, code: str, *, waba_id: str, phone_number_id: str, token: str,
                   display_phone_number: str = "+55 11 98888-0000",
                   verified_name: str = "Loja Demo") -> None:
        """What Meta's popup produced: a code that exchanges for `token`, which sees the
        number (of account `waba_id`)."""
        self.add_number(phone_number_id, token, display_phone_number, verified_name)
        with self._lock:
            self.signup_codes[code] = {"token": token, "waba": waba_id,
                                       "number": phone_number_id}

    def fail_next(
        self,
        status: int,
        count: int = 1,
        *,
        body: dict | None = None,
        retry_after: float | None = None,
    ) -> None:
        """The next `count` message POSTs answer `status` (with a Graph-style error body)."""
        if body is None:
            code, message = _DEFAULT_FAILURES.get(status, (1, "(#1) An unknown error occurred"))
            body = _error_body(message, code)
        with self._lock:
            for _ in range(count):
                self._failures.append((status, body, retry_after))

    def stall_after_accepting(self, count: int, seconds: float) -> None:
        """The next `count` messages are accepted (recorded in `sent`) and answered only
        after `seconds`."""
        with self._lock:
            self._stalls.extend([seconds] * count)

    def reset(self) -> None:
        with self._lock:
            self._generation += 1
            self.phone_numbers.clear()
            self.requests.clear()
            self.sent.clear()
            self.sent_at.clear()
            self.templates.clear()
            self.uploads.clear()
            self.handles.clear()
            self.signup_codes.clear()
            self.subscribed.clear()
            self.registered.clear()
            self._stalls.clear()
            self.quality.clear()
            self._failures.clear()
            self.delay_s = 0.0
            self.down = False
            self.record_requests = True

    def messages_to(self, to: str) -> list[dict]:
        """What was sent to a phone (`to`) or a business-scoped user id (`recipient`)."""
        return [m for m in list(self.sent) if to in (m.get("to"), m.get("recipient"))]

    # ---- ASGI app (server thread) ----------------------------------------------------

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        status, payload, headers = await self._handle(scope, body)
        data = json.dumps(payload, separators=(",", ":")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": headers + [(b"content-length", str(len(data)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": data})

    async def _handle(self, scope: dict, body: bytes) -> tuple[int, dict, list]:
        method = scope["method"]
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            doc = json.loads(body) if body else None
        except ValueError:
            doc = None
        parts = [p for p in path.split("/") if p]
        pnid = parts[1] if len(parts) >= 2 else None
        if self.record_requests:
            self.requests.append(
                {
                    "method": method,
                    "path": path,
                    "query": scope.get("query_string", b"").decode("latin-1"),
                    "headers": headers,
                    "json": doc,
                    "phone_number_id": pnid,
                    "time": time.time(),
                    "client": scope.get("client"),  # (host, port): shows connection reuse
                }
            )
        if not parts or parts[0] != self.version or pnid is None:
            return 400, _error_body(f"Unknown path components: {path}", 2500), _JSON_HEADERS
        query = dict(p.split("=", 1) for p in scope.get("query_string", b"").decode(
            "latin-1").split("&") if "=" in p)
        if method == "GET" and parts[1:] == ["oauth", "access_token"]:
            return self._exchange(query)
        if len(parts) == 3 and parts[2] == "subscribed_apps":
            return self._subscribed_apps(method, pnid, headers)
        if method == "POST" and len(parts) == 3 and parts[2] == "register":
            return self._register(pnid, headers, doc)
        if method == "GET" and len(parts) == 2:
            return self._get_number(pnid, headers)
        if method == "POST" and len(parts) == 3 and parts[2] == "messages":
            return await self._post_message(pnid, headers, doc)
        if len(parts) == 3 and parts[2] == "message_templates":
            return self._templates(method, pnid, headers, doc, query)
        if method == "POST" and len(parts) == 3 and parts[2] == "uploads":
            return self._open_upload(pnid, headers, query)
        if method == "POST" and len(parts) == 2 and pnid.startswith("upload:"):
            return self._upload_bytes(pnid, headers, body)
        return 400, _error_body(f"Unsupported {method} request.", 100), _JSON_HEADERS

    # ---- message templates (per WhatsApp Business Account id) --------------------------
    # Submitted templates start PENDING; `set_template_status` is Meta's review, on command.

    def set_template_status(self, name: str, status: str, reason: str = "NONE") -> dict:
        """Review a submitted template; returns the `message_template_status_update`
        webhook value Meta would send."""
        with self._lock:
            tpl = next(t for t in self.templates.values() if t["name"] == name)
            tpl["status"], tpl["rejected_reason"] = status, reason
            return {"event": status, "message_template_id": tpl["id"],
                    "message_template_name": tpl["name"],
                    "message_template_language": tpl["language"], "reason": reason}

    def set_template_quality(self, name: str, score: str) -> dict:
        """Meta's rating of an approved template (GREEN, YELLOW, RED); returns the
        `message_template_quality_update` webhook value Meta would send."""
        with self._lock:
            tpl = next(t for t in self.templates.values() if t["name"] == name)
            before, tpl["quality"] = tpl.get("quality") or "GREEN", score
            return {"previous_quality_score": before, "new_quality_score": score,
                    "message_template_id": tpl["id"], "message_template_name": tpl["name"],
                    "message_template_language": tpl["language"]}

    def _templates(self, method: str, waba: str, headers: dict, doc: Any,
                   query: dict) -> tuple[int, dict, list]:
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not token or all(n.get("token") != token for n in dict(self.phone_numbers).values()):
            return 401, _error_body("Error validating access token.", 190), _JSON_HEADERS
        if method == "GET":
            with self._lock:
                data = [dict(t) for t in self.templates.values() if t["waba"] == waba]
            for t in data:  # as Meta lists them: approved ones carry their rating
                rated = t.pop("quality", None) or ("GREEN" if t["status"] == "APPROVED"
                                                   else "UNKNOWN")
                t["quality_score"] = {"score": rated, "date": 1764800000}
            return 200, {"data": data}, _JSON_HEADERS
        if method == "DELETE":
            with self._lock:
                gone = [k for k, t in self.templates.items()
                        if t["waba"] == waba and t["name"] == query.get("name")]
                for k in gone:
                    del self.templates[k]
            if not gone:
                return 400, _error_body("Template not found", 100), _JSON_HEADERS
            return 200, {"success": True}, _JSON_HEADERS
        if method == "POST" and isinstance(doc, dict):
            name, lang = str(doc.get("name") or ""), str(doc.get("language") or "")
            problem = self._media_header_problem(doc.get("components"))
            if problem:
                return 400, _error_body(problem, 100, subcode=2388273), _JSON_HEADERS
            with self._lock:
                if any(t["waba"] == waba and t["name"] == name and t["language"] == lang
                       for t in self.templates.values()):
                    return 400, _error_body(
                        "Message template already exists with this name and language", 100,
                        subcode=2388024), _JSON_HEADERS
                tid = str(10**15 + next(self._counter))
                self.templates[tid] = {"id": tid, "waba": waba, "name": name,
                                       "language": lang, "category": doc.get("category"),
                                       "components": doc.get("components"),
                                       "status": "PENDING", "rejected_reason": "NONE"}
            return 200, {"id": tid, "status": "PENDING", "category": doc.get("category")}, \
                _JSON_HEADERS
        return 400, _error_body(f"Unsupported {method} request.", 100), _JSON_HEADERS

    def _media_header_problem(self, components: Any) -> str:
        """A HEADER of format IMAGE/VIDEO/DOCUMENT needs example.header_handle, a handle
        this Graph gave through the Resumable Upload API."""
        for c in components if isinstance(components, list) else []:
            if not isinstance(c, dict) or c.get("type") != "HEADER" or \
                    c.get("format") not in ("IMAGE", "VIDEO", "DOCUMENT"):
                continue
            handles = (c.get("example") or {}).get("header_handle") \
                if isinstance(c.get("example"), dict) else None
            if not isinstance(handles, list) or not handles or \
                    any(h not in self.handles for h in handles):
                return "A media header needs an example (header_handle) from the " \
                       "Resumable Upload API."
        return ""

    def _open_upload(self, app_id: str, headers: dict, query: dict) -> tuple[int, dict, list]:
        """`POST /{app-id}/uploads?file_length=&file_type=` → {"id": "upload:…"}."""
        from urllib.parse import unquote

        token = self._token_of(headers)
        if not token or all(n.get("token") != token for n in dict(self.phone_numbers).values()):
            return 401, _error_body("Error validating access token.", 190), _JSON_HEADERS
        if self.app_id and app_id != self.app_id:
            return 400, _error_body("Invalid app id.", 100), _JSON_HEADERS
        length, kind = query.get("file_length", ""), unquote(query.get("file_type", ""))
        if not length.isdigit() or int(length) <= 0 or not kind:
            return 400, _error_body("file_length and file_type are required.", 100), \
                _JSON_HEADERS
        sid = f"upload:{secrets.token_hex(8)}"
        with self._lock:
            self.uploads[sid] = {"length": int(length), "type": kind, "token": token}
        return 200, {"id": sid}, _JSON_HEADERS

    def _upload_bytes(self, sid: str, headers: dict, body: bytes) -> tuple[int, dict, list]:
        """`POST /{upload-session-id}` (Authorization: OAuth, file_offset: 0) → {"h"}."""
        auth = headers.get("authorization", "")
        token = auth[6:].strip() if auth[:6].lower() == "oauth " else ""
        with self._lock:
            session = self.uploads.get(sid)
        if session is None or token != session["token"]:
            return 401, _error_body("Error validating access token.", 190), _JSON_HEADERS
        if headers.get("file_offset") != "0" or len(body) != session["length"]:
            return 400, _error_body("The file_offset or the file's length is wrong.", 100), \
                _JSON_HEADERS
        handle = f"4::{secrets.token_hex(6)}:{sid[7:]}"
        with self._lock:
            self.uploads.pop(sid, None)
            self.handles[handle] = bytes(body)
        return 200, {"h": handle}, _JSON_HEADERS

    # ---- Embedded Signup -------------------------------------------------------------

    def _exchange(self, query: dict) -> tuple[int, dict, list]:
        from urllib.parse import unquote

        code = unquote(query.get("code", ""))
        if (unquote(query.get("client_id", "")) != self.app_id
                or unquote(query.get("client_secret", "")) != self.app_secret):
            return 400, _error_body("Error validating client secret.", 1), _JSON_HEADERS
        with self._lock:
            grant = self.signup_codes.pop(code, None)  # a code works once
        if grant is None:
            return 400, _error_body("This authorization code has expired or was used.", 100,
                                    subcode=36007), _JSON_HEADERS
        return 200, {"access_token": grant["token"], "token_type": "bearer"}, _JSON_HEADERS

    def _token_of(self, headers: dict) -> str:
        auth = headers.get("authorization", "")
        return auth[7:].strip() if auth[:7].lower() == "bearer " else ""

    def _subscribed_apps(self, method: str, waba: str, headers: dict) -> tuple[int, dict, list]:
        token = self._token_of(headers)
        if not token or all(n.get("token") != token for n in dict(self.phone_numbers).values()):
            return 401, _error_body("Error validating access token.", 190), _JSON_HEADERS
        if method == "POST":
            with self._lock:
                self.subscribed.add(waba)
            return 200, {"success": True}, _JSON_HEADERS
        data = ([{"whatsapp_business_api_data": {"id": self.app_id, "name": "ylada"}}]
                if waba in self.subscribed else [])
        return 200, {"data": data}, _JSON_HEADERS

    def _register(self, pnid: str, headers: dict, doc: Any) -> tuple[int, dict, list]:
        denied = self._auth(pnid, headers)
        if denied:
            return denied[0], denied[1], _JSON_HEADERS
        pin = str((doc or {}).get("pin") or "")
        if not (pin.isdigit() and len(pin) == 6):
            return 400, _error_body("(#100) Param pin must be 6 digits.", 100), _JSON_HEADERS
        with self._lock:
            self.registered[pnid] = pin
        return 200, {"success": True}, _JSON_HEADERS

    def _auth(self, pnid: str, headers: dict) -> tuple[int, dict] | None:
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        numbers = dict(self.phone_numbers)  # snapshot: the test thread may mutate it
        if not token or all(n.get("token") != token for n in numbers.values()):
            return 401, _error_body(
                "Error validating access token: The session is invalid.", 190, subcode=463
            )
        number = numbers.get(pnid)
        if number is None or number.get("token") != token:
            return 400, _error_body(
                f"Unsupported get request. Object with ID '{pnid}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation.",
                100,
                subcode=33,
            )
        return None

    def _get_number(self, pnid: str, headers: dict) -> tuple[int, dict, list]:
        if self.down:
            return 503, _error_body("(#2) Service temporarily unavailable", 2), _JSON_HEADERS
        denied = self._auth(pnid, headers)
        if denied:
            return denied[0], denied[1], _JSON_HEADERS
        number = self.phone_numbers.get(pnid) or {}
        return (
            200,
            {
                "id": pnid,
                "display_phone_number": number.get("display_phone_number"),
                "verified_name": number.get("verified_name"),
                "quality_rating": self.quality.get(pnid, "GREEN"),
                "messaging_limit_tier": "TIER_1K",
                "name_status": "APPROVED",
            },
            _JSON_HEADERS,
        )

    async def _post_message(self, pnid: str, headers: dict, doc: Any) -> tuple[int, dict, list]:
        if self.delay_s > 0:
            generation = self._generation
            await asyncio.sleep(self.delay_s)
            if generation != self._generation:  # reset() while we slept: not this test's
                return 503, _error_body("(#2) Service temporarily unavailable", 2), _JSON_HEADERS
        if self.down:
            return 503, _error_body("(#2) Service temporarily unavailable", 2), _JSON_HEADERS
        failure = self._next_failure()
        if failure is None and self.throttle_share and self._rng.random() < self.throttle_share:
            code, message = _DEFAULT_FAILURES[429]
            failure = (429, _error_body(message, code), None)
        if failure is not None:
            status, body, retry_after = failure
            extra = []
            if retry_after is not None:
                value = f"{retry_after:g}"
                extra = [(b"retry-after", value.encode())]
            return status, body, _JSON_HEADERS + extra
        denied = self._auth(pnid, headers)
        if denied:
            return denied[0], denied[1], _JSON_HEADERS
        problem = _shape_problem(doc)
        if problem:
            return 400, _error_body(f"(#100) {problem}", 100), _JSON_HEADERS
        if doc.get("status") == "read":  # mark as read
            return 200, {"success": True}, _JSON_HEADERS
        wamid = f"wamid.FAKE{self._prefix}{next(self._counter):010d}"
        self.sent_at.append(time.time())  # (first: a reader of `sent` finds its time)
        self.sent.append({**doc, "wamid": wamid, "phone_number_id": pnid})
        with self._lock:
            stall = self._stalls.pop(0) if self._stalls else 0.0
        if stall:
            await asyncio.sleep(stall)
        return (
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [_contact_of(doc)],
                "messages": [{"id": wamid}],
            },
            _JSON_HEADERS,
        )

    def _next_failure(self) -> tuple[int, dict, float | None] | None:
        if not self._failures:
            return None
        with self._lock:
            return self._failures.popleft() if self._failures else None


def _shape_problem(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return "The request body must be a JSON object"
    if doc.get("messaging_product") != "whatsapp":
        return "The parameter messaging_product is required and must be 'whatsapp'"
    if doc.get("status") == "read":
        mid = doc.get("message_id")
        return None if isinstance(mid, str) and mid else "The parameter message_id is required"
    # A phone in `to`, or a business-scoped user id in `recipient` (`to` wins when both are
    # there, as Meta does); `to` takes no BSUID.
    to, recipient = doc.get("to"), doc.get("recipient")
    if isinstance(to, str) and to.strip():
        if is_bsuid(to.strip()):
            return "Invalid parameter to: a business-scoped user id goes in recipient"
    elif not (isinstance(recipient, str) and is_bsuid(recipient.strip())):
        return "The parameter to or recipient is required"
    mtype = doc.get("type", "text")
    if mtype not in SEND_TYPES:
        return f"Unsupported message type: {mtype}"
    if not isinstance(doc.get(mtype), dict | list):
        return f"The parameter {mtype} is required"
    if mtype == "text" and not (isinstance(doc[mtype], dict) and doc[mtype].get("body")):
        return "The parameter text['body'] is required"
    return None


def _contact_of(doc: dict) -> dict:
    """The response's contact: the phone sent to, or the business-scoped user id."""
    if isinstance(doc.get("to"), str) and doc["to"].strip():
        return {"input": doc["to"], "wa_id": doc["to"].strip().lstrip("+")}
    return {"input": doc["recipient"], "user_id": doc["recipient"].strip()}


def _error_body(message: str, code: int, *, subcode: int | None = None) -> dict:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "A" + secrets.token_hex(10),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake WhatsApp Cloud (Graph) API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8555)
    parser.add_argument("--version", default="v21.0")
    parser.add_argument(
        "--number",
        action="append",
        default=[],
        metavar="ID:TOKEN[:DISPLAY[:NAME]]",
        help="register a phone number id and its access token (repeatable)",
    )
    args = parser.parse_args(argv)
    graph = FakeGraph(version=args.version, host=args.host, port=args.port)
    graph.base_url = f"http://{args.host}:{args.port}"
    for spec in args.number:
        pieces = spec.split(":", 3)
        if len(pieces) < 2 or not pieces[0] or not pieces[1]:
            parser.error(f"--number expects ID:TOKEN, got {spec!r}")
        graph.add_number(*pieces)
    print(
        f"fake graph on {graph.base_url}/{args.version} "
        f"numbers: {', '.join(graph.phone_numbers) or '(none)'}",
        flush=True,
    )
    graph.serve_forever(args.host, args.port)


if __name__ == "__main__":
    main()
