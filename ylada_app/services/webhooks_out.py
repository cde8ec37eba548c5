"""Outgoing webhooks: a business's endpoints, and the events written for them.

Invariant: an event is a row written in the transaction of the change it describes, with
one delivery row per endpoint that asked for its type — so a rolled-back change sends
nothing and a crash loses nothing. Jobs send them afterwards (`jobs/webhooks.py`): the
pipeline never waits for a receiver. Which endpoints want which types is cached per process
for a few seconds, so a business without webhooks costs the hot path one dict lookup.

Delivery is at least once, signed per the Standard Webhooks specification with a stable
`webhook-id` per event, retried on the RETRY_S schedule (about 24 hours), one contact's
events in order while the receiver answers. An endpoint failing for DISABLE_AFTER is turned
off and its owners told. Every function takes `tenant_id` and refuses another business's
ids as not found.
"""

from __future__ import annotations

import base64
import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from ylada_app.core.crypto import decrypt_secret, encrypt_secret
from ylada_app.core.db import after_commit
from ylada_app.core.net import internal_host
from ylada_app.core.settings import get_settings
from ylada_app.models import (
    Membership,
    Tenant,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from ylada_app.models.bulk import insert_rows_returning_ids
from ylada_app.models.tenant import Role
from ylada_app.services import audit
from ylada_app.services.errors import Conflict, FieldErrors, NotFound
from ylada_app.services.serialize import lock_tenant
from ylada_app.services.validation import clean_name, parse_id

EVENT_TYPES = (
    "message.received", "message.sent", "message.status", "conversation.handoff",
    "conversation.resolved", "contact.created", "contact.updated", "lead.captured",
    "flow.goal_reached", "subscription.updated",
)
TEST_EVENT = "webhook.test"  # sent on request from the settings page, to any endpoint
# Seconds before attempt n+1 after n failures (about 23.6 h in all); then it is given up.
RETRY_S = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800)
DISABLE_AFTER = timedelta(days=3)
ROTATION_GRACE = timedelta(hours=24)  # the previous secret keeps signing this long
STUCK_SENDING = timedelta(minutes=5)  # a run that died holding deliveries gives them back
KEEP_EVENTS = timedelta(days=30)
MAX_ENDPOINTS = 10
MAX_DESCRIPTION = 120
DELIVER_JOB = "ylada_app.jobs.webhooks.deliver_endpoint"
_CACHE_TTL_S = 5.0


@dataclass
class Event:
    tenant_id: int
    type: str
    data: dict[str, Any]
    order_key: str = ""  # events with one key are delivered in order (one conversation's)


# --- who wants what (the hot path's question) ---------------------------------------------

_cache: dict[str, Any] = {"at": -1e9, "subs": {}}
_cache_lock = threading.Lock()


def _load_subscriptions() -> dict[int, list[tuple[int, frozenset[str]]]]:
    from ylada_app.core.db import session_scope

    subs: dict[int, list[tuple[int, frozenset[str]]]] = {}
    with session_scope() as session:
        rows = session.exec(select(WebhookEndpoint.tenant_id, WebhookEndpoint.id,
                                   WebhookEndpoint.events)
                            .where(WebhookEndpoint.active == True)).all()  # noqa: E712
    for tenant_id, endpoint_id, events in rows:
        subs.setdefault(tenant_id, []).append((endpoint_id, frozenset(events or ())))
    return subs


def cache_fresh() -> bool:
    return time.monotonic() - _cache["at"] <= _CACHE_TTL_S


def refresh() -> None:
    """Reload who wants what if the cache is old (async callers run this in a thread first,
    so `subscribers` never reads the database on their event loop)."""
    if cache_fresh():
        return
    with _cache_lock:
        if not cache_fresh():
            _cache["subs"] = _load_subscriptions()
            _cache["at"] = time.monotonic()


def subscribers(tenant_id: int, event_type: str) -> list[int]:
    """The active endpoints of the business that asked for `event_type` (cached briefly)."""
    refresh()
    return [eid for eid, types in _cache["subs"].get(tenant_id, ()) if event_type in types]


def wants(tenant_id: int, event_type: str) -> bool:
    return bool(subscribers(tenant_id, event_type))


def forget() -> None:
    """Drop the cache (after an endpoint changed in this process; others see it within
    _CACHE_TTL_S)."""
    _cache["at"] = -1e9


# --- writing events (in the caller's transaction) -----------------------------------------

