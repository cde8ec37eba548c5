"""Contacts and leads of a business: search and filters, a contact's page, edits, and the
CSV/XLSX import (all-or-nothing; phone numbers normalised to what WhatsApp uses).

A *lead* is a contact who reached a flow goal or gave the bot data it asked for (a captured
field). Every function takes `tenant_id` and refuses another business's ids as not found.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ylada_app.core.db import after_commit, escape_like
from ylada_app.models import (
    AnalyticsEvent,
    Contact,
    Conversation,
    ConversationLog,
    Flow,
    Instance,
    User,
    utcnow,
)
from ylada_app.models.conversation import WA_ID_MAX
from ylada_app.models.privacy import LegalBasis
from ylada_app.models.upsert import insert_ignore
from ylada_app.services import consent as proofs
from ylada_app.services import inbox, webhooks_out
from ylada_app.services.errors import Conflict, FieldErrors, NotFound
from ylada_app.services.instances import get_instance
from ylada_app.services.phones import br_variants, display_phone, normalize_phone
from ylada_app.services.tables import ImportRejected, read_table
from ylada_app.services.validation import as_text, parse_id

log = logging.getLogger(__name__)
PAGE = 50
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_TAGS = 30
MAX_FIELDS = 50
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,49}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # (+ lone surrogates)
_HEADERS = {
    "phone": ("telefone", "celular", "whatsapp", "numero", "número", "fone", "phone", "mobile",
              "wa_id"),
    "name": ("nome", "name", "cliente", "contato"),
    "tags": ("tags", "etiquetas", "etiqueta", "tag"),
}


# --- JSON filters that work on both databases -------------------------------------------------
def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _tag_and_field(session: Session, query, tag: object, field_name: object,
                   field_value: object):
    """`query` narrowed to contacts with the tag and the field (any value, or this one)."""
    tag = as_text(tag).strip()[:50]
    if tag:
        query = query.where(tag_filter(session, tag))
    name = as_text(field_name).strip()
    if name:
        if not FIELD_NAME.match(name):
            raise FieldErrors({"field": "contacts.error.field_name"})
        query = query.where(field_filter(session, name, as_text(field_value).strip()[:200]))
    return query


def name_or_phone(text: str):
    """Contacts whose name has `text` (any case), or whose number has its digits (4 or
    more)."""
    matches = [col(Contact.name).ilike(f"%{escape_like(text)}%", escape="\\")]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4:
        matches.append(col(Contact.wa_id).contains(digits))
    return or_(*matches)


def tag_filter(session: Session, tag: str):
    """The contact has this tag."""
    if _pg(session):
        return func.cast(Contact.tags, JSONB).contains([tag])
    each = func.json_each(Contact.tags).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == tag))


def field_filter(session: Session, name: str, value: str = ""):
    """The contact has this field (equal to `value`, when one is given)."""
    if _pg(session):
        as_json = func.cast(Contact.fields, JSONB)
        if value:
            return as_json[name].astext == value
        return as_json.has_key(name)
    extracted = func.json_extract(Contact.fields, f'$."{name}"')
    return extracted == value if value else extracted.is_not(None)


def _has_fields(session: Session):
    if _pg(session):  # (a literal '{}' would be bound as the JSON string "{}")
        return func.cast(Contact.fields, JSONB) != func.jsonb_build_object()
    return func.json(Contact.fields) != "{}"


# --- listing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ContactRow:
    id: int
    name: str
    phone: str
    instance: str
    tags: list[str]
    fields: dict[str, Any]
    opted_out: bool
    first_at: datetime
    last_at: datetime | None
    goal: str = ""
    goal_flow: str = ""
    goal_at: datetime | None = None


def list_contacts(
    session: Session,
    *,
    tenant_id: int,
    search: str = "",
    tag: str = "",
    field_name: str = "",
    field_value: str = "",
    opted_out: str = "any",
    leads: bool = False,
    instance_id: object = None,
    limit: int = PAGE,
    offset: int = 0,
) -> tuple[list[ContactRow], int]:
    """A page of contacts (newest first; leads: latest goal first) and how many match."""
    goal_seen = (select(func.max(AnalyticsEvent.created_at))
                 .where(AnalyticsEvent.conversation_id == Conversation.id,
                        AnalyticsEvent.type == "goal_reached")
                 .correlate(Conversation).scalar_subquery())
    query = (select(Contact, Instance.name, Conversation.last_message_at, Conversation.id)
             .join(Instance, Instance.id == Contact.instance_id)
             .join(Conversation, Conversation.contact_id == Contact.id, isouter=True)
             .where(Contact.tenant_id == tenant_id))
    text = " ".join(as_text(search).split())[:100]
    if text:
        query = query.where(name_or_phone(text))
    query = _tag_and_field(session, query, tag, field_name, field_value)
    if opted_out in ("yes", "no"):
        query = query.where(Contact.opted_out == (opted_out == "yes"))
    iid = parse_id(instance_id) if instance_id not in (None, "", "all") else None
    if iid is not None:
        query = query.where(Contact.instance_id == iid)
    if leads:
        query = query.where(or_(goal_seen.is_not(None), _has_fields(session)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = (col(Contact.updated_at).desc(),) if not leads else (
        func.coalesce(goal_seen, Contact.updated_at).desc(),)
    rows = session.exec(query.order_by(*order, col(Contact.id).desc())
                        .offset(max(0, offset)).limit(max(1, min(limit, 200)))).all()
    goals = _latest_goals(session, [cid for *_, cid in rows if cid])
    out = []
    for contact, instance_name, last_at, conversation_id in rows:
        goal, goal_flow, goal_at = goals.get(conversation_id or 0, ("", "", None))
        out.append(ContactRow(contact.id, contact.name, display_phone(contact.wa_id),
                              instance_name, list(contact.tags or []),
                              dict(contact.fields or {}), contact.opted_out, contact.created_at,
                              last_at, goal, goal_flow, goal_at))
    return out, total


def _latest_goals(session: Session, conversation_ids: list[int]
                  ) -> dict[int, tuple[str, str, datetime]]:
    if not conversation_ids:
        return {}
    events = session.exec(
        select(AnalyticsEvent.conversation_id, AnalyticsEvent.flow_id, AnalyticsEvent.data,
               AnalyticsEvent.created_at)
        .where(AnalyticsEvent.conversation_id.in_(conversation_ids),
               AnalyticsEvent.type == "goal_reached")
        .order_by(col(AnalyticsEvent.id).desc())
    ).all()
    flow_ids = {parse_id(f) for _, f, _, _ in events} - {None}
    names = dict(session.exec(select(Flow.id, Flow.name).where(Flow.id.in_(flow_ids))).all()) \
        if flow_ids else {}
    latest: dict[int, tuple[str, str, datetime]] = {}
    for cid, flow_id, data, at in events:
        if cid not in latest:
            goal = str((data or {}).get("name") or "").replace("_", " ")
            latest[cid] = (goal, names.get(parse_id(flow_id) or 0, ""), at)
    return latest


def tags_in_use(session: Session, *, tenant_id: int, limit: int = 200) -> list[str]:
    """The tags the business's contacts carry (for filters), most used first."""
    counts: dict[str, int] = {}
    for tags in session.exec(select(Contact.tags).where(Contact.tenant_id == tenant_id)
                             .order_by(col(Contact.updated_at).desc()).limit(5000)).all():
        for tag in tags or []:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda t: (-counts[t], t))[:limit]


