"""Broadcasts: an approved template sent to an audience of one number's contacts.

Invariants:
- The audience is contacts of the number who consented to marketing (`opted_in_at`) and have
  not opted out — checked when the broadcast is planned, and again by the outbox for each
  recipient as it is queued (someone who writes SAIR mid-way gets nothing more).
- Every recipient goes through the one outbox path (`outbox.queue_message`: opt-out, quota,
  the conversation's lock and order), and its `BroadcastRecipient` row is written in that
  same transaction. (broadcast, contact) is unique, so a recipient is queued at most once
  whatever crashes; a re-run after a crash resumes past the last contact it recorded.
- Queuing is paced by what the number can send: no more than `window` of this broadcast's
  messages wait in the outbox at once, so a cancel stops it within seconds and the bot's own
  replies never queue behind thousands of campaign messages.
- And by the number's messaging tier (services/messaging_tier): never more people in 24 hours
  than Meta allows the number. Past it the broadcast stays "sending", noted `TIER_CAP`, and
  the sweeper's next runs go on once the oldest sends leave the 24-hour window.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ylada_app.core import locks
from ylada_app.core.db import escape_like, session_scope
from ylada_app.core.settings import get_settings
from ylada_app.models import (
    Broadcast,
    BroadcastRecipient,
    Contact,
    Conversation,
    Instance,
    Message,
    MessageTemplate,
    PlatformSetting,
    utcnow,
)
from ylada_app.models.instance import ChannelKind, InstanceStatus
from ylada_app.models.upsert import insert_ignore_many
from ylada_app.services import contacts as contacts_svc
from ylada_app.services import entitlements, message_templates, messaging_tier, outbox
from ylada_app.services.errors import FieldErrors, NotFound, ServiceError
from ylada_app.services.validation import parse_id

# Meta's per-message prices for Brazil (BRL, approximate; July 2025 table at ~R$ 5.50/USD),
# until the platform admin sets the current ones (`set_prices`). Only an estimate shown
# before sending: Meta bills the number's account, not ylada.
PRICES_BRL = {"MARKETING": Decimal("0.35"), "UTILITY": Decimal("0.04"),
              "AUTHENTICATION": Decimal("0.04")}
PRICES_KEY = "template_prices_brl"
MAX_PRICE = Decimal("10")
SOURCES = ("name", "phone", "field", "text")
ACTIVE_DAYS = (1, 7, 30, 90, 365)
MAX_TAGS = 10
FIELD_OPS = ("equals", "contains")
MAX_FIELD_RULES = 3
FIELD_VALUE_MAX = 200
OPEN = ("scheduled", "sending")
TIER_CAP = "broadcasts.tier_cap"  # stop_reason while waiting for the number's 24-hour limit
RUN_JOB = "ylada_app.jobs.broadcasts.run"
CHUNK = 100  # recipients queued per database round
# A contact gets at most the business's `marketing_per_week` marketing templates in any 7
# days (Meta also limits how many marketing templates one person receives; past it they are
# not delivered, and billed). The setting lives on the tenant (services/outbound_settings).
CAP_DAYS = 7
RUN_S = 20.0  # one job run queues for at most this long, then lets the sweeper re-kick it


@dataclass(frozen=True)
class FieldRule:
    """A contact field's value: equal to `value` or containing it (case aside)."""

    name: str
    op: str  # equals | contains
    value: str

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class Audience:
    tags: tuple[str, ...] = ()  # any of these tags (none: everyone who consented)
    active_days: int | None = None  # wrote within the last N days
    fields: tuple[FieldRule, ...] = ()  # every one of these (AND)

    def as_json(self) -> dict[str, Any]:
        return {"tags": list(self.tags), "active_days": self.active_days,
                "fields": [f.as_json() for f in self.fields]}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Audience:
        data = data or {}
        days = data.get("active_days")
        rules = tuple(FieldRule(str(f.get("name", "")), str(f.get("op", "equals")),
                                str(f.get("value", "")))
                      for f in data.get("fields") or [] if isinstance(f, dict))
        return cls(tuple(str(t) for t in data.get("tags") or []),
                   int(days) if days else None, rules)


