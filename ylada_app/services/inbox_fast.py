"""The webhook's common content — inbound messages and delivery statuses — stored in plain
SQL on an async psycopg connection, in one transaction per POST.

`inbox` holds the rules (what a row looks like, that statuses only move forward, how a
first message creates its contact and conversation); this module is their PostgreSQL-only
fast form for the event loop. Anything else in a POST (errors, unsupported content, unknown
numbers) and the SQLite default take the general path in `inbox`.
"""

from __future__ import annotations

import asyncio
import weakref
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.errors import UniqueViolation
from psycopg.types.json import Json
from sqlalchemy.ext.asyncio import AsyncEngine

from ylada_app.core.db_async import pg_connection
from ylada_app.core.queue import mark_dirty_async
from ylada_app.models import Message, utcnow
from ylada_app.models.bulk import (
    column_arrays,
    one_row_sql,
    recordset_sql,
    row_values,
    rows_json,
    unnest_sql,
)
from ylada_app.models.conversation import WA_ID_MAX
from ylada_app.services import webhooks_out
from ylada_app.services.inbox import (
    STATUS_RANK,
    Inbound,
    InstanceRef,
    StatusChange,
    clean_text,
    inbound_row,
    known_conversation,
    remember_contact,
    wa_time,
)
from ylada_app.services.phones import br_variants

_COLUMNS = ("tenant_id", "instance_id", "conversation_id", "direction", "type", "text",
            "payload", "wamid", "status", "attempts", "wa_timestamp", "created_at")

# Meta's retries and duplicates of a wamid are no-ops (a wamid is unique per number: another
# business's message with the same id is not a duplicate of this one).
_ON_DUPLICATE = "ON CONFLICT (instance_id, wamid) DO NOTHING RETURNING conversation_id"
_FIND = ("SELECT ct.id, ct.name, cv.id FROM contact ct LEFT JOIN conversation cv "
         "ON cv.contact_id = ct.id WHERE ct.instance_id = %s AND ct.wa_id = %s")
# a Brazilian mobile in either form (with or without the ninth digit), the reported one first
_FIND_FORMS = ("SELECT ct.id, ct.name, cv.id FROM contact ct LEFT JOIN conversation cv "
               "ON cv.contact_id = ct.id WHERE ct.instance_id = %s AND ct.wa_id = ANY(%s) "
               "ORDER BY ct.wa_id <> %s LIMIT 1")
# A message carrying a BSUID (Meta's business-scoped user id): the contact with the phone in
# either form, or the one holding the BSUID — every candidate (at most a few), chosen in
# Python (_find). Still one statement: both keys are indexed (uq_contact_instance_wa and
# uq_contact_instance_user, migration 0047).
_FIND_USER = ("SELECT ct.id, ct.name, cv.id, ct.wa_id, ct.user_id FROM contact ct "
              "LEFT JOIN conversation cv ON cv.contact_id = ct.id WHERE ct.instance_id = %s "
              "AND (ct.wa_id = ANY(%s) OR ct.user_id = %s)")
# (on either key: the person's first message may be creating it right now)
_NEW_CONTACT = ("INSERT INTO contact (tenant_id, instance_id, wa_id, user_id, name, tags, "
                "fields, opted_out, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, '[]', "
                "'{}', false, %s, %s) ON CONFLICT DO NOTHING")
_KEEP_USER_ID = "UPDATE contact SET user_id = %s WHERE id = %s AND user_id IS NULL"
_NAME = "UPDATE contact SET name = %s WHERE id = %s AND name = ''"
_CONVERSATION_OF = "SELECT id FROM conversation WHERE contact_id = %s"
_NEW_CONVERSATION = ("INSERT INTO conversation (tenant_id, instance_id, contact_id, status, "
                     "session, created_at, updated_at) VALUES (%s, %s, %s, 'bot', '{}', %s, %s) "
                     "ON CONFLICT (contact_id) DO NOTHING")

# The rank of the row's current status, as in inbox.STATUS_RANK (unknown statuses rank -1).
_RANK_SQL = "CASE status " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in STATUS_RANK.items()) + \
    " ELSE -1 END"