def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def contact_data(contact: Any) -> dict[str, Any]:
    """A contact as the API shows it (phone = the WhatsApp id, digits)."""
    return {"id": contact.id, "instance_id": contact.instance_id, "phone": contact.wa_id,
            "name": contact.name or "", "tags": list(contact.tags or []),
            "fields": dict(contact.fields or {}), "opted_out": bool(contact.opted_out),
            "created_at": iso(contact.created_at), "updated_at": iso(contact.updated_at)}


def message_data(msg: Any) -> dict[str, Any]:
    return {"id": msg.id, "conversation_id": msg.conversation_id,
            "instance_id": msg.instance_id, "direction": msg.direction, "type": msg.type,
            "text": msg.text, "wamid": msg.wamid, "created_at": iso(msg.created_at)}


def status_data(message_id: int, conversation_id: int, status: str, wamid: str | None,
                error: str | None, instance_id: int) -> dict[str, Any]:
    return {"message": {"id": message_id, "conversation_id": conversation_id,
                        "instance_id": instance_id, "status": status, "wamid": wamid,
                        "error": error if status == "failed" else None}}


def conversation_data(conv: Any, contact: Any) -> dict[str, Any]:
    return {"conversation": {"id": conv.id, "instance_id": conv.instance_id,
                             "status": conv.status,
                             "assignee_user_id": conv.assignee_user_id},
            "contact": contact_data(contact)}


def event_rows(events: Iterable[Event], now: datetime | None = None
               ) -> list[tuple[dict[str, Any], list[int], str]]:
    """(event row, endpoint ids, order key) for the events someone subscribed to."""
    now = now or utcnow()
    out = []
    for ev in events:
        endpoints = subscribers(ev.tenant_id, ev.type)
        if endpoints:
            out.append(({"tenant_id": ev.tenant_id, "type": ev.type, "data": ev.data,
                         "created_at": now}, endpoints, ev.order_key[:40]))
    return out


def emit(session: Session, events: Iterable[Event]) -> int:
    """Write the events someone subscribed to, with their deliveries, in the caller's
    transaction; their sending is queued once it commits. Returns how many were written."""
    rows = live_targets(session, event_rows(events))
    if not rows:
        return 0
    conn = session.connection()
    table = WebhookEvent.__table__
    ids = insert_rows_returning_ids(conn, table, [r for r, _, _ in rows])
    now = utcnow()
    deliveries = [{"tenant_id": row["tenant_id"], "endpoint_id": endpoint_id,
                   "event_id": event_id, "order_key": key, "status": "pending",
                   "attempts": 0, "next_attempt_at": now, "last_error": "",
                   "response_excerpt": "", "created_at": now}
                  for event_id, (row, endpoints, key) in zip(ids, rows, strict=True)
                  for endpoint_id in endpoints]
    conn.execute(insert(WebhookDelivery.__table__), deliveries)
    endpoint_ids = sorted({d["endpoint_id"] for d in deliveries})
    after_commit(session, lambda: kick(endpoint_ids))
    return len(ids)


def live_targets(session: Session, rows: list) -> list:
    """`event_rows` without the endpoints deleted or switched off since this process cached
    the subscriptions (another process changed them within _CACHE_TTL_S): a delivery for a
    deleted endpoint breaks its foreign key and would fail the caller's whole transaction."""
    wanted = sorted({e for _row, endpoints, _key in rows for e in endpoints})
    if not wanted:
        return []
    live = set(session.exec(select(WebhookEndpoint.id).where(
        col(WebhookEndpoint.id).in_(wanted), WebhookEndpoint.active)).all())
    kept = [(row, [e for e in endpoints if e in live], key) for row, endpoints, key in rows]
    return [r for r in kept if r[1]]


def kick(endpoint_ids: Iterable[int]) -> None:
    """Queue a delivery run per endpoint (one waiting run each is enough)."""
    from ylada_app.core.queue import enqueue_coalesced

    for endpoint_id in endpoint_ids:
        enqueue_coalesced(f"wh:{endpoint_id}", DELIVER_JOB, endpoint_id)


# --- endpoints (the settings page) --------------------------------------------------------

@dataclass(frozen=True)
class EndpointView:
    id: int
    url: str
    description: str
    events: tuple[str, ...]
    active: bool
    disabled_reason: str
    failing_since: datetime | None
    created_at: datetime
    delivered_24h: int = 0
    failed_24h: int = 0
    pending: int = 0


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


