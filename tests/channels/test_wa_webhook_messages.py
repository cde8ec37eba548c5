"""Parsing each inbound message type from payloads shaped like Meta's documented examples."""

from __future__ import annotations

import json

import pytest

from ylada_app.channels.whatsapp_cloud.webhook import InboundMessage, parse_webhook

from . import meta_examples as ex


def parse_one(message: dict, **kw) -> InboundMessage:
    parsed = parse_webhook(json.dumps(ex.message_webhook(message, **kw)).encode())
    assert len(parsed.messages) == 1, parsed
    return parsed.messages[0]


def test_text_message_common_fields():
    m = parse_one(ex.TEXT)
    assert m.phone_number_id == ex.PHONE_ID
    assert m.display_phone_number == ex.DISPLAY
    assert m.waba_id == ex.WABA_ID
    assert m.wamid == ex.WAMID
    assert m.from_wa_id == ex.USER
    assert m.contact_name == ex.NAME
    assert m.timestamp == 1749416383
    assert m.type == "text" and m.supported
    assert m.text == "Does it come in another color?"
    assert m.payload is None and m.media is None and m.context is None
    assert m.raw["text"]["body"] == m.text


def test_reply_context_and_forwarded_flags():
    m = parse_one(ex.REPLY_TO)
    assert m.context.message_id == ex.CTX_WAMID and m.context.from_ == ex.DISPLAY
    assert not m.context.forwarded
    fwd = parse_one(ex.FORWARDED)
    assert fwd.context.forwarded and fwd.context.frequently_forwarded
    assert fwd.context.message_id is None


def test_interactive_button_reply():
    m = parse_one(ex.BUTTON_REPLY)
    assert (m.type, m.subtype, m.text, m.payload) == (
        "interactive",
        "button_reply",
        "Cancel",
        "cancel-button",
    )
    assert m.context.message_id == ex.CTX_WAMID


def test_interactive_list_reply():
    m = parse_one(ex.LIST_REPLY)
    assert (m.subtype, m.text, m.payload) == (
        "list_reply",
        "Priority Mail Express",
        "priority_express",
    )


def test_interactive_flow_nfm_reply():
    m = parse_one(ex.NFM_REPLY)
    assert m.subtype == "nfm_reply" and m.text == "Sent"
    assert json.loads(m.payload)["opt_in"] is True


def test_template_quick_reply_button():
    m = parse_one(ex.TEMPLATE_BUTTON)
    assert m.type == "button"
    assert m.payload == "Unsubscribe from Promos" and m.text == "Unsubscribe from Promos"


@pytest.mark.parametrize(
    ("example", "kind", "caption"),
    [
        (ex.IMAGE, "image", "This is a caption"),
        (ex.VIDEO, "video", "Check this out"),
        (ex.DOCUMENT, "document", "Invoice"),
        (ex.STICKER, "sticker", None),
        (ex.AUDIO_VOICE, "audio", None),
    ],
)
def test_media_messages(example, kind, caption):
    m = parse_one(example)
    body = example[kind]
    assert m.type == kind
    assert m.media.id == body["id"] and m.media.mime_type == body["mime_type"]
    assert m.media.sha256 == body["sha256"]
    assert m.media.caption == caption and m.text == caption


def test_media_specifics():
    assert parse_one(ex.AUDIO_VOICE).media.voice is True
    assert parse_one(ex.IMAGE).media.voice is False
    assert parse_one(ex.DOCUMENT).media.filename == "invoice-123.pdf"


def test_location():
    m = parse_one(ex.LOCATION)
    loc = m.location
    assert (loc.latitude, loc.longitude) == (37.483307, -122.148981)
    assert loc.name == "Meta Headquarters" and loc.address.startswith("1 Hacker Way")
    assert m.text is None


def test_shared_contacts():
    m = parse_one(ex.CONTACTS)
    assert m.type == "contacts" and len(m.contacts) == 1
    assert m.contacts[0]["phones"][0]["wa_id"] == "19405551234"
    assert m.contact_name == ex.NAME  # the sender, not the shared card


