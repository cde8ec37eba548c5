"""Counting events in time windows with the `limits` library: on Redis when REDIS_URL is set
(shared by every app process), in memory in the embedded default (one process).

A limit string holds several windows (`"5/minute;10/15 minutes;30/day"`): the short one
refuses a burst for a minute, the longer ones keep refusing a persistent guesser for longer —
delays that grow with the number of failures. Only failures are hit; a check never counts.
If Redis cannot be reached the check lets the request through (logged): a Redis outage must
not lock every user out.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ylada_app.core.settings import get_settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_limiters: dict[str, MovingWindowRateLimiter] = {}


def _limiter() -> MovingWindowRateLimiter:
    url = get_settings().redis_url or "memory://"
    with _lock:
        limiter = _limiters.get(url)
        if limiter is None:
            storage: Storage = storage_from_string(
                url, key_prefix="ylada:rl") if url.startswith("redis") else \
                storage_from_string(url)
            limiter = _limiters[url] = MovingWindowRateLimiter(storage)
        return limiter


@lru_cache(maxsize=64)
def _items(spec: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(spec)) if spec.strip() else ()


def retry_after(spec: str, *key: str) -> float:
    """0 when one more event fits in every window of `spec`, else seconds until it does."""
    try:
        limiter = _limiter()
        wait = 0.0
        for item in _items(spec):
            if not limiter.test(item, *key):
                reset = limiter.get_window_stats(item, *key).reset_time
                wait = max(wait, reset - time.time(), 1.0)
        return wait
    except Exception:  # noqa: BLE001 - Redis down: do not lock everybody out
        log.warning("rate limit check failed; letting the request through", exc_info=True)
        return 0.0


def count(spec: str, *key: str) -> int:
    """Events recorded in the longest window of `spec`."""
    items = _items(spec)
    if not items:
        return 0
    longest = max(items, key=lambda i: i.get_expiry())
    try:
        stats = _limiter().get_window_stats(longest, *key)
        return longest.amount - stats.remaining
    except Exception:  # noqa: BLE001
        return 0


def hit(spec: str, *key: str) -> None:
    """Record one event in every window of `spec`."""
    try:
        limiter = _limiter()
        for item in _items(spec):
            limiter.hit(item, *key)
    except Exception:  # noqa: BLE001
        log.warning("rate limit hit failed", exc_info=True)


def clear(spec: str, *key: str) -> None:
    try:
        limiter = _limiter()
        for item in _items(spec):
            limiter.clear(item, *key)
    except Exception:  # noqa: BLE001
        log.warning("rate limit clear failed", exc_info=True)


def acquire(spec: str, *key: str) -> float:
    """Count one event now if it fits every window of `spec` (0 returned), else record
    nothing and return the seconds to wait. Counting before the work (a password check)
    means parallel attempts cannot all slip through before any of them is counted."""
    wait = retry_after(spec, *key)
    if wait > 0:
        return wait
    try:
        limiter = _limiter()
        ok = [limiter.hit(item, *key) for item in _items(spec)]
    except Exception:  # noqa: BLE001
        log.warning("rate limit hit failed; letting the request through", exc_info=True)
        return 0.0
    return 0.0 if all(ok) else 1.0


def once_per(window: str, *key: str) -> bool:
    """True when one more event fits every window of `window` (e.g. "1/minute;5/hour") for
    this key — and it is counted — else False."""
    return acquire(window, *key) == 0


def reset_memory() -> None:
    """Forget in-memory counters (tests)."""
    with _lock:
        _limiters.pop("memory://", None)
