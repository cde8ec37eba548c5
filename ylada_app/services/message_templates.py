"""WhatsApp message templates of a business's numbers: checked against Meta's rules (with
pt-BR messages) before anything is submitted, submitted to the Graph API, their status kept
in sync (on demand, and from Meta's `message_template_status_update` webhook), and turned
into a send payload only when APPROVED and given exactly the variables they declare.

Invariant: a template message reaches the outbox only through `template_payload`, so a
template Meta has not approved — or one with a missing variable — is refused before any
Graph call. Simulator numbers have no Meta behind them: their templates are approved at
once, so a business can try the whole path locally. Every function takes `tenant_id`.

A header is text or media (image, video, document). Meta reviews a media header from an
example file uploaded beforehand (the Resumable Upload API gives its `header_handle`); each
send then names the media by a public https link — `fill` is the one place that decides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from ylada_app.channels.whatsapp_cloud import templates_api
from ylada_app.core.settings import get_settings
from ylada_app.models import Instance, MessageTemplate, utcnow
from ylada_app.models.instance import ChannelKind
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.instances import get_instance, instance_access_token
from ylada_app.services.validation import ascii_digits, parse_id

LANGUAGES = ("pt_BR", "en_US", "es")
CATEGORIES = ("MARKETING", "UTILITY")  # AUTHENTICATION has Meta's own fixed format
STATUSES = ("PENDING", "APPROVED", "REJECTED", "PAUSED", "DISABLED")
NAME_RE = re.compile(r"^[a-z0-9_]{1,512}$")
VAR_RE = re.compile(r"{{\s*(\w+)\s*}}")
BODY_MAX, HEADER_MAX, FOOTER_MAX, BUTTON_TEXT_MAX = 1024, 60, 60, 25
MAX_BUTTONS, MAX_URL_BUTTONS, MAX_PHONE_BUTTONS = 10, 2, 1
PARAM_MAX = 1024  # a variable's value when sending
HEADER_KINDS = ("none", "text", "image", "video", "document")
MB = 1024 * 1024
# Meta's media rules for a template header: the types it takes and its size caps (image
# 5 MB, video 16 MB, document 100 MB). The file's first bytes decide its type, not its name.
MEDIA_RULES: dict[str, tuple[tuple[str, ...], int]] = {
    "image": (("image/jpeg", "image/png"), 5 * MB),
    "video": (("video/mp4",), 16 * MB),
    # Meta takes PDFs up to 100 MB in a message; the EXAMPLE a reviewer looks at needs no
    # more than a few pages, and the page holds the upload in memory until it is sent
    "document": (("application/pdf",), 10 * MB),
}
LINK_MAX = 2000
SIMULATOR_HANDLE = "simulator"  # no Meta behind a simulator number: nothing to upload


@dataclass(frozen=True)
class MediaExample:
    """The example file of a media header, as the business uploaded it."""

    data: bytes
    filename: str = ""


def sniff(data: bytes) -> str:
    """The file's real type from its first bytes ("" when none Meta takes)."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data[:5] == b"%PDF-":
        return "application/pdf"
    return ""


@dataclass
class Draft:
    """What the business fills in (the page's form, the API)."""

    name: str
    language: str
    category: str
    body: str
    body_examples: list[str]
    header: str = ""
    header_example: str = ""
    footer: str = ""
    buttons: list[dict[str, str]] | None = None  # {"type": quick_reply|url|phone, "text", …}
    # none | text | image | video | document ("": text when `header` is set, else none)
    header_kind: str = ""
    header_file: MediaExample | None = None  # the example of a media header


def _variables(text: str, field: str, errors: dict[str, str],
               params: dict[str, dict[str, object]]) -> int:
    """How many {{n}} the text declares; they must be {{1}}, {{2}}, … in order."""
    found = VAR_RE.findall(text)
    if any(not ascii_digits(v) for v in found):
        errors[field] = "templates.error.var_named"
        return 0
    numbers = [int(v) for v in found]
    if numbers != list(range(1, len(numbers) + 1)):
        errors[field] = "templates.error.var_order"
        params[field] = {"expected": ", ".join(f"{{{{{i}}}}}" for i in
                                               range(1, len(numbers) + 1)) or "—"}
        return 0
    return len(numbers)


