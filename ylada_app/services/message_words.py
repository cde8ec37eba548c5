"""What a message says, in words, when it has none of its own: a photo, a voice note, a
location, a shared contact, a reaction, an order, a kind WhatsApp does not deliver…

One place for the team's inbox bubble (components/timeline) and the conversation list's
preview (services/conversations.message_preview), so both say the same. Read from what the
webhook stored in `message.payload` (services/inbox.inbound_row: the parsed `media`,
`location`, `contacts`, `reaction`, `order`, `unsupported` and the `raw` message), from an
echo of the WhatsApp Business app (services/coexistence: `media`), or only from the type
(the app's past chats). Never ids, JSON or internal type names: a business owner reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ylada_app.core.i18n import translate

MEDIA = ("image", "video", "audio", "document", "sticker")
# A kind WhatsApp does not deliver through the API, in words (`unsupported.type` from Meta;
# "poll_creation", "event_creation"… are matched by how they begin).
_UNSUPPORTED_WORDS = ("view_once", "poll", "event", "edit", "pin", "ephemeral", "album",
                      "call", "payment")
_PLAIN = {"buttons", "list", "template"}  # the bot's own messages with no text stored
# Meta's notices that the customer's identity changed: its `body` is in English and names
# ids the team has no use for; what matters is that the chat goes on with the same person.
_IDENTITY_NOTICES = {"user_changed_number": "msg.changed_number",
                     "user_changed_user_id": "msg.changed_user_id"}


@dataclass(frozen=True)
class Words:
    text: str  # what the bubble shows (WhatsApp formatting of a caption kept)
    map_url: str = ""  # a shared location: where it is on the map


def describe(mtype: str, text: str | None, payload: dict[str, Any] | None,
             lang: str = "pt") -> Words:
    """The message as words. A text message is its text; the others say what they are,
    followed by their caption or text when they have one."""
    p = payload if isinstance(payload, dict) else {}
    kind = str(mtype or "")
    own = (text or "").strip()
    if kind == "media" and p.get("type") == "media":
        kind = str(p.get("kind") or "document")  # the team's / bot's file sent by link
    if p.get("unsupported") or kind == "unsupported":
        return Words(_unsupported(p, lang))
    if kind in MEDIA:
        return Words(_joined(_media_label(kind, p, lang), own))
    if kind == "location":
        return _location(p, own, lang)
    if kind == "contacts":
        return Words(_contacts(p, lang))
    if kind == "reaction":
        emoji = str(_dict(p.get("reaction")).get("emoji") or p.get("emoji") or "").strip()
        return Words(translate("msg.reaction", lang, emoji=emoji[:16]) if emoji
                     else translate("msg.reaction_removed", lang))
    if kind == "order":
        return Words(_joined(_order(p, lang), own))
    if kind == "interactive" and p.get("subtype") == "nfm_reply":
        return Words(translate("msg.form", lang))  # (its text is Meta's "Sent")
    if kind == "system" and p.get("subtype") in _IDENTITY_NOTICES:
        return Words(translate(_IDENTITY_NOTICES[p["subtype"]], lang))
    if own:
        return Words(text or "")
    if kind == "request_welcome":
        return Words(translate("msg.welcome", lang))
    if kind == "system":
        return Words(translate("msg.system", lang))
    if kind in _PLAIN:
        return Words(translate(f"msg.{kind}", lang))
    return Words(translate("msg.other", lang))


def preview(mtype: str, text: str | None, payload: dict[str, Any] | None = None) -> str:
    """One line of at most 160 characters for the conversation list (stored, in Portuguese):
    a text, or a file's caption, as written (as WhatsApp lists them); else what the message
    is, as its bubble says it ("📷 Foto", "🛒 Pedido: 2 itens sem cebola"…)."""
    own = " ".join((text or "").split())
    p = payload if isinstance(payload, dict) else {}
    file = mtype in MEDIA or (mtype == "media" and p.get("type") == "media")
    words = " ".join(describe(mtype, text, payload, "pt").text.split())
    return (own if own and (file or words == own) else words)[:160]


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _joined(label: str, own: str) -> str:
    return f"{label}\n{own}" if own else label


def _clip(value: object, n: int = 120) -> str:
    return " ".join(str(value or "").split())[:n]


def _media_label(kind: str, p: dict[str, Any], lang: str) -> str:
    if kind == "document":
        media = _dict(p.get("media"))
        name = _clip(media.get("filename") or p.get("filename"), 80)
        if name:
            return translate("msg.document_named", lang, name=name)
    return translate(f"msg.{kind}", lang)


def _coordinate(value: object, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if -bound <= number <= bound else None


def _location(p: dict[str, Any], own: str, lang: str) -> Words:
    loc = _dict(p.get("location")) or p
    place = " · ".join(part for part in (_clip(loc.get("name")), _clip(loc.get("address")))
                       if part)
    label = (translate("msg.location_named", lang, place=place) if place
             else translate("msg.location", lang))
    lat, lng = _coordinate(loc.get("latitude"), 90), _coordinate(loc.get("longitude"), 180)
    where = f"https://maps.google.com/?q={lat},{lng}" if lat is not None and lng is not None \
        else ""
    return Words(_joined(label, own), where)


def _contacts(p: dict[str, Any], lang: str) -> str:
    lines = []
    for card in p.get("contacts") or []:
        card = _dict(card)
        name = _dict(card.get("name"))
        who = _clip(name.get("formatted_name") or " ".join(
            str(name.get(k) or "") for k in ("first_name", "last_name")), 80)
        phones = [_dict(ph) for ph in card.get("phones") or []]
        phone = next((_clip(ph.get("phone") or ph.get("wa_id"), 40) for ph in phones
                      if ph.get("phone") or ph.get("wa_id")), "")
        shown = " ".join(part for part in (who, phone) if part)
        if shown:
            lines.append(translate("msg.contact_named", lang, who=shown))
    return "\n".join(lines[:10]) or translate("msg.contacts", lang)


def _order(p: dict[str, Any], lang: str) -> str:
    items = [_dict(i) for i in _dict(p.get("order")).get("product_items") or []]
    if not items:
        return translate("msg.order", lang)
    quantities = [i.get("quantity") for i in items]
    n = sum(q for q in quantities if isinstance(q, int) and not isinstance(q, bool)) \
        or len(items)
    return translate("msg.order_n", lang, n=n)


def _unsupported(p: dict[str, Any], lang: str) -> str:
    raw = _dict(p.get("raw"))
    sub = str(_dict(raw.get("unsupported")).get("type") or "").lower()
    if not sub and str(raw.get("type") or "") not in ("", "unsupported"):
        sub = str(raw.get("type")).lower()  # a kind this version does not know yet
    word = next((w for w in _UNSUPPORTED_WORDS if sub.startswith(w)), None)
    if word is None:
        return translate("msg.unsupported", lang)
    return translate("msg.unsupported_kind", lang, what=translate(f"msg.kind.{word}", lang))