# --- one contact ------------------------------------------------------------------------------
@dataclass
class ContactDetail:
    id: int
    name: str
    phone: str
    wa_id: str
    instance: str
    tags: list[str]
    fields: dict[str, Any]
    opted_out: bool
    first_at: datetime
    last_at: datetime | None
    conversation_id: int | None
    opted_in_at: datetime | None = None
    opt_in_source: str = ""
    consent_flow: str = ""  # the flow's name, for a consent given in a flow (when known)
    notes: list[tuple[str, str, datetime]] = field(default_factory=list)  # (text, by, at)
    goals: list[tuple[str, str, datetime]] = field(default_factory=list)  # (goal, flow, at)


def _own(session: Session, tenant_id: int, contact_id: object) -> Contact:
    cid = parse_id(contact_id)
    contact = session.get(Contact, cid) if cid is not None else None
    if contact is None or contact.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    return contact


def contact_detail(session: Session, *, tenant_id: int, contact_id: object) -> ContactDetail:
    contact = _own(session, tenant_id, contact_id)
    instance = session.get(Instance, contact.instance_id)
    conv = session.exec(select(Conversation).where(Conversation.contact_id == contact.id)
                        ).first()
    detail = ContactDetail(contact.id, contact.name, display_phone(contact.wa_id),
                           contact.wa_id, instance.name if instance else "",
                           list(contact.tags or []), dict(contact.fields or {}),
                           contact.opted_out, contact.created_at,
                           conv.last_message_at if conv else None, conv.id if conv else None,
                           contact.opted_in_at, contact.opt_in_source)
    if conv is not None:
        notes = session.exec(
            select(ConversationLog.text, User.name, ConversationLog.created_at)
            .join(User, User.id == ConversationLog.author_user_id, isouter=True)
            .where(ConversationLog.conversation_id == conv.id, ConversationLog.kind == "note")
            .order_by(col(ConversationLog.id).desc()).limit(100)).all()
        detail.notes = [(text, name or "", at) for text, name, at in notes]
        goals = session.exec(
            select(AnalyticsEvent.data, AnalyticsEvent.flow_id, AnalyticsEvent.created_at)
            .where(AnalyticsEvent.conversation_id == conv.id,
                   AnalyticsEvent.type == "goal_reached")
            .order_by(col(AnalyticsEvent.id).desc()).limit(50)).all()
        flow_ids = {parse_id(f) for _, f, _ in goals} - {None}
        names = dict(session.exec(select(Flow.id, Flow.name).where(Flow.id.in_(flow_ids)))
                     .all()) if flow_ids else {}
        detail.goals = [(str((d or {}).get("name") or "").replace("_", " "),
                         names.get(parse_id(f) or 0, ""), at) for d, f, at in goals]
        if contact.opt_in_source == "flow" and contact.opted_in_at is not None:
            detail.consent_flow = _consent_flow(session, tenant_id, conv.id,
                                                contact.opted_in_at)
    return detail