def check(draft: Draft) -> tuple[list[dict[str, Any]], int, int]:
    """Meta's components for the draft, and its (body, header) variable counts; every
    problem at once as FieldErrors (nothing is submitted)."""
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    name = (draft.name or "").strip()
    if not NAME_RE.match(name):
        errors["name"] = "templates.error.name"
    if draft.language not in LANGUAGES:
        errors["language"] = "templates.error.language"
    if draft.category not in CATEGORIES:
        errors["category"] = "templates.error.category"
    body = (draft.body or "").strip()
    n_body = 0
    if not body:
        errors["body"] = "error.required"
    elif len(body) > BODY_MAX:
        errors["body"] = "error.too_long"
        params["body"] = {"max": BODY_MAX}
    else:
        n_body = _variables(body, "body", errors, params)
        if "body" not in errors and n_body and (VAR_RE.match(body) or
                                                re.search(r"{{\s*\d+\s*}}\s*$", body)):
            errors["body"] = "templates.error.var_edge"
    examples = [str(e).strip() for e in (draft.body_examples or [])]
    if "body" not in errors and (len(examples) < n_body or not all(examples[:n_body])):
        errors["body_examples"] = "templates.error.examples"
        params["body_examples"] = {"count": n_body}
    header = (draft.header or "").strip()
    kind = (draft.header_kind or ("text" if header else "none")).strip().lower()
    n_header = 0
    if kind not in HEADER_KINDS:
        errors["header_kind"] = "templates.error.header_kind"
    elif kind in MEDIA_RULES:
        header = ""
        _check_media(kind, draft.header_file, errors, params)
    elif kind == "none":
        header = ""
    elif not header:
        errors["header"] = "error.required"
    elif len(header) > HEADER_MAX:
        errors["header"] = "error.too_long"
        params["header"] = {"max": HEADER_MAX}
    else:
        n_header = _variables(header, "header", errors, params)
        if n_header > 1:
            errors["header"] = "templates.error.header_vars"
        elif n_header and not (draft.header_example or "").strip():
            errors["header_example"] = "templates.error.examples"
            params["header_example"] = {"count": 1}
    footer = (draft.footer or "").strip()
    if len(footer) > FOOTER_MAX:
        errors["footer"] = "error.too_long"
        params["footer"] = {"max": FOOTER_MAX}
    elif VAR_RE.search(footer):
        errors["footer"] = "templates.error.footer_vars"
    buttons = _buttons(draft.buttons or [], errors)
    if errors:
        raise FieldErrors(errors, params)
    components: list[dict[str, Any]] = []
    if kind in MEDIA_RULES:  # its example (`header_handle`) is added once uploaded
        components.append({"type": "HEADER", "format": kind.upper()})
    elif header:
        h: dict[str, Any] = {"type": "HEADER", "format": "TEXT", "text": header}
        if n_header:
            h["example"] = {"header_text": [draft.header_example.strip()]}
        components.append(h)
    b: dict[str, Any] = {"type": "BODY", "text": body}
    if n_body:
        b["example"] = {"body_text": [examples[:n_body]]}
    components.append(b)
    if footer:
        components.append({"type": "FOOTER", "text": footer})
    if buttons:
        components.append({"type": "BUTTONS", "buttons": buttons})
    return components, n_body, n_header


