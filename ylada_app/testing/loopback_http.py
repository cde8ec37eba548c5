"""The plumbing the fake payment gateways share: a threaded HTTP server on loopback whose
every request goes to the fake's `_dispatch(request, method)`, and JSON / HTML answers.
Each fake keeps only what makes it that gateway."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LoopbackHttp:
    host: str = "127.0.0.1"
    port: int = 0
    base_url: str = ""
    thread_name: str = "fake-http"
    _server: ThreadingHTTPServer | None = None

    def _dispatch(self, req: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._dispatch(self, "GET")

            def do_POST(self) -> None:
                fake._dispatch(self, "POST")

            def do_PUT(self) -> None:
                fake._dispatch(self, "PUT")

            def do_DELETE(self) -> None:
                fake._dispatch(self, "DELETE")

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name=self.thread_name).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @staticmethod
    def _json(req: BaseHTTPRequestHandler, status: int, data: Any,
              headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(raw)

    @staticmethod
    def _html(req: BaseHTTPRequestHandler, text: str, status: int = 200) -> None:
        raw = text.encode()
        req.send_response(status)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        req.send_header("Content-Length", str(len(raw)))
        req.end_headers()
        req.wfile.write(raw)