def _consent_flow(session: Session, tenant_id: int, conversation_id: int,
                  given_at: datetime) -> str:
    """The name of the flow whose consent block recorded the consent given at `given_at`:
    its `consent_given` event is written with the same batch, just after (later passes
    through a consent block, if any, come later still)."""
    flow_id = session.exec(
        select(AnalyticsEvent.flow_id)
        .where(AnalyticsEvent.conversation_id == conversation_id,
               AnalyticsEvent.tenant_id == tenant_id,
               AnalyticsEvent.type == "consent_given", AnalyticsEvent.created_at >= given_at)
        .order_by(col(AnalyticsEvent.id)).limit(1)).first()
    fid = parse_id(flow_id)
    if fid is None:
        return ""
    return session.exec(select(Flow.name).where(Flow.id == fid, Flow.tenant_id == tenant_id)
                        ).first() or ""


def clean_tags(raw: object) -> list[str]:
    """"vip, atacado; sp" → ["vip", "atacado", "sp"] (unique, trimmed, ≤ 50 characters)."""
    parts = re.split(r"[,;|]", as_text(raw)) if not isinstance(raw, list) else \
        [as_text(p) for p in raw]
    tags: list[str] = []
    for part in parts:
        tag = " ".join(_CONTROL.sub(" ", part).split())
        if not tag:
            continue
        if len(tag) > 50:
            raise FieldErrors({"tags": "contacts.error.tag_long"})
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise FieldErrors({"tags": "contacts.error.too_many_tags"}, {"tags": {"max": MAX_TAGS}})
    return tags


