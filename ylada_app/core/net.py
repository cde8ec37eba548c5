"""Who is asking: the client's address behind a known number of reverse proxies, and the key
that limits count it under (an IPv6 client controls a whole /64, so that is one key). And
where we may call: the guard that keeps tenants' URLs (HTTP blocks, outgoing webhooks) off
our own network."""

from __future__ import annotations

import ipaddress
import socket

from ylada_app.core.settings import get_settings


def client_address(peer: str, forwarded_for: str = "") -> str:
    """The address of the client. Behind TRUSTED_PROXY_HOPS proxies (each appending to
    X-Forwarded-For) it is the entry that many hops from the right; the rest of the header is
    client-controlled and never trusted. With no proxies configured, the socket's peer."""
    hops = get_settings().trusted_proxy_hops
    if hops > 0:
        chain = [p.strip() for p in (forwarded_for or "").split(",") if p.strip()]
        if len(chain) >= hops:
            return chain[-hops][:64]
    return (peer or "")[:64]


def limit_key(address: str) -> str:
    """IPv4 as is; IPv6 by its /64 (one subscriber's share); anything else trimmed."""
    try:
        ip = ipaddress.ip_address((address or "").strip().strip("[]"))
    except ValueError:
        return (address or "")[:64]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def internal_address(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local (cloud metadata), shared (100.64.0.0/10: carrier-grade
    NAT, some clouds' metadata, Tailscale), reserved, multicast, unspecified or any other
    address that is not on the public internet."""
    if isinstance(addr, ipaddress.IPv6Address):
        # An IPv4 address carried inside IPv6 (mapped, 6to4, Teredo, NAT64 64:ff9b::/96)
        # reaches that IPv4 address on a host that routes them: judge it instead.
        embedded = addr.ipv4_mapped or addr.sixtofour or (addr.teredo or (None, None))[1]
        if embedded is None and addr in _NAT64:
            embedded = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if embedded is not None:
            return internal_address(embedded)
    return (not addr.is_global or addr.is_private or addr.is_loopback or addr.is_link_local
            or addr.is_reserved or addr.is_multicast or addr.is_unspecified)


class InternalAddress(OSError):
    """The name leads into our own network, or does not resolve."""


def public_address(host: str, port: int) -> str:
    """The address to connect to for `host`, resolved once here: refused (InternalAddress)
    when any answer is internal. Connecting to exactly this address closes the gap a second
    resolution leaves (DNS rebinding: public to the check, 127.0.0.1 to the connection)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise InternalAddress(f"{host} does not resolve") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses or any(internal_address(a) for a in addresses):
        raise InternalAddress(f"{host} leads to an internal address")
    return str(addresses[0])


def internal_host(host: str) -> bool:
    """True when `host` resolves to an address a tenant's URL must never reach
    (`internal_address`), or does not resolve at all. Any one such address among several
    answers counts. (A check before a request; integrations/public_http.py checks again
    the address it connects to.)"""
    try:
        public_address(host, 0)
    except InternalAddress:
        return True
    return False
