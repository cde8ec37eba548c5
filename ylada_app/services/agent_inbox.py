"""The team's inbox: conversations to answer, their timeline, and what a person does there.

Invariant: a person's reply goes through the same outbox as the bot's. It is written as an
outbound `message` row under the conversation's lock (the same lock the pipeline holds while
it writes and delivers the bot's replies), counted against the plan's monthly quota in that
transaction, and delivered afterwards by the pipeline's delivery job — rate-limited, retried,
in order with the bot's messages, exactly once. Pages never call a channel.

Every function takes `tenant_id` from the session and refuses another business's ids as
"not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from ylada_app.core.db import after_commit, session_scope
from ylada_app.core.queue import enqueue
from ylada_app.models import (
    Contact,
    Conversation,
    ConversationLog,
    Instance,
    Membership,
    Message,
    QuickReply,
    User,
    utcnow,
)
from ylada_app.services import inbox_search, notifications, outbox, webhooks_out
from ylada_app.services.contacts import tag_filter
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.outbound_rules import SendCheck, free_form_check
from ylada_app.services.phones import display_phone
from ylada_app.services.validation import as_text, parse_id

TABS = {"open": ("human",), "bot": ("bot",), "resolved": ("closed",), "snoozed": ("snoozed",)}
ASSIGNEE_FILTERS = ("anyone", "me", "unassigned")
TEXT_MAX = 4096  # WhatsApp's limit for a text message
NOTE_MAX = 4000
PAGE = 50
TIMELINE = 300
TIMELINE_MAX = 6000  # "load older" grows the view up to this many messages
RETURN_JOB = "ylada_app.jobs.inbox.return_to_bot"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # (+ lone surrogates)


# --- the list ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class InboxRow:
    id: int
    contact_name: str
    phone: str
    instance_name: str
    status: str
    preview: str
    last_from: str
    last_at: datetime | None
    waiting_since: datetime | None
    unread: int
    assignee_id: int | None
    assignee_name: str


def list_conversations(
    session: Session,
    *,
    tenant_id: int,
    user_id: int,
    tab: str = "open",
    assignee: str = "anyone",
    instance_id: object = None,
    tag: str = "",
    search: str = "",
    limit: int = PAGE,
) -> list[InboxRow]:
    """Newest activity first. `open` includes snoozed conversations whose time has come."""
    now = utcnow()
    statuses = TABS.get(tab, TABS["open"])
    status_filter = Conversation.status.in_(statuses)
    if tab == "open":
        status_filter = or_(status_filter, and_(Conversation.status == "snoozed",
                                                Conversation.snoozed_until <= now))
    elif tab == "snoozed":
        status_filter = and_(status_filter, or_(Conversation.snoozed_until.is_(None),
                                                Conversation.snoozed_until > now))
    # The page's ids first, from `conversation` alone (its index is in this order), then
    # their contacts and names: joining before the LIMIT would join every match.
    query = select(Conversation.id).where(Conversation.tenant_id == tenant_id, status_filter,
                                          Conversation.last_message_at.is_not(None))
    if assignee == "me":
        query = query.where(Conversation.assignee_user_id == user_id)
    elif assignee == "unassigned":
        query = query.where(Conversation.assignee_user_id.is_(None))
    iid = parse_id(instance_id) if instance_id not in (None, "", "all") else None
    if iid is not None:
        query = query.where(Conversation.instance_id == iid)
    tag = as_text(tag).strip()[:50]
    if tag:
        query = query.join(Contact, Contact.id == Conversation.contact_id).where(
            tag_filter(session, tag))
    text = " ".join(as_text(search).split())[:100]
    if text:
        matches = [inbox_search.contact_matches(session, tenant_id=tenant_id, text=text)]
        if len(text) >= 3:
            matches.append(inbox_search.has_words(session, tenant_id=tenant_id, text=text))
        query = query.where(or_(*matches))
    newest = (col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
    ids = session.exec(query.order_by(*newest).limit(max(1, min(limit, 200)))).all()
    if not ids:
        return []
    rows = session.exec(
        select(Conversation, Contact, Instance.name, User.name)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Instance, Instance.id == Conversation.instance_id)
        .join(User, User.id == Conversation.assignee_user_id, isouter=True)
        .where(col(Conversation.id).in_(ids)).order_by(*newest)
    ).all()
    return [
        InboxRow(c.id, contact.name or display_phone(contact.wa_id), display_phone(contact.wa_id),
                 instance_name, c.status, c.last_message_preview, c.last_message_from,
                 c.last_message_at, c.waiting_since, c.unread, c.assignee_user_id,
                 assignee_name or "")
        for c, contact, instance_name, assignee_name in rows
    ]


def tab_counts(session: Session, *, tenant_id: int) -> dict[str, int]:
    """How many conversations wait for a person (and are snoozed), for the tabs' badges."""
    now = utcnow()
    rows = session.exec(
        select(Conversation.status, func.count())
        .where(Conversation.tenant_id == tenant_id,
               Conversation.status.in_(("human", "snoozed")),
               or_(Conversation.status == "human", Conversation.snoozed_until.is_(None),
                   Conversation.snoozed_until > now))
        .group_by(Conversation.status)
    ).all()
    counts = dict(rows)
    return {"open": counts.get("human", 0), "snoozed": counts.get("snoozed", 0)}


