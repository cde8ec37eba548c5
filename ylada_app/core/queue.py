"""The job queue seam: enqueue by dotted name, to RQ on Redis (REDIS_URL) or in-process.

Services call `enqueue("ylada_app.jobs.instances.recheck_instance", instance_id)` so no
import runs back up the layers. In the embedded default a small thread pool runs the same
function in the app process, so both modes share one code path.
"""

from __future__ import annotations

import importlib
import logging
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from ylada_app.core.settings import get_settings

log = logging.getLogger(__name__)
DEFAULT_QUEUE = "default"
# Housekeeping (analytics rollups): workers take these only when "default" is empty, so they
# never hold a worker away from the message pipeline.
LOW_QUEUE = "low"
WORKER_QUEUES = (DEFAULT_QUEUE, LOW_QUEUE)
_pool: ThreadPoolExecutor | None = None


def resolve(dotted: str):
    module_name, _, attr = dotted.rpartition(".")
    if not module_name.startswith("ylada_app.jobs."):
        raise ValueError(f"not a job: {dotted}")
    return getattr(importlib.import_module(module_name), attr)


@lru_cache(maxsize=4)
def redis_connection(url: str):
    from redis import Redis

    return Redis.from_url(url, health_check_interval=10)


def get_queue(name: str = DEFAULT_QUEUE):
    from rq import Queue

    return Queue(name, connection=redis_connection(get_settings().redis_url))


def enqueue(dotted: str, *args: Any, job_id: str | None = None, **kwargs: Any) -> Any:
    """Run `dotted(*args, **kwargs)` in the background. Returns an RQ Job or a Future."""
    settings = get_settings()
    if settings.redis_url:
        return get_queue().enqueue(dotted, *args, job_id=job_id, **kwargs)
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ylada-job")
    fn = resolve(dotted)
    future: Future = _pool.submit(_run_logged, dotted, fn, args, kwargs)
    return future


def finish_local_jobs() -> None:
    """Wait for the in-process jobs still running (embedded mode) and start new threads on the
    next enqueue: a test run ends only after its background jobs do, not while one still logs
    (a delivery retrying a send wrote to an output pytest had already closed)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)


def _run_logged(dotted: str, fn, args, kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception:
        log.exception("in-process job %s failed", dotted)
        raise


# --- coalescing -----------------------------------------------------------------------------
# A burst of messages from one contact must become ONE job that handles them in order. A flag
# per key says "a job is already queued"; the job clears it before reading its work, so
# anything stored later either is seen by that run or queues the next one.
_local_flags: set[str] = set()
_local_lock = threading.Lock()
COALESCE_TTL_S = 300


def enqueue_coalesced(key: str, dotted: str, *args: Any, queue: str = DEFAULT_QUEUE) -> bool:
    """Enqueue `dotted(*args)` unless a job for `key` is already waiting. True if enqueued."""
    settings = get_settings()
    if settings.redis_url:
        conn = redis_connection(settings.redis_url)
        if not conn.set(f"ylada:q:{key}", 1, nx=True, ex=COALESCE_TTL_S):
            return False
        get_queue(queue).enqueue(dotted, *args, job_timeout=300, result_ttl=60,
                                 failure_ttl=3600)
        return True
    with _local_lock:
        if key in _local_flags:
            return False
        _local_flags.add(key)
    enqueue(dotted, *args)
    return True


def clear_coalesced(key: str) -> None:
    """Called by the job as it starts, before it loads pending work."""
    settings = get_settings()
    if settings.redis_url:
        redis_connection(settings.redis_url).delete(f"ylada:q:{key}")
    else:
        with _local_lock:
            _local_flags.discard(key)


# --- the dirty-conversation set --------------------------------------------------------------
# Webhooks mark conversations "dirty"; drain jobs pop them in batches and process many per job,
# so the per-job overhead of the queue is paid once per batch instead of once per message. A
# flag makes sure one drain job is queued whenever there is dirty work nobody has picked up.
# In Redis the set is a sorted set scored by when each conversation became dirty (Redis's
# clock): drains take the oldest first, and only once the oldest has waited `gather_ms`, so
# at moderate load a few dozen milliseconds of conversations leave together in one batch
# (a batch's fixed cost is several times a conversation's).
DIRTY_KEY = "ylada:dirty:z"
DRAIN_FLAG = "ylada:drain:flag"
DRAIN_JOB = "ylada_app.jobs.drain.drain"
_local_dirty: set[int] = set()
_local_drain_flag = False

_NOW_MS = ("local t = redis.call('TIME') "
           "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ")
# KEYS: dirty set, drain flag. ARGV: flag TTL, ids... Returns 1 if a drain job must be queued.
_MARK_LUA = _NOW_MS + """
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'NX', now, ARGV[i]) end
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[1]) then return 1 end
return 0"""
# KEYS: dirty set. ARGV: minimum age of the oldest (ms), how many. Returns {0, popped ids…},
# or {ms until the oldest is old enough} when none is yet, or {-1} when the set is empty.
_POP_LUA = _NOW_MS + """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return {-1} end
local age = now - tonumber(first[2])
if age < tonumber(ARGV[1]) then return {tonumber(ARGV[1]) - age} end
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('ZREM', KEYS[1], unpack(ids))
table.insert(ids, 1, 0)
return ids"""


@lru_cache(maxsize=4)
def _scripts(url: str):
    conn = redis_connection(url)
    return conn.register_script(_MARK_LUA), conn.register_script(_POP_LUA)


def _enqueue_drain() -> None:
    get_queue().enqueue(DRAIN_JOB, job_timeout=600, result_ttl=0, failure_ttl=3600)


def mark_dirty(conversation_ids: list[int]) -> None:
    global _local_drain_flag
    if not conversation_ids:
        return
    settings = get_settings()
    if settings.redis_url:
        mark, _ = _scripts(settings.redis_url)
        if mark(keys=[DIRTY_KEY, DRAIN_FLAG], args=[COALESCE_TTL_S, *conversation_ids]):
            _enqueue_drain()
        return
    with _local_lock:
        _local_dirty.update(conversation_ids)
        start = not _local_drain_flag
        _local_drain_flag = True
    if start:
        enqueue(DRAIN_JOB)


def drain_started() -> str | None:
    """Called by a drain job as it starts: later marks queue a further drain job. Returns
    the Redis URL of the mode it started in (None: in-process); the job pops with it until
    it ends, so a settings change mid-run cannot send it to another backend's set."""
    global _local_drain_flag
    redis_url = get_settings().redis_url
    if redis_url:
        redis_connection(redis_url).delete(DRAIN_FLAG)
    else:
        with _local_lock:
            _local_drain_flag = False
    return redis_url or None


