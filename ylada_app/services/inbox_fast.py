"""The common webhook — new messages from contacts we have seen — stored with one async
multi-row INSERT. Anything else (new contacts, statuses, errors) takes the general path in
`inbox`. Returns None when the fast path does not apply."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from ylada_app.models import Message, utcnow
from ylada_app.services.inbox import (
    Inbound,
    InstanceRef,
    clean_text,
    inbound_row,
    known_conversation,
)


async def store_known(engine: AsyncEngine, instance: InstanceRef,
                      items: list[Inbound]) -> list[int] | None:
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for item in items:
        conv_id = known_conversation(instance.id, clean_text(item.wa_id, 32) or "?")
        if conv_id is None or not clean_text(item.wamid, 160):
            return None
        rows.append(inbound_row(instance, conv_id, item, now))
    if not rows:
        return []
    table = Message.__table__
    stmt = (pg_insert(table).values(rows).on_conflict_do_nothing(index_elements=["wamid"])
            .returning(table.c.conversation_id))
    async with engine.begin() as conn:
        touched = (await conn.execute(stmt)).scalars().all()
    return list(dict.fromkeys(touched))
