"""Found by review and fixed: a customer known only by the business-scoped user id (BSUID)
Meta gives WhatsApp users with a username never got a reply — the payload carried the BSUID
in `to`, which takes a phone number. The Cloud API addresses a BSUID (or a parent BSUID,
"US.ENT.…") through `recipient`; the fake Graph accepts either field and refuses a BSUID in
`to` and a payload with neither, as Meta does."""

from __future__ import annotations

import httpx
import pytest

from ylada_app.channels.whatsapp_cloud.payloads import build_payload, is_bsuid

from .conftest import PHONE_ID, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = {"type": "text", "text": "oi"}


@pytest.mark.parametrize("uid", ["BR.13491208655302741918", "US.ENT.11815799212886844830"])
def test_a_bsuid_goes_in_recipient(uid):
    payload = build_payload(uid, TEXT)
    assert "to" not in payload
    assert payload["recipient"] == uid
    assert payload["messaging_product"] == "whatsapp" and payload["text"]["body"] == "oi"


@pytest.mark.parametrize("phone", ["5511987654321", "+5511987654321"])
def test_a_phone_goes_in_to(phone):
    payload = build_payload(phone, TEXT)
    assert payload["to"] == phone and "recipient" not in payload
    assert not is_bsuid(phone)


def _post(graph, doc):
    return httpx.post(f"{graph.base_url}/v21.0/{PHONE_ID}/messages", headers=AUTH, json=doc)


def test_the_fake_graph_takes_recipient_and_refuses_a_bsuid_in_to_or_no_recipient(graph):
    uid = "BR.13491208655302741918"
    ok = _post(graph, build_payload(uid, TEXT))
    assert ok.status_code == 200, ok.text
    assert ok.json()["contacts"] == [{"input": uid, "user_id": uid}]
    assert graph.messages_to(uid)[0]["recipient"] == uid

    base = {"messaging_product": "whatsapp", "type": "text", "text": {"body": "oi"}}
    assert _post(graph, {**base, "to": uid}).status_code == 400
    assert _post(graph, base).status_code == 400
    assert _post(graph, {**base, "recipient": ""}).status_code == 400
    # both: the phone wins, as on Meta
    both = _post(graph, {**base, "to": "5511987654321", "recipient": uid})
    assert both.json()["contacts"] == [{"input": "5511987654321", "wa_id": "5511987654321"}]