# a DNS name (letters, digits, hyphens, dots; international names as typed) or an IP address
_HOST = re.compile(r"(?:[\w-]+\.)*[\w-]+|\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]+:[0-9a-fA-F:.]*")


def check_url(url: object) -> str:
    """A receiver's address: https (http only outside production), a host name, and — in
    production — never one of our own network's addresses."""
    text = str(url or "").strip()
    if not text:
        raise FieldErrors({"url": "error.required"})
    if len(text) > 500:
        raise FieldErrors({"url": "webhooks.error.url_long"})
    parts = urlsplit(text)
    production = get_settings().is_production
    schemes = ("https",) if production else ("https", "http")
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:  # "host:porta"
        port_ok = False
    # no spaces or control characters anywhere ("http://nao valido" was taken as a host)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password \
            or not port_ok or any(ch.isspace() or ord(ch) < 32 for ch in text) \
            or not _HOST.fullmatch(parts.hostname):
        raise FieldErrors({"url": "webhooks.error.url_https" if production
                           else "webhooks.error.url"})
    if production and internal_host(parts.hostname):
        raise FieldErrors({"url": "webhooks.error.url_internal"})
    return text


def check_events(events: object) -> list[str]:
    chosen = [e for e in (events or []) if isinstance(e, str)] if isinstance(
        events, (list, tuple)) else []
    if not chosen:
        raise FieldErrors({"events": "webhooks.error.events"})
    unknown = [e for e in chosen if e not in EVENT_TYPES]
    if unknown:
        raise FieldErrors({"events": "webhooks.error.events_unknown"})
    return [e for e in EVENT_TYPES if e in chosen]  # the catalogue's order, no repeats


def _own(session: Session, tenant_id: int, endpoint_id: object) -> WebhookEndpoint:
    eid = parse_id(endpoint_id)
    row = session.get(WebhookEndpoint, eid) if eid is not None else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("webhooks.error.not_found")
    return row


def _description(value: object) -> str:
    text = clean_name(value)
    if len(text) > MAX_DESCRIPTION:
        raise FieldErrors({"description": "error.too_long"},
                          {"description": {"max": MAX_DESCRIPTION}})
    return text


def _refuse_repeated_url(session: Session, tenant_id: int, url: str,
                         endpoint_id: int | None = None) -> None:
    """One endpoint per address: a second one (a double click on "Criar") would get every
    event twice."""
    query = select(WebhookEndpoint.id).where(WebhookEndpoint.tenant_id == tenant_id,
                                             WebhookEndpoint.url == url)
    if endpoint_id is not None:
        query = query.where(WebhookEndpoint.id != endpoint_id)
    if session.exec(query).first() is not None:
        raise FieldErrors({"url": "webhooks.error.url_taken"})