def clean_fields(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise FieldErrors({"fields": "contacts.error.fields"})
    fields: dict[str, str] = {}
    for key, value in raw.items():
        name = as_text(key).strip()
        if not name:
            continue
        if not FIELD_NAME.match(name):
            raise FieldErrors({"fields": "contacts.error.field_name"})
        text = _CONTROL.sub(" ", as_text(value) if not isinstance(value, int | float)
                            else str(value)).strip()
        if len(text) > 500:
            raise FieldErrors({"fields": "contacts.error.field_long"})
        fields[name] = text
    if len(fields) > MAX_FIELDS:
        raise FieldErrors({"fields": "contacts.error.too_many_fields"},
                          {"fields": {"max": MAX_FIELDS}})
    return fields


def update_contact(session: Session, *, tenant_id: int, contact_id: object, name: object,
                   tags: object, fields: object) -> Contact:
    contact = _own(session, tenant_id, contact_id)
    clean_name = " ".join(_CONTROL.sub(" ", as_text(name)).split())
    if len(clean_name) > 120:
        raise FieldErrors({"name": "error.too_long"}, {"name": {"max": 120}})
    contact.name = clean_name
    contact.tags = clean_tags(tags)
    contact.fields = clean_fields(fields)
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    tell_webhooks(session, [contact], "contact.updated")
    return contact


def set_opted_out(session: Session, *, tenant_id: int, contact_id: object,
                  opted_out: bool, actor_user_id: int | None = None) -> None:
    contact = _own(session, tenant_id, contact_id)
    before = proofs.flags(contact)
    contact.opted_out = bool(opted_out)
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    prove(session, contact, before, "manual", evidence={"user_id": actor_user_id})
    tell_webhooks(session, [contact], "contact.updated")


IDENTITY_ATTEMPTS = 3


def apply_identity_notice(session: Session, *, instance: Instance | inbox.InstanceRef,
                          wa_id: str, user_id: str | None, system: dict[str, Any] | None,
                          wamid: str = "") -> None:
    """A notice just stored from `wa_id` / `user_id` (the customer's former identity) that
    their number or BSUID changed, applied to their contact in the caller's transaction.
    Never fails the webhook over its content: a change that cannot be made is traced in
    the number's diagnostics and the notice stays in the chat."""
    for attempt in range(IDENTITY_ATTEMPTS):
        try:
            with session.begin_nested():
                contact, _ = inbox.contact_and_conversation(
                    session, instance=instance,
                    wa_id=inbox.clean_text(wa_id, WA_ID_MAX) or "?",
                    name=None, user_id=inbox.clean_text(user_id, WA_ID_MAX))
                follow_identity_change(session, contact=contact, system=system, wamid=wamid)
            return
        except IntegrityError:
            # Another process changed these contacts at this very moment (the customer's
            # first message under the new number): its row is committed now, so reading
            # again sees it and the change goes the way it would have.
            log.warning("identity notice %s not applied (attempt %d)", wamid, attempt + 1,
                        exc_info=True)
    inbox.log_event(session, kind="identity_failed", instance=instance,
                    detail=inbox.clean_json({"wamid": wamid}))


def follow_identity_change(session: Session, *, contact: Contact,
                           system: dict[str, Any] | None, wamid: str = "") -> None:
    """Meta's notices that the customer's identity changed, stored on `contact` (the one
    known by the customer's phone or *previous* BSUID: see channels' parse_message):
    "user_changed_user_id" (a new business-scoped user id, no phone to share) or a number
    change ("user_changed_number", with the new BSUID Meta gives a new number). Other
    notices are left alone. `wamid`: the notice's, for the diagnostics' traces."""
    system = system if isinstance(system, dict) else {}
    if system.get("type") == "user_changed_user_id":
        _follow_user_id_change(session, contact, system, wamid)
    else:
        follow_number_change(session, contact=contact, system=system, wamid=wamid)


def _follow_user_id_change(session: Session, contact: Contact, system: dict[str, Any],
                           wamid: str) -> None:
    """The contact holding `previous_user_id` on this number takes `user_id`."""
    old, new = _bsuid(system.get("previous_user_id")), _bsuid(system.get("user_id"))
    if old is None or new is None or old == new:
        _trace(session, contact, "identity_unmatched", wamid, user_id=new, previous=old)
        return
    holder = contact if contact.user_id == old else session.exec(select(Contact).where(
        Contact.instance_id == contact.instance_id, Contact.user_id == old)).first()
    if holder is None:  # (stored under its phone; nobody here had the BSUID: nothing to move)
        _trace(session, contact, "identity_unmatched", wamid, user_id=new, previous=old)
        return
    old_wa_id = holder.wa_id
    if _take_user_id(session, holder, new, wamid):
        _forget_after_commit(session, holder.instance_id, old_wa_id, old)
        tell_webhooks(session, [holder], "contact.updated")


def follow_number_change(session: Session, *, contact: Contact,
                         system: dict[str, Any] | None, wamid: str = "") -> None:
    """Meta's notice that the customer moved to another number ("user_changed_number",
    with the new `wa_id` and, since Aug 2026, the new BSUID as `user_id`): the contact moves
    with them — history, tags, consent and an opt-out — and takes both new identifiers.
    When the new number already has a contact of its own, that one stays (it takes the new
    BSUID if it has none), and an opt-out of the old number carries over to it with a
    consent record (LGPD: whoever said "sair" is not messaged again under the new number).
    Anything else is left alone."""
    system = system or {}
    new = normalize_phone(system.get("new_wa_id"))
    new_user_id = _bsuid(system.get("user_id")) or _bsuid(system.get("new_user_id"))
    if new is None:
        return
    old, old_user_id = contact.wa_id, contact.user_id
    if new in br_variants(contact.wa_id):  # (the same phone: at most a new BSUID)
        if new_user_id and new_user_id != old_user_id and \
                _take_user_id(session, contact, new_user_id, wamid):
            _forget_after_commit(session, contact.instance_id, old, old_user_id)
            tell_webhooks(session, [contact], "contact.updated")
        return
    other = session.exec(select(Contact).where(
        Contact.instance_id == contact.instance_id, col(Contact.wa_id).in_(br_variants(new)),
        Contact.id != contact.id)).first()
    if other is None:
        try:
            with session.begin_nested():  # its first message may be creating it right now
                contact.wa_id, contact.updated_at = new, utcnow()
                # Meta gives a new number a new BSUID: the old one no longer finds them
                contact.user_id = None
                session.add(contact)
                session.flush()
        except IntegrityError:
            session.refresh(contact)
            other = session.exec(select(Contact).where(
                Contact.instance_id == contact.instance_id, Contact.wa_id == new)).first()
        else:
            if new_user_id:
                _take_user_id(session, contact, new_user_id, wamid)
            _forget_after_commit(session, contact.instance_id, old, old_user_id)
            tell_webhooks(session, [contact], "contact.updated")
            return
    if other is not None and new_user_id and other.user_id is None \
            and _take_user_id(session, other, new_user_id, wamid):
        tell_webhooks(session, [other], "contact.updated")
    if other is not None and contact.opted_out and not other.opted_out:
        before = proofs.flags(other)
        other.opted_out, other.updated_at = True, utcnow()
        session.add(other)
        session.flush()
        prove(session, other, before, "number_changed", evidence={"from_wa_id": old})
        tell_webhooks(session, [other], "contact.updated")


def _bsuid(value: object) -> str | None:
    """A BSUID from a notice, or None: text that fits the column (never clipped — a clipped
    id would be somebody else's)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if 0 < len(value) <= WA_ID_MAX else None


def _take_user_id(session: Session, contact: Contact, user_id: str, wamid: str) -> bool:
    """`contact` takes the BSUID `user_id` (and as its id too when it is known by its BSUID
    alone). When another contact of the number holds it already (a message with the new
    BSUID came before the notice), nothing moves: two contacts must not share one id (the
    unique index) and merging them is no notice's decision — the diagnostics keep a trace."""
    by_bsuid = contact.wa_id == contact.user_id
    clash = or_(Contact.user_id == user_id, Contact.wa_id == user_id) if by_bsuid \
        else Contact.user_id == user_id
    holder = session.exec(select(Contact.id).where(
        Contact.instance_id == contact.instance_id, clash, Contact.id != contact.id)).first()
    if holder is None:
        try:
            with session.begin_nested():  # (or a message with it is creating one right now)
                if by_bsuid:
                    contact.wa_id = user_id
                contact.user_id, contact.updated_at = user_id, utcnow()
                session.add(contact)
                session.flush()
            return True
        except IntegrityError:
            session.refresh(contact)
    _trace(session, contact, "identity_conflict", wamid, user_id=user_id,
           contact_id=contact.id, holder_id=holder)
    return False


def _forget_after_commit(session: Session, instance_id: int, wa_id: str,
                         user_id: str | None) -> None:
    """The caches drop the contact's former ids once the change is saved (forgotten before,
    a message read in between could cache the old mapping again)."""
    after_commit(session, lambda: inbox.forget_contact(instance_id, wa_id, user_id))


def _trace(session: Session, contact: Contact, kind: str, wamid: str, **detail: Any) -> None:
    """A notice that changed nothing, for the number's diagnostics."""
    inbox.log_event(session, kind=kind,
                    instance=inbox.InstanceRef(contact.instance_id, contact.tenant_id),
                    detail=inbox.clean_json({"wamid": wamid, **detail}))


def note_conversation(session: Session, *, tenant_id: int, contact_id: object) -> int:
    """The contact's conversation (created, quiet, for one imported and never talked to),
    where the team's notes about them live."""
    contact = _own(session, tenant_id, contact_id)
    conv = session.exec(select(Conversation).where(Conversation.contact_id == contact.id)
                        ).first()
    if conv is None:
        conv = Conversation(tenant_id=tenant_id, instance_id=contact.instance_id,
                            contact_id=contact.id)
        session.add(conv)
        session.flush()
    return conv.id


# --- import -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def import_contacts(session: Session, *, tenant_id: int, instance_id: object, filename: str,
                    data: bytes, consent: bool = False,
                    legal_basis: str = LegalBasis.CONSENT,
                    actor_user_id: int | None = None) -> ImportResult:
    """A CSV/XLSX of contacts into a number: a `telefone` column (any usual spelling) and
    optionally `nome`, `tags` (separated by , ; or |) and other columns, kept as fields.
    All or nothing: any bad row rejects the file (ImportRejected lists every problem).
    `consent`: the business declares these people agreed to receive its messages (recorded
    as an import's consent — never over a contact's own opt-out), on the `legal_basis` it
    declares, with the file's name and who imported it as evidence."""
    if legal_basis not in LegalBasis.ALL:
        raise FieldErrors({"legal_basis": "consent.error.legal_basis"})
    instance = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    rows = read_table(filename, data, max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS)
    if len(rows) < 2:
        raise ImportRejected((
            "A planilha não tem contatos: a primeira linha deve ser o cabeçalho (telefone, "
            "nome, tags…) e as seguintes, os contatos.",
            "The spreadsheet has no contacts: the first row must be the header (telefone, "
            "nome, tags…) and the next ones the contacts."))
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise ImportRejected((f"O arquivo tem mais de {MAX_IMPORT_ROWS} contatos.",
                              f"The file has more than {MAX_IMPORT_ROWS} contacts."))
    header = [" ".join(h.strip().lower().split()) for h in rows[0]]
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        for key, aliases in _HEADERS.items():
            if name in aliases and key not in index:
                index[key] = i
    if "phone" not in index:
        raise ImportRejected((
            "Não encontrei a coluna de telefone: o cabeçalho precisa ter uma coluna chamada "
            "telefone, celular ou whatsapp.",
            "No phone column found: the header needs a column called telefone, celular, "
            "whatsapp or phone."))
    extra = {i: name for i, name in enumerate(header) if i not in index.values() and name}
    field_names = {}
    for i, name in extra.items():
        key = re.sub(r"[^a-z0-9_]", "_", _fold(name)).strip("_")[:50] or f"coluna_{i + 1}"
        field_names[i] = key if FIELD_NAME.match(key) else f"campo_{key}"[:50]
    errors: list[tuple[str, str]] = []
    parsed: dict[str, tuple[str, list[str], dict[str, str]]] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        raw_phone = cells[index["phone"]].strip()
        phone = normalize_phone(raw_phone)
        problems: list[tuple[str, str]] = []
        if not raw_phone:
            problems.append(("telefone vazio", "empty phone"))
        elif phone is None:
            problems.append((f"telefone inválido ({raw_phone[:30]})",
                             f"invalid phone ({raw_phone[:30]})"))
        name = " ".join(_CONTROL.sub(" ", cells[index["name"]]).split()) \
            if "name" in index else ""
        if len(name) > 120:
            problems.append(("nome com mais de 120 caracteres",
                             "name longer than 120 characters"))
        try:
            tags = clean_tags(cells[index["tags"]]) if "tags" in index else []
        except FieldErrors:
            tags = []
            problems.append(("tags inválidas (até 30, cada uma com até 50 caracteres)",
                             "invalid tags (up to 30, each up to 50 characters)"))
        fields = {field_names[i]: cells[i].strip()[:500] for i in extra if cells[i].strip()}
        if phone and phone in parsed:
            problems.append(("telefone repetido no arquivo", "phone repeated in the file"))
        if problems:
            errors.append((f"Linha {line}: " + "; ".join(p for p, _ in problems),
                           f"Row {line}: " + "; ".join(e for _, e in problems)))
            continue
        parsed[phone] = (name, tags, fields)
    if errors:
        raise ImportRejected((f"Nada foi importado: {len(errors)} linha(s) com problema.",
                              f"Nothing was imported: {len(errors)} row(s) with problems."),
                             list(errors[:200]))
    return _upsert(session, tenant_id, instance.id, parsed, consent,
                   proof={"legal_basis": legal_basis,
                          "evidence": {"file": filename[:120], "user_id": actor_user_id}})