# By wamid; or, for a send Graph accepted but we never recorded (no wamid), by the message
# id its reference carries (inbox.referenced_message).
_STATUS = (
    "UPDATE message SET status = %(status)s, wamid = COALESCE(wamid, %(wamid)s), "
    "sent_at = CASE WHEN %(failed)s THEN sent_at ELSE COALESCE(sent_at, %(when)s) END, "
    "delivered_at = CASE WHEN %(delivered)s THEN %(when)s "
    "  WHEN %(read)s THEN COALESCE(delivered_at, %(when)s) ELSE delivered_at END, "
    "read_at = CASE WHEN %(read)s THEN %(when)s ELSE read_at END, "
    "error = CASE WHEN %(failed)s THEN %(error)s ELSE error END "
    "WHERE (wamid = %(wamid)s OR (id = %(message_id)s AND wamid IS NULL"
    "       AND NOT EXISTS (SELECT 1 FROM message WHERE instance_id = %(instance_id)s"
    "                       AND wamid = %(wamid)s))) "
    "AND instance_id = %(instance_id)s AND direction = 'out' "
    f"AND {_RANK_SQL} < %(rank)s"
)
_STATUS_RETURNING = " RETURNING id, conversation_id, status, wamid, error"
# The same for a whole group of statuses in ONE statement (see StatusBatcher), the group's
# rows as one JSON parameter (models.bulk: psycopg dumps arrays element by element).
_GROUP_SPEC = ("status text, rank int, delivered bool, read bool, failed bool, at timestamp, "
               "error text, wamid text, instance_id int, message_id int")
# The targets are found first, one index lookup per status (the wamid's unique index; the
# primary key for a send known only by its reference; LATERAL … LIMIT 1 keeps the planner
# from turning either into a scan, also in the generic plan of the prepared statement): an
# OR of the two in the UPDATE's join made PostgreSQL read every outbound message of the
# table for each group (1.8 ms per status with a thousand messages, growing with the table).
# The number and direction are checked in those lookups, not on the updated rows: statistics
# taken while the table was young (all inbound) made `direction = 'out'` look rare, and the
# planner then hashed every outbound message to join 100 statuses (160 ms per group).
_STATUS_GROUP = (
    f"WITH v AS (SELECT * FROM json_to_recordset(%s::json) AS v({_GROUP_SPEC})), "
    "target AS ("
    " SELECT x.id, v.* FROM v CROSS JOIN LATERAL"
    "  (SELECT id FROM message WHERE wamid = v.wamid AND instance_id = v.instance_id"
    "   AND direction = 'out' LIMIT 1) AS x"
    " UNION ALL"
    " SELECT x.id, v.* FROM v CROSS JOIN LATERAL"
    "  (SELECT id FROM message WHERE id = v.message_id AND wamid IS NULL"
    "   AND instance_id = v.instance_id AND direction = 'out' LIMIT 1) AS x"
    " WHERE v.message_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM message y WHERE y.instance_id = v.instance_id"
    "                 AND y.wamid = v.wamid)) "
    "UPDATE message AS m SET status = t.status, wamid = COALESCE(m.wamid, t.wamid), "
    "sent_at = CASE WHEN t.failed THEN m.sent_at ELSE COALESCE(m.sent_at, t.at) END, "
    "delivered_at = CASE WHEN t.delivered THEN t.at "
    "  WHEN t.read THEN COALESCE(m.delivered_at, t.at) ELSE m.delivered_at END, "
    "read_at = CASE WHEN t.read THEN t.at ELSE m.read_at END, "
    "error = CASE WHEN t.failed THEN t.error ELSE m.error END "
    "FROM target AS t WHERE m.id = t.id "
    f"AND {_RANK_SQL.replace('CASE status', 'CASE m.status')} < t.rank"
)


def _group_rows(changes: list[dict]) -> str:
    """One change per message — the furthest (a statement updates a row once) — in
    message-id order, as the workers record sends (no deadlock between the two)."""
    best: dict[str, dict] = {}
    for c in changes:
        if c["wamid"] not in best or c["rank"] > best[c["wamid"]]["rank"]:
            best[c["wamid"]] = c
    ordered = sorted(best.values(), key=lambda c: (c["message_id"] is None,
                                                   c["message_id"] or 0, c["wamid"]))
    return rows_json([{**c, "at": c["when"]} for c in ordered])


