"""X-Hub-Signature-256 verification and the GET handshake helper."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from ylada_app.channels.whatsapp_cloud.webhook import (
    parse_handshake,
    sign_body,
    verify_signature,
)

SECRET = "0123456789abcdef0123456789abcdef"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


def _header(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_valid_signature_is_accepted():
    assert verify_signature(BODY, _header(BODY), SECRET)
    assert sign_body(BODY, SECRET) == _header(BODY)


def test_uppercase_hex_and_surrounding_spaces_are_accepted():
    header = "  sha256=" + _header(BODY)[7:].upper() + " "
    assert verify_signature(BODY, header, SECRET)


@pytest.mark.parametrize(
    "header",
    [
        _header(BODY, "another-secret"),  # wrong secret
        _header(BODY + b" "),  # body changed by one byte
        _header(BODY)[:-1] + ("0" if _header(BODY)[-1] != "0" else "1"),  # one digit off
    ],
)
def test_bad_signature_is_rejected(header):
    assert not verify_signature(BODY, header, SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha1=" + "a" * 40,
        "sha256=" + "z" * 64,  # not hex
        "sha256=" + "a" * 63,  # wrong length
        "sha256=" + "a" * 65,
        _header(BODY)[7:],  # no prefix
        "sha256 = " + _header(BODY)[7:],
        "sha256=" + "é" * 64,
    ],
)
def test_missing_or_malformed_header_is_rejected(header):
    assert not verify_signature(BODY, header, SECRET)


def test_empty_secret_never_verifies():
    assert not verify_signature(BODY, _header(BODY, ""), "")


def test_signature_covers_the_raw_bytes_not_reserialized_json():
    pretty = b'{\n  "object": "whatsapp_business_account",\n  "entry": []\n}'
    assert not verify_signature(pretty, _header(BODY), SECRET)
    assert verify_signature(pretty, _header(pretty), SECRET)


def test_parse_handshake():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert parse_handshake(params) == ("subscribe", "tok", "1158201444")
    assert parse_handshake({}) == (None, None, None)