def _fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _upsert(session: Session, tenant_id: int, instance_id: int,
            parsed: dict[str, tuple[str, list[str], dict[str, str]]],
            consent: bool = False, proof: dict[str, Any] | None = None) -> ImportResult:
    variants = {v: phone for phone in parsed for v in br_variants(phone)}
    existing: dict[str, Contact] = {}
    keys = list(variants)
    for start in range(0, len(keys), 500):
        for contact in session.exec(select(Contact).where(
                Contact.instance_id == instance_id,
                Contact.wa_id.in_(keys[start:start + 500]))).all():
            existing[variants[contact.wa_id]] = contact
    now = utcnow()
    created = updated = 0
    new: list[Contact] = []
    before: dict[str, tuple[bool, bool]] = {}
    for phone, (name, tags, fields) in parsed.items():
        contact = existing.get(phone)
        if contact is None:
            new.append(Contact(tenant_id=tenant_id, instance_id=instance_id, wa_id=phone,
                               name=name, tags=tags, fields=fields, created_at=now,
                               updated_at=now))
            if consent:
                before[phone] = (False, False)
                record_consent(new[-1], True, "import")
            session.add(new[-1])
            created += 1
            continue
        contact.name = name or contact.name
        contact.tags = list(dict.fromkeys([*(contact.tags or []), *tags]))[:MAX_TAGS]
        contact.fields = {**(contact.fields or {}), **fields}
        if consent and not contact.opted_out:
            before[phone] = proofs.flags(contact)
            record_consent(contact, True, "import")
        contact.updated_at = now
        session.add(contact)
        updated += 1
    session.flush()
    if consent:  # one proof per contact whose consent this file gave (ids known after flush)
        proof = proof or {}
        by_phone = {c.wa_id: c for c in new} | existing
        proofs.add_rows(session, [
            proofs.proof_row(by_phone[phone], purpose=purpose, granted=granted,
                             source="import",
                             legal_basis=proof.get("legal_basis", LegalBasis.CONSENT),
                             evidence=proof.get("evidence"))
            for phone, flags in before.items()
            for purpose, granted in proofs.changes(flags, by_phone[phone])])
    tell_webhooks(session, new, "contact.created")
    tell_webhooks(session, list(existing.values()), "contact.updated")
    return ImportResult(created, updated)