async def store_async(engine: AsyncEngine, instance: InstanceRef, items: list[Inbound],
                      statuses: list[StatusChange]) -> list[int]:
    """Store new inbound messages (as pending) and apply statuses; returns the
    conversations that got new messages (to mark dirty)."""
    if not webhooks_out.cache_fresh():
        await asyncio.to_thread(webhooks_out.refresh)
    now = utcnow()
    if not items and statuses and not webhooks_out.wants(instance.tenant_id, "message.status"):
        # The most common POST of all (three per reply): committed together with the
        # other status POSTs in flight.
        await _batcher(StatusBatcher, engine).apply(_status_params(instance, statuses, now))
        return []
    # (wa_id as stored, cached conversation id or None, message) for the storable messages.
    # (a BSUID the cached contact was not looked up with misses: see inbox._ids)
    keyed = [(wa_id, known_conversation(instance.id, wa_id, _user_id(i)), i) for i in items
             if clean_text(i.wamid, 160) and (wa_id := clean_text(i.wa_id, WA_ID_MAX))]
    # (wa_id, BSUID or None, contact id, conversation id, the contact's BSUID) learnt here
    new_ids: list[tuple[str, str | None, int, int, str | None]] = []
    events: list[webhooks_out.Event] = []  # for the business's webhooks, if it has any
    if keyed and not statuses and all(conv_id for _, conv_id, _ in keyed):
        # The common POST — new messages of known contacts: inserted and marked dirty
        # together with the others in flight.
        await _batcher(InboundBatcher, engine).apply(
            [inbound_row(instance, conv_id, item, now) for _, conv_id, item in keyed])
        return []
    # Left here: a first message (contact and conversation created with it) or messages
    # with statuses — several statements, one transaction.
    async with pg_connection(engine) as conn, conn.transaction():
        rows = [inbound_row(instance, conv_id or await _conversation_id(
                    conn, instance, wa_id, item, now, new_ids, events), item, now)
                for wa_id, conv_id, item in keyed]
        touched: list[int] = []
        if rows:
            table = Message.__table__
            if len(rows) == 1:  # nearly every POST: one message
                cur = await conn.execute(one_row_sql(table, _COLUMNS, _ON_DUPLICATE),
                                         row_values(table, _COLUMNS, rows[0]))
            else:
                cur = await conn.execute(unnest_sql(table, _COLUMNS, _ON_DUPLICATE),
                                         column_arrays(table, _COLUMNS, rows))
            touched = [r[0] for r in await cur.fetchall()]
        changes = _status_params(instance, statuses, now)
        if changes and webhooks_out.wants(instance.tenant_id, "message.status"):
            for change in changes:  # one by one: each moved message becomes an event
                cur = await conn.execute(_STATUS + _STATUS_RETURNING, change, prepare=False)
                events += [webhooks_out.Event(instance.tenant_id, "message.status",
                                              webhooks_out.status_data(*r, instance.id),
                                              f"c{r[1]}")
                           for r in await cur.fetchall()]
        elif changes:
            async with conn.cursor() as cur:
                await cur.executemany(_STATUS, changes)
        endpoints = await _emit(conn, events, now) if events else set()
    for wa_id, user_id, contact_id, conv_id, holds in new_ids:
        remember_contact(instance.id, wa_id, user_id, contact_id, conv_id, holds)
    if endpoints:
        await asyncio.to_thread(webhooks_out.kick, endpoints)
    return list(dict.fromkeys(touched))


def _status_params(instance: InstanceRef, statuses: list[StatusChange],
                   now: datetime) -> list[dict]:
    return [{"status": s.status, "rank": STATUS_RANK[s.status],
             "delivered": s.status == "delivered", "read": s.status == "read",
             "failed": s.status == "failed",
             "when": wa_time(s.timestamp) or now, "error": (s.error or "failed")[:300],
             "wamid": s.wamid[:160], "instance_id": instance.id, "message_id": s.message_id}
            for s in statuses if s.status in STATUS_RANK and s.wamid]


