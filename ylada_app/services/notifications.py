"""Team notifications: a customer asked for a person, a lead came in, a customer waits too
long. Each member of the business gets their own row (the bell counts the unread ones) and,
if their preferences say so, an e-mail — both written in the transaction of the change they
tell about (the pipeline's batch, the sweeper's check), sent by jobs after it. Notifications
belong to one business: nobody ever lists another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, update
from sqlmodel import Session, col, select

from ylada_app.models import (
    Contact,
    Conversation,
    Instance,
    Membership,
    Notification,
    Tenant,
    User,
    utcnow,
)
from ylada_app.services.emails import queue_email
from ylada_app.services.errors import FieldErrors
from ylada_app.services.validation import parse_id

# "plan": numbers and flows switched off because the plan shrank (limits.switch_off_excess)
KINDS = ("handoff", "waiting", "lead", "number", "plan")
# What a member gets by e-mail until they choose: being asked for is urgent, leads are not;
# Meta's warnings about the number (quality, bans) are.
EMAIL_DEFAULTS = {"handoff": True, "waiting": True, "lead": False, "number": True,
                  "plan": True}
_TITLES = {
    "handoff": ("{contact} pediu atendimento humano", "{contact} asked for a person"),
    "waiting": ("{contact} espera há {minutes} min", "{contact} has waited {minutes} min"),
    "lead": ("Novo lead: {contact}", "New lead: {contact}"),
    # a hand-off by the AI assistant (kind "handoff", with the question as its detail)
    "ai_handoff": ("A IA não soube responder a {contact}", "The AI could not answer {contact}"),
    "number": ("Aviso da Meta sobre {instance}", "Meta notice about {instance}"),
    "plan": ("O plano {instance} tem limites menores", "The {instance} plan has lower limits"),
}
_BODIES = {
    "handoff": ("Em {instance}. Abra o atendimento para responder.",
                "On {instance}. Open the inbox to answer."),
    "waiting": ("Em {instance}, ainda sem resposta da equipe.",
                "On {instance}, still without an answer from the team."),
    "lead": ("Em {instance}: {detail}.", "On {instance}: {detail}."),
    "ai_handoff": ("Em {instance}, a pergunta foi: “{detail}”. Abra o atendimento para "
                   "responder.",
                   "On {instance}, the question was: “{detail}”. Open the inbox to answer."),
    "number": ("{detail}", "{detail}"),  # (written by the caller: TeamEvent.bodies)
    "plan": ("{detail}", "{detail}"),  # (written by the caller: TeamEvent.bodies)
}


def wants_email(prefs: dict | None, kind: str) -> bool:
    value = (prefs or {}).get(kind)
    return EMAIL_DEFAULTS.get(kind, False) if value is None else bool(value)


@dataclass(frozen=True)
class TeamEvent:
    """Something the team of a business is told about."""

    tenant_id: int
    kind: str  # one of KINDS
    conversation_id: int | None
    contact: str
    instance: str
    minutes: int = 0
    detail: str = ""
    bodies: tuple[str, str] = ("", "")  # the body already written (pt-BR, English)
    link: str = ""  # where the bell and the e-mail lead (default: the conversation)


def handoff_event(conv: Conversation, contact: Contact, instance: Instance,
                  question: str = "") -> TeamEvent:
    """`question`: the assistant handed over because it could not answer this."""
    return TeamEvent(conv.tenant_id, "handoff", conv.id, contact.name or contact.wa_id,
                     instance.name, detail=question[:160])


def lead_event(conv: Conversation, contact: Contact, instance: Instance,
               goal: str) -> TeamEvent:
    return TeamEvent(conv.tenant_id, "lead", conv.id, contact.name or contact.wa_id,
                     instance.name, detail=goal.replace("_", " ")[:80])


def notify_many(session: Session, events: list[TeamEvent]) -> int:
    """One notification per member of each event's business (+ e-mails), for a whole batch
    of events with one query for the members and one insert: the pipeline tells about
    dozens of leads per batch. Returns how many notifications."""
    if not events:
        return 0
    members: dict[int, list[tuple]] = {}
    for tenant_id, *member in session.exec(
            select(Membership.tenant_id, Membership.user_id, Membership.email_notifications,
                   User.email, User.locale, User.name)
            .join(User, User.id == Membership.user_id)
            .where(col(Membership.tenant_id).in_(sorted({e.tenant_id for e in events})))
    ).all():
        members.setdefault(tenant_id, []).append(tuple(member))
    now = utcnow()
    rows: list[dict] = []
    mails: list[tuple[TeamEvent, tuple, dict]] = []
    for event in events:
        params = {"contact": event.contact or "Cliente", "instance": event.instance,
                  "minutes": event.minutes, "detail": event.detail}
        # (the same kind, for the member's preferences; its own words)
        words = "ai_handoff" if event.kind == "handoff" and event.detail else event.kind
        for member in members.get(event.tenant_id, []):
            uid, prefs, _email, locale, _name = member
            row = {"tenant_id": event.tenant_id, "user_id": uid, "kind": event.kind,
                   "conversation_id": event.conversation_id,
                   "title": _TITLES[words][1 if locale == "en" else 0].format(**params)[:200],
                   "body": (event.bodies[1 if locale == "en" else 0]
                            or _BODIES[words][1 if locale == "en" else 0].format(**params))[:300],
                   "read_at": None, "created_at": now}
            rows.append(row)
            if wants_email(prefs, event.kind):
                mails.append((event, member, row))
    if rows:
        session.connection().execute(insert(Notification.__table__), rows)
    for event, (uid, _prefs, email, locale, name), row in mails:
        link = event.link or (f"/inbox?c={event.conversation_id}" if event.conversation_id
                              else "/inbox")
        queue_email(session, to=email, kind="team_notice", lang=locale, link_path=link,
                    user_id=uid, tenant_id=event.tenant_id, name=name, title=row["title"],
                    body=row["body"])
    return len(rows)


def notify_team(session: Session, *, tenant_id: int, kind: str, conversation_id: int | None,
                contact: str, instance: str, minutes: int = 0, detail: str = "") -> int:
    """One notification per member of the business (+ e-mails). Returns how many."""
    return notify_many(session, [TeamEvent(tenant_id, kind, conversation_id, contact,
                                           instance, minutes, detail)])


def on_handoff(session: Session, conv: Conversation, contact: Contact,
               instance: Instance) -> None:
    notify_many(session, [handoff_event(conv, contact, instance)])


def notify_waiting(session: Session, *, now: datetime | None = None,
                   limit: int = 200) -> set[int]:
    """Customers who have waited longer than their business's limit: the team is told once
    per wait (the sweeper calls this). Returns the businesses told."""
    now = now or utcnow()
    rows = session.exec(
        select(Conversation, Contact, Instance, Tenant.inbox_wait_minutes)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(Instance, Instance.id == Conversation.instance_id)
        .join(Tenant, Tenant.id == Conversation.tenant_id)
        # the same predicate as the partial index ix_conversation_waiting (WAITING_SQL)
        .where(Conversation.status == "human", Conversation.waiting_since.is_not(None),
               Conversation.waiting_notified_at.is_(None),
               Conversation.waiting_since <= now - timedelta(minutes=1))
        .order_by(Conversation.waiting_since).limit(limit)
        .with_for_update(of=Conversation, skip_locked=True)
    ).all()
    told: set[int] = set()
    for conv, contact, instance, minutes in rows:
        limit_min = max(1, minutes or 5)
        if conv.waiting_since > now - timedelta(minutes=limit_min):
            continue
        waited = int((now - conv.waiting_since).total_seconds() // 60)
        notify_team(session, tenant_id=conv.tenant_id, kind="waiting", conversation_id=conv.id,
                    contact=contact.name or contact.wa_id, instance=instance.name,
                    minutes=waited)
        conv.waiting_notified_at = now
        session.add(conv)
        told.add(conv.tenant_id)
    session.flush()
    return told


# --- the bell ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    title: str
    body: str
    conversation_id: int | None
    read: bool
    created_at: datetime


def unread_count(session: Session, *, tenant_id: int, user_id: int) -> int:
    return session.exec(
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.tenant_id == tenant_id,
               Notification.read_at.is_(None))
    ).one()


def latest(session: Session, *, tenant_id: int, user_id: int,
           limit: int = 20) -> list[NotificationItem]:
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.tenant_id == tenant_id)
        .order_by(col(Notification.id).desc()).limit(limit)
    ).all()
    return [NotificationItem(n.id, n.kind, n.title, n.body, n.conversation_id,
                             n.read_at is not None, n.created_at) for n in rows]


def mark_read(session: Session, *, tenant_id: int, user_id: int,
              notification_id: object = None) -> int:
    """One of the member's own notifications, or all of them (None)."""
    query = (update(Notification)
             .where(Notification.user_id == user_id, Notification.tenant_id == tenant_id,
                    Notification.read_at.is_(None)))
    if notification_id is not None:
        nid = parse_id(notification_id)
        if nid is None:
            return 0
        query = query.where(Notification.id == nid)
    return session.exec(query.values(read_at=utcnow())).rowcount or 0