# --- one conversation -------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineItem:
    key: str
    kind: str  # customer | bot | ai | api | agent | note | system
    type: str
    text: str
    payload: dict[str, Any]
    status: str
    error: str
    at: datetime
    author: str


@dataclass
class ConversationView:
    id: int
    contact_id: int
    contact_name: str
    phone: str
    instance_name: str
    status: str
    assignee_id: int | None
    snoozed_until: datetime | None
    tags: list[str]
    send: SendCheck
    items: list[TimelineItem] = field(default_factory=list)
    older: bool = False  # more history before the first item


def _own(session: Session, tenant_id: int, conversation_id: object
         ) -> tuple[Conversation, Contact, Instance]:
    cid = parse_id(conversation_id)
    row = session.exec(
        select(Conversation, Contact, Instance)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Instance, Instance.id == Conversation.instance_id)
        .where(Conversation.id == cid, Conversation.tenant_id == tenant_id)
    ).first() if cid is not None else None
    if row is None:
        raise NotFound("error.not_found")
    return row


def conversation_view(session: Session, *, tenant_id: int, conversation_id: object,
                      limit: int = TIMELINE) -> ConversationView:
    """The latest `limit` messages and log lines, oldest first."""
    conv, contact, instance = _own(session, tenant_id, conversation_id)
    limit = max(1, min(int(limit), TIMELINE_MAX))
    latest = select(Message).where(Message.conversation_id == conv.id).limit(limit + 1)
    messages = list(session.exec(latest.order_by(col(Message.id).desc())).all())
    if any((m.payload or {}).get("history") for m in messages):
        # The WhatsApp Business app's past chats (services/coexistence) came in after newer
        # messages: by time, not by arrival (only such conversations pay for the sort).
        messages = list(session.exec(latest.order_by(col(Message.created_at).desc(),
                                                     col(Message.id).desc())).all())
    older = len(messages) > limit
    messages = messages[:limit]
    since = messages[-1].created_at if older and messages else None
    log_query = select(ConversationLog).where(ConversationLog.conversation_id == conv.id)
    if since is not None:
        log_query = log_query.where(ConversationLog.created_at >= since)
    logs = list(session.exec(log_query.order_by(col(ConversationLog.id).desc())
                             .limit(limit)).all())
    authors = _names(session, {m.author_user_id for m in messages} |
                     {lg.author_user_id for lg in logs})
    items = [_message_item(m, authors) for m in messages] + [_log_item(lg, authors)
                                                              for lg in logs]
    items.sort(key=lambda i: (i.at, i.key))
    phone = display_phone(contact.wa_id)
    return ConversationView(
        conv.id, contact.id, contact.name or phone, phone,
        instance.name, _effective_status(conv), conv.assignee_user_id, conv.snoozed_until,
        list(contact.tags or []), free_form_check(conv, contact, instance), items, older)


def _effective_status(conv: Conversation) -> str:
    if conv.status == "snoozed" and conv.snoozed_until and conv.snoozed_until <= utcnow():
        return "human"
    return conv.status


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())


