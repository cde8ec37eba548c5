"""Builders for Meta-shaped webhook bodies (tests, the simulator, local development).

They produce exactly what Cloud API POSTs to a webhook (shapes from Meta's "messages
webhook reference"), so code under test sees realistic input:

    body = inbound_webhook("106540352242922", [text_message("5511987654321", "oi")])
    raw, headers = signed(body, app_secret)   # -> POST raw with headers
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from typing import Any

from .webhook import SIGNATURE_HEADER, WABA_OBJECT, sign_body

DEFAULT_WABA_ID = "102290129340398"
DEFAULT_DISPLAY_NUMBER = "15550783881"
_counter = itertools.count(1)


def new_wamid() -> str:
    return f"wamid.HBgN{secrets.token_hex(12).upper()}{next(_counter):06d}"


def envelope(values: list[tuple[str, dict]], *, waba_id: str = DEFAULT_WABA_ID) -> dict:
    """[(field, value), ...] -> {"object", "entry": [{"id", "changes": [...]}]}."""
    changes = [{"value": value, "field": field} for field, value in values]
    return {"object": WABA_OBJECT, "entry": [{"id": waba_id, "changes": changes}]}


def value(
    phone_number_id: str,
    *,
    messages: list[dict] | None = None,
    statuses: list[dict] | None = None,
    errors: list[dict] | None = None,
    contacts: list[dict] | None = None,
    display_phone_number: str = DEFAULT_DISPLAY_NUMBER,
) -> dict:
    out: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": display_phone_number,
            "phone_number_id": phone_number_id,
        },
    }
    if contacts is not None:
        out["contacts"] = contacts
    if messages is not None:
        out["messages"] = messages
    if statuses is not None:
        out["statuses"] = statuses
    if errors is not None:
        out["errors"] = errors
    return out


def contact(wa_id: str, name: str) -> dict:
    return {"profile": {"name": name}, "wa_id": wa_id}


def inbound_webhook(
    phone_number_id: str,
    messages: list[dict],
    *,
    names: dict[str, str] | None = None,
    waba_id: str = DEFAULT_WABA_ID,
) -> dict:
    """A `messages` webhook; contacts[] built from `names` or from each sender."""
    senders = dict.fromkeys(m["from"] for m in messages if m.get("type") != "system")
    names = names or {}
    contacts = [contact(s, names.get(s, "Cliente")) for s in senders]
    return envelope(
        [("messages", value(phone_number_id, messages=messages, contacts=contacts))],
        waba_id=waba_id,
    )


def status_webhook(
    phone_number_id: str, statuses: list[dict], *, waba_id: str = DEFAULT_WABA_ID
) -> dict:
    return envelope([("messages", value(phone_number_id, statuses=statuses))], waba_id=waba_id)


def template_status_webhook(update: dict, *, waba_id: str = DEFAULT_WABA_ID) -> dict:
    """Meta's review of a message template (`message_template_status_update`)."""
    return envelope([("message_template_status_update", update)], waba_id=waba_id)


def echo_webhook(phone_number_id: str, echoes: list[dict], *,
                 waba_id: str = DEFAULT_WABA_ID) -> dict:
    """`smb_message_echoes`: what the business sent from the WhatsApp Business app."""
    val = value(phone_number_id)
    val["message_echoes"] = echoes
    return envelope([("smb_message_echoes", val)], waba_id=waba_id)


def app_echo(to: str, body: str, *, wamid: str | None = None, ts: int | None = None,
             edit_of: str | None = None, revoke_of: str | None = None) -> dict:
    """One echo: a text the business wrote in the app to `to`, or its edit / deletion."""
    if revoke_of:
        echo = _message(DEFAULT_DISPLAY_NUMBER, "revoke", {"original_message_id": revoke_of},
                        wamid, ts)
    elif edit_of:
        echo = _message(DEFAULT_DISPLAY_NUMBER, "edit", {
            "original_message_id": edit_of,
            "message": {"type": "text", "text": {"body": body}}}, wamid, ts)
    else:
        echo = _message(DEFAULT_DISPLAY_NUMBER, "text", {"body": body}, wamid, ts)
    echo["to"] = to
    return echo


