"""Async PostgreSQL connections for the webhook's hot path (PostgreSQL only).

Under many concurrent webhooks, handing each INSERT to a thread makes the threads fight the
event loop for the GIL; an async connection keeps the loop doing the waiting. The hot path
speaks plain SQL straight to the psycopg connection: SQLAlchemy's async statement layer
(compilation plus a greenlet hop per call) cost more CPU than the database did, so the
engine is only used for its pool, which needs no background tasks (a loop can close at any
time: the test client opens one per request). SQLite (the embedded default) keeps the
thread path.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from psycopg import AsyncConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ylada_app.core.db import normalize_url, ping_when_idle
from ylada_app.core.settings import get_settings

# Async connections belong to the event loop that opened them: one engine per loop (a
# server has one loop; tests open several).
_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_async_engine() -> AsyncEngine | None:
    url = normalize_url(get_settings().database_url)
    if not url.startswith("postgresql+psycopg://"):
        return None
    per_loop = _engines.setdefault(asyncio.get_running_loop(), {})
    engine = per_loop.get(url)
    if engine is None:
        # Autocommit: a lone INSERT is one round trip instead of BEGIN, INSERT, COMMIT;
        # several statements go inside `conn.transaction()`. No overflow: a burst waits a
        # few milliseconds for a connection instead of opening new ones (each costs the
        # database a process start), which used to turn a short hiccup into a long stall.
        engine = per_loop[url] = create_async_engine(url, pool_size=10, max_overflow=0,
                                                     pool_recycle=1800,
                                                     isolation_level="AUTOCOMMIT")
        ping_when_idle(engine.sync_engine)
    return engine


@asynccontextmanager
async def pg_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A pooled psycopg connection in autocommit mode (wrap several statements in
    `conn.transaction()`)."""
    async with engine.connect() as conn:
        yield (await conn.get_raw_connection()).driver_connection


async def dispose_loop_engines() -> None:
    """Close this event loop's pooled connections (a server shutting down, a test client
    leaving)."""
    for engine in _engines.pop(asyncio.get_running_loop(), {}).values():
        await engine.dispose()
