"""Per-conversation locks: one mechanism for every job that touches a conversation.

`acquire_many` takes a whole batch at once (with Redis: one pipelined SET NX PX, released by
one Lua compare-and-delete); a conversation whose lock is taken is left for a later batch.
`hold` waits for one conversation (timers, redelivery); `exclusive` tries once for any named
run (one webhook endpoint's deliveries). Embedded mode: thread locks from the same registry,
so drains and timers exclude each other there too.

Redis locks live LOCK_TTL_MS (3 s) and a heartbeat thread renews every lock its process holds
once a second: a worker killed mid-batch frees its conversations within ~3 s, while a live
one keeps them however long a batch takes (a slow model, Graph retries, a database that is
restarting). The heartbeat also re-takes a lock Redis forgot (a Redis restart) if nobody
else took it meanwhile.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator

from ylada_app.core.queue import redis_connection
from ylada_app.core.settings import get_settings

log = logging.getLogger(__name__)
LOCK_TTL_MS = 3_000
HEARTBEAT_S = 1.0
# KEYS: the locks of one holder. ARGV: its token, the TTL. Keeps what is still ours, takes
# back what Redis lost; a lock someone else took meanwhile is left alone.
_RENEW = """
for i, key in ipairs(KEYS) do
  local v = redis.call('get', key)
  if v == ARGV[1] then redis.call('pexpire', key, ARGV[2])
  elseif not v then redis.call('set', key, ARGV[1], 'PX', ARGV[2]) end
end
return 1
"""
_RELEASE = """
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[1] then redis.call('del', key) end
end
return 1
"""
# KEYS: the locks wanted. ARGV: token, TTL. Returns the positions (1-based) of those taken.
_TAKE = """
local got = {}
for i, key in ipairs(KEYS) do
  if redis.call('set', key, ARGV[1], 'NX', 'PX', ARGV[2]) then got[#got + 1] = i end
end
return got
"""
_local: dict[int | str, threading.Lock] = {}
_local_guard = threading.Lock()
# token -> (Redis URL, lock keys) of every Redis lock this process holds, for the heartbeat.
_held: dict[str, tuple[str, list[str]]] = {}
_heartbeat: threading.Thread | None = None


def _beat() -> None:
    while True:
        time.sleep(HEARTBEAT_S)
        renew_held()


def renew_held() -> None:
    """Extend every Redis lock this process holds (the heartbeat's step)."""
    with _local_guard:
        held = list(_held.items())
    for token, (url, keys) in held:
        try:
            redis_connection(url).eval(_RENEW, len(keys), *keys, token, LOCK_TTL_MS)
        except Exception:  # noqa: BLE001 - Redis away: the next beat tries again
            log.warning("could not renew %d conversation locks", len(keys), exc_info=True)


def _track(token: str, url: str, keys: list[str]) -> None:
    global _heartbeat
    with _local_guard:
        _held[token] = (url, keys)
        if _heartbeat is None or not _heartbeat.is_alive():
            _heartbeat = threading.Thread(target=_beat, name="ylada-lock-heartbeat",
                                          daemon=True)
            _heartbeat.start()


def _untrack(token: str) -> None:
    with _local_guard:
        _held.pop(token, None)


@functools.lru_cache(maxsize=4)
def _scripts(url: str):
    conn = redis_connection(url)
    return conn.register_script(_TAKE), conn.register_script(_RELEASE)


def _key(conversation_id: int) -> str:
    return f"ylada:lock:conv:{conversation_id}"


def _local_lock(key: int | str) -> threading.Lock:
    with _local_guard:
        return _local.setdefault(key, threading.Lock())


def acquire_many(ids: list[int]) -> tuple[list[int], Callable[[], None]]:
    """Lock what can be locked now. Returns (locked ids, release function)."""
    settings = get_settings()
    if settings.redis_url:
        take, drop = _scripts(settings.redis_url)
        token = secrets.token_hex(8)
        # one script call for the whole batch (a command per lock cost the worker more CPU
        # in redis-py than Redis spent on them)
        taken = take(keys=[_key(cid) for cid in ids], args=[token, LOCK_TTL_MS]) if ids else []
        got = [ids[int(i) - 1] for i in taken]
        if got:
            _track(token, settings.redis_url, [_key(c) for c in got])

        def release() -> None:
            _untrack(token)
            # If Redis is gone the locks expire on their own.
            if got:
                with contextlib.suppress(Exception):
                    drop(keys=[_key(c) for c in got], args=[token])

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
def hold(conversation_id: int, timeout_s: float = 30.0) -> Iterator[None]:
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


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Try once to hold the lock `name` for the block, without waiting; yields whether this
    run got it. Same TTL and heartbeat as the conversation locks: a run that died frees it
    within seconds, a live one keeps it however long it takes."""
    settings = get_settings()
    if settings.redis_url:
        conn, key, token = redis_connection(settings.redis_url), f"ylada:lock:{name}", \
            secrets.token_hex(8)
        mine = bool(conn.set(key, token, nx=True, px=LOCK_TTL_MS))
        if mine:
            _track(token, settings.redis_url, [key])
        try:
            yield mine
        finally:
            if mine:
                _untrack(token)
                with contextlib.suppress(Exception):
                    conn.eval(_RELEASE, 1, key, token)
        return
    lock = _local_lock(name)
    mine = lock.acquire(blocking=False)
    try:
        yield mine
    finally:
        if mine:
            lock.release()
