"""build_payload: engine outbound dicts -> Cloud API bodies (pure)."""

from __future__ import annotations

import pytest

from ylada_app.channels.whatsapp_cloud.payloads import (
    PayloadError,
    build_payload,
    mark_read_payload,
)

TO = "5511987654321"


def test_text():
    assert build_payload(TO, {"type": "text", "text": "Olá!"}) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": TO,
        "type": "text",
        "text": {"preview_url": False, "body": "Olá!"},
    }


def test_text_preview_url_auto_and_explicit():
    auto = build_payload(TO, {"type": "text", "text": "veja https://ylada.com.br"})
    assert auto["text"]["preview_url"] is True
    off = build_payload(TO, {"type": "text", "text": "https://x.y", "preview_url": False})
    assert off["text"]["preview_url"] is False


def test_long_text_is_clipped_to_4096():
    body = build_payload(TO, {"type": "text", "text": "a" * 5000})["text"]["body"]
    assert len(body) == 4096 and body.endswith("…")


def test_reply_to_adds_context():
    p = build_payload(TO, {"type": "text", "text": "sim", "reply_to": "wamid.X"})
    assert p["context"] == {"message_id": "wamid.X"}


@pytest.mark.parametrize("kind", ["image", "video", "document"])
def test_media_with_caption(kind):
    msg = {"type": "media", "kind": kind, "url": "https://cdn.example/f", "caption": "Legenda"}
    p = build_payload(TO, msg)
    assert p["type"] == kind
    assert p[kind]["link"] == "https://cdn.example/f" and p[kind]["caption"] == "Legenda"


def test_document_filename_and_audio_sticker_drop_caption():
    doc = build_payload(
        TO,
        {"type": "media", "kind": "document", "url": "https://x/f.pdf", "filename": "cardapio.pdf"},
    )
    assert doc["document"] == {"link": "https://x/f.pdf", "filename": "cardapio.pdf"}
    for kind in ("audio", "sticker"):
        p = build_payload(
            TO,
            {
                "type": "media",
                "kind": kind,
                "url": "https://x/a",
                "caption": "ignored",
                "filename": "ignored",
            },
        )
        assert p[kind] == {"link": "https://x/a"}


def test_media_by_uploaded_id():
    p = build_payload(TO, {"type": "media", "kind": "image", "media_id": "1234567890"})
    assert p["image"] == {"id": "1234567890"}


def test_reply_buttons():
    msg = {
        "type": "buttons",
        "text": "Escolha uma opção",
        "buttons": [{"id": "b1", "title": "Cardápio"}, {"id": "b2", "title": "Falar com humano"}],
        "header": "Pizzaria",
        "footer": "Responda em até 24h",
    }
    p = build_payload(TO, msg)
    assert p["type"] == "interactive"
    assert p["interactive"] == {
        "type": "button",
        "body": {"text": "Escolha uma opção"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "b1", "title": "Cardápio"}},
                {"type": "reply", "reply": {"id": "b2", "title": "Falar com humano"}},
            ]
        },
        "header": {"type": "text", "text": "Pizzaria"},
        "footer": {"text": "Responda em até 24h"},
    }


def test_button_titles_are_clipped_to_20_and_image_header():
    msg = {
        "type": "buttons",
        "text": "x",
        "buttons": [{"id": "a", "title": "t" * 30}],
        "header": {"type": "image", "url": "https://x/banner.png"},
    }
    p = build_payload(TO, msg)["interactive"]
    assert len(p["action"]["buttons"][0]["reply"]["title"]) == 20
    assert p["header"] == {"type": "image", "image": {"link": "https://x/banner.png"}}


def test_list():
    msg = {
        "type": "list",
        "text": "Nosso cardápio",
        "button_label": "Ver cardápio",
        "sections": [
            {
                "title": "Pizzas",
                "rows": [
                    {
                        "id": "p1",
                        "title": "Margherita",
                        "description": "Molho, muçarela, manjericão",
                    },
                    {"id": "p2", "title": "Calabresa"},
                ],
            },
            {"title": "Bebidas", "rows": [{"id": "d1", "title": "Guaraná"}]},
        ],
        "footer": "Entrega grátis",
    }
    p = build_payload(TO, msg)["interactive"]
    assert p["type"] == "list" and p["action"]["button"] == "Ver cardápio"
    assert p["action"]["sections"][0] == {
        "title": "Pizzas",
        "rows": [
            {"id": "p1", "title": "Margherita", "description": "Molho, muçarela, manjericão"},
            {"id": "p2", "title": "Calabresa"},
        ],
    }
    assert p["footer"] == {"text": "Entrega grátis"} and "header" not in p


