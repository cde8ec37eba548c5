"""Run service functions off the event loop, each in its own transaction."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError

from ylada_app.core.db import session_scope
from ylada_app.services.closure import read_only_session

T = TypeVar("T")
# SQLite (the embedded default): a transaction that read, then writes after another
# connection committed fails at once with "database is locked" — its snapshot is stale and the
# busy timeout does not apply. Such a transaction changed nothing; it is run again.
_SQLITE_RETRIES = 3


def _stale_sqlite_snapshot(exc: OperationalError) -> bool:
    return "database is locked" in str(exc.orig or exc)


def _in_transaction(fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    for attempt in range(_SQLITE_RETRIES + 1):
        try:
            with session_scope() as session:
                read_only_session(session, fn)  # a closed business: changes refused
                return fn(session, **kwargs)
        except OperationalError as exc:
            if attempt == _SQLITE_RETRIES or not _stale_sqlite_snapshot(exc):
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


async def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """`await call(services.x.fn, tenant_id=…)`: blocking DB work runs in a thread."""
    return await asyncio.to_thread(_in_transaction, fn, kwargs)