@dataclass(frozen=True)
class Draft:
    instance_id: object
    name: str
    template: str  # "name|language" as the page's select sends it, or a bare name (pt_BR)
    variables: list[dict[str, str]]
    audience: Audience
    send_at: datetime | None = None  # None: now
    header_link: str = ""  # the https link of a media header (image, video, document)


@dataclass(frozen=True)
class Estimate:
    recipients: int
    category: str
    cost_brl: Decimal
    quota_left: int  # messages the plan still allows this month


def prices(session: Session) -> dict[str, Decimal]:
    """The price per message by category the platform admin set (defaults otherwise)."""
    row = session.get(PlatformSetting, PRICES_KEY)
    saved = row.value if row is not None and isinstance(row.value, dict) else {}
    out = dict(PRICES_BRL)
    for category in out:
        with contextlib.suppress(ArithmeticError, TypeError, ValueError):
            out[category] = Decimal(str(saved[category])) if category in saved else out[category]
    return out


def set_prices(session: Session, values: dict[str, object]) -> dict[str, Decimal]:
    """Platform admin only (the caller checks): "0,35" or "0.35" per category, 0 to 10."""
    clean: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for category in PRICES_BRL:
        raw = str(values.get(category, "")).strip().replace("R$", "").replace(",", ".")
        try:
            price = Decimal(raw.strip())
        except ArithmeticError:
            price = Decimal(-1)
        if not price.is_finite() or price < 0 or price > MAX_PRICE:
            errors[category] = "broadcasts.error.price"
        else:
            clean[category] = price.quantize(Decimal("0.0001"))
    if errors:
        raise FieldErrors(errors, {k: {"max": str(MAX_PRICE)} for k in errors})
    row = session.get(PlatformSetting, PRICES_KEY) or PlatformSetting(key=PRICES_KEY)
    row.value, row.updated_at = {k: str(v) for k, v in clean.items()}, utcnow()
    session.add(row)
    session.flush()
    return clean


def clean_audience(tags: object, active_days: object, fields: object = None) -> Audience:
    """The audience's filters, checked (FieldErrors on "tags", "active_days", "field").
    `fields`: [{"name", "op": "equals" | "contains", "value"}] — a rule with neither a name
    nor a value is ignored (the page's empty row)."""
    raw = tags if isinstance(tags, list | tuple) else str(tags or "").split(",")
    clean = contacts_svc.clean_tags([str(t) for t in raw if str(t).strip()])
    if len(clean) > MAX_TAGS:
        raise FieldErrors({"tags": "broadcasts.error.tags"}, {"tags": {"max": MAX_TAGS}})
    days = None
    if active_days not in (None, "", "any", 0, "0"):
        try:
            days = int(str(active_days))
        except ValueError:
            days = -1
        if days not in ACTIVE_DAYS:
            raise FieldErrors({"active_days": "broadcasts.error.active_days"})
    return Audience(tuple(clean), days, _clean_fields(fields))


def _clean_fields(fields: object) -> tuple[FieldRule, ...]:
    rules: list[FieldRule] = []
    for item in fields if isinstance(fields, list | tuple) else []:
        item = item.as_json() if isinstance(item, FieldRule) else dict(item or {})
        name = str(item.get("name") or "").strip()
        op, value = str(item.get("op") or "equals"), str(item.get("value") or "").strip()
        if not name and not value:
            continue
        if not contacts_svc.FIELD_NAME.match(name):
            raise FieldErrors({"field": "broadcasts.error.field_name"})
        if op not in FIELD_OPS:
            raise FieldErrors({"field": "broadcasts.error.field_op"})
        if not value or len(value) > FIELD_VALUE_MAX or "\x00" in value + name:
            raise FieldErrors({"field": "broadcasts.error.field_value"},
                              {"field": {"max": FIELD_VALUE_MAX}})
        rules.append(FieldRule(name, op, value))
    if len(rules) > MAX_FIELD_RULES:
        raise FieldErrors({"field": "broadcasts.error.field_rules"},
                          {"field": {"max": MAX_FIELD_RULES}})
    return tuple(rules)


