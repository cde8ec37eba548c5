"""The common webhook — new messages from contacts we have seen — stored with one async
multi-row INSERT in plain SQL. Anything else (new contacts, statuses, errors) takes the
general path in `inbox`. Returns None when the fast path does not apply."""

from __future__ import annotations

from functools import lru_cache

from psycopg.types.json import Json
from psycopg_pool import AsyncConnectionPool

from ylada_app.models import utcnow
from ylada_app.services.inbox import (
    Inbound,
    InstanceRef,
    clean_text,
    inbound_row,
    known_conversation,
)

_COLUMNS = ("tenant_id", "instance_id", "conversation_id", "direction", "type", "text",
            "payload", "wamid", "status", "attempts", "wa_timestamp", "created_at")


@lru_cache(maxsize=16)
def _insert_sql(n_rows: int) -> str:
    """INSERT of n rows; the same text for the same n, so psycopg prepares it once."""
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    return (f"INSERT INTO message ({', '.join(_COLUMNS)}) VALUES "
            + ", ".join([row] * n_rows)
            + " ON CONFLICT (wamid) DO NOTHING RETURNING conversation_id")


async def store_known(pool: AsyncConnectionPool, instance: InstanceRef,
                      items: list[Inbound]) -> list[int] | None:
    params: list = []
    now = utcnow()
    for item in items:
        conv_id = known_conversation(instance.id, clean_text(item.wa_id, 32) or "?")
        if conv_id is None or not clean_text(item.wamid, 160):
            return None
        row = inbound_row(instance, conv_id, item, now)
        row["payload"] = Json(row["payload"])
        params += [row[c] for c in _COLUMNS]
    if not items:
        return []
    async with pool.connection() as conn:  # commits on leaving
        cur = await conn.execute(_insert_sql(len(items)), params)
        touched = [r[0] for r in await cur.fetchall()]
    return list(dict.fromkeys(touched))
