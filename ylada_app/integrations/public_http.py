"""HTTP clients for the addresses businesses give us (outgoing webhooks, a flow's HTTP block)
that, in production, connect only to public internet addresses — checked when connecting.

Checking the name first and letting the client resolve it again to connect leaves a gap: a
name with a short TTL answers a public address to the check and 127.0.0.1 to the connection
(DNS rebinding). Here the connection itself resolves the name once, refuses if any answer
is internal (core/net.py's rule), and connects to the address it checked; TLS still verifies
the certificate against the name. Outside production every address is allowed (tests and
`make run` call receivers on loopback).
"""

from __future__ import annotations

from typing import Any

import httpcore
import httpx

from ylada_app.core.net import InternalAddress, public_address
from ylada_app.core.settings import get_settings


class BlockedAddress(httpcore.ConnectError):
    """The name leads into our own network (or does not resolve)."""


class _PublicOnly(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        if not get_settings().is_production:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            address = public_address(host, port)
        except InternalAddress as exc:
            raise BlockedAddress(str(exc)) from exc
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


def client(**kwargs: Any) -> httpx.Client:
    """An httpx.Client (same arguments) whose connections go only to public addresses in
    production. No proxies from the environment: a proxy would connect for us, unchecked."""
    limits = kwargs.pop("limits", httpx.Limits())
    transport = httpx.HTTPTransport(limits=limits, trust_env=False)
    # httpx takes no network backend of its own; its connection pool (httpcore) does.
    transport._pool._network_backend = _PublicOnly()  # noqa: SLF001
    return httpx.Client(transport=transport, trust_env=False, **kwargs)


def blocked(exc: BaseException) -> bool:
    """Did the request fail because its address is internal?"""
    return isinstance(exc, httpx.ConnectError) and isinstance(exc.__cause__, BlockedAddress)