def _message_item(m: Message, authors: dict[int, str]) -> TimelineItem:
    kind = message_author(m)
    # Stored time, not the phone's: one clock orders messages and log lines together.
    return TimelineItem(f"m{m.id:012d}", kind, m.type, m.text or "", m.payload or {},
                        m.status, m.error or "", m.created_at,
                        authors.get(m.author_user_id or 0, ""))


def _log_item(lg: ConversationLog, authors: dict[int, str]) -> TimelineItem:
    author = authors.get(lg.author_user_id or 0, "")
    if lg.kind == "assigned" and lg.text == author:
        author = ""  # "Atribuída a Ana" is enough when Ana took it herself
    return TimelineItem(f"l{lg.id:012d}", "note" if lg.kind == "note" else "system", lg.kind,
                        lg.text, dict(lg.data or {}), "", "", lg.created_at, author)


def conversation_instance(session: Session, *, tenant_id: int, conversation_id: object) -> int:
    return _own(session, tenant_id, conversation_id)[0].instance_id


def mark_read(session: Session, *, tenant_id: int, conversation_id: object) -> None:
    conv, _, _ = _own(session, tenant_id, conversation_id)
    if conv.unread:
        conv.unread = 0
        session.add(conv)
        session.flush()


# --- writing ----------------------------------------------------------------------------------
def _require_member(session: Session, tenant_id: int, user_id: int | None) -> None:
    """`user_id` None is the business's own program through the public API (its key, of
    this business, was checked by the caller); anyone else must be a member."""
    if user_id is None:
        return
    if session.exec(select(Membership.id).where(Membership.tenant_id == tenant_id,
                                                Membership.user_id == user_id)).first() is None:
        raise NotFound("error.not_found")


def clean_text(value: object, *, max_len: int, field_name: str = "text") -> str:
    text = _CONTROL.sub("", as_text(value)).strip()
    if not text:
        raise FieldErrors({field_name: "error.required"})
    if len(text) > max_len:
        raise FieldErrors({field_name: "error.too_long"}, {field_name: {"max": max_len}})
    return text


def _log(session: Session, conv: Conversation, kind: str, user_id: int | None,
         text: str = "", at: datetime | None = None, **data: Any) -> None:
    session.add(ConversationLog(tenant_id=conv.tenant_id, conversation_id=conv.id, kind=kind,
                                text=text, author_user_id=user_id, data=data,
                                created_at=at or utcnow()))


def _take_over(session: Session, conv: Conversation, user_id: int, now: datetime) -> None:
    """A person writes in a conversation the bot was handling: the bot steps aside."""
    if conv.status != "human":
        if conv.status == "bot":
            _log(session, conv, "taken_over", user_id, at=now)
        conv.status = "human"
        conv.human_since = now
        conv.snoozed_until = None
    if conv.assignee_user_id is None:
        conv.assignee_user_id = user_id
        _log(session, conv, "assigned", user_id, _names(session, {user_id}).get(user_id, ""),
             at=now, assignee_id=user_id)


MEDIA_KINDS = ("image", "document", "video", "audio")


def media_message(url: object, kind: object, caption: object = "") -> dict[str, Any]:
    """A file sent by its link: WhatsApp fetches it from there (https only)."""
    link = as_text(url).strip()
    if not link:
        raise FieldErrors({"url": "error.required"})
    if len(link) > 2000 or not link.lower().startswith("https://") or any(
            ch.isspace() for ch in link):
        raise FieldErrors({"url": "inbox.url_invalid"})
    media_kind = as_text(kind) if as_text(kind) in MEDIA_KINDS else "document"
    text = _CONTROL.sub("", as_text(caption)).strip()
    if len(text) > 1024:
        raise FieldErrors({"caption": "error.too_long"}, {"caption": {"max": 1024}})
    message: dict[str, Any] = {"type": "media", "kind": media_kind, "url": link}
    if text and media_kind != "audio":
        message["caption"] = text
    if media_kind == "document":
        message["filename"] = link.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1][:80]
    return message