def test_reaction_and_removed_reaction():
    m = parse_one(ex.REACTION)
    assert m.reaction.message_id == ex.CTX_WAMID and m.reaction.emoji == "\U0001f44d"
    removed = parse_one(ex.REACTION_REMOVED)
    assert removed.reaction.emoji is None


def test_order():
    m = parse_one(ex.ORDER)
    assert m.order["catalog_id"] == "194836987003835"
    assert m.text == "Entregar amanhã, por favor"
    items = m.order["product_items"]
    assert [i["quantity"] for i in items] == [2, 1] and items[1]["item_price"] == 12.5


def test_system_number_change_has_no_contacts_array():
    m = parse_one(ex.SYSTEM_CHANGED_NUMBER, with_contacts=False)
    assert m.subtype == "user_changed_number"
    assert m.system["new_wa_id"] == "16505553333"
    assert m.contact_name is None and m.text.startswith("User Sheena")


def test_referral_from_click_to_whatsapp_ad():
    m = parse_one(ex.REFERRAL)
    assert m.text == "Quero saber mais"
    assert m.referral["source_type"] == "ad"
    assert m.referral["ctwa_clid"].startswith("Afc9")
    assert m.referral["welcome_message"] == "Olá! Como podemos ajudar?"


def test_unsupported_type_is_kept_and_flagged():
    parsed = parse_webhook(json.dumps(ex.message_webhook(ex.UNSUPPORTED)).encode())
    [m] = parsed.messages
    assert m.type == "unsupported" and not m.supported and m.text is None
    assert m.errors[0]["code"] == 131051
    assert m.errors[0]["details"] == "Message type is currently not supported."
    [u] = parsed.unsupported
    assert u.reason == "message_type:unsupported" and u.wamid == m.wamid


def test_unknown_future_type_is_kept_with_its_type():
    parsed = parse_webhook(
        json.dumps(ex.message_webhook({"type": "hologram", "hologram": {"x": 1}})).encode()
    )
    [m] = parsed.messages
    assert m.type == "hologram" and m.text is None and not m.supported
    assert parsed.unsupported[0].reason == "message_type:hologram"


def test_request_welcome_is_a_known_type_without_text():
    m = parse_one({"type": "request_welcome"})
    assert m.supported and m.text is None


def test_username_user_without_phone_uses_the_bsuid():
    body = ex.message_webhook(ex.TEXT)
    value = body["entry"][0]["changes"][0]["value"]
    msg = value["messages"][0]
    del msg["from"]
    msg["from_user_id"] = "BR.1502576394655843"
    value["contacts"] = [
        {"profile": {"name": "Ana", "username": "@ana"}, "user_id": "BR.1502576394655843"}
    ]
    [m] = parse_webhook(json.dumps(body).encode()).messages
    assert m.from_wa_id == "BR.1502576394655843" == m.from_user_id
    assert m.contact_name == "Ana" and m.contact_username == "@ana"


def test_contact_name_is_matched_by_wa_id():
    body = ex.message_webhook(ex.TEXT)
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"] = [
        {"profile": {"name": "Someone else"}, "wa_id": "5511900000000"},
        {"profile": {"name": ex.NAME}, "wa_id": ex.USER},
    ]
    [m] = parse_webhook(json.dumps(body).encode()).messages
    assert m.contact_name == ex.NAME


def test_ids_sent_as_numbers_become_strings_and_long_text_is_clipped():
    body = ex.message_webhook({"type": "text", "text": {"body": "x" * 100_000}})
    value = body["entry"][0]["changes"][0]["value"]
    value["metadata"]["phone_number_id"] = 106540352242922
    value["messages"][0]["from"] = 16505551234
    value["messages"][0]["timestamp"] = 1749416383
    [m] = parse_webhook(json.dumps(body).encode()).messages
    assert m.phone_number_id == "106540352242922" and m.from_wa_id == "16505551234"
    assert m.timestamp == 1749416383
    assert len(m.text) == 4096 * 4


def test_events_serialize_with_asdict():
    import dataclasses

    m = parse_one(ex.LOCATION)
    data = dataclasses.asdict(m)
    json.dumps(data)  # JSON-safe for storing as an inbound event
    assert data["location"]["name"] == "Meta Headquarters"
