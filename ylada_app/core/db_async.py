"""An async engine for the webhook's hot path (PostgreSQL only).

Under many concurrent webhooks, handing each INSERT to a thread makes the threads fight the
event loop for the GIL; an async connection keeps the loop doing the waiting. SQLite (the
embedded default) keeps the thread path.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ylada_app.core.db import normalize_url
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
        engine = per_loop[url] = create_async_engine(url, pool_size=20, max_overflow=20,
                                                     pool_recycle=1800)
    return engine
