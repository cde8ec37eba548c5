"""Build Cloud API `POST /{phone_number_id}/messages` bodies from engine outbound dicts.

Pure functions. User-visible texts that exceed Meta's limits are clipped with "…" (a
rendered `{{vars.x}}` can make a valid flow text too long, and a clipped message beats
a 400). Structural problems (no text, 4 buttons, duplicate ids, bad URL) raise
`PayloadError`: retrying cannot fix them.

Engine message shapes:
  {"type": "text", "text", "preview_url"?}
  {"type": "media", "kind": image|video|audio|document|sticker, "url" | "media_id",
   "caption"?, "filename"?}
  {"type": "buttons", "text", "buttons": [{"id", "title"}], "header"?, "footer"?}
  {"type": "list", "text", "button_label", "sections": [{"title", "rows": [{"id",
   "title", "description"?}]}], "header"?, "footer"?}
  {"type": "template", "name", "language", "components"?}
  {"type": "reaction", "message_id", "emoji"}
  {"type": "location", "latitude", "longitude", "name"?, "address"?}
  {"type": "contacts", "contacts": [...Meta contact objects]}
  {"type": "read", "message_id", "typing"?}  (mark as read; no recipient)
Any of them may carry "reply_to": "<wamid>" to quote a message.
"""

from __future__ import annotations

import math
import re
from typing import Any

# Meta's documented limits (characters).
TEXT_MAX = 4096
CAPTION_MAX = 1024
INTERACTIVE_BODY_MAX = 1024
HEADER_MAX = 60
FOOTER_MAX = 60
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
BUTTONS_MAX = 3
LIST_BUTTON_MAX = 20
SECTION_TITLE_MAX = 24
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
LIST_SECTIONS_MAX = 10
LIST_ROWS_MAX = 10
FILENAME_MAX = 240
MEDIA_KINDS = ("image", "video", "audio", "document", "sticker")
CAPTION_KINDS = ("image", "video", "document")
DEFAULT_LIST_BUTTON = "Ver opções"
DEFAULT_TEMPLATE_LANGUAGE = "pt_BR"

_URL_RE = re.compile(r"https?://\S", re.IGNORECASE)
# Meta's business-scoped user id: a country code, a dot, an id ("BR.1349…", "US.ENT.…").
# A phone number never has a letter.
_BSUID_RE = re.compile(r"[A-Za-z]{2}\.\S")


def is_bsuid(value: str) -> bool:
    """Whether a contact id is a business-scoped user id (BSUID) rather than a phone."""
    return bool(_BSUID_RE.match(value))


class PayloadError(ValueError):
    """The outbound message cannot be turned into a valid Cloud API payload."""


def build_payload(to: str, message: dict) -> dict:
    """Engine outbound message -> Cloud API JSON body (raises PayloadError)."""
    if not isinstance(message, dict):
        raise PayloadError("message must be a dict")
    mtype = message.get("type")
    if mtype == "read":
        return mark_read_payload(
            _req_str(message, "message_id"), typing=bool(message.get("typing"))
        )
    builder = _BUILDERS.get(mtype)  # type: ignore[arg-type]
    if builder is None:
        raise PayloadError(f"unsupported message type: {mtype!r}")
    if not isinstance(to, str) or not to.strip():
        raise PayloadError("recipient 'to' is required")
    wa_type, body = builder(message)
    # `to` takes a phone number only; a customer known by BSUID alone (a username, the phone
    # withheld) is addressed by `recipient` — Meta refuses a BSUID in `to`.
    to = to.strip()
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        ("recipient" if is_bsuid(to) else "to"): to,
        "type": wa_type,
        wa_type: body,
    }
    reply_to = message.get("reply_to")
    if isinstance(reply_to, str) and reply_to:
        payload["context"] = {"message_id": reply_to}
    return payload