def _field_rule(session: Session, rule: FieldRule):
    """The contact's field `rule.name` (as text) equals / contains `rule.value`, any case.
    (The name matches contacts.FIELD_NAME, so it is safe inside the JSON path.)"""
    if session.get_bind().dialect.name == "postgresql":
        value = func.cast(Contact.fields, JSONB)[rule.name].astext
    else:
        value = func.json_extract(Contact.fields, f'$."{rule.name}"')
    if rule.op == "contains":
        return value.ilike(f"%{escape_like(rule.value)}%", escape="\\")
    return func.lower(func.trim(value)) == rule.value.lower()


def _audience_filter(session: Session, query, tenant_id: int, instance_id: int,
                     audience: Audience):
    query = query.where(Contact.tenant_id == tenant_id, Contact.instance_id == instance_id,
                        col(Contact.opted_in_at).is_not(None), Contact.opted_out.is_(False))
    # An opt-out is said to the business, not to one of its numbers: whoever told any of
    # them to stop gets no broadcast from the others either.
    numbers = [i for i in session.exec(select(Instance.id).where(
        Instance.tenant_id == tenant_id, Instance.id != instance_id)).all()]
    if numbers:  # (a literal list: one index lookup per person, uq_contact_instance_wa)
        other = aliased(Contact)
        query = query.where(~select(other.id).where(
            col(other.instance_id).in_(numbers), other.wa_id == Contact.wa_id,
            other.opted_out.is_(True)).exists())
    if audience.tags:
        query = query.where(or_(*[contacts_svc.tag_filter(session, t) for t in audience.tags]))
    for rule in audience.fields:
        query = query.where(_field_rule(session, rule))
    if audience.active_days:
        since = utcnow() - timedelta(days=audience.active_days)
        query = query.where(select(Conversation.id).where(
            Conversation.contact_id == Contact.id, Conversation.last_inbound_at >= since)
            .exists())
    return query


def _own_instance(session: Session, tenant_id: int, instance_id: object) -> Instance:
    iid = parse_id(instance_id)
    inst = session.get(Instance, iid) if iid is not None else None
    if inst is None or inst.tenant_id != tenant_id:
        raise FieldErrors({"instance_id": "broadcasts.error.instance"})
    return inst


def _template(session: Session, tenant_id: int, instance_id: int,
              value: str) -> MessageTemplate:
    name, _, language = str(value or "").partition("|")
    row = session.exec(select(MessageTemplate).where(
        MessageTemplate.tenant_id == tenant_id, MessageTemplate.instance_id == instance_id,
        MessageTemplate.name == name, MessageTemplate.language == (language or "pt_BR"))).first()
    if row is None:
        raise FieldErrors({"template": "broadcasts.error.template"})
    if row.status != "APPROVED":
        raise FieldErrors({"template": "templates.error.not_approved"},
                          {"template": {"name": row.name, "status": row.status}})
    return row


def approved_templates(session: Session, *, tenant_id: int,
                       instance_id: object) -> list[MessageTemplate]:
    inst = _own_instance(session, tenant_id, instance_id)
    return list(session.exec(select(MessageTemplate).where(
        MessageTemplate.tenant_id == tenant_id, MessageTemplate.instance_id == inst.id,
        MessageTemplate.status == "APPROVED").order_by(MessageTemplate.name)).all())


def count_audience(session: Session, *, tenant_id: int, instance_id: int,
                   audience: Audience) -> int:
    query = _audience_filter(session, select(func.count(Contact.id)), tenant_id, instance_id,
                             audience)
    return int(session.exec(query).one())


def quota_left(session: Session, tenant_id: int) -> int:
    from ylada_app.models import UsageCounter

    limit = entitlements.limits_for(session, tenant_id=tenant_id).max_messages_month
    used = session.exec(select(UsageCounter.messages_out).where(
        UsageCounter.tenant_id == tenant_id,
        UsageCounter.month == entitlements.month_key())).first() or 0
    return max(0, limit - used)


