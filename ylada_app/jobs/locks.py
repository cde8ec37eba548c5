"""Per-conversation locks, taken for a whole batch at once.

With Redis: one pipelined SET NX PX per batch, released by one Lua compare-and-delete, so a
lock costs no extra round trip per conversation. Embedded mode: non-blocking thread locks.
A conversation whose lock is taken is simply left for a later batch.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Callable

from ylada_app.core.queue import redis_connection
from ylada_app.core.settings import get_settings

LOCK_TTL_MS = 20_000
_RELEASE = """
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[1] then redis.call('del', key) end
end
return 1
"""
_local: dict[int, threading.Lock] = {}
_local_guard = threading.Lock()


def _key(conversation_id: int) -> str:
    return f"ylada:lock:conv:{conversation_id}"


def acquire_many(ids: list[int]) -> tuple[list[int], Callable[[], None]]:
    """Lock what can be locked now. Returns (locked ids, release function)."""
    settings = get_settings()
    if settings.redis_url:
        conn = redis_connection(settings.redis_url)
        token = secrets.token_hex(8)
        pipe = conn.pipeline(transaction=False)
        for cid in ids:
            pipe.set(_key(cid), token, nx=True, px=LOCK_TTL_MS)
        got = [cid for cid, ok in zip(ids, pipe.execute(), strict=True) if ok]

        def release() -> None:
            # If Redis is gone the locks expire on their own.
            if got:
                with contextlib.suppress(Exception):
                    conn.eval(_RELEASE, len(got), *[_key(c) for c in got], token)

        return got, release
    got_local: list[threading.Lock] = []
    got = []
    for cid in ids:
        with _local_guard:
            lock = _local.setdefault(cid, threading.Lock())
        if lock.acquire(blocking=False):
            got.append(cid)
            got_local.append(lock)

    def release_local() -> None:
        for lock in got_local:
            lock.release()

    return got, release_local