def create_endpoint(session: Session, *, tenant_id: int, url: object, events: object,
                    description: object = "", actor_user_id: int | None = None,
                    ) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (also readable later by the business)."""
    from ylada_app.services.entitlements import limits_for

    if not limits_for(session, tenant_id=tenant_id).api_access:
        raise FieldErrors({"_": "api.error.plan"})
    clean_url = check_url(url)
    chosen = check_events(events)
    clean_description = _description(description)
    # (the cap, and one endpoint per address, hold for endpoints created at the same time)
    lock_tenant(session, tenant_id)
    _refuse_repeated_url(session, tenant_id, clean_url)
    count = len(session.exec(select(WebhookEndpoint.id)
                             .where(WebhookEndpoint.tenant_id == tenant_id)).all())
    if count >= MAX_ENDPOINTS:
        raise FieldErrors({"url": "webhooks.error.too_many"}, {"url": {"max": MAX_ENDPOINTS}})
    secret = new_secret()
    row = WebhookEndpoint(tenant_id=tenant_id, url=clean_url, events=chosen,
                          description=clean_description,
                          secret_enc=encrypt_secret(secret))
    session.add(row)
    session.flush()
    audit.record(session, action="webhook.created", actor_user_id=actor_user_id,
                 tenant_id=tenant_id, target=f"webhook:{row.id}", url=clean_url)
    after_commit(session, forget)
    return row, secret


def update_endpoint(session: Session, *, tenant_id: int, endpoint_id: object, url: object,
                    events: object, description: object = "") -> WebhookEndpoint:
    row = _own(session, tenant_id, endpoint_id)
    row.url = check_url(url)
    row.events = check_events(events)
    row.description = _description(description)
    _refuse_repeated_url(session, tenant_id, row.url, row.id)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    after_commit(session, forget)
    return row


def set_active(session: Session, *, tenant_id: int, endpoint_id: object, active: bool) -> None:
    """Turn an endpoint off (its waiting deliveries are dropped: they can be resent from the
    log) or back on (a fresh start: the failure clock is reset)."""
    row = _own(session, tenant_id, endpoint_id)
    row.active = bool(active)
    row.disabled_reason = "" if active else "by_user"
    row.failing_since = None
    row.updated_at = utcnow()
    session.add(row)
    if not active:
        _drop_pending(session, row.id, "endpoint_disabled")
    session.flush()
    after_commit(session, forget)


def delete_endpoint(session: Session, *, tenant_id: int, endpoint_id: object,
                    actor_user_id: int | None = None) -> None:
    row = _own(session, tenant_id, endpoint_id)
    audit.record(session, action="webhook.deleted", actor_user_id=actor_user_id,
                 tenant_id=tenant_id, target=f"webhook:{row.id}", url=row.url)
    session.exec(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == row.id))
    session.delete(row)
    session.flush()
    after_commit(session, forget)


def rotate_secret(session: Session, *, tenant_id: int, endpoint_id: object) -> str:
    """A new secret signs from now on; the previous one signs too for ROTATION_GRACE, so the
    receiver can switch without losing an event."""
    row = _own(session, tenant_id, endpoint_id)
    secret = new_secret()
    row.old_secret_enc, row.old_secret_until = row.secret_enc, utcnow() + ROTATION_GRACE
    row.secret_enc = encrypt_secret(secret)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return secret


def reveal_secret(session: Session, *, tenant_id: int, endpoint_id: object) -> str:
    return decrypt_secret(_own(session, tenant_id, endpoint_id).secret_enc)


def list_endpoints(session: Session, *, tenant_id: int) -> list[EndpointView]:
    from sqlalchemy import case, func

    rows = session.exec(select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant_id)
                        .order_by(col(WebhookEndpoint.id))).all()
    since = utcnow() - timedelta(hours=24)
    counts = {eid: (d or 0, f or 0, p or 0) for eid, d, f, p in session.exec(
        select(WebhookDelivery.endpoint_id,
               func.sum(case((WebhookDelivery.status == "delivered", 1), else_=0)),
               func.sum(case((WebhookDelivery.status == "failed", 1), else_=0)),
               func.sum(case((WebhookDelivery.status.in_(("pending", "sending")), 1),
                             else_=0)))
        .where(WebhookDelivery.tenant_id == tenant_id,
               WebhookDelivery.created_at >= since)
        .group_by(WebhookDelivery.endpoint_id)).all()}
    return [EndpointView(r.id, r.url, r.description, tuple(r.events or ()), r.active,
                         r.disabled_reason, r.failing_since, r.created_at,
                         *counts.get(r.id, (0, 0, 0)))
            for r in rows]


@dataclass(frozen=True)
class DeliveryView:
    id: int
    event_id: int
    event_type: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str
    response_excerpt: str
    duration_ms: int | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime
    created_at: datetime


def deliveries(session: Session, *, tenant_id: int, endpoint_id: object,
               status: str = "", limit: int = 50) -> list[DeliveryView]:
    """The endpoint's latest deliveries (newest first), optionally of one status."""
    row = _own(session, tenant_id, endpoint_id)
    query = (select(WebhookDelivery, WebhookEvent.type)
             .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
             .where(WebhookDelivery.endpoint_id == row.id,
                    WebhookDelivery.tenant_id == tenant_id)
             .order_by(col(WebhookDelivery.id).desc()).limit(min(max(limit, 1), 200)))
    if status:
        query = query.where(WebhookDelivery.status == status)
    return [DeliveryView(d.id, d.event_id, etype, d.status, d.attempts, d.last_status,
                         d.last_error, d.response_excerpt, d.duration_ms, d.last_attempt_at,
                         d.next_attempt_at, d.created_at)
            for d, etype in session.exec(query).all()]


