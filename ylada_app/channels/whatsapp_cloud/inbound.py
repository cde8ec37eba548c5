"""Turn one `value.messages[]` dict into an `InboundMessage` (type-specific fields).

Shapes follow Meta's "messages webhook reference" (text, interactive, button, media,
location, contacts, reaction, order, system, unsupported, request_welcome). Unknown
future types are kept with `supported=False` so the bot can still answer "I can't read
that" and the wamid still deduplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from .coerce import (
    MAX_ID,
    MAX_SHORT,
    MAX_TEXT,
    as_bool,
    as_dict,
    as_float,
    as_id,
    as_int,
    as_list,
    as_str,
    as_timestamp,
)
from .events import InboundMessage, Location, Media, MessageContext, Reaction

MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
KNOWN_TYPES = MEDIA_TYPES | {
    "text",
    "interactive",
    "button",
    "location",
    "contacts",
    "reaction",
    "order",
    "system",
    "request_welcome",
}
MAX_SHARED_CONTACTS = 50


@dataclass(frozen=True, slots=True)
class ChangeMeta:
    """What every message of one `changes[].value` shares."""

    phone_number_id: str
    display_phone_number: str | None
    waba_id: str | None
    names: dict[str, tuple[str | None, str | None]]  # wa_id/user_id -> (name, username)


def contact_names(contacts: object) -> dict[str, tuple[str | None, str | None]]:
    names: dict[str, tuple[str | None, str | None]] = {}
    for item in as_list(contacts):
        contact = as_dict(item)
        profile = as_dict(contact.get("profile"))
        entry = (as_str(profile.get("name")), as_str(profile.get("username")))
        for key in ("wa_id", "user_id"):
            ident = as_id(contact.get(key))
            if ident and ident not in names:
                names[ident] = entry
    return names


def normalize_error(err: dict) -> dict:
    """A Meta error object -> {"code", "title", "message", "details", "href"}."""
    return {
        "code": as_int(err.get("code")),
        "title": as_str(err.get("title")),
        "message": as_str(err.get("message")),
        "details": as_str(as_dict(err.get("error_data")).get("details"))
        or as_str(err.get("details")),
        "href": as_str(err.get("href")),
    }


def normalize_errors(value: object, limit: int = 20) -> list[dict]:
    return [normalize_error(e) for e in as_list(value, limit) if isinstance(e, dict) and e]


def parse_message(msg: dict, meta: ChangeMeta) -> InboundMessage | None:
    """None when the message lacks an id or a sender (nothing to deduplicate or answer)."""
    wamid = as_id(msg.get("id"))
    wa_id = as_id(msg.get("from"))
    user_id = as_id(msg.get("from_user_id"))
    mtype = as_str(msg.get("type"), 64) or "unknown"
    fields = _type_fields(mtype, msg)
    previous = (fields.get("system") or {}).get("previous_user_id")
    if previous:
        # Meta's notice that the BSUID changed (user_changed_user_id, user_changed_number)
        # comes from the customer's new identity, or from none: it is about the contact
        # known by the previous one, which is the one it must reach (Meta's own `from_user_id`
        # stays in `raw`).
        user_id = previous
    sender = wa_id or user_id
    if not wamid or not sender:
        return None
    name, username = meta.names.get(sender) or meta.names.get(user_id or "") or (None, None)
    return InboundMessage(
        phone_number_id=meta.phone_number_id,
        display_phone_number=meta.display_phone_number,
        wamid=wamid,
        from_wa_id=sender,
        contact_name=name,
        timestamp=as_timestamp(msg.get("timestamp")),
        type=mtype,
        context=_context(msg.get("context")),
        referral=_referral(msg.get("referral")),
        errors=normalize_errors(msg.get("errors")),
        supported=mtype in KNOWN_TYPES,
        from_user_id=user_id,
        contact_username=username,
        group_id=as_id(msg.get("group_id")),
        waba_id=meta.waba_id,
        raw=msg,
        **fields,
    )


def _type_fields(mtype: str, msg: dict) -> dict:
    body = as_dict(msg.get(mtype))
    if mtype == "text":
        return {"text": as_str(body.get("body"), MAX_TEXT)}
    if mtype == "interactive":
        return _interactive(body)
    if mtype == "button":
        return {"text": as_str(body.get("text"), MAX_TEXT), "payload": _payload(body)}
    if mtype in MEDIA_TYPES:
        media = _media(body)
        return {"media": media, "text": media.caption}
    if mtype == "location":
        return {"location": _location(body)}
    if mtype == "contacts":
        cards = [
            c for c in as_list(msg.get("contacts"), MAX_SHARED_CONTACTS) if isinstance(c, dict)
        ]
        return {"contacts": cards}
    if mtype == "reaction":
        emoji = as_str(body.get("emoji"), 64)
        return {"reaction": Reaction(message_id=as_id(body.get("message_id")), emoji=emoji)}
    if mtype == "order":
        order = _order(body)
        return {"order": order, "text": order.get("text")}
    if mtype == "system":
        system = _system(body)
        return {"system": system, "text": system.get("body"), "subtype": system.get("type")}
    if mtype == "unsupported":  # what it was: a poll, an edit, a pin… (conversations reads it)
        return {"subtype": as_str(body.get("type"), 64)}
    return {}


def _interactive(body: dict) -> dict:
    itype = as_str(body.get("type"), 64)
    reply = as_dict(body.get(itype)) if itype else {}
    if itype in ("button_reply", "list_reply"):
        return {
            "subtype": itype,
            "text": as_str(reply.get("title"), MAX_TEXT),
            "payload": as_str(reply.get("id"), MAX_ID),
        }
    if itype == "nfm_reply":  # WhatsApp Flows: body is "Sent", the data is response_json
        return {
            "subtype": itype,
            "text": as_str(reply.get("body"), MAX_TEXT),
            "payload": as_str(reply.get("response_json"), MAX_TEXT),
        }
    return {"subtype": itype}


def _payload(body: dict) -> str | None:
    return as_str(body.get("payload"), MAX_TEXT)


def _media(body: dict) -> Media:
    return Media(
        id=as_id(body.get("id")),
        mime_type=as_str(body.get("mime_type"), 255),
        sha256=as_str(body.get("sha256"), 255),
        caption=as_str(body.get("caption"), MAX_TEXT),
        filename=as_str(body.get("filename")),
        voice=as_bool(body.get("voice")),
        animated=as_bool(body.get("animated")),
        url=as_str(body.get("url"), 4096),
    )


def _location(body: dict) -> Location:
    return Location(
        latitude=as_float(body.get("latitude"), lo=-90.0, hi=90.0),
        longitude=as_float(body.get("longitude"), lo=-180.0, hi=180.0),
        name=as_str(body.get("name")),
        address=as_str(body.get("address")),
        url=as_str(body.get("url"), 4096),
    )


def _context(value: object) -> MessageContext | None:
    ctx = as_dict(value)
    if not ctx:
        return None
    product = as_dict(ctx.get("referred_product"))
    return MessageContext(
        message_id=as_id(ctx.get("id")),
        from_=as_id(ctx.get("from")),
        forwarded=as_bool(ctx.get("forwarded")),
        frequently_forwarded=as_bool(ctx.get("frequently_forwarded")),
        referred_product=(
            {
                "catalog_id": as_id(product.get("catalog_id")),
                "product_retailer_id": as_id(product.get("product_retailer_id")),
            }
            if product
            else None
        ),
    )


_REFERRAL_KEYS = (
    "source_url",
    "source_id",
    "source_type",
    "headline",
    "body",
    "media_type",
    "image_url",
    "video_url",
    "thumbnail_url",
    "ctwa_clid",
)


def _referral(value: object) -> dict | None:
    ref = as_dict(value)
    if not ref:
        return None
    out: dict = {key: as_str(ref.get(key), 4096) for key in _REFERRAL_KEYS}
    welcome = as_dict(ref.get("welcome_message"))
    out["welcome_message"] = as_str(welcome.get("text"), MAX_TEXT) if welcome else None
    return out


def _order(body: dict) -> dict:
    items = []
    for raw in as_list(body.get("product_items"), 100):
        item = as_dict(raw)
        if item:
            items.append(
                {
                    "product_retailer_id": as_id(item.get("product_retailer_id")),
                    "quantity": as_int(item.get("quantity"), lo=0, hi=10**9),
                    "item_price": as_float(item.get("item_price"), lo=0.0, hi=1e12),
                    "currency": as_str(item.get("currency"), 8),
                }
            )
    return {
        "catalog_id": as_id(body.get("catalog_id")),
        "text": as_str(body.get("text"), MAX_TEXT),
        "product_items": items,
    }


def _system(body: dict) -> dict:
    return {
        "type": as_str(body.get("type"), 64),
        "body": as_str(body.get("body"), MAX_SHORT),
        "new_wa_id": as_id(body.get("wa_id")) or as_id(body.get("new_wa_id")),
        "identity": as_str(body.get("identity")),
        "customer": as_id(body.get("customer")),
        # the BSUIDs (Meta's changelog, Aug 2026): after and before a user_changed_user_id
        # or a user_changed_number, and those of the parent (managed) account, if any
        "user_id": as_id(body.get("user_id")),
        "new_user_id": as_id(body.get("new_user_id")),
        "previous_user_id": as_id(body.get("previous_user_id")),
        "parent_user_id": as_id(body.get("parent_user_id")),
        "previous_parent_user_id": as_id(body.get("previous_parent_user_id")),
    }
