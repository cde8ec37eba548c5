"""A fake Anthropic messages API for tests and `make run` (no network).

    fake = FakeAnthropic().start()
    client = anthropic.Anthropic(api_key="sk-ant-test", base_url=fake.base_url)
    fake.stop()

Endpoint: POST /v1/messages. Answers like the fake OpenAI server (both take their controls
and default answer from testing/fake_llm_common.py):
`script(text, ...)` queues exact answers, otherwise the first knowledge item of the system
prompt is quoted, or it says it does not know. Failure injection: `fail_next(status,
count)` (Anthropic's error body; 429 is a rate limit, 529 "overloaded"), `delay_s`, `down`.
Every request body is kept in `requests` and its API key in `api_keys`. Usage is
reported as ~1 token per 4 characters, split into input and output tokens.

Standalone: python -m ylada_app.testing.fake_anthropic --port 8557
"""

from __future__ import annotations

import argparse
import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from ylada_app.testing.fake_llm_common import FakeLlmControls, default_answer
from ylada_app.testing.loopback_http import LoopbackHttp

_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error",
                429: "rate_limit_error", 529: "overloaded_error"}


class FakeAnthropic(FakeLlmControls, LoopbackHttp):
    thread_name = "fake-anthropic"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self._init_controls()

    # ---- HTTP (server threads) ---------------------------------------------------------

    def _dispatch(self, req: BaseHTTPRequestHandler, method: str) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        try:
            doc = json.loads(raw) if raw else {}
        except ValueError:
            doc = None
        failure, answer, delay, down = self._take(doc, _key(req))
        if delay:
            time.sleep(delay)
        try:
            if not isinstance(doc, dict):
                self._json(req, 400, _error(400, "invalid json"))
            elif down:
                self._json(req, 503, _error(503, "service unavailable"))
            elif failure is not None:
                self._json(req, failure, _error(failure, f"injected failure {failure}"))
            elif method != "POST" or req.path.split("?")[0].rstrip("/") != "/v1/messages":
                self._json(req, 404, _error(404, "not found"))
            elif not _key(req):
                self._json(req, 401, _error(401, "missing API key"))
            else:
                self._json(req, 200, _message(doc, answer))
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


def _key(req: BaseHTTPRequestHandler) -> str:
    """The API key as sent: `x-api-key` (the API's documented header) or a bearer token
    (what recent `anthropic` packages send for `api_key`)."""
    bearer = (req.headers.get("authorization") or "").removeprefix("Bearer ").strip()
    return req.headers.get("x-api-key") or bearer


def _error(status: int, message: str) -> dict:
    return {"type": "error",
            "error": {"type": _ERROR_TYPES.get(status, "api_error"), "message": message}}


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(str(b.get("text") or "") for b in content or [] if isinstance(b, dict))


def _message(doc: dict, answer: str | None) -> dict:
    system = _text_of(doc.get("system"))
    turns = [{"role": m.get("role"), "content": _text_of(m.get("content"))}
             for m in doc.get("messages") or [] if isinstance(m, dict)]
    text = answer if answer is not None else default_answer(
        [{"role": "system", "content": system}, *turns])
    input_tokens = max(1, (len(system) + sum(len(t["content"]) for t in turns)) // 4)
    return {"id": "msg_fake", "type": "message", "role": "assistant",
            "model": doc.get("model") or "fake",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": max(1, len(text) // 4)}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Anthropic messages API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8557)
    args = parser.parse_args(argv)
    fake = FakeAnthropic(host=args.host, port=args.port).start()
    print(f"fake anthropic on {fake.base_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