def tell_webhooks(session: Session, contacts: list[Contact], kind: str) -> None:
    """contact.created / contact.updated for the business's webhooks, if it has any."""
    if contacts and webhooks_out.wants(contacts[0].tenant_id, kind):
        webhooks_out.emit(session, [webhooks_out.Event(
            c.tenant_id, kind, {"contact": webhooks_out.contact_data(c)}, f"k{c.id}")
            for c in contacts])


# --- the public API's view: pages by id, upsert by phone, partial edits, delete -------------
def page_after(session: Session, *, tenant_id: int, after_id: int = 0, limit: int = PAGE,
               tag: str = "", field_name: str = "", field_value: str = "",
               opted_out: bool | None = None, updated_since: datetime | None = None,
               instance_id: object = None) -> list[Contact]:
    """Contacts with an id above `after_id`, oldest first (a cursor that never skips or
    repeats while contacts are added)."""
    query = select(Contact).where(Contact.tenant_id == tenant_id, Contact.id > after_id)
    query = _tag_and_field(session, query, tag, field_name, field_value)
    if opted_out is not None:
        query = query.where(Contact.opted_out == opted_out)
    if updated_since is not None:
        query = query.where(Contact.updated_at >= updated_since)
    iid = parse_id(instance_id) if instance_id not in (None, "") else None
    if instance_id not in (None, "") and iid is None:
        raise FieldErrors({"instance_id": "error.not_found"})
    if iid is not None:
        query = query.where(Contact.instance_id == iid)
    return list(session.exec(query.order_by(col(Contact.id)).limit(max(1, min(limit, 200)))))