def send_agent_message(*, tenant_id: int, conversation_id: object, user_id: int,
                       text: object = None, media: dict[str, Any] | None = None) -> int:
    """A person's reply — text, or a file by link (`media_message`) — into the outbox (see
    the module's invariant). Returns its id.

    Manages its own transaction: the conversation's lock must be held until the row is
    committed, so the pipeline cannot slip a bot reply between writing and ordering it."""
    payload = media or {"type": "text", "text": clean_text(text, max_len=TEXT_MAX)}
    with session_scope() as session:  # refuse other businesses' ids before locking anything
        conv, _, _ = _own(session, tenant_id, conversation_id)
        _require_member(session, tenant_id, user_id)
        cid = conv.id

    return outbox.queue_message(tenant_id=tenant_id, conversation_id=cid, payload=payload,
                                author_user_id=user_id, sender="agent",
                                also=_person_answers(user_id))


def _person_answers(user_id: int):
    """What a person's reply changes in the outbox's transaction: they take the
    conversation, and it no longer waits or counts as unread."""
    def apply(locked: outbox.Locked) -> None:
        _take_over(locked.session, locked.conversation, user_id, locked.now)
        locked.conversation.waiting_since = None
        locked.conversation.unread = 0
    return apply


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    language: str
    variables: int  # the body's {{1}}…{{n}} (templates with a header variable are left out)
    body: str
    media: str = ""  # image | video | document: its header needs a link when sent


def template_choices(session: Session, *, tenant_id: int,
                     conversation_id: object) -> list[TemplateChoice]:
    """The approved templates of the conversation's number — what may reopen a
    conversation whose 24-hour window closed."""
    from ylada_app.services import message_templates

    conv, _, _ = _own(session, tenant_id, conversation_id)
    return [TemplateChoice(t.name, t.language, t.body_variables,
                           message_templates.preview(t, []),
                           message_templates.media_header(t) or "")
            for t in message_templates.list_templates(session, tenant_id=tenant_id,
                                                      instance_id=conv.instance_id)
            if t.status == "APPROVED" and not t.header_variables]


def send_agent_template(*, tenant_id: int, conversation_id: object, user_id: int,
                        name: object, language: object = "pt_BR",
                        variables: list[object] | None = None,
                        header_link: str | None = None) -> int:
    """A person sends an approved template (also outside the 24-hour window): checked by
    message_templates, then the same outbox as every other reply."""
    from ylada_app.services import message_templates

    with session_scope() as session:
        conv, _, _ = _own(session, tenant_id, conversation_id)
        _require_member(session, tenant_id, user_id)
        payload, _ = message_templates.template_payload(
            session, tenant_id=tenant_id, instance_id=conv.instance_id, name=str(name or ""),
            language=str(language or "pt_BR"), variables=variables,
            header_link=header_link, field="template")
        cid = conv.id

    return outbox.queue_message(tenant_id=tenant_id, conversation_id=cid, payload=payload,
                                author_user_id=user_id, sender="agent",
                                also=_person_answers(user_id), field="template",
                                template=True)


def set_tags(session: Session, *, tenant_id: int, conversation_id: object, user_id: int,
             add: object = None, remove: object = None) -> list[str]:
    """Add or remove a tag of the conversation's contact."""
    from ylada_app.services.contacts import clean_tags

    conv, contact, _ = _own(session, tenant_id, conversation_id)
    _require_member(session, tenant_id, user_id)
    # (two agents tagging at once: each rewrote the tags it read, one tag was lost)
    session.refresh(contact, with_for_update={"key_share": True})
    tags = list(contact.tags or [])
    for tag in clean_tags(add) if add else []:
        if tag not in tags:
            tags.append(tag)
    if remove:
        tags = [t for t in tags if t != as_text(remove)]
    contact.tags = clean_tags(tags)
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    return list(contact.tags)


# --- quick replies ---------------------------------------------------------------------------
SHORTCUT = re.compile(r"^[a-z0-9_-]{1,30}$")


@dataclass(frozen=True)
class QuickReplyRow:
    id: int
    shortcut: str
    text: str


def quick_replies(session: Session, *, tenant_id: int) -> list[QuickReplyRow]:
    return [QuickReplyRow(q.id, q.shortcut, q.text) for q in session.exec(
        select(QuickReply).where(QuickReply.tenant_id == tenant_id)
        .order_by(QuickReply.shortcut)).all()]