def estimate(session: Session, *, tenant_id: int, instance_id: object, template: str,
             audience: Audience) -> Estimate:
    inst = _own_instance(session, tenant_id, instance_id)
    row = _template(session, tenant_id, inst.id, template)
    n = count_audience(session, tenant_id=tenant_id, instance_id=inst.id, audience=audience)
    price = prices(session).get(row.category, PRICES_BRL["MARKETING"])
    simulator = inst.channel != ChannelKind.WHATSAPP_CLOUD
    return Estimate(n, row.category, Decimal(0) if simulator else price * n,
                    quota_left(session, tenant_id))


def _check_variables(row: MessageTemplate, variables: list[dict[str, str]]) -> list[dict]:
    if len(variables) != row.body_variables:
        raise FieldErrors({"variables": "templates.error.var_count"},
                          {"variables": {"body": row.body_variables, "header": 0}})
    out, errors = [], {}
    for i, v in enumerate(variables, start=1):
        source, value = str(v.get("source") or "text"), str(v.get("value") or "").strip()
        if source not in SOURCES or (source in ("field", "text") and not value):
            errors[f"var{i}"] = "broadcasts.error.variable"
        elif len(value) > message_templates.PARAM_MAX:
            errors[f"var{i}"] = "templates.error.var_value"
        elif source == "text" and message_templates.bad_param(value):
            errors[f"var{i}"] = "templates.error.var_format"
        out.append({"source": source, "value": value})
    if errors:
        raise FieldErrors(errors, {k: {"max": message_templates.PARAM_MAX} for k in errors})
    return out


def create(session: Session, *, tenant_id: int, user_id: int | None, draft: Draft,
           up_to_quota: bool = False) -> Broadcast:
    """Plan a broadcast (it starts at `send_at`, or at once). Refused when the audience is
    empty, or bigger than what the plan allows this month (unless `up_to_quota`)."""
    name = " ".join(str(draft.name or "").split())
    if not name or len(name) > 120:
        raise FieldErrors({"name": "broadcasts.error.name"})
    inst = _own_instance(session, tenant_id, draft.instance_id)
    if inst.status == InstanceStatus.DISABLED:
        raise FieldErrors({"instance_id": "error.instance_disabled"})
    row = _template(session, tenant_id, inst.id, draft.template)
    variables = _check_variables(row, draft.variables)
    header_link = ""
    if message_templates.media_header(row) is not None:
        try:
            header_link = message_templates.check_link(draft.header_link)
        except ServiceError:
            raise FieldErrors({"header_link": "templates.error.header_link"}) from None
    n = count_audience(session, tenant_id=tenant_id, instance_id=inst.id,
                       audience=draft.audience)
    if n == 0:
        raise FieldErrors({"audience": "broadcasts.error.empty"})
    left = quota_left(session, tenant_id)
    if n > left and not up_to_quota:
        raise FieldErrors({"audience": "broadcasts.error.quota"},
                          {"audience": {"count": n, "left": left}})
    now = utcnow()
    send_at = draft.send_at or now
    if send_at < now - timedelta(minutes=5):
        raise FieldErrors({"send_at": "broadcasts.error.past"})
    price = prices(session).get(row.category, PRICES_BRL["MARKETING"])
    b = Broadcast(tenant_id=tenant_id, instance_id=inst.id, name=name,
                  template_name=row.name, language=row.language, category=row.category,
                  variables=variables, header_link=header_link or None,
                  audience=draft.audience.as_json(), status="scheduled",
                  send_at=max(send_at, now), planned=n, created_by=user_id,
                  price_cents=float(price * 100)
                  if inst.channel == ChannelKind.WHATSAPP_CLOUD else 0.0)
    session.add(b)
    session.flush()
    return b


def _own(session: Session, tenant_id: int, broadcast_id: object) -> Broadcast:
    bid = parse_id(broadcast_id)
    b = session.get(Broadcast, bid) if bid is not None else None
    if b is None or b.tenant_id != tenant_id:
        raise NotFound("broadcasts.error.not_found")
    return b


