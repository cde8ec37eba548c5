"""A fake OpenAI-compatible API for tests and local development (no network).

    fake = FakeOpenAI(); fake.start()
    client = openai.OpenAI(api_key="sk-test", base_url=fake.base_url + "/v1")
    fake.stop()

Endpoints: POST /v1/chat/completions, POST /v1/embeddings.
Answers: `script(text, ...)` queues exact answers; otherwise the default answer quotes the
first knowledge item it finds in the prompt (the lines `[1] …` inside `<conhecimento>`),
or says it does not know — enough for the flow and UI tests to check that catalog facts
reach the user. Failure injection: `fail_next(status, count)`, `delay_s` (slow mode),
`down` (503 on everything). Every request body is kept in `requests` (the prompt tests
read it). Token usage is reported as ~1 token per 4 characters. The controls and the
default answer are shared with the fake Anthropic server (testing/fake_llm_common.py).

Standalone: python -m ylada_app.testing.fake_openai --port 8556
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import re
import time
from typing import Any

from ylada_app.testing.asgi_server import ThreadedAsgiServer, read_body
from ylada_app.testing.fake_llm_common import DONT_KNOW, FakeLlmControls, default_answer

_JSON = [(b"content-type", b"application/json")]
__all__ = ["DONT_KNOW", "FakeOpenAI", "default_answer", "embed_text", "main"]


class FakeOpenAI(FakeLlmControls, ThreadedAsgiServer):
    thread_name = "fake-openai"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.base_url = ""
        self._init_controls()

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if "messages" in r]

    # ---- ASGI app (server thread) ----------------------------------------------------

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        status, payload = await self._handle(scope, body)
        data = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": _JSON + [(b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})

    async def _handle(self, scope: dict, body: bytes) -> tuple[int, dict]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            doc = json.loads(body) if body else {}
        except ValueError:
            return 400, _error("invalid json")
        failure, answer, delay, down = self._take(
            doc, headers.get("authorization", "").removeprefix("Bearer "))
        if delay:
            await asyncio.sleep(delay)
        if down:
            return 503, _error("service unavailable")
        if failure is not None:
            return failure, _error(f"injected failure {failure}")
        path = scope["path"].rstrip("/")
        if scope["method"] != "POST":
            return 404, _error("not found")
        if path.endswith("/chat/completions"):
            return 200, _chat(doc, answer)
        if path.endswith("/embeddings"):
            return 200, _embeddings(doc)
        return 404, _error("not found")


def _error(message: str) -> dict:
    return {"error": {"message": message, "type": "fake_error", "code": None}}


def _chat(doc: dict, answer: str | None) -> dict:
    messages = doc.get("messages") or []
    text = answer if answer is not None else default_answer(messages)
    prompt_tokens = max(1, sum(len(str(m.get("content") or "")) for m in messages) // 4)
    completion_tokens = max(1, len(text) // 4)
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
        "model": doc.get("model") or "fake",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def embed_text(value: str, dims: int = 64) -> list[float]:
    """A deterministic bag-of-words vector (hashed words), L2-normalised."""
    vec = [0.0] * dims
    for word in re.findall(r"\w+", value.lower()):
        h = int(hashlib.md5(word.encode()).hexdigest(), 16)
        vec[h % dims] += 1.0
    norm = sum(v * v for v in vec) ** 0.5 or 1.0
    return [v / norm for v in vec]


def _embeddings(doc: dict) -> dict:
    inputs = doc.get("input")
    inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
    data = [{"object": "embedding", "index": i, "embedding": embed_text(str(v))}
            for i, v in enumerate(inputs)]
    tokens = sum(len(str(v)) for v in inputs) // 4 or 1
    return {"object": "list", "data": data, "model": doc.get("model") or "fake",
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8556)
    args = parser.parse_args(argv)
    fake = FakeOpenAI(host=args.host, port=args.port)
    fake.base_url = f"http://{args.host}:{args.port}"
    print(f"fake openai on {fake.base_url}/v1", flush=True)
    fake.serve_forever(args.host, args.port)


if __name__ == "__main__":
    main()