def save_quick_reply(session: Session, *, tenant_id: int, shortcut: object,
                     text: object) -> QuickReplyRow:
    key = as_text(shortcut).strip().lstrip("/").lower()
    if not SHORTCUT.match(key):
        raise FieldErrors({"shortcut": "inbox.shortcut_invalid"})
    body = clean_text(text, max_len=TEXT_MAX)
    row = session.exec(select(QuickReply).where(QuickReply.tenant_id == tenant_id,
                                                QuickReply.shortcut == key)).first()
    if row is None:
        if len(quick_replies(session, tenant_id=tenant_id)) >= 200:
            raise FieldErrors({"shortcut": "inbox.too_many_replies"})
        row = QuickReply(tenant_id=tenant_id, shortcut=key, text=body)
    row.text = body
    session.add(row)
    session.flush()
    return QuickReplyRow(row.id, row.shortcut, row.text)


def delete_quick_reply(session: Session, *, tenant_id: int, reply_id: object) -> None:
    rid = parse_id(reply_id)
    row = session.get(QuickReply, rid) if rid is not None else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("error.not_found")
    session.delete(row)
    session.flush()


def add_note(session: Session, *, tenant_id: int, conversation_id: object, user_id: int,
             text: object) -> None:
    """A private note for the team; never sent to the customer."""
    clean = clean_text(text, max_len=NOTE_MAX)
    conv, _, _ = _own(session, tenant_id, conversation_id)
    _require_member(session, tenant_id, user_id)
    _log(session, conv, "note", user_id, clean)
    session.flush()


def assign(session: Session, *, tenant_id: int, conversation_id: object, user_id: int | None,
           assignee_id: object) -> None:
    """To a member of the business, or nobody (None / "")."""
    conv, _, _ = _own(session, tenant_id, conversation_id)
    _require_member(session, tenant_id, user_id)
    target = parse_id(assignee_id) if assignee_id not in (None, "", "none") else None
    if assignee_id not in (None, "", "none"):
        if target is None:
            raise FieldErrors({"assignee": "inbox.assignee_invalid"})
        try:
            _require_member(session, tenant_id, target)
        except NotFound:
            raise FieldErrors({"assignee": "inbox.assignee_invalid"}) from None
    if conv.assignee_user_id != target:
        conv.assignee_user_id = target
        _log(session, conv, "assigned" if target else "unassigned", user_id,
             _names(session, {target}).get(target or 0, ""), assignee_id=target)
        session.add(conv)
        session.flush()


def set_status(session: Session, *, tenant_id: int, conversation_id: object, user_id: int | None,
               action: str, snooze_minutes: object = None) -> None:
    """resolve | reopen | snooze (for some minutes, or until the customer writes) |
    handoff (from the bot to a person, who is told, as when a flow hands it over)."""
    conv, contact, instance = _own(session, tenant_id, conversation_id)
    _require_member(session, tenant_id, user_id)
    now, before = utcnow(), conv.status
    if action == "handoff":
        if conv.status != "human":
            conv.status, conv.snoozed_until = "human", None
            conv.human_since = conv.waiting_since = now
            _log(session, conv, "handoff", user_id)
            notifications.on_handoff(session, conv, contact, instance)
    elif action == "resolve":
        conv.status, conv.waiting_since, conv.snoozed_until = "closed", None, None
        conv.unread = 0
        _log(session, conv, "resolved", user_id)
    elif action == "reopen":
        conv.status, conv.snoozed_until = "human", None
        conv.human_since = conv.human_since or now
        _log(session, conv, "reopened", user_id)
    elif action == "snooze":
        minutes = parse_id(snooze_minutes) if snooze_minutes not in (None, "", "0") else None
        if snooze_minutes not in (None, "", "0") and (minutes is None or minutes > 60 * 24 * 30):
            raise FieldErrors({"snooze": "inbox.snooze_invalid"})
        conv.status = "snoozed"
        conv.snoozed_until = now + timedelta(minutes=minutes) if minutes else None
        _log(session, conv, "snoozed", user_id, minutes=minutes)
    else:
        raise FieldErrors({"action": "error.status_invalid"})
    conv.updated_at = now
    session.add(conv)
    session.flush()
    kind = {"handoff": "conversation.handoff", "resolve": "conversation.resolved"}.get(action)
    if kind and conv.status != before:  # a change, not a repeat
        webhooks_out.emit(session, [webhooks_out.Event(
            tenant_id, kind, {**webhooks_out.conversation_data(conv, contact),
                              "by": "api" if user_id is None else "agent"}, f"c{conv.id}")])


