"""Async PostgreSQL connections for the webhook's hot path (PostgreSQL only).

Under many concurrent webhooks, handing each INSERT to a thread makes the threads fight the
event loop for the GIL; an async connection keeps the loop doing the waiting. The hot path
speaks plain SQL to psycopg through a psycopg_pool pool: SQLAlchemy's async layer (statement
compilation plus a greenlet hop per call) cost more CPU than the database did. SQLite (the
embedded default) keeps the thread path.
"""

from __future__ import annotations

import asyncio
import weakref

from psycopg_pool import AsyncConnectionPool

from ylada_app.core.db import normalize_url
from ylada_app.core.settings import get_settings

# Async connections belong to the event loop that opened them: one pool per loop (a server
# has one loop; tests open several).
_pools: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def get_async_pool() -> AsyncConnectionPool | None:
    url = normalize_url(get_settings().database_url)
    if not url.startswith("postgresql+psycopg://"):
        return None
    per_loop = _pools.setdefault(asyncio.get_running_loop(), {})
    pool = per_loop.get(url)
    if pool is None:
        pool = per_loop[url] = AsyncConnectionPool(
            url.replace("postgresql+psycopg://", "postgresql://", 1), min_size=2, max_size=20,
            max_lifetime=1800, open=False)
        await pool.open()
    return pool
