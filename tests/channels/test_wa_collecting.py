"""CollectingOutputChannel and the sample webhook builders (signed round trip)."""

from __future__ import annotations

from ylada_app.channels.collecting import CollectingOutputChannel
from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.channels.whatsapp_cloud.webhook import parse_webhook, verify_signature

from .conftest import APP_SECRET, PHONE_ID, run


def test_collector_records_and_returns_fake_wamids():
    channel = CollectingOutputChannel()

    async def go():
        a = await channel.send(PHONE_ID, None, "5511", {"type": "text", "text": "Olá"})
        b = await channel.send(
            PHONE_ID,
            None,
            "5511",
            {"type": "buttons", "text": "Escolha", "buttons": [{"id": "1", "title": "Sim"}]},
        )
        return a, b

    a, b = run(go())
    assert a.ok and b.ok and a.wamid != b.wamid and a.wamid.startswith("wamid.")
    assert [m["wamid"] for m in channel.messages] == [a.wamid, b.wamid]
    first = channel.messages[0]
    assert first["to"] == "5511" and first["message"] == {"type": "text", "text": "Olá"}
    assert first["payload"]["text"]["body"] == "Olá"
    assert channel.texts() == ["Olá", "Escolha"] and channel.latest()["wamid"] == b.wamid


def test_collector_rejects_what_meta_would_reject():
    channel = CollectingOutputChannel()
    result = run(
        channel.send(PHONE_ID, None, "5511", {"type": "buttons", "text": "x", "buttons": []})
    )
    assert not result.ok and result.error_kind == "invalid_payload"
    assert channel.messages == []


def test_collector_mark_read_and_clear():
    channel = CollectingOutputChannel()
    assert run(channel.mark_read(PHONE_ID, None, "wamid.IN")).ok
    assert channel.reads == ["wamid.IN"]
    channel.clear()
    assert channel.reads == [] and channel.messages == []


def test_sample_builders_round_trip_through_signature_and_parser():
    user = "5511987654321"
    out = samples.new_wamid()
    body = samples.inbound_webhook(
        PHONE_ID,
        [
            samples.text_message(user, "quero pizza", ts=1750000000),
            samples.button_reply(user, "menu", "Cardápio"),
            samples.list_reply(user, "p1", "Margherita", "Clássica"),
            samples.template_button(user, "STOP", "Parar promoções"),
            samples.media_message(user, "audio", mime_type="audio/ogg", voice=True),
            samples.media_message(user, "image", caption="foto"),
            samples.location_message(user, -23.56, -46.65, name="Casa"),
            samples.reaction_message(user, out, "❤️"),
            samples.unsupported_message(user),
        ],
        names={user: "Maria"},
    )
    raw, headers = samples.signed(body, APP_SECRET)
    assert verify_signature(raw, headers["X-Hub-Signature-256"], APP_SECRET)
    parsed = parse_webhook(raw)
    types = [(m.type, m.text, m.payload) for m in parsed.messages]
    assert types == [
        ("text", "quero pizza", None),
        ("interactive", "Cardápio", "menu"),
        ("interactive", "Margherita", "p1"),
        ("button", "Parar promoções", "STOP"),
        ("audio", None, None),
        ("image", "foto", None),
        ("location", None, None),
        ("reaction", None, None),
        ("unsupported", None, None),
    ]
    assert all(m.contact_name == "Maria" and m.phone_number_id == PHONE_ID for m in parsed.messages)
    assert parsed.messages[4].media.voice and parsed.messages[7].reaction.message_id == out
    assert parsed.messages[0].timestamp == 1750000000

    statuses = samples.status_webhook(
        PHONE_ID,
        [
            samples.status(out, "delivered", user),
            samples.status(
                out, "failed", user, errors=[{"code": 131026, "title": "Undeliverable"}]
            ),
        ],
    )
    parsed = parse_webhook(samples.encode(statuses))
    assert [(s.status, s.errors[:1]) for s in parsed.statuses][0] == ("delivered", [])
    assert parsed.statuses[1].errors[0]["code"] == 131026