class _GroupCommit:
    """Group commit on the event loop: what arrives while a write is in flight waits for the
    next one, which takes it all in one round trip; each caller returns once its part is
    written, or raises (its POST answers 503 and Meta retries it). Under load many POSTs
    share one pooled connection, statement and disk flush. A group that fails is written
    again POST by POST: one bad part (a conversation erased a moment ago) must not refuse
    the POSTs that happened to share its group."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.waiting: list[tuple[list, asyncio.Future]] = []
        self.running = False

    async def apply(self, items: list) -> None:
        if not items:
            return
        done = asyncio.get_running_loop().create_future()
        self.waiting.append((items, done))
        if not self.running:
            self.running = True
            asyncio.ensure_future(self._commit_all())
        await asyncio.shield(done)

    async def _write(self, items: list) -> None:
        raise NotImplementedError

    async def _commit_all(self) -> None:
        try:
            while self.waiting:
                group, self.waiting = self.waiting, []
                try:
                    await self._write([item for items, _ in group for item in items])
                except Exception as exc:  # noqa: BLE001 - each POST answers 503
                    if len(group) == 1:
                        _settle(group[0][1], exc)
                    else:
                        for items, done in group:
                            await self._write_alone(items, done)
                else:
                    for _, done in group:
                        _settle(done, None)
        finally:
            self.running = False

    async def _write_alone(self, items: list, done: asyncio.Future) -> None:
        try:
            await self._write(items)
        except Exception as exc:  # noqa: BLE001 - this POST answers 503
            _settle(done, exc)
        else:
            _settle(done, None)


def _settle(done: asyncio.Future, error: Exception | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)


class StatusBatcher(_GroupCommit):
    """Delivery statuses. Meta posts sent, delivered and read for every reply, each on its
    own: one transaction (and one disk flush) each made statuses cost the database more than
    the messages themselves. Statuses only move forward (rank), so their order within a
    group does not matter."""

    async def _write(self, items: list[dict]) -> None:
        async with pg_connection(self.engine) as conn:
            # Planned for each group (never a cached generic plan): that one is made while
            # the table is small and joins every outbound message against every status once
            # the table has grown.
            await conn.execute(_STATUS_GROUP, (_group_rows(items),), prepare=False)


_INSERT_GROUP = recordset_sql(Message.__table__, _COLUMNS) + " " + _ON_DUPLICATE


class InboundBatcher(_GroupCommit):
    """New messages of known conversations — the most common POST with content — inserted
    together with the others in flight, in one statement (atomic without a transaction),
    and their conversations marked dirty in one Redis call. Order holds: two POSTs of one
    contact never share a group (the second waits for the first's turn, see
    api.webhooks_whatsapp._Arrivals), and a group's rows are inserted in arrival order."""

    async def _write(self, items: list[dict]) -> None:
        async with pg_connection(self.engine) as conn:
            cur = await conn.execute(_INSERT_GROUP, (rows_json(items),))
            touched = [r[0] for r in await cur.fetchall()]
        await mark_dirty_async(list(dict.fromkeys(touched)))


_batchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _batcher(kind: type[_GroupCommit], engine: AsyncEngine) -> _GroupCommit:
    """One batcher of each kind per event loop and engine."""
    per_loop = _batchers.setdefault(asyncio.get_running_loop(), {})
    batcher = per_loop.get((kind, id(engine)))
    if batcher is None or batcher.engine is not engine:
        batcher = per_loop[(kind, id(engine))] = kind(engine)
    return batcher


def _user_id(item: Inbound) -> str | None:
    return clean_text(item.user_id, WA_ID_MAX) or None


async def _find(conn: AsyncConnection, instance: InstanceRef, wa_id: str,
                user_id: str | None) -> tuple[tuple | None, bool]:
    """(contact id, name, conversation id or None, its BSUID) of the sender, and whether
    the BSUID may be stored on it (no other contact holds it)."""
    forms = br_variants(wa_id)
    if user_id is None:  # (a message without a BSUID: the statements of before)
        sql, args = ((_FIND, (instance.id, wa_id)) if len(forms) == 1
                     else (_FIND_FORMS, (instance.id, forms, wa_id)))
        found = await (await conn.execute(sql, args)).fetchone()
        return (None if found is None else (*found, None)), False
    rows = await (await conn.execute(_FIND_USER, (instance.id, forms, user_id))).fetchall()
    if not rows:
        return None, False
    # as inbox._senders: the phone as reported, another form of it, the BSUID's holder
    best = min(rows, key=lambda r: (r[3] != wa_id, r[3] not in forms))
    return ((best[0], best[1], best[2], best[4]),
            best[4] is None and all(r[4] != user_id for r in rows))


