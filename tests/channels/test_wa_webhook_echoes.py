"""Parsing `smb_message_echoes` (messages the business sent from the WhatsApp Business app):
texts and media read like messages with `from` and `to` swapped, edits carry the new
message, deletions the original's id; anything malformed is recorded, never raised."""

from __future__ import annotations

from ylada_app.channels.whatsapp_cloud import samples
from ylada_app.channels.whatsapp_cloud.webhook import parse_webhook


def _parse(*echoes):
    return parse_webhook(samples.encode(samples.echo_webhook("PN1", list(echoes))))


def test_text_media_edit_and_revoke_echoes():
    image = {"from": "15550783881", "to": "5511988887777", "id": "wamid.B",
             "timestamp": "1739321025", "type": "image",
             "image": {"id": "M1", "mime_type": "image/jpeg", "caption": "sua foto"}}
    parsed = _parse(samples.app_echo("+5511988887777", "Oi!", wamid="wamid.A", ts=1739321024),
                    image,
                    samples.app_echo("5511988887777", "Oi!!", wamid="wamid.C",
                                     edit_of="wamid.A"),
                    samples.app_echo("5511988887777", "", wamid="wamid.D",
                                     revoke_of="wamid.B"))
    text, media, edit, revoke = parsed.echoes
    assert (text.wamid, text.to_wa_id, text.type, text.text, text.timestamp) == (
        "wamid.A", "5511988887777", "text", "Oi!", 1739321024)
    assert text.phone_number_id == "PN1" and not (text.edit_of or text.revoke_of)
    assert media.type == "image" and media.text == "sua foto" and media.media.id == "M1"
    assert (edit.edit_of, edit.text) == ("wamid.A", "Oi!!")
    assert revoke.revoke_of == "wamid.B" and revoke.text is None
    assert not parsed.messages and not parsed.unsupported and not parsed.is_empty


def test_malformed_echoes_are_recorded_not_raised():
    parsed = _parse({"from": "1", "id": "wamid.X", "type": "text"},  # no recipient
                    {"to": "5511", "type": "text"},  # no id
                    {"to": "5511", "id": "wamid.Y", "type": "revoke", "revoke": {}},
                    {"to": "5511", "id": "wamid.Z", "type": "edit", "edit": "?"},
                    "junk", None, 7)
    assert not parsed.echoes
    assert [u.reason for u in parsed.unsupported] == ["malformed_echo"] * 7
    bad = parse_webhook(samples.encode(samples.envelope(
        [("smb_message_echoes", {"message_echoes": "nope"})])))
    assert [u.reason for u in bad.unsupported] == ["field:smb_message_echoes"]


def test_state_sync_contacts():
    body = samples.envelope([("smb_app_state_sync", {
        "metadata": {"phone_number_id": "PN1"},
        "state_sync": [
            {"type": "contact", "action": "add", "metadata": {"timestamp": "1739321024"},
             "contact": {"full_name": "Pablo Morales", "first_name": "Pablo",
                         "phone_number": "+55 (11) 95556-0011"}},
            {"type": "contact", "action": "ADD", "contact": {"first_name": "Cida",
                                                              "phone_number": "5511955560012"}},
            {"type": "contact", "action": "remove", "contact": {"phone_number": "16505551234"}},
            {"type": "contact", "action": "block", "contact": {"phone_number": "16505551234"}},
            {"type": "label", "action": "add"}, "junk"]})])
    parsed = parse_webhook(samples.encode(body))
    assert [(c.wa_id, c.action, c.name, c.timestamp) for c in parsed.app_contacts] == [
        ("5511955560011", "add", "Pablo Morales", 1739321024),
        ("5511955560012", "add", "Cida", 0),
        ("16505551234", "remove", "", 0)]
    assert [u.reason for u in parsed.unsupported] == ["malformed_state_sync"] * 3


def test_history_chunks_threads_and_a_refusal():
    def chunk(threads):
        return samples.envelope([("history", {"metadata": {"phone_number_id": "PN1"},
                                              "history": threads})])
    parsed = parse_webhook(samples.encode(chunk([{
        "metadata": {"phase": 1, "chunk_order": 2, "progress": 40},
        "threads": [
            {"id": "+5511988887777", "messages": [
                {"from": "5511988887777", "id": "wamid.H1", "timestamp": "1739230955",
                 "type": "text", "text": {"body": "oi"}, "history_context": {"status": "pending"}},
                {"from": "15550783881", "id": "wamid.H2", "timestamp": "1739230960",
                 "type": "text", "text": {"body": "olá!"},
                 "history_context": {"from_me": True, "status": "READ"}},
                {"from": "5511988887777", "id": "wamid.H3", "timestamp": "1739230970",
                 "type": "media_placeholder"},
                {"from": "5511988887777", "type": "text"}, "junk",
                {"from": "15550783881", "id": "wamid.H4", "timestamp": "1739230980",
                 "type": "revoke", "revoke": {"original_message_id": "wamid.H2"}}]},
            {"messages": []}]}])))
    [thread] = parsed.history
    assert thread.wa_id == "5511988887777" and thread.phone_number_id == "PN1"
    assert [(m.wamid, m.from_business, m.text, m.status) for m in thread.messages] == [
        ("wamid.H1", False, "oi", "pending"), ("wamid.H2", True, "olá!", "read"),
        ("wamid.H3", False, None, "")]
    assert [u.reason for u in parsed.unsupported] == ["malformed_history"]
    declined = parse_webhook(samples.encode(chunk([{"errors": [{"code": 2593109}]}])))
    assert declined.history_declined and not declined.history and not declined.is_empty