def mark_read_payload(message_id: str, *, typing: bool = False) -> dict:
    """Mark an inbound message read (blue ticks); optionally show "typing…" (≤ 25 s)."""
    if not isinstance(message_id, str) or not message_id:
        raise PayloadError("message_id is required")
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": message_id,
    }
    if typing:
        payload["typing_indicator"] = {"type": "text"}
    return payload


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(message: dict) -> tuple[str, dict]:
    body = _req_str(message, "text")
    preview = message.get("preview_url")
    if preview is None:  # WhatsApp only previews when asked; ask when there is a link
        preview = bool(_URL_RE.search(body))
    return "text", {"preview_url": bool(preview), "body": clip(body, TEXT_MAX)}


def _media(message: dict) -> tuple[str, dict]:
    kind = message.get("kind")
    if kind not in MEDIA_KINDS:
        raise PayloadError(f"media kind must be one of {MEDIA_KINDS}, got {kind!r}")
    url, media_id = message.get("url"), message.get("media_id")
    if isinstance(media_id, str) and media_id:
        obj: dict[str, Any] = {"id": media_id}
    elif isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        obj = {"link": url}
    else:
        raise PayloadError("media needs an http(s) 'url' or a 'media_id'")
    caption = message.get("caption")
    # Meta rejects captions on audio and stickers: drop them rather than fail the send.
    if kind in CAPTION_KINDS and isinstance(caption, str) and caption:
        obj["caption"] = clip(caption, CAPTION_MAX)
    filename = message.get("filename")
    if kind == "document" and isinstance(filename, str) and filename:
        obj["filename"] = clip(filename, FILENAME_MAX)
    return kind, obj


def _buttons(message: dict) -> tuple[str, dict]:
    buttons = message.get("buttons")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= BUTTONS_MAX:
        raise PayloadError(f"buttons: 1 to {BUTTONS_MAX} reply buttons required")
    replies = []
    for button in buttons:
        if not isinstance(button, dict):
            raise PayloadError("each button must be a dict")
        bid = _req_id(button, "id", BUTTON_ID_MAX)
        title = clip(_req_str(button, "title"), BUTTON_TITLE_MAX)
        replies.append({"type": "reply", "reply": {"id": bid, "title": title}})
    _unique([r["reply"]["id"] for r in replies], "button ids")
    _unique([r["reply"]["title"] for r in replies], "button titles")
    interactive = {
        "type": "button",
        "body": {"text": clip(_req_str(message, "text"), INTERACTIVE_BODY_MAX)},
        "action": {"buttons": replies},
    }
    _header_footer(message, interactive, media_header=True)
    return "interactive", interactive


def _list(message: dict) -> tuple[str, dict]:
    sections = message.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= LIST_SECTIONS_MAX:
        raise PayloadError(f"list: 1 to {LIST_SECTIONS_MAX} sections required")
    out_sections, row_ids = [], []
    for index, section in enumerate(sections):
        if not isinstance(section, dict):
            raise PayloadError("each section must be a dict")
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise PayloadError(f"section {index} has no rows")
        out_rows = [_row(row) for row in rows]
        row_ids += [row["id"] for row in out_rows]
        out: dict[str, Any] = {"rows": out_rows}
        title = section.get("title")
        if isinstance(title, str) and title.strip():
            out["title"] = clip(title, SECTION_TITLE_MAX)
        elif len(sections) > 1:
            raise PayloadError("every section needs a title when there are several")
        out_sections.append(out)
    if len(row_ids) > LIST_ROWS_MAX:
        raise PayloadError(f"list: at most {LIST_ROWS_MAX} rows in total")
    _unique(row_ids, "row ids")
    label = message.get("button_label")
    if not isinstance(label, str) or not label.strip():
        label = DEFAULT_LIST_BUTTON
    interactive = {
        "type": "list",
        "body": {"text": clip(_req_str(message, "text"), INTERACTIVE_BODY_MAX)},
        "action": {"button": clip(label, LIST_BUTTON_MAX), "sections": out_sections},
    }
    _header_footer(message, interactive, media_header=False)
    return "interactive", interactive


