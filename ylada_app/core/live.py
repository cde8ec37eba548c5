"""Live updates without polling the database per open page: a change counter per business.

Whoever changes what a team's pages show (the pipeline's batch, an agent's action, a new
notification) calls `bump(tenant_ids)` after the commit. With Redis the counters live there
(INCR, one pipeline); without it (embedded mode, where jobs run in the app process) in a
dict. An app process runs ONE watcher task that reads the counters of the businesses whose
pages are open — one MGET a second for the whole process — and each open page compares the
process-local copy with what it last loaded: a page reloads from the database only when its
business changed, never merely because a second went by.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time

from ylada_app.core.settings import get_settings

log = logging.getLogger(__name__)
KEY = "ylada:live:{}"
WATCH_EVERY_S = 0.5
_local: dict[int, int] = {}
_local_lock = threading.Lock()
# The watcher's view: tenant -> counter, and which tenants pages asked about lately.
_seen: dict[int, int] = {}
_wanted: dict[int, float] = {}
_watcher: asyncio.Task | None = None


def bump(tenant_ids: set[int] | list[int]) -> None:
    """Something of these businesses changed (call after the commit)."""
    ids = sorted({int(t) for t in tenant_ids if t})
    if not ids:
        return
    url = get_settings().redis_url
    if url:
        from ylada_app.core.queue import redis_connection

        try:
            pipe = redis_connection(url).pipeline(transaction=False)
            for tid in ids:
                pipe.incr(KEY.format(tid))
            pipe.execute()
        except Exception:  # a lost update only delays a page's refresh to its next action
            log.warning("live update bump failed", exc_info=True)
        return
    with _local_lock:
        for tid in ids:
            _local[tid] = _local.get(tid, 0) + 1


def _read(tenant_ids: list[int]) -> dict[int, int]:
    url = get_settings().redis_url
    if not url:
        with _local_lock:
            return {tid: _local.get(tid, 0) for tid in tenant_ids}
    from ylada_app.core.queue import redis_connection

    values = redis_connection(url).mget([KEY.format(t) for t in tenant_ids])
    return {tid: int(v or 0) for tid, v in zip(tenant_ids, values, strict=True)}


def version(tenant_id: int) -> int:
    """The business's change counter as the process last saw it (no I/O). Starts the
    process's watcher on first use and keeps this business watched while pages ask."""
    _wanted[tenant_id] = time.monotonic()
    _ensure_watcher()
    if tenant_id not in _seen:
        with contextlib.suppress(Exception):
            _seen.update(_read([tenant_id]))
    return _seen.get(tenant_id, 0)


def _ensure_watcher() -> None:
    global _watcher
    if _watcher is not None and not _watcher.done():
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return  # not in the app's event loop (jobs, tests): `version` reads directly
    _watcher = loop.create_task(_watch())


async def _watch() -> None:
    while True:
        await asyncio.sleep(WATCH_EVERY_S)
        cutoff = time.monotonic() - 60
        for tid in [t for t, at in _wanted.items() if at < cutoff]:
            _wanted.pop(tid, None)
            _seen.pop(tid, None)
        ids = list(_wanted)
        if not ids:
            continue
        try:
            _seen.update(await asyncio.to_thread(_read, ids))
        except Exception:  # Redis restarting: keep the old view, try again shortly
            log.warning("live update watch failed", exc_info=True)
