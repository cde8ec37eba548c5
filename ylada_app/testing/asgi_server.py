"""A bare ASGI callable served by uvicorn in a daemon thread on loopback: the shared body of
the local fake servers (Graph API, OpenAI). Subclasses set `host`/`port` and implement
`__call__`; `read_body` collects a request body."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


class ThreadedAsgiServer:
    thread_name = "fake-server"
    backlog = 256
    uvicorn_options: dict[str, Any] = {}
    host: str
    port: int
    base_url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def uvicorn_config(self, host: str, port: int) -> uvicorn.Config:
        # httptools: the fake shares the load driver's CPU in benchmarks; h11 costs more.
        return uvicorn.Config(self, host=host, port=port, http="httptools", loop="asyncio",
                              lifespan="off", access_log=False, log_level="warning",
                              backlog=self.backlog, timeout_graceful_shutdown=1,
                              **self.uvicorn_options)

    def start(self) -> str:
        if self._server is not None:
            return self.base_url
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto says TCP; without it every response pays Nagle + delayed ACK (~40 ms).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(self.backlog)
        self.port = sock.getsockname()[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._server = uvicorn.Server(self.uvicorn_config(self.host, self.port))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=self.thread_name, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{self.thread_name} server did not start")
            time.sleep(0.005)
        return self.base_url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)

    def serve_forever(self, host: str, port: int) -> None:
        """Standalone mode (the modules' `main`): serve in this thread."""
        uvicorn.Server(self.uvicorn_config(host, port)).run()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def read_body(receive: Any) -> bytes:
    body = b""
    while True:
        event = await receive()
        body += event.get("body", b"")
        if not event.get("more_body"):
            return body
