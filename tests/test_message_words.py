"""What a message without words of its own shows in the inbox and the conversation list
(services.message_words, components.chat.bubble_from): odd or broken stored payloads never
break the inbox, our own file sent by link is still drawn as the file."""

from __future__ import annotations

import pytest

from ylada_app.components.chat import bubble_from
from ylada_app.services.message_words import describe, preview


def test_our_file_sent_by_link_is_drawn_not_described():
    payload = {"type": "media", "kind": "document", "url": "https://loja.exemplo/cat.pdf",
               "caption": "Nosso catálogo", "filename": "cat.pdf"}
    bubble = bubble_from(1, "out", "media", "Nosso catálogo", payload, "sent")
    assert (bubble.type, bubble.media_kind, bubble.text) == ("media", "document",
                                                             "Nosso catálogo")
    assert preview("media", "Nosso catálogo", payload) == "Nosso catálogo"
    assert preview("media", None, payload) == "📄 Documento: cat.pdf"


@pytest.mark.parametrize("payload", [
    None, "x", [], {"location": "here"}, {"location": {"latitude": "1", "longitude": 2}},
    {"location": {"latitude": 91, "longitude": 2}}, {"contacts": "Ana"},
    {"contacts": [None, {"name": "Ana", "phones": "1"}]}, {"reaction": ["👍"]},
    {"order": {"product_items": [{"quantity": True}, "x"]}},
    {"unsupported": True, "raw": "x"}, {"media": "x"},
])
@pytest.mark.parametrize("mtype", ["image", "document", "location", "contacts", "reaction",
                                   "order", "unsupported", "interactive", "", "weird"])
def test_any_stored_shape_gives_words_and_no_map_link_from_nonsense(mtype, payload):
    words = describe(mtype, None, payload)
    assert words.text.strip() and "{" not in words.text
    assert words.map_url == ""
    assert preview(mtype, None, payload) == " ".join(words.text.split())


def test_a_location_links_to_the_map_in_either_language():
    payload = {"location": {"latitude": -22.9, "longitude": -43.2, "address": "Rua A, 1"}}
    pt, en = describe("location", None, payload, "pt"), describe("location", None, payload, "en")
    assert pt.text == "📍 Localização: Rua A, 1" and en.text == "📍 Location: Rua A, 1"
    assert pt.map_url == en.map_url == "https://maps.google.com/?q=-22.9,-43.2"
    bubble = bubble_from(1, "in", "location", None, payload, "processed")
    assert bubble.map_url == "https://maps.google.com/?q=-22.9,-43.2"


def test_an_order_of_one_item_and_a_past_chat_photo():
    order = {"order": {"product_items": [{"product_retailer_id": "p", "quantity": 1}]}}
    assert describe("order", None, order).text == "🛒 Pedido: 1 item"
    assert describe("image", None, {"history": True}).text == "📷 Foto"  # only its type
    assert describe("text", "oi", {}).text == "oi"