def test_list_limits_are_clipped():
    rows = [{"id": "r", "title": "T" * 40, "description": "D" * 100}]
    msg = {
        "type": "list",
        "text": "x",
        "button_label": "B" * 30,
        "sections": [{"title": "S" * 40, "rows": rows}],
    }
    p = build_payload(TO, msg)["interactive"]
    assert len(p["action"]["button"]) == 20
    section = p["action"]["sections"][0]
    assert len(section["title"]) == 24
    assert len(section["rows"][0]["title"]) == 24 and len(section["rows"][0]["description"]) == 72


def test_list_default_button_label():
    msg = {"type": "list", "text": "x", "sections": [{"rows": [{"id": "a", "title": "A"}]}]}
    assert build_payload(TO, msg)["interactive"]["action"]["button"] == "Ver opções"


def test_template():
    components = [{"type": "body", "parameters": [{"type": "text", "text": "Maria"}]}]
    p = build_payload(
        TO,
        {
            "type": "template",
            "name": "pedido_confirmado",
            "language": "pt_BR",
            "components": components,
        },
    )
    assert p["type"] == "template"
    assert p["template"] == {
        "name": "pedido_confirmado",
        "language": {"code": "pt_BR"},
        "components": components,
    }
    minimal = build_payload(
        TO, {"type": "template", "name": "hello_world", "language": {"code": "en_US"}}
    )
    assert minimal["template"] == {"name": "hello_world", "language": {"code": "en_US"}}


def test_reaction_location_contacts():
    r = build_payload(TO, {"type": "reaction", "message_id": "wamid.X", "emoji": "👍"})
    assert r["reaction"] == {"message_id": "wamid.X", "emoji": "👍"}
    loc = build_payload(
        TO, {"type": "location", "latitude": -23.55, "longitude": -46.63, "name": "Loja"}
    )
    assert loc["location"] == {"latitude": -23.55, "longitude": -46.63, "name": "Loja"}
    card = {"name": {"formatted_name": "Ana"}, "phones": [{"phone": "+5511"}]}
    assert build_payload(TO, {"type": "contacts", "contacts": [card]})["contacts"] == [card]


def test_mark_read():
    assert mark_read_payload("wamid.X") == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.X",
    }
    typing = build_payload("", {"type": "read", "message_id": "wamid.X", "typing": True})
    assert typing["typing_indicator"] == {"type": "text"}


@pytest.mark.parametrize(
    "msg",
    [
        None,
        {"type": "carousel"},
        {"type": "text"},
        {"type": "text", "text": "   "},
        {"type": "media", "kind": "gif", "url": "https://x"},
        {"type": "media", "kind": "image", "url": "ftp://x"},
        {"type": "media", "kind": "image"},
        {"type": "buttons", "text": "x", "buttons": []},
        {
            "type": "buttons",
            "text": "x",
            "buttons": [{"id": str(i), "title": str(i)} for i in range(4)],
        },
        {
            "type": "buttons",
            "text": "x",
            "buttons": [{"id": "a", "title": "A"}, {"id": "a", "title": "B"}],
        },
        {"type": "buttons", "text": "x", "buttons": [{"id": "a" * 257, "title": "A"}]},
        {"type": "buttons", "buttons": [{"id": "a", "title": "A"}]},
        {"type": "list", "text": "x", "sections": []},
        {
            "type": "list",
            "text": "x",
            "sections": [{"rows": [{"id": str(i), "title": "t"} for i in range(11)]}],
        },
        {
            "type": "list",
            "text": "x",
            "sections": [
                {"rows": [{"id": "a", "title": "A"}]},
                {"rows": [{"id": "b", "title": "B"}]},
            ],
        },
        {"type": "template", "language": "pt_BR"},
        {"type": "template", "name": "x", "components": "nope"},
        {"type": "location", "latitude": 91, "longitude": 0},
        {"type": "contacts", "contacts": [{}]},
        {"type": "read"},
    ],
)
def test_invalid_messages_raise_payload_error(msg):
    with pytest.raises(PayloadError):
        build_payload(TO, msg)


def test_recipient_is_required():
    with pytest.raises(PayloadError):
        build_payload("", {"type": "text", "text": "x"})