def _check_media(kind: str, file: MediaExample | None, errors: dict[str, str],
                 params: dict[str, dict[str, object]]) -> None:
    types, cap = MEDIA_RULES[kind]
    if file is None or not file.data or sniff(file.data) not in types:
        errors["header_file"] = f"templates.error.media_{kind}"
    elif len(file.data) > cap:
        errors["header_file"] = "templates.error.media_size"
        params["header_file"] = {"max": cap // MB}


def _buttons(items: list[dict[str, str]], errors: dict[str, str]) -> list[dict[str, Any]]:
    quick, calls = [], []
    for item in items:
        kind = str(item.get("type") or "").lower()
        text = str(item.get("text") or "").strip()
        if not text or len(text) > BUTTON_TEXT_MAX or VAR_RE.search(text):
            errors["buttons"] = "templates.error.button_text"
            continue
        if kind == "quick_reply":
            quick.append({"type": "QUICK_REPLY", "text": text})
        elif kind == "url":
            url = str(item.get("url") or "").strip()
            if not url.startswith("https://") or len(url) > 2000 or " " in url:
                errors["buttons"] = "templates.error.button_url"
                continue
            calls.append({"type": "URL", "text": text, "url": url})
        elif kind == "phone":
            phone = re.sub(r"[^\d+]", "", str(item.get("phone") or ""))
            if not re.fullmatch(r"\+?\d{8,20}", phone):
                errors["buttons"] = "templates.error.button_phone"
                continue
            calls.append({"type": "PHONE_NUMBER", "text": text,
                          "phone_number": phone if phone.startswith("+") else "+" + phone})
        else:
            errors["buttons"] = "templates.error.button_type"
    if len(quick) + len(calls) > MAX_BUTTONS or \
            sum(b["type"] == "URL" for b in calls) > MAX_URL_BUTTONS or \
            sum(b["type"] == "PHONE_NUMBER" for b in calls) > MAX_PHONE_BUTTONS:
        errors["buttons"] = "templates.error.button_count"
    return quick + calls  # Meta wants quick replies grouped apart from the others


def _own(session: Session, tenant_id: int, template_id: object) -> MessageTemplate:
    tid = parse_id(template_id)
    row = session.get(MessageTemplate, tid) if tid is not None else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("templates.error.not_found")
    return row


def _graph_target(inst: Instance) -> tuple[str, str] | None:
    """(WABA id, token) of a connected WhatsApp number; None for the simulator."""
    if inst.channel != ChannelKind.WHATSAPP_CLOUD:
        return None
    token = instance_access_token(inst)
    if not inst.waba_id or not token:
        raise ServiceError("templates.error.no_waba")
    return inst.waba_id, token


def create(session: Session, *, tenant_id: int, instance_id: object,
           draft: Draft) -> MessageTemplate:
    """Check, submit to Meta (PENDING until Meta answers by webhook or a sync), save."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    components, n_body, n_header = check(draft)
    name = draft.name.strip()
    taken = session.exec(select(MessageTemplate.id).where(
        MessageTemplate.instance_id == inst.id, MessageTemplate.name == name,
        MessageTemplate.language == draft.language)).first()
    if taken is not None:
        raise FieldErrors({"name": "templates.error.name_taken"})
    row = MessageTemplate(tenant_id=tenant_id, instance_id=inst.id, name=name,
                          language=draft.language, category=draft.category,
                          components=components, body_variables=n_body,
                          header_variables=n_header)
    target = _graph_target(inst)
    media = next((c for c in components if c["type"] == "HEADER"
                  and c["format"] != "TEXT"), None)
    if media is not None:
        file = draft.header_file
        assert file is not None  # (checked)
        handle = SIMULATOR_HANDLE if target is None else _upload(target[1], file)
        media["example"] = {"header_handle": [handle]}
    if target is None:
        row.status = "APPROVED"  # the simulator: nobody to ask
    else:
        answer = templates_api.submit(*target, {"name": name, "language": draft.language,
                                                "category": draft.category,
                                                "components": components})
        if not answer.ok:
            raise _refused(answer, "name")
        row.meta_id = str(answer.data.get("id") or "")[:64] or None
        row.status = _status(answer.data.get("status")) or "PENDING"
        row.category = str(answer.data.get("category") or row.category)[:20]
    session.add(row)
    session.flush()
    return row


def _refused(answer: templates_api.GraphAnswer, field: str | None = None) -> ServiceError:
    """Meta's own words when it answered; our words when it could not be reached."""
    if answer.error_key:
        return ServiceError(answer.error_key, field=field)
    return ServiceError("templates.error.meta", field=field, why=answer.error)


def _upload(token: str, file: MediaExample) -> str:
    """Meta's handle of the example file (the Resumable Upload API, on the platform's app)."""
    app_id = get_settings().meta_app_id
    if not app_id:
        raise ServiceError("templates.error.no_app", field="header_file")
    answer = templates_api.upload(app_id, token, file.data, sniff(file.data))
    if not answer.ok:
        raise _refused(answer, "header_file")
    return str(answer.data["h"])


def _status(value: object) -> str | None:
    text = str(value or "").upper()
    return text if text in STATUSES else None


def list_templates(session: Session, *, tenant_id: int,
                   instance_id: object = None) -> list[MessageTemplate]:
    query = select(MessageTemplate).where(MessageTemplate.tenant_id == tenant_id)
    if instance_id not in (None, ""):
        inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
        query = query.where(MessageTemplate.instance_id == inst.id)
    return list(session.exec(query.order_by(col(MessageTemplate.name),
                                            col(MessageTemplate.language))).all())


def sync(session: Session, *, tenant_id: int, instance_id: object) -> int:
    """Ask Meta for the number's templates and take their statuses. Returns changes."""
    inst = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    target = _graph_target(inst)
    if target is None:
        return 0
    answer = templates_api.list_all(*target)
    if not answer.ok:
        raise _refused(answer)
    remote = {(str(t.get("name")), str(t.get("language"))): t for t in answer.data["data"]}
    changed = 0
    for row in list_templates(session, tenant_id=tenant_id, instance_id=inst.id):
        found = remote.get((row.name, row.language))
        if found is None:
            continue
        changed += _apply(row, _status(found.get("status")), found.get("rejected_reason"),
                          found.get("id"))
        score = str((found.get("quality_score") or {}).get("score") or "").upper() \
            if isinstance(found.get("quality_score"), dict) else ""
        score = "" if score == "UNKNOWN" else score
        if score in QUALITIES and score != row.quality:
            row.quality, row.updated_at = score, utcnow()
            changed += 1
    session.flush()
    return changed


def _apply(row: MessageTemplate, status: str | None, reason: object, meta_id: object) -> int:
    if status is None:
        return 0
    reason_text = "" if status == "APPROVED" or str(reason or "") in ("", "NONE") \
        else str(reason)[:300]
    if (row.status, row.reason) == (status, reason_text) and (row.meta_id or not meta_id):
        return 0
    row.status, row.reason = status, reason_text
    row.meta_id = row.meta_id or (str(meta_id)[:64] if meta_id else None)
    row.updated_at = utcnow()
    return 1


def apply_status_update(session: Session, *, tenant_id: int, waba_id: str | None,
                        update: dict) -> int:
    """Meta's `message_template_status_update` webhook value: {event, message_template_id,
    message_template_name, message_template_language, reason}, received on one of the
    business's numbers: only that business's templates on that WhatsApp Business Account
    are touched."""
    status = _status(update.get("event"))
    meta_id = str(update.get("message_template_id") or "")[:64]
    if status is None or not waba_id:
        return 0
    changed = sum(_apply(row, status, update.get("reason"), meta_id or None)
                  for row in _named(session, tenant_id, waba_id, update))
    session.flush()
    return changed


def apply_category_update(session: Session, *, tenant_id: int, waba_id: str | None,
                          update: dict) -> int:
    """Meta's `template_category_update`: it moved one of the business's templates to
    another category ({message_template_id, …, new_category}). A utility template that
    became MARKETING is then sent only to contacts with marketing consent and counts in the
    weekly marketing cap, as every marketing template does."""
    category = str(update.get("new_category") or "").upper()
    if category not in CATEGORIES or not waba_id:
        return 0
    changed = 0
    for row in _named(session, tenant_id, waba_id, update):
        if row.category != category:
            row.category, row.updated_at = category, utcnow()
            changed += 1
    session.flush()
    return changed


QUALITIES = ("GREEN", "YELLOW", "RED", "UNKNOWN")  # Meta's words; UNKNOWN: not rated ("")


def apply_quality_update(session: Session, *, tenant_id: int, waba_id: str | None,
                         update: dict) -> list[MessageTemplate]:
    """Meta's `message_template_quality_update` ({message_template_id, …,
    new_quality_score}): the business's templates it names take the rating. Returns those
    whose rating fell to low (RED): the team hears about them — Meta pauses a template
    that stays there."""
    quality = str(update.get("new_quality_score") or "").upper()
    if quality not in QUALITIES or not waba_id:
        return []
    quality = "" if quality == "UNKNOWN" else quality
    fell = []
    for row in _named(session, tenant_id, waba_id, update):
        if row.quality != quality:
            if quality == "RED":
                fell.append(row)
            row.quality, row.updated_at = quality, utcnow()
    session.flush()
    return fell


def _named(session: Session, tenant_id: int, waba_id: str, update: dict) -> list:
    """The business's templates on that account that a webhook value names (by Meta's id,
    else by name and language)."""
    meta_id = str(update.get("message_template_id") or "")[:64]
    query = (select(MessageTemplate).join(Instance, Instance.id == MessageTemplate.instance_id)
             .where(Instance.waba_id == waba_id, MessageTemplate.tenant_id == tenant_id))
    if meta_id:
        query = query.where(MessageTemplate.meta_id == meta_id)
    else:
        query = query.where(
            MessageTemplate.name == str(update.get("message_template_name") or ""),
            MessageTemplate.language == str(update.get("message_template_language") or ""))
    return list(session.exec(query).all())


def delete(session: Session, *, tenant_id: int, template_id: object) -> None:
    row = _own(session, tenant_id, template_id)
    inst = session.get(Instance, row.instance_id)
    target = _graph_target(inst) if inst is not None else None
    if target is not None:
        answer = templates_api.delete(*target, row.name, row.meta_id)
        if not answer.ok and answer.code != 100:  # 100: Meta no longer has it
            raise _refused(answer)
    session.delete(row)
    session.flush()


# --- sending --------------------------------------------------------------------------------

def template_payload(session: Session, *, tenant_id: int, instance_id: int, name: str,
                     language: str = "pt_BR", variables: list[object] | None = None,
                     header_variables: list[object] | None = None,
                     header_link: str | None = None,
                     field: str = "template") -> tuple[dict[str, Any], MessageTemplate]:
    """The outbox payload of an APPROVED template of this number, filled in; refused with
    a pt-BR reason otherwise (not found, not approved, wrong number of variables, a media
    header without its https link)."""
    row = approved(session, tenant_id=tenant_id, instance_id=instance_id, name=name,
                   language=language, field=field)
    return fill(row, variables, header_variables, header_link=header_link, field=field), row


def approved(session: Session, *, tenant_id: int, instance_id: int, name: str,
             language: str = "pt_BR", field: str = "template") -> MessageTemplate:
    row = session.exec(select(MessageTemplate).where(
        MessageTemplate.tenant_id == tenant_id, MessageTemplate.instance_id == instance_id,
        MessageTemplate.name == str(name or ""),
        MessageTemplate.language == str(language or ""))).first()
    if row is None:
        raise ServiceError("templates.error.unknown", field=field, name=str(name)[:80])
    if row.status != "APPROVED":
        raise ServiceError("templates.error.not_approved", field=field, name=row.name,
                           status=row.status)
    return row


def media_header(row: MessageTemplate) -> str | None:
    """"image" | "video" | "document" when the template's header is media, else None."""
    for c in row.components or []:
        if c.get("type") == "HEADER":
            kind = str(c.get("format") or "").lower()
            return kind if kind in MEDIA_RULES else None
    return None


def check_link(value: object, *, field: str = "header_link") -> str:
    """A media header's link when sending: a public https address (Meta fetches it)."""
    link = str(value or "").strip()
    if not link.startswith("https://") or len(link) > LINK_MAX or \
            any(ch.isspace() for ch in link) or len(link) <= len("https://"):
        raise ServiceError("templates.error.header_link", field=field)
    return link


# Meta refuses a text parameter with a line break, a tab or more than 4 spaces in a row
# (error 132000): checked here, before thousands of sends learn it one by one.
_BAD_PARAM = re.compile(r"[\n\r\t]| {5,}")


def bad_param(value: str) -> bool:
    return bool(_BAD_PARAM.search(value))


def fill(row: MessageTemplate, variables: list[object] | None,
         header_variables: list[object] | None = None, *, header_link: str | None = None,
         field: str = "template") -> dict[str, Any]:
    """The template's payload with these values (checked: count, non-blank, length; a media
    header's https link). Every sender fills a template here, so they all send the same.
    The payload keeps the template's category: the marketing frequency cap counts it."""
    body_values = [str(v) for v in (variables or [])]
    header_values = [str(v) for v in (header_variables or [])]
    if len(body_values) != row.body_variables or len(header_values) != row.header_variables:
        raise ServiceError("templates.error.var_count", field=field,
                           body=row.body_variables, header=row.header_variables)
    if any(not v.strip() or len(v) > PARAM_MAX for v in [*body_values, *header_values]):
        raise ServiceError("templates.error.var_value", field=field, max=PARAM_MAX)
    if any(bad_param(v) for v in [*body_values, *header_values]):
        raise ServiceError("templates.error.var_format", field=field)
    components: list[dict[str, Any]] = []
    kind = media_header(row)
    if kind is not None:
        link = check_link(header_link, field=field)
        media: dict[str, str] = {"link": link}
        if kind == "document":  # what the customer's phone names the file
            name = link.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1][:240]
            media["filename"] = name if name.lower().endswith(".pdf") else "documento.pdf"
        components.append({"type": "header", "parameters": [{"type": kind, kind: media}]})
    elif header_values:
        components.append({"type": "header", "parameters": [
            {"type": "text", "text": v} for v in header_values]})
    if body_values:
        components.append({"type": "body", "parameters": [
            {"type": "text", "text": v} for v in body_values]})
    payload: dict[str, Any] = {"type": "template", "name": row.name,
                               "language": row.language, "text": preview(row, body_values),
                               "category": row.category}
    if components:
        payload["components"] = components
    return payload


def preview(row: MessageTemplate, values: list[str]) -> str:
    """The body as the customer reads it (for the inbox and the logs)."""
    body = next((c.get("text", "") for c in row.components if c.get("type") == "BODY"), "")
    return VAR_RE.sub(lambda m: values[int(m.group(1)) - 1]
                      if ascii_digits(m.group(1)) and int(m.group(1)) <= len(values)
                      else m.group(0), body)[:4096]
