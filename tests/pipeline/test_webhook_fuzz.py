"""Hostile and odd webhook bodies, correctly signed: the endpoint always answers 200 (or
413 for oversize), never 500, and stores only well-formed messages."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pipeline.conftest import SECRET
from ylada_app.channels.whatsapp_cloud import samples

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False), st.text(max_size=40))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=25)


@st.composite
def webhook_bodies(draw, pnid: str):
    """Meta's envelope with random values where Meta would put ids, types and texts."""
    msg = {
        "from": draw(st.one_of(st.text(max_size=40), st.integers(), st.none())),
        "id": draw(st.one_of(st.text(min_size=1, max_size=300), st.integers(), st.none())),
        "timestamp": draw(st.one_of(st.text(max_size=12), st.integers(), st.none())),
        "type": draw(st.one_of(st.sampled_from(["text", "interactive", "button", "image",
                                                "location", "contacts", "reaction", "order",
                                                "system", "unsupported", "poll"]),
                               st.text(max_size=20), st.none())),
    }
    for key in ("text", "interactive", "button", "image", "location", "contacts", "reaction"):
        if draw(st.booleans()):
            msg[key] = draw(json_values)
    value = {"messaging_product": "whatsapp",
             "metadata": {"phone_number_id": pnid, "display_phone_number": "1555"},
             "messages": draw(st.one_of(st.just([msg]), json_values)),
             "statuses": draw(st.one_of(st.just([]), json_values)),
             "contacts": draw(json_values)}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": draw(st.sampled_from(
                ["messages", "account_update", ""])), "value": value}]}]}


def test_random_signed_bodies_never_500(client, bot):
    @settings(max_examples=120, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(body=webhook_bodies(bot.phone_number_id))
    def check(body):
        raw = json.dumps(body, default=str).encode()
        res = client.post(bot.url, content=raw,
                          headers={"X-Hub-Signature-256": samples.sign_body(raw, SECRET)})
        assert res.status_code == 200, res.text

    check()


def test_raw_garbage_and_huge_bodies(client, bot):
    for raw in (b"", b"null", b"\x00" * 100, ("[" * 5000).encode(), b'{"entry": ' + b"1" * 10000
                + b"}"):
        res = client.post(bot.url, content=raw,
                          headers={"X-Hub-Signature-256": samples.sign_body(raw, SECRET)})
        assert res.status_code == 200
    huge = b"{" + b" " * (3 * 1024 * 1024 + 10) + b"}"
    res = client.post(bot.url, content=huge,
                      headers={"X-Hub-Signature-256": samples.sign_body(huge, SECRET)})
    assert res.status_code == 413


def test_nul_and_lone_surrogates_are_stored_cleaned(client, bot, db):
    from sqlmodel import select

    from ylada_app.models import Message

    body = samples.inbound_webhook(bot.phone_number_id, [
        samples.text_message("5511987659999", "x", wamid="wamid.SURR1")])
    raw = json.dumps(body).replace('"x"', '"a\\u0000b\\ud800c"').replace(
        "wamid.SURR1", "wamid.SURR1\\u0000\\udfff").encode()
    res = client.post(bot.url, content=raw,
                      headers={"X-Hub-Signature-256": samples.sign_body(raw, SECRET)})
    assert res.status_code == 200, res.text
    row = db.exec(select(Message).where(Message.wamid.like("wamid.SURR1%"))).one()
    assert "\x00" not in row.wamid and row.text.startswith("ab")