def resend(session: Session, *, tenant_id: int, delivery_id: object) -> int:
    """Send an event to its endpoint again (same event id, so a receiver that already has
    it can tell). Returns the new delivery's id."""
    did = parse_id(delivery_id)
    old = session.get(WebhookDelivery, did) if did is not None else None
    if old is None or old.tenant_id != tenant_id:
        raise NotFound("webhooks.error.not_found")
    endpoint = _own(session, tenant_id, old.endpoint_id)
    if not endpoint.active:
        raise Conflict("webhooks.error.inactive")
    new = WebhookDelivery(tenant_id=tenant_id, endpoint_id=endpoint.id, event_id=old.event_id,
                          order_key=old.order_key)
    session.add(new)
    session.flush()
    endpoint_id = endpoint.id
    after_commit(session, lambda: kick([endpoint_id]))
    return new.id or 0


def send_test(session: Session, *, tenant_id: int, endpoint_id: object) -> int:
    """A `webhook.test` event to this endpoint only, whatever types it chose."""
    endpoint = _own(session, tenant_id, endpoint_id)
    if not endpoint.active:
        raise Conflict("webhooks.error.inactive")
    event = WebhookEvent(tenant_id=tenant_id, type=TEST_EVENT,
                         data={"message": "Teste do ylada: seu endpoint recebeu este evento."})
    session.add(event)
    session.flush()
    delivery = WebhookDelivery(tenant_id=tenant_id, endpoint_id=endpoint.id,
                               event_id=event.id or 0)
    session.add(delivery)
    session.flush()
    endpoint_pk = endpoint.id
    after_commit(session, lambda: kick([endpoint_pk]))
    return delivery.id or 0


# --- delivering (called by the job) -------------------------------------------------------

@dataclass
class Due:
    delivery_id: int
    event_id: int
    event_type: str
    data: dict[str, Any]
    created_at: datetime
    order_key: str
    attempts: int


@dataclass
class Target:
    endpoint_id: int
    tenant_id: int
    url: str
    secrets: list[str] = field(default_factory=list)  # every secret that signs


def target(session: Session, endpoint_id: int) -> Target | None:
    """The endpoint as the sender needs it; None when it is gone or turned off."""
    from ylada_app.services.entitlements import cached_limits

    row = session.get(WebhookEndpoint, endpoint_id)
    if row is None or not row.active or not cached_limits(session, row.tenant_id).api_access:
        return None  # (deliveries wait while the plan leaves the API out)
    keys = [decrypt_secret(row.secret_enc)]
    if row.old_secret_enc and row.old_secret_until and row.old_secret_until > utcnow():
        keys.append(decrypt_secret(row.old_secret_enc))
    return Target(row.id, row.tenant_id, row.url, keys)


def claim_due(session: Session, endpoint_id: int, limit: int = 100) -> list[Due]:
    """Take the endpoint's due deliveries (oldest event first) for this run."""
    now = utcnow()
    session.exec(update(WebhookDelivery)
                 .where(WebhookDelivery.endpoint_id == endpoint_id,
                        WebhookDelivery.status == "sending",
                        WebhookDelivery.last_attempt_at < now - STUCK_SENDING)
                 .values(status="pending"))
    rows = session.exec(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint_id,
               WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(col(WebhookDelivery.id)).limit(limit)).all()
    if not rows:
        session.commit()
        return []
    ids = [d.id for d, _ in rows]
    claimed = session.exec(update(WebhookDelivery)
                           .where(col(WebhookDelivery.id).in_(ids),
                                  WebhookDelivery.status == "pending")
                           .values(status="sending", last_attempt_at=now)).rowcount
    session.commit()
    if claimed != len(ids):  # another run took some: keep only what is still ours
        mine = set(session.exec(select(WebhookDelivery.id).where(
            col(WebhookDelivery.id).in_(ids), WebhookDelivery.status == "sending",
            WebhookDelivery.last_attempt_at == now)).all())
        rows = [(d, e) for d, e in rows if d.id in mine]
    return [Due(d.id, e.id, e.type, e.data, e.created_at, d.order_key, d.attempts)
            for d, e in rows]


@dataclass
class Outcome:
    delivery_id: int
    ok: bool | None  # None: not attempted in this run (its turn comes again at once)
    status: int | None = None
    error: str = ""
    excerpt: str = ""
    duration_ms: int | None = None
    attempts: int = 0  # before this attempt
    retry_at: datetime | None = None  # for those left behind a failure: wait with it


def retry_delay(attempts_done: int) -> timedelta | None:
    """After `attempts_done` failed attempts: how long until the next, or None (give up)."""
    if attempts_done > len(RETRY_S):
        return None
    return timedelta(seconds=RETRY_S[attempts_done - 1] * get_settings().webhook_retry_scale)