# --- preferences -------------------------------------------------------------------------------
def email_preferences(session: Session, *, tenant_id: int, user_id: int) -> dict[str, bool]:
    prefs = session.exec(select(Membership.email_notifications).where(
        Membership.tenant_id == tenant_id, Membership.user_id == user_id)).first()
    return {kind: wants_email(prefs, kind) for kind in KINDS}


def set_email_preferences(session: Session, *, tenant_id: int, user_id: int,
                          prefs: dict[str, object]) -> dict[str, bool]:
    member = session.exec(select(Membership).where(Membership.tenant_id == tenant_id,
                                                   Membership.user_id == user_id)).first()
    if member is None:
        raise FieldErrors({"_": "error.not_member"})
    member.email_notifications = {kind: bool(prefs.get(kind)) for kind in KINDS}
    session.add(member)
    session.flush()
    return dict(member.email_notifications)


def set_wait_limit(session: Session, *, tenant_id: int, minutes: object) -> int:
    value = parse_id(minutes)
    if value is None or not 1 <= value <= 24 * 60:
        raise FieldErrors({"wait_minutes": "error.number_range"},
                          {"wait_minutes": {"lo": 1, "hi": 24 * 60}})
    tenant = session.get(Tenant, tenant_id)
    tenant.inbox_wait_minutes = value
    session.add(tenant)
    session.flush()
    return value
