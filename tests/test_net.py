"""Client addresses behind proxies, and the keys login limits count them under."""

from __future__ import annotations

import pytest

from ylada_app.core.net import client_address, limit_key
from ylada_app.core.settings import reset_settings_cache


@pytest.mark.parametrize(("address", "key"), [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),  # same /64, same key
    ("::ffff:203.0.113.9", "203.0.113.9"),
    ("[2001:db8::1]", "2001:db8::/64"),
    ("not-an-ip", "not-an-ip"),
    ("", ""),
])
def test_limit_keys(address, key):
    assert limit_key(address) == key


def test_forwarded_for_is_ignored_unless_proxies_are_configured(monkeypatch):
    assert client_address("10.0.0.1", "6.6.6.6") == "10.0.0.1"  # a client can write anything
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    reset_settings_cache()
    # the balancer appended the real peer; what the client wrote before it is not trusted
    assert client_address("10.0.0.1", "6.6.6.6, 198.51.100.7") == "198.51.100.7"
    assert client_address("10.0.0.1", "") == "10.0.0.1"
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
    reset_settings_cache()
    assert client_address("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2") == "198.51.100.7"
    reset_settings_cache()