def get_contact(session: Session, *, tenant_id: int, contact_id: object) -> Contact:
    return _own(session, tenant_id, contact_id)


def upsert_contact(session: Session, *, tenant_id: int, instance_id: object, phone: object,
                   name: object = None, tags: object = None, fields: object = None,
                   opted_out: bool | None = None, opted_in: bool | None = None,
                   evidence: dict[str, Any] | None = None) -> tuple[Contact, bool]:
    """The number's contact with this phone (the Brazilian 9th digit either way), created if
    new; what is given is set (fields are merged: a null value removes one). Returns
    (contact, created)."""
    instance = get_instance(session, tenant_id=tenant_id, instance_id=instance_id)
    wa_id = normalize_phone(phone)
    if wa_id is None:
        raise FieldErrors({"phone": "api.error.phone"})
    find = select(Contact).where(
        Contact.instance_id == instance.id, col(Contact.wa_id).in_(br_variants(wa_id))
    ).with_for_update(key_share=True)
    contact = session.exec(find).first()
    created = False
    if contact is None:  # (two calls at once for one phone: one creates, both update it)
        now = utcnow()
        created = insert_ignore(session, Contact, {
            "tenant_id": tenant_id, "instance_id": instance.id, "wa_id": wa_id, "name": "",
            "tags": [], "fields": {}, "opted_out": False, "created_at": now,
            "updated_at": now}, ["instance_id", "wa_id"]) is not None
        contact = session.exec(find.execution_options(populate_existing=True)).first()
    before = proofs.flags(contact)
    _apply(contact, name=name, tags=tags, fields=fields, opted_out=opted_out,
           opted_in=opted_in)
    session.add(contact)
    session.flush()
    prove(session, contact, before, "api", evidence=evidence)
    tell_webhooks(session, [contact], "contact.created" if created else "contact.updated")
    return contact, created


