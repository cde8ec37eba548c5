"""HTTP clients for the addresses businesses give us (outgoing webhooks, a flow's HTTP block)
that, in production, connect only to public internet addresses — checked when connecting.

Checking the name first and letting the client resolve it again to connect leaves a gap: a
name with a short TTL answers a public address to the check and 127.0.0.1 to the connection
(DNS rebinding). Here the connection itself resolves the name once, refuses if any answer
is internal (core/net.py's rule), and connects to the address it checked; TLS still verifies
the certificate against the name. Outside production every address is allowed (tests and
`make run` call receivers on loopback).

`read_capped` reads at most so many bytes of an answer, decompressed only that far: httpx
inflates each chunk whole, so a few hundred bytes labelled `gzip, gzip` became hundreds of
megabytes before any cap was checked.

`total_timeout_s` bounds a whole request — connecting, headers and body — not only each
read: a server sending one byte every few seconds never trips a per-read timeout and would
hold the calling thread for as long as it likes. Each socket read and write waits at most
the time left (a context variable carries the request's deadline down to the socket).
"""

from __future__ import annotations

import time
import zlib
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from ylada_app.core.net import InternalAddress, public_address
from ylada_app.core.settings import get_settings


class BlockedAddress(httpcore.ConnectError):
    """The name leads into our own network (or does not resolve)."""


_deadline: ContextVar[float | None] = ContextVar("ylada_http_deadline", default=None)


def _left(timeout: float | None) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the whole request took longer than allowed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose reads and writes never wait past the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname,
                                                     _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PublicOnly(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        timeout = _left(timeout)
        if get_settings().is_production:
            try:
                host = public_address(host, port)
            except InternalAddress as exc:
                raise BlockedAddress(str(exc)) from exc
        return _DeadlineStream(super().connect_tcp(host, port, timeout, local_address,
                                                   socket_options))


class _Transport(httpx.HTTPTransport):
    def __init__(self, total_timeout_s: float | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.total_timeout_s = total_timeout_s

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Set for the request and its body, which the caller reads after this returns (in
        # the same thread); the next request through a client of this module sets its own.
        _deadline.set(time.monotonic() + self.total_timeout_s
                      if self.total_timeout_s else None)
        return super().handle_request(request)


def client(*, total_timeout_s: float | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx.Client (same arguments) whose connections go only to public addresses in
    production, each request within `total_timeout_s` if given. No proxies from the
    environment: a proxy would connect for us, unchecked."""
    limits = kwargs.pop("limits", httpx.Limits())
    transport = _Transport(total_timeout_s, limits=limits, trust_env=False)
    # httpx takes no network backend of its own; its connection pool (httpcore) does.
    transport._pool._network_backend = _PublicOnly()  # noqa: SLF001
    return httpx.Client(transport=transport, trust_env=False, **kwargs)


def blocked(exc: BaseException) -> bool:
    """Did the request fail because its address is internal?"""
    return isinstance(exc, httpx.ConnectError) and isinstance(exc.__cause__, BlockedAddress)


class UnreadableBody(Exception):
    """An answer compressed in a way we do not inflate (twice, or not gzip/deflate)."""


def read_capped(resp: httpx.Response, cap: int) -> bytes:
    """At most `cap` bytes of a streamed answer's body, decoded: one layer of gzip or
    deflate is inflated only up to the cap; raises UnreadableBody otherwise."""
    codings = [c.strip().lower() for c in resp.headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
        raise UnreadableBody(",".join(codings))
    # 32 + MAX_WBITS: a gzip or zlib header, whichever comes; raw deflate is tried after
    inflate = zlib.decompressobj(32 + zlib.MAX_WBITS) if codings else None
    got = bytearray()
    for chunk in resp.iter_raw():
        if inflate is None:
            got += chunk
        else:
            try:
                got += inflate.decompress(chunk, cap - len(got))
            except zlib.error:
                if got or codings[0] != "deflate":
                    raise UnreadableBody(codings[0]) from None
                inflate = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent raw
                try:
                    got += inflate.decompress(chunk, cap - len(got))
                except zlib.error:
                    raise UnreadableBody(codings[0]) from None
        if len(got) >= cap:
            break
    return bytes(got[:cap])