def return_to_bot(session: Session, *, tenant_id: int, conversation_id: object, user_id: int | None,
                  flow_id: object = None) -> None:
    """Hand the conversation back to the flows: the bot resumes after the hand-off step (or
    starts the chosen flow of the same number right away). The job does it under the
    conversation's lock; the request is recorded now."""
    from ylada_app.services.flows import active_definitions

    conv, _, _ = _own(session, tenant_id, conversation_id)
    _require_member(session, tenant_id, user_id)
    flow_key = None
    if flow_id not in (None, "", "none"):
        fid = parse_id(flow_id)
        if fid is None or str(fid) not in active_definitions(session,
                                                             instance_id=conv.instance_id):
            raise FieldErrors({"flow": "inbox.flow_invalid"})
        flow_key = str(fid)
    _log(session, conv, "returned_to_bot", user_id, flow_id=flow_key)
    session.flush()
    conv_id = conv.id
    after_commit(session, lambda: enqueue(RETURN_JOB, conv_id, flow_key))


def start_flow(session: Session, *, tenant_id: int, contact_id: object, flow_id: object,
               user_id: int | None = None) -> int:
    """Start an active flow of the contact's number for them now (the bot takes the
    conversation); its messages go like any bot reply. Refused, with nothing done, when the
    contact could not receive them (24-hour window, opt-out). Returns the conversation id."""
    from ylada_app.services.contacts import get_contact, note_conversation
    from ylada_app.services.flows import active_definitions

    contact = get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
    _require_member(session, tenant_id, user_id)
    fid = parse_id(flow_id)
    if fid is None or str(fid) not in active_definitions(session,
                                                         instance_id=contact.instance_id):
        raise FieldErrors({"flow_id": "inbox.flow_invalid"})
    conv_id = note_conversation(session, tenant_id=tenant_id, contact_id=contact.id)
    conv, _, instance = _own(session, tenant_id, conv_id)
    check = free_form_check(conv, contact, instance)
    if not check.allowed:
        raise ServiceError(check.reason, field="contact_id")
    _log(session, conv, "flow_started", user_id, flow_id=str(fid))
    session.flush()
    after_commit(session, lambda: enqueue(RETURN_JOB, conv_id, str(fid)))
    return conv_id


# --- the public API's view: pages by id ------------------------------------------------------
def conversations_after(session: Session, *, tenant_id: int, after_id: int = 0,
                        limit: int = PAGE, tab: str | None = None,
                        instance_id: int | None = None) -> list[tuple[Conversation, Contact]]:
    """Conversations with an id above `after_id`, oldest first, optionally of one tab."""
    query = (select(Conversation, Contact).join(Contact, Contact.id == Conversation.contact_id)
             .where(Conversation.tenant_id == tenant_id, Conversation.id > after_id))
    if tab is not None:
        query = query.where(col(Conversation.status).in_(TABS[tab]))
    if instance_id is not None:
        query = query.where(Conversation.instance_id == instance_id)
    return list(session.exec(query.order_by(col(Conversation.id))
                             .limit(max(1, min(limit, 200)))).all())


def get_conversation(session: Session, *, tenant_id: int, conversation_id: object
                     ) -> tuple[Conversation, Contact]:
    conv, contact, _ = _own(session, tenant_id, conversation_id)
    return conv, contact


def messages_after(session: Session, *, tenant_id: int, conversation_id: object,
                   after_id: int = 0, limit: int = PAGE) -> list[Message]:
    """A conversation's messages with an id above `after_id`, oldest first."""
    conv, _, _ = _own(session, tenant_id, conversation_id)
    return list(session.exec(select(Message).where(Message.conversation_id == conv.id,
                                                   Message.id > after_id)
                             .order_by(col(Message.id)).limit(max(1, min(limit, 200)))).all())


def message_author(m: Message) -> str:
    """customer | bot | ai | api | broadcast | agent | app (the business's WhatsApp Business
    app, services/coexistence), as the timeline tells them apart."""
    source = (m.payload or {}).get("source")
    return ("customer" if m.direction == "in" else "agent" if m.author_user_id
            else source if source in ("ai", "api", "broadcast", "app") else "bot")
