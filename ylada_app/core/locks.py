"""Per-conversation locks: one mechanism for every job that touches a conversation.

`acquire_many` takes a whole batch at once (with Redis: one pipelined SET NX PX, released by
one Lua compare-and-delete); a conversation whose lock is taken is left for a later batch.
`hold` waits for one conversation (timers, redelivery). Embedded mode: thread locks from the
same registry, so drains and timers exclude each other there too.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator

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


def _local_lock(conversation_id: int) -> threading.Lock:
    with _local_guard:
        return _local.setdefault(conversation_id, threading.Lock())


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
        lock = _local_lock(cid)
        if lock.acquire(blocking=False):
            got.append(cid)
            got_local.append(lock)

    def release_local() -> None:
        for lock in got_local:
            lock.release()

    return got, release_local


@contextlib.contextmanager
def hold(conversation_id: int, timeout_s: float = LOCK_TTL_MS / 1000 + 5) -> Iterator[None]:
    """Wait (up to `timeout_s`) for one conversation's lock and hold it for the block."""
    deadline = time.monotonic() + timeout_s
    while True:
        got, release = acquire_many([conversation_id])
        if got:
            break
        if time.monotonic() >= deadline:
            raise TimeoutError(f"conversation {conversation_id} is busy")
        time.sleep(0.01)
    try:
        yield
    finally:
        release()