def _row(row: Any) -> dict:
    if not isinstance(row, dict):
        raise PayloadError("each row must be a dict")
    out = {
        "id": _req_id(row, "id", ROW_ID_MAX),
        "title": clip(_req_str(row, "title"), ROW_TITLE_MAX),
    }
    description = row.get("description")
    if isinstance(description, str) and description:
        out["description"] = clip(description, ROW_DESCRIPTION_MAX)
    return out


def _header_footer(message: dict, interactive: dict, *, media_header: bool) -> None:
    header = message.get("header")
    if isinstance(header, str) and header.strip():
        interactive["header"] = {"type": "text", "text": clip(header, HEADER_MAX)}
    elif isinstance(header, dict) and header:
        interactive["header"] = _rich_header(header, media_header)
    footer = message.get("footer")
    if isinstance(footer, str) and footer.strip():
        interactive["footer"] = {"text": clip(footer, FOOTER_MAX)}


def _rich_header(header: dict, media_header: bool) -> dict:
    htype = header.get("type", "text")
    if htype == "text":
        return {"type": "text", "text": clip(_req_str(header, "text"), HEADER_MAX)}
    if not media_header or htype not in ("image", "video", "document"):
        raise PayloadError(f"header type {htype!r} not allowed here")
    url = header.get("url")
    if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
        raise PayloadError("media header needs an http(s) url")
    return {"type": htype, htype: {"link": url}}


def _template(message: dict) -> tuple[str, dict]:
    name = _req_str(message, "name")
    language = message.get("language") or DEFAULT_TEMPLATE_LANGUAGE
    if isinstance(language, dict):
        code = language.get("code")
        policy = language.get("policy")
    else:
        code, policy = language, None
    if not isinstance(code, str) or not code:
        raise PayloadError("template language code is required")
    lang: dict[str, str] = {"code": code}
    if isinstance(policy, str) and policy:
        lang["policy"] = policy
    template: dict[str, Any] = {"name": name, "language": lang}
    components = message.get("components")
    if components:
        if not isinstance(components, list) or not all(isinstance(c, dict) for c in components):
            raise PayloadError("template components must be a list of dicts")
        template["components"] = components
    return "template", template


def _reaction(message: dict) -> tuple[str, dict]:
    emoji = message.get("emoji")
    if emoji is not None and not isinstance(emoji, str):
        raise PayloadError("reaction emoji must be a string ('' removes the reaction)")
    return "reaction", {"message_id": _req_str(message, "message_id"), "emoji": emoji or ""}


def _location(message: dict) -> tuple[str, dict]:
    lat, lon = message.get("latitude"), message.get("longitude")
    if not _coordinate(lat, 90) or not _coordinate(lon, 180):
        raise PayloadError("location needs numeric latitude/longitude")
    obj: dict[str, Any] = {"latitude": lat, "longitude": lon}
    for key in ("name", "address"):
        if isinstance(message.get(key), str) and message[key]:
            obj[key] = clip(message[key], 1000)
    return "location", obj


def _contacts(message: dict) -> tuple[str, list]:
    contacts = message.get("contacts")
    if not isinstance(contacts, list) or not contacts:
        raise PayloadError("contacts: a non-empty list of contact objects is required")
    if not all(isinstance(c, dict) and c.get("name") for c in contacts):
        raise PayloadError("every contact needs a 'name' object")
    return "contacts", contacts


def _coordinate(value: Any, bound: float) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and -bound <= value <= bound
    )


def _req_str(obj: dict, key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"'{key}' must be a non-empty string")
    return value


def _req_id(obj: dict, key: str, limit: int) -> str:
    value = _req_str(obj, key)
    if len(value) > limit:  # ids are matched back exactly: never clip them
        raise PayloadError(f"'{key}' longer than {limit} characters")
    return value


def _unique(values: list[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise PayloadError(f"duplicate {what}")


_BUILDERS = {
    "text": _text,
    "media": _media,
    "buttons": _buttons,
    "list": _list,
    "template": _template,
    "reaction": _reaction,
    "location": _location,
    "contacts": _contacts,
}