def pop_dirty(count: int, redis_url: str | None, gather_ms: int = 0) -> list[int]:
    """Up to `count` dirty conversations, oldest first; in Redis none until the oldest has
    been dirty for `gather_ms`."""
    return pop_dirty_or_wait(count, redis_url, gather_ms)[0]


def pop_dirty_or_wait(count: int, redis_url: str | None,
                      gather_ms: int = 0) -> tuple[list[int], float | None]:
    """`pop_dirty`, and when it pops nothing, how long until the oldest dirty conversation
    is old enough (seconds; None: nothing is dirty). A drain sleeps exactly that long
    instead of asking again every few milliseconds."""
    if redis_url:
        _, pop = _scripts(redis_url)
        head, *ids = pop(keys=[DIRTY_KEY], args=[gather_ms, count])
        if ids:
            return [int(x) for x in ids], 0.0
        return [], None if int(head) < 0 else int(head) / 1000
    with _local_lock:
        out = []
        while _local_dirty and len(out) < count:
            out.append(_local_dirty.pop())
        return out, None


async def mark_dirty_async(conversation_ids: list[int]) -> bool:
    """`mark_dirty` for the event loop (Redis mode only). Returns False without Redis."""
    settings = get_settings()
    if not settings.redis_url or not conversation_ids:
        return False
    mark = _async_mark_script(settings.redis_url)
    flagged = await mark(keys=[DIRTY_KEY, DRAIN_FLAG], args=[COALESCE_TTL_S, *conversation_ids])
    if flagged:
        import asyncio

        await asyncio.to_thread(_enqueue_drain)
    return True


_async_conns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _async_mark_script(url: str):
    """The marking script on one async client per event loop (its connections belong to
    that loop)."""
    import asyncio

    from redis.asyncio import Redis as AsyncRedis

    per_loop = _async_conns.setdefault(asyncio.get_running_loop(), {})
    script = per_loop.get(url)
    if script is None:
        script = per_loop[url] = AsyncRedis.from_url(
            url, health_check_interval=10).register_script(_MARK_LUA)
    return script