def record(session: Session, endpoint_id: int, outcomes: list[Outcome]) -> bool:
    """Write a run's results. Returns True when the endpoint was just disabled."""
    now = utcnow()
    any_ok = any_failed = False
    for o in outcomes:
        if o.ok is None:
            session.exec(update(WebhookDelivery).where(WebhookDelivery.id == o.delivery_id)
                         .values(status="pending", next_attempt_at=o.retry_at or now))
            continue
        attempts = o.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_status": o.status,
                                  "last_error": o.error[:200],
                                  "response_excerpt": o.excerpt[:500],
                                  "duration_ms": o.duration_ms, "last_attempt_at": now}
        if o.ok:
            any_ok = True
            values.update(status="delivered", delivered_at=now)
        else:
            any_failed = True
            delay = retry_delay(attempts)
            values.update(status="failed") if delay is None else values.update(
                status="pending", next_attempt_at=now + delay)
        session.exec(update(WebhookDelivery).where(WebhookDelivery.id == o.delivery_id)
                     .values(**values))
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    disabled = False
    if endpoint is not None:
        if any_ok:
            endpoint.failing_since = None
        elif any_failed:
            endpoint.failing_since = endpoint.failing_since or now
            if endpoint.active and now - endpoint.failing_since >= DISABLE_AFTER:
                _disable_failing(session, endpoint)
                disabled = True
        session.add(endpoint)
    session.commit()
    return disabled


def next_retry_at(outcomes: list[Outcome], delivery_id: int) -> datetime | None:
    for o in outcomes:
        if o.delivery_id == delivery_id and o.ok is False:
            delay = retry_delay(o.attempts + 1)
            return utcnow() + delay if delay else None
    return None


def _drop_pending(session: Session, endpoint_id: int, reason: str) -> None:
    session.exec(update(WebhookDelivery)
                 .where(WebhookDelivery.endpoint_id == endpoint_id,
                        col(WebhookDelivery.status).in_(("pending", "sending")))
                 .values(status="failed", last_error=reason))


def _disable_failing(session: Session, endpoint: WebhookEndpoint) -> None:
    """Three days of failures: stop, and tell the business's owners and admins."""
    from ylada_app.services.emails import queue_email

    endpoint.active = False
    endpoint.disabled_reason = "failing"
    endpoint.updated_at = utcnow()
    _drop_pending(session, endpoint.id or 0, "endpoint_disabled")
    tenant = session.get(Tenant, endpoint.tenant_id)
    people = session.exec(
        select(User.email, User.locale, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == endpoint.tenant_id,
               col(Membership.role).in_((Role.OWNER, Role.ADMIN)))).all()
    for email, locale, name in people:
        queue_email(session, to=email, kind="webhook_disabled", lang=locale or "pt-BR",
                    link_path="/settings/webhooks", tenant_id=endpoint.tenant_id,
                    name=name or "", url=endpoint.url,
                    tenant=tenant.name if tenant else "")
    after_commit(session, forget)


def due_endpoints(session: Session, limit: int = 500) -> list[int]:
    """Endpoints with deliveries whose time came (the sweeper queues a run for each)."""
    now = utcnow()
    grace = timedelta(seconds=5)  # a just-written delivery still has its kick queued
    due = session.exec(
        select(WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.status == "pending",
               WebhookDelivery.next_attempt_at <= now - grace)
        .group_by(WebhookDelivery.endpoint_id).limit(limit)).all()
    stuck = session.exec(
        select(WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.status == "sending",
               WebhookDelivery.last_attempt_at < now - STUCK_SENDING)
        .group_by(WebhookDelivery.endpoint_id).limit(limit)).all()
    return sorted(set(due) | set(stuck))


def purge(session: Session, *, batch: int = 5000) -> int:
    """Events (and their deliveries) older than KEEP_EVENTS, a bounded batch at a time."""
    cutoff = utcnow() - KEEP_EVENTS
    ids = list(session.exec(select(WebhookEvent.id).where(WebhookEvent.created_at < cutoff)
                            .order_by(col(WebhookEvent.id)).limit(batch)).all())
    if not ids:
        return 0
    session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.event_id).in_(ids)))
    session.exec(delete(WebhookEvent).where(col(WebhookEvent.id).in_(ids)))
    return len(ids)
