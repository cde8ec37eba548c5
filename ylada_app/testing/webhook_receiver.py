"""A business's webhook receiver on loopback, for tests and the fan-out benchmark: records
every request (headers, body, the answer it gave), can fail the next N requests, answer
slowly, and counts how many requests it had in flight at once."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from ylada_app.testing.asgi_server import ThreadedAsgiServer, read_body


class WebhookReceiver(ThreadedAsgiServer):
    thread_name = "webhook-receiver"
    backlog = 1024

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port, self.base_url = host, port, ""
        self.requests: list[dict[str, Any]] = []  # {"headers", "body", "json", "status"}
        self.fail_next = 0  # answer 500 to this many requests, then 200
        self.fail_status = 500
        self.delay_s = 0.0
        self.record = True  # off for long benchmarks (memory)
        self.received = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.base_url + "/hooks/ylada"

    def accepted(self) -> list[dict[str, Any]]:
        """The requests answered with 2xx, their JSON bodies."""
        return [r["json"] for r in list(self.requests) if 200 <= r["status"] < 300]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.fail_next, self.delay_s, self.received = 0, 0.0, 0
            self.in_flight = self.max_in_flight = 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            with self._lock:
                status = 200
                if self.fail_next > 0:
                    self.fail_next -= 1
                    status = self.fail_status
                self.received += 1
                if self.record:
                    try:
                        parsed = json.loads(body)
                    except ValueError:
                        parsed = None
                    self.requests.append({
                        "headers": {k.decode().lower(): v.decode()
                                    for k, v in scope.get("headers", [])},
                        "body": body.decode("utf-8", "replace"), "json": parsed,
                        "status": status})
        finally:
            with self._lock:
                self.in_flight -= 1
        data = b'{"ok":true}' if status < 300 else b'{"error":"receiver down"}'
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})