def _message(from_: str, mtype: str, body: Any, wamid: str | None, ts: int | None) -> dict:
    msg: dict[str, Any] = {
        "from": from_,
        "id": wamid or new_wamid(),
        "timestamp": str(ts if ts is not None else int(time.time())),
        "type": mtype,
    }
    if body is not None:
        msg[mtype] = body
    return msg


def text_message(from_: str, body: str, *, wamid: str | None = None, ts: int | None = None) -> dict:
    return _message(from_, "text", {"body": body}, wamid, ts)


def button_reply(
    from_: str,
    button_id: str,
    title: str,
    *,
    context_id: str | None = None,
    wamid: str | None = None,
    ts: int | None = None,
) -> dict:
    msg = _message(
        from_,
        "interactive",
        {"type": "button_reply", "button_reply": {"id": button_id, "title": title}},
        wamid,
        ts,
    )
    msg["context"] = {"from": DEFAULT_DISPLAY_NUMBER, "id": context_id or new_wamid()}
    return msg


def list_reply(
    from_: str,
    row_id: str,
    title: str,
    description: str | None = None,
    *,
    wamid: str | None = None,
    ts: int | None = None,
) -> dict:
    reply = {"id": row_id, "title": title}
    if description:
        reply["description"] = description
    msg = _message(
        from_, "interactive", {"type": "list_reply", "list_reply": reply}, wamid, ts
    )
    msg["context"] = {"from": DEFAULT_DISPLAY_NUMBER, "id": new_wamid()}
    return msg


def template_button(
    from_: str, payload: str, text: str, *, wamid: str | None = None, ts: int | None = None
) -> dict:
    msg = _message(from_, "button", {"payload": payload, "text": text}, wamid, ts)
    msg["context"] = {"from": DEFAULT_DISPLAY_NUMBER, "id": new_wamid()}
    return msg


def media_message(
    from_: str,
    kind: str,
    *,
    caption: str | None = None,
    mime_type: str = "image/jpeg",
    wamid: str | None = None,
    ts: int | None = None,
    **extra: Any,
) -> dict:
    body: dict[str, Any] = {
        "mime_type": mime_type,
        "sha256": secrets.token_hex(32),
        "id": str(1000000000000000 + next(_counter)),
        **extra,
    }
    if caption is not None:
        body["caption"] = caption
    return _message(from_, kind, body, wamid, ts)


def location_message(
    from_: str, latitude: float, longitude: float, *, name: str | None = None, **kw: Any
) -> dict:
    body: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if name:
        body["name"] = name
    return _message(from_, "location", body, kw.get("wamid"), kw.get("ts"))


def reaction_message(from_: str, message_id: str, emoji: str, **kw: Any) -> dict:
    body = {"message_id": message_id, "emoji": emoji}
    return _message(from_, "reaction", body, kw.get("wamid"), kw.get("ts"))


def unsupported_message(from_: str, kind: str = "poll_creation", **kw: Any) -> dict:
    msg = _message(from_, "unsupported", {"type": kind}, kw.get("wamid"), kw.get("ts"))
    msg["errors"] = [
        {
            "code": 131051,
            "title": "Message type unknown",
            "message": "Message type unknown",
            "error_data": {"details": "Message type is currently not supported."},
        }
    ]
    return msg


def status(
    wamid: str,
    status_: str,
    recipient_id: str,
    *,
    ts: int | None = None,
    errors: list[dict] | None = None,
    callback_data: str | None = None,
) -> dict:
    out: dict[str, Any] = {
        "id": wamid,
        "status": status_,
        "timestamp": str(ts if ts is not None else int(time.time())),
        "recipient_id": recipient_id,
    }
    if callback_data is not None:  # echoed from the send (biz_opaque_callback_data)
        out["biz_opaque_callback_data"] = callback_data
    if status_ in ("sent", "delivered", "read"):
        out["pricing"] = {
            "billable": False,
            "pricing_model": "PMP",
            "category": "service",
            "type": "free_customer_service",
        }
    if errors:
        out["errors"] = errors
    return out


def encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signed(body: dict, app_secret: str) -> tuple[bytes, dict[str, str]]:
    """(raw bytes, headers) ready to POST to our webhook endpoint."""
    raw = encode(body)
    return raw, {SIGNATURE_HEADER: sign_body(raw, app_secret), "Content-Type": "application/json"}