def cancel(session: Session, *, tenant_id: int, broadcast_id: object) -> int:
    """Stop a broadcast: nothing more is queued, and what still waits in the outbox is not
    sent. Returns how many queued messages were withdrawn."""
    b = session.exec(select(Broadcast).where(Broadcast.id == parse_id(broadcast_id),
                                             Broadcast.tenant_id == tenant_id)
                     .with_for_update()).first()
    if b is None:
        raise NotFound("broadcasts.error.not_found")
    if b.status not in OPEN:
        raise ServiceError("broadcasts.error.not_open")
    b.status, b.finished_at = "cancelled", utcnow()
    if b.stop_reason == TIER_CAP:
        b.stop_reason = ""
    session.add(b)
    waiting = select(BroadcastRecipient.message_id).where(
        BroadcastRecipient.broadcast_id == b.id, col(BroadcastRecipient.message_id).is_not(None))
    # Only rows still waiting: one being sent right now ("sending") has gone to Meta.
    result = session.exec(update(Message).where(col(Message.id).in_(waiting),
                                                Message.status == "queued")
                          .values(status="failed", error="broadcast_cancelled"))
    return int(result.rowcount or 0)


# --- progress -------------------------------------------------------------------------------

def progress(session: Session, b: Broadcast) -> dict[str, int]:
    """How many recipients are at each stage (queued/sent/delivered/read/failed), how many
    were left out, and how many answered after the message."""
    rows = session.exec(
        select(Message.status, func.count())
        .join(BroadcastRecipient, BroadcastRecipient.message_id == Message.id)
        .where(BroadcastRecipient.broadcast_id == b.id).group_by(Message.status)).all()
    by = {status: int(n) for status, n in rows}
    replied = session.exec(
        select(func.count()).select_from(BroadcastRecipient)
        .join(Message, Message.id == BroadcastRecipient.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(BroadcastRecipient.broadcast_id == b.id,
               Conversation.last_inbound_at > Message.created_at)).one()
    return {"queued": by.get("queued", 0) + by.get("sending", 0), "sent": by.get("sent", 0),
            "delivered": by.get("delivered", 0), "read": by.get("read", 0),
            "failed": by.get("failed", 0), "skipped": b.skipped, "replied": int(replied),
            "total": max(b.planned, b.queued + b.skipped)}


def list_broadcasts(session: Session, *, tenant_id: int,
                    limit: int = 50) -> list[tuple[Broadcast, dict[str, int]]]:
    rows = session.exec(select(Broadcast).where(Broadcast.tenant_id == tenant_id)
                        .order_by(col(Broadcast.created_at).desc(), col(Broadcast.id).desc())
                        .limit(limit)).all()
    return [(b, progress(session, b)) for b in rows]


def recipients(session: Session, *, tenant_id: int, broadcast_id: object,
               limit: int = 100) -> list[dict[str, Any]]:
    """The latest recipients with their message's status (and why it failed)."""
    b = _own(session, tenant_id, broadcast_id)
    return _recipient_rows(session, _recipients_query(b.id)
                           .order_by(col(BroadcastRecipient.id).desc()).limit(limit))


def recipients_after(session: Session, *, tenant_id: int, broadcast_id: object,
                     after_id: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Every recipient in pages, in the order they were taken (`id` is the page cursor)."""
    b = _own(session, tenant_id, broadcast_id)
    return _recipient_rows(session, _recipients_query(b.id)
                           .where(BroadcastRecipient.id > after_id)
                           .order_by(col(BroadcastRecipient.id)).limit(limit))


def _recipients_query(broadcast_id: int):
    return (select(BroadcastRecipient, Contact.name, Contact.wa_id, Message.status,
                   Message.error)
            .join(Contact, Contact.id == BroadcastRecipient.contact_id)
            .join(Message, Message.id == BroadcastRecipient.message_id, isouter=True)
            .where(BroadcastRecipient.broadcast_id == broadcast_id))


def _recipient_rows(session: Session, query) -> list[dict[str, Any]]:
    return [{"id": r.id, "contact_id": r.contact_id, "name": name, "wa_id": wa_id,
             "status": ("skipped" if r.message_id is None else
                        "queued" if status == "sending" else status or "queued"),
             "reason": r.skipped_reason or error or ""}
            for r, name, wa_id, status, error in session.exec(query).all()]


def get_broadcast(session: Session, *, tenant_id: int, broadcast_id: object) -> Broadcast:
    return _own(session, tenant_id, broadcast_id)


def page_before(session: Session, *, tenant_id: int, before_id: int = 0,
                limit: int = 50) -> list[Broadcast]:
    """Newest first, in pages: the ones older than `before_id` (0: from the newest)."""
    query = select(Broadcast).where(Broadcast.tenant_id == tenant_id)
    if before_id:
        query = query.where(Broadcast.id < before_id)
    return list(session.exec(query.order_by(col(Broadcast.id).desc()).limit(limit)).all())


def tier_wait(session: Session, b: Broadcast) -> messaging_tier.Capacity | None:
    """While a broadcast waits for its number's 24-hour limit: the limit, and when it goes
    on (`frees_at`). None when it is not waiting for that."""
    if b.status != "sending" or b.stop_reason != TIER_CAP:
        return None
    inst = session.get(Instance, b.instance_id)
    return messaging_tier.capacity(session, inst) if inst is not None else None


def parse_send_at(session: Session, *, tenant_id: int, value: object,
                  field: str = "send_at") -> datetime | None:
    """An ISO 8601 time → naive UTC. Without an offset it is the business's local time
    (its timezone, Brasília unless set otherwise). Empty: None (send now)."""
    from ylada_app.services.analytics import tenant_zone

    text = str(value or "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise FieldErrors({field: "broadcasts.error.send_at"}) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(tenant_zone(session, tenant_id)))
    try:
        return when.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError):  # year 1 or 9999 pushed past the calendar
        raise FieldErrors({field: "broadcasts.error.send_at"}) from None


def start_soon(broadcast_id: int) -> None:
    """Have the job queue a broadcast that is due now, rather than at the sweeper's next
    round (the job by its dotted name: services never import jobs)."""
    from ylada_app.core.queue import enqueue_coalesced

    enqueue_coalesced(f"broadcast:{broadcast_id}", RUN_JOB, broadcast_id)


# --- sending (the job) ----------------------------------------------------------------------

def due(session: Session, now: datetime | None = None) -> list[int]:
    """Broadcasts that should be queuing now (started, or whose time came)."""
    now = now or utcnow()
    return list(session.exec(select(Broadcast.id).where(
        or_(Broadcast.status == "sending",
            (Broadcast.status == "scheduled") & (Broadcast.send_at <= now)))
        .limit(200)).all())


def _value(spec: dict[str, str], contact: Contact) -> str:
    source, value = spec.get("source"), spec.get("value", "")
    if source == "name":
        return (contact.name or "").strip() or value or "cliente"
    if source == "phone":
        return contact.wa_id
    if source == "field":
        found = (contact.fields or {}).get(value)
        return str(found).strip() if found not in (None, "") else "-"
    return value


def _waiting(session: Session, instance_id: int) -> int:
    """Messages of the number still waiting to go (this broadcast's, others', the bot's):
    read from the small partial index of in-flight messages."""
    return int(session.exec(
        select(func.count()).select_from(Message)
        .where(Message.direction == "out", col(Message.status).in_(("queued", "sending")),
               Message.instance_id == instance_id)).one())


class _Closed(Exception):
    """The broadcast was cancelled while a round was being written."""


def advance(broadcast_id: int, *, window: int | None = None,
            run_s: float = RUN_S) -> dict[str, int]:
    """Queue the next recipients of a broadcast (called by its job, again and again until it
    is done), a round of up to CHUNK at a time through `outbox.queue_batch`, never past the
    number's messaging tier. Returns counts of this run."""
    totals = {"queued": 0, "skipped": 0}
    with session_scope() as session:
        b = session.get(Broadcast, broadcast_id)
        inst = session.get(Instance, b.instance_id) if b is not None else None
        if inst is None:
            return totals
        instance_id, limit = inst.id, messaging_tier.tier_limit(inst)
    if limit is None:
        _rounds(broadcast_id, window, run_s, None, totals)
        return totals
    # The limit is the number's, shared by its broadcasts: one of them queues at a time, so
    # the room counted at the start of this run is not handed out twice. (Another one's run
    # finds the lock taken and comes back at the next sweep.)
    with locks.exclusive(f"broadcast-tier:{instance_id}") as mine:
        if mine:
            with session_scope() as session:
                count, _ = messaging_tier.used(session, instance_id)
            _rounds(broadcast_id, window, run_s, limit - count, totals)
    return totals


def _rounds(broadcast_id: int, window: int | None, run_s: float, left: int | None,
            totals: dict[str, int]) -> None:
    """`left`: how many more people the number may reach in this run (None: no limit)."""
    started = time.monotonic()
    while time.monotonic() - started < run_s:
        round_ = _prepare_round(broadcast_id, window, left)
        if round_ is None:
            break
        b_tenant, batch, payloads, skipped = round_
        by_conv = {conv_id: contact_id for conv_id, (contact_id, _) in payloads.items()}

        def record(written: list[outbox.Locked], by_conv: dict[int, int] = by_conv) -> None:
            session = written[0].session
            # A cancel (which locks the row) either finished first — nothing of this round
            # is written — or waits for this round and withdraws it with the rest.
            status = session.exec(select(Broadcast.status).where(Broadcast.id == broadcast_id)
                                  .with_for_update(read=True)).one()
            if status not in OPEN:
                raise _Closed
            for w in written:  # (broadcast, contact) is unique: a second run fails here
                session.add(BroadcastRecipient(broadcast_id=broadcast_id,
                                               contact_id=by_conv[w.conversation.id],
                                               message_id=w.message.id, created_at=w.now))
            session.flush()

        try:
            outcome = outbox.queue_batch(
                tenant_id=b_tenant, items=[(cid, p) for cid, (_, p) in payloads.items()],
                sender="broadcast", also=record, template=True)
        except _Closed:
            break
        except IntegrityError:  # another run recorded some of these: the next round sees it
            outcome = {}
        busy = [by_conv[c] for c, v in outcome.items() if v == outbox.BUSY]
        quota = any(v == "inbox.quota_over" for v in outcome.values())
        refused = {by_conv[c]: v for c, v in outcome.items()
                   if isinstance(v, str) and v not in (outbox.BUSY, "inbox.quota_over")}
        queued = sum(isinstance(v, int) for v in outcome.values())
        totals["queued"] += queued
        totals["skipped"] += len(skipped) + len(refused)
        if left is not None:  # (someone already reached today counts again: a few people
            left -= queued    # fewer in a day, never one too many)
        _finish_round(broadcast_id, batch, refused, busy, quota)  # (skipped: recorded)
        if quota:
            break


def _prepare_round(broadcast_id: int, window: int | None, left: int | None = None):
    """The next contacts (in id order past the cursor) and their payloads; records at once
    the ones left out here (the weekly cap, a variable that cannot be filled). None when
    there is nothing to do now. `left`: people the number may still reach (None: no limit);
    at 0 the broadcast is noted as waiting for its number's 24-hour limit."""
    with session_scope() as session:
        b = session.exec(select(Broadcast).where(Broadcast.id == broadcast_id)
                         .with_for_update()).first()
        if b is None or b.status not in OPEN or b.send_at > utcnow():
            return None
        if b.status == "scheduled":
            b.status, b.started_at = "sending", utcnow()
            session.add(b)
        room = (window or _window()) - _waiting(session, b.instance_id)
        if room <= 0:
            return None  # the number is busy with what is queued: the sweeper comes back
        query = _audience_filter(session, select(Contact), b.tenant_id, b.instance_id,
                                 Audience.from_json(b.audience))
        full = left is not None and left <= 0
        take = 1 if full else min(CHUNK, room, CHUNK if left is None else left)
        batch = list(session.exec(query.where(Contact.id > b.cursor_contact_id)
                                  .order_by(Contact.id).limit(take)).all())
        if not batch:
            b.status, b.finished_at = "done", utcnow()
            b.stop_reason = "" if b.stop_reason == TIER_CAP else b.stop_reason
            session.add(b)
            return None
        if full:  # someone is left, but the number reached its limit: wait, still sending
            b.stop_reason = TIER_CAP
            session.add(b)
            return None
        if b.stop_reason == TIER_CAP:
            b.stop_reason = ""
            session.add(b)
        try:
            template = message_templates.approved(
                session, tenant_id=b.tenant_id, instance_id=b.instance_id,
                name=b.template_name, language=b.language)
        except ServiceError as exc:  # Meta paused or disabled it meanwhile
            b.status, b.finished_at, b.stop_reason = "stopped", utcnow(), exc.code[:40]
            session.add(b)
            return None
        if template.category and template.category != b.category:
            # Meta moved the template to another category mid-campaign: the weekly cap on
            # marketing (and what the page shows) follow the template as it is now
            b.category = template.category
            session.add(b)
        ids = [c.id for c in batch]
        done = set(session.exec(select(BroadcastRecipient.contact_id).where(
            BroadcastRecipient.broadcast_id == b.id,
            col(BroadcastRecipient.contact_id).in_(ids))).all())
        todo = [c for c in batch if c.id not in done]
        capped = _capped(session, b, [c.id for c in todo])
        skipped: dict[int, str] = dict.fromkeys(capped, "broadcasts.skip.frequency")
        payloads: dict[int, tuple[int, dict[str, Any]]] = {}
        conversations = _conversations(session, b, [c for c in todo if c.id not in capped])
        for c in todo:
            if c.id in capped:
                continue
            try:
                payload = message_templates.fill(template, [_value(v, c) for v in b.variables],
                                                 header_link=b.header_link)
            except ServiceError as exc:
                skipped[c.id] = exc.code
                continue
            payloads[conversations[c.id]] = (c.id, {**payload, "source": "broadcast"})
        for contact_id, reason in skipped.items():
            session.add(BroadcastRecipient(broadcast_id=b.id, contact_id=contact_id,
                                           skipped_reason=reason[:40]))
        return b.tenant_id, [c.id for c in batch], payloads, skipped


def _capped(session: Session, b: Broadcast, contact_ids: list[int]) -> set[int]:
    """Contacts who already got the business's weekly number of marketing templates in
    the last 7 days — from any sender (broadcasts, flows, the API, the inbox)."""
    if b.category != "MARKETING" or not contact_ids:
        return set()
    from ylada_app.services import outbound_settings

    cap = outbound_settings.marketing_per_week(session, tenant_id=b.tenant_id)
    return outbound_settings.reached_cap(session, tenant_id=b.tenant_id,
                                         contact_ids=contact_ids, cap=cap)


def _conversations(session: Session, b: Broadcast, people: list[Contact]) -> dict[int, int]:
    """contact id → conversation id, opening one for whoever never wrote (quiet, like the
    API's template to a new contact)."""
    if not people:
        return {}
    now = utcnow()
    missing = [{"tenant_id": b.tenant_id, "instance_id": b.instance_id, "contact_id": c.id,
                "status": "bot", "session": {}, "created_at": now, "updated_at": now}
               for c in people]
    insert_ignore_many(session, Conversation, missing, ["contact_id"])
    return dict(session.exec(select(Conversation.contact_id, Conversation.id).where(
        col(Conversation.contact_id).in_([c.id for c in people]))).all())


def _finish_round(broadcast_id: int, batch: list[int], refused: dict[int, str],
                  busy: list[int], quota: bool) -> None:
    with session_scope() as session:
        b = session.exec(select(Broadcast).where(Broadcast.id == broadcast_id)
                         .with_for_update()).one()
        for contact_id, reason in refused.items():
            if contact_id not in busy:
                session.add(BroadcastRecipient(broadcast_id=broadcast_id,
                                               contact_id=contact_id,
                                               skipped_reason=reason[:40]))
        session.flush()
        counts = dict(session.exec(
            select(col(BroadcastRecipient.message_id).is_(None), func.count())
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
            .group_by(col(BroadcastRecipient.message_id).is_(None))).all())
        b.queued, b.skipped = counts.get(False, 0), counts.get(True, 0)
        if quota:
            b.status, b.finished_at, b.stop_reason = "stopped", utcnow(), "inbox.quota_over"
        else:  # a busy conversation (someone chatting) is taken again next round
            b.cursor_contact_id = max(b.cursor_contact_id,
                                      (min(busy) - 1) if busy else batch[-1])
        session.add(b)


def _window() -> int:
    rate = get_settings().whatsapp_rate_per_s
    return max(50, int(rate * 10))  # ~10 s of sending