def patch_contact(session: Session, *, tenant_id: int, contact_id: object, name: object = None,
                  tags: object = None, fields: object = None,
                  opted_out: bool | None = None, opted_in: bool | None = None,
                  evidence: dict[str, Any] | None = None) -> Contact:
    """`evidence`: what backs a consent change made here (the API key's id)."""
    contact = _own(session, tenant_id, contact_id)
    # (two edits at once: each merged its fields into what it read, one was lost)
    session.refresh(contact, with_for_update={"key_share": True})
    before = proofs.flags(contact)
    if contact.opted_out and (opted_out is False or opted_in is True) \
            and proofs.revoked_by_the_customer(session, tenant_id=tenant_id,
                                               contact_id=contact.id):
        # a CRM sync sending "opted_out: false" for everyone must not re-subscribe those
        # who wrote SAIR: only their own opt-in word brings them back
        raise Conflict("contacts.error.own_opt_out", field="opted_out")
    _apply(contact, name=name, tags=tags, fields=fields, opted_out=opted_out,
           opted_in=opted_in)
    session.add(contact)
    session.flush()
    prove(session, contact, before, "api", evidence=evidence)
    tell_webhooks(session, [contact], "contact.updated")
    return contact


def _apply(contact: Contact, *, name: object, tags: object, fields: object,
           opted_out: bool | None, opted_in: bool | None = None,
           source: str = "api") -> None:
    """Validate everything first, then change: a refused edit leaves the contact as it was."""
    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    new_name = new_tags = new_fields = None
    if name is not None:
        new_name = " ".join(_CONTROL.sub(" ", as_text(name)).split())
        if len(new_name) > 120:
            errors["name"], params["name"] = "error.too_long", {"max": 120}
    try:
        new_tags = clean_tags(tags) if tags is not None else None
    except FieldErrors as exc:
        errors.update(exc.errors)
        params.update(exc.field_params)
    if fields is not None:
        if not isinstance(fields, dict):
            errors["fields"] = "contacts.error.fields"
        else:
            try:
                kept = clean_fields({k: v for k, v in fields.items() if v is not None})
                new_fields = {**(contact.fields or {}), **kept}
                for key in (k for k, v in fields.items() if v is None):
                    new_fields.pop(as_text(key).strip(), None)
                if len(new_fields) > MAX_FIELDS:
                    errors["fields"] = "contacts.error.too_many_fields"
                    params["fields"] = {"max": MAX_FIELDS}
            except FieldErrors as exc:
                errors.update(exc.errors)
                params.update(exc.field_params)
    if errors:
        raise FieldErrors(errors, params)
    if new_name is not None:
        contact.name = new_name
    if new_tags is not None:
        contact.tags = new_tags
    if new_fields is not None:
        contact.fields = new_fields
    if opted_out is not None:
        contact.opted_out = bool(opted_out)
    if opted_in is not None:
        record_consent(contact, bool(opted_in), source)
    contact.updated_at = utcnow()


def prove(session: Session, contact: Contact, before: tuple[bool, bool], source: str, *,
          legal_basis: str = LegalBasis.CONSENT, text_shown: str = "",
          evidence: dict[str, Any] | None = None) -> None:
    """The consent records of a change of the contact's flags (`before`: proofs.flags
    taken before it), in the caller's transaction — the proof and the state never
    disagree. Nothing changed, nothing is recorded."""
    proofs.add_rows(session, [
        proofs.proof_row(contact, purpose=purpose, granted=granted, source=source,
                          legal_basis=legal_basis, text_shown=text_shown, evidence=evidence)
        for purpose, granted in proofs.changes(before, contact)])


def record_consent(contact: Contact, given: bool, source: str) -> None:
    """Consent to marketing given (when and where: flow, api, import, manual) or taken back.
    Giving it again also undoes an opt-out; an earlier consent keeps its first date."""
    if given:
        contact.opted_out = False
        if contact.opted_in_at is None:
            contact.opted_in_at, contact.opt_in_source = utcnow(), source[:40]
    else:
        contact.opted_in_at, contact.opt_in_source = None, ""


def set_opted_in(session: Session, *, tenant_id: int, contact_id: object,
                 opted_in: bool, actor_user_id: int | None = None) -> None:
    """A person of the business records (or withdraws) the contact's consent by hand."""
    contact = _own(session, tenant_id, contact_id)
    before = proofs.flags(contact)
    record_consent(contact, bool(opted_in), "manual")
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    prove(session, contact, before, "manual", evidence={"user_id": actor_user_id})
    tell_webhooks(session, [contact], "contact.updated")


def delete_contact(session: Session, *, tenant_id: int, contact_id: object) -> None:
    """The contact, its conversation, messages and notes (the database cascades; the
    analytics counts keep what happened)."""
    from ylada_app.services.inbox import forget_contact

    contact = _own(session, tenant_id, contact_id)
    key = (contact.instance_id, contact.wa_id, contact.user_id)
    session.delete(contact)
    session.flush()
    # once saved: forgotten earlier, a message arriving before the commit finds the row
    # still there and caches it again, and the number keeps pointing at a deleted contact
    after_commit(session, lambda: forget_contact(*key))