async def _conversation_id(conn: AsyncConnection, instance: InstanceRef, wa_id: str,
                           item: Inbound, now: datetime,
                           new_ids: list[tuple[str, str | None, int, int, str | None]],
                           events: list[webhooks_out.Event]) -> int:
    """The contact's conversation, created with its contact on a first message (mirrors
    inbox.contact_and_conversation: found by phone or by BSUID, which a contact known by
    phone keeps from its first message that carries one). Ids learnt here are cached after
    the commit."""
    user_id = _user_id(item)
    conv_id = next((c for w, _, _, c, holds in new_ids
                    if w == wa_id or (user_id and holds == user_id)), None)
    if conv_id is not None:
        return conv_id  # an earlier message of this POST created it
    name = (clean_text(item.contact_name, 120) or "")[:120]
    found, keep_user_id = await _find(conn, instance, wa_id, user_id)
    created = False
    if found is None:
        cur = await conn.execute(_NEW_CONTACT, (instance.tenant_id, instance.id, wa_id,
                                                user_id, name, now, now))
        created = cur.rowcount == 1
        found, _ = await _find(conn, instance, wa_id, user_id)
    else:
        if keep_user_id:  # once per contact: later messages find it in the cache
            found = (*found[:3], await _keep_user_id(conn, found[0], user_id))
        if name and not found[1]:
            await conn.execute(_NAME, (name, found[0]))
    contact_id, conv_id = found[0], found[2]
    if conv_id is None:
        await conn.execute(_NEW_CONVERSATION, (instance.tenant_id, instance.id, contact_id,
                                               now, now))
        conv_id = (await (await conn.execute(_CONVERSATION_OF, (contact_id,))).fetchone())[0]
    new_ids.append((wa_id, user_id, contact_id, conv_id, found[3]))
    if created and webhooks_out.wants(instance.tenant_id, "contact.created"):
        contact = {"id": contact_id, "instance_id": instance.id, "phone": wa_id, "name": name,
                   "tags": [], "fields": {}, "opted_out": False,
                   "created_at": webhooks_out.iso(now), "updated_at": webhooks_out.iso(now)}
        events.append(webhooks_out.Event(instance.tenant_id, "contact.created",
                                         {"contact": contact}, f"c{conv_id}"))
    return conv_id


async def _keep_user_id(conn: AsyncConnection, contact_id: int, user_id: str) -> str | None:
    """Store the BSUID on a contact known by phone; returns what the contact holds after.
    A contact made a moment ago by a message without the phone holding it already keeps it
    (the two stay apart rather than fail the POST): a savepoint, the unique index decides."""
    try:
        async with conn.transaction():
            cur = await conn.execute(_KEEP_USER_ID, (user_id, contact_id))
    except UniqueViolation:
        return None
    return user_id if cur.rowcount == 1 else None


_EVENT = ("INSERT INTO webhook_event (tenant_id, type, data, created_at) "
          "VALUES (%s, %s, %s, %s) RETURNING id")
_LIVE_ENDPOINTS = "SELECT id FROM webhook_endpoint WHERE id = ANY(%s) AND active"
_DELIVERY = ("INSERT INTO webhook_delivery (tenant_id, endpoint_id, event_id, order_key, "
             "status, attempts, next_attempt_at, last_error, response_excerpt, created_at) "
             "VALUES (%s, %s, %s, %s, 'pending', 0, %s, '', '', %s)")


async def _emit(conn: AsyncConnection, events: list[webhooks_out.Event],
                now: datetime) -> set[int]:
    """webhooks_out.emit on this connection; returns the endpoints to kick after commit."""
    endpoints: set[int] = set()
    rows = webhooks_out.event_rows(events, now)
    wanted = sorted({e for _row, targets, _key in rows for e in targets})
    if not wanted:
        return endpoints
    # (webhooks_out.live_targets: the cache may still list an endpoint deleted elsewhere)
    cur = await conn.execute(_LIVE_ENDPOINTS, (wanted,))
    live = {r[0] for r in await cur.fetchall()}
    for row, all_targets, key in rows:
        targets = [e for e in all_targets if e in live]
        if not targets:
            continue
        cur = await conn.execute(_EVENT, (row["tenant_id"], row["type"], Json(row["data"]), now))
        event_id = (await cur.fetchone())[0]
        for endpoint_id in targets:
            await conn.execute(_DELIVERY, (row["tenant_id"], endpoint_id, event_id, key, now, now))
        endpoints.update(targets)
    return endpoints
