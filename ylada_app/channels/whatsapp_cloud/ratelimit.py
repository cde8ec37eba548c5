"""Async token buckets, one per business phone number (Meta throughput: 80 msg/s default).

Reservation style: `acquire()` takes its token immediately (the balance may go negative)
and then sleeps until that token would have been refilled. There is no lock and no await
between reading and updating the bucket, so within one event loop callers are served in
FIFO order without a thundering herd. A cancelled waiter gives its token back.

Scope: one process / one event loop. Several worker processes share a number's rate through
`SharedRateLimiter` (GCRA in Redis), which the delivery job uses whenever Redis is configured.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_RATE = 80.0  # messages per second per phone number (Meta's default throughput)
_EPS = 1e-9  # float slack: 100.1 - 100.0 is 0.0999…, which must still buy a token at 10/s


class TokenBucket:
    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else rate)
        if self.burst < 1:
            raise ValueError("burst must be >= 1")
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def try_acquire(self) -> bool:
        """Take a token only if one is available right now."""
        self._refill()
        if self._tokens >= 1 - _EPS:
            self._tokens -= 1
            return True
        return False

    def reserve(self) -> float:
        """Take a token now (the balance may go negative); returns the seconds to wait
        before using it. The blocking sender calls this under its own lock."""
        self._refill()
        self._tokens -= 1
        if self._tokens >= -_EPS:
            return 0.0
        return -self._tokens / self.rate

    async def acquire(self) -> float:
        """Wait for a token; returns the seconds waited."""
        wait = self.reserve()
        if wait == 0.0:
            return 0.0
        try:
            await self._sleep(wait)
        except asyncio.CancelledError:
            self._tokens += 1  # give the reservation back; the slot is not used
            raise
        return wait


class PerNumberRateLimiter:
    """A token bucket per key (phone_number_id); independent keys never wait on each other."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}

    def bucket(self, key: str) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(self.rate, self.burst, clock=self._clock, sleep=self._sleep)
            self._buckets[key] = bucket
        return bucket

    def set_rate(self, key: str, rate: float, burst: float | None = None) -> None:
        """Per-number override (Meta raises throughput up to 1,000 msg/s on request)."""
        self._buckets[key] = TokenBucket(rate, burst, clock=self._clock, sleep=self._sleep)

    async def acquire(self, key: str) -> float:
        return await self.bucket(key).acquire()


# GCRA ("generic cell rate algorithm") in one Lua call, on Redis's clock. KEYS: the number's
# theoretical arrival time, its pause-until mark. ARGV: ms between sends, burst tolerance
# (ms), how many sends. A reservation always succeeds; the answer is how long to wait before
# each send (ms).
_GCRA_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local n = tonumber(ARGV[3] or '1')
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if tat < now then tat = now end
if tat < pause then tat = pause end
local waits = {}
for i = 1, n do
  local wait = tat - tolerance - now
  if wait < 0 then wait = 0 end
  waits[i] = string.format('%.3f', wait)
  tat = tat + interval
end
redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX',
           math.ceil(tat - now + tolerance) + 1000)
return waits
"""
# KEYS: pause-until mark. ARGV: seconds. Pushes the mark out, never pulls it back.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local untl = now + tonumber(ARGV[1]) * 1000
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if untl > cur then
  redis.call('SET', KEYS[1], string.format('%.3f', untl), 'PX', math.ceil(untl - now) + 1000)
end
return 1
"""


class SharedRateLimiter:
    """One send rate per phone number across every process, kept in Redis.

    Meta counts a number's throughput over all senders, so N workers with a local bucket
    each would send N times the rate. `reserve(number)` books the next free slot and returns
    the seconds to wait for it (like TokenBucket.reserve); `pause(number, s)` keeps every
    worker from sending for that number for a while (Graph said it is throttled). The burst
    tolerance is small on purpose: no one-second window sees much more than the rate. If
    Redis cannot be reached, the process falls back to a local bucket at `fallback_share`
    of the rate (logged once per minute) rather than stop sending: a few workers doing so
    at once stay near the number's rate.
    """

    def __init__(self, redis: Any, rate: float = DEFAULT_RATE, *, burst: float | None = None,
                 prefix: str = "ylada:wa:rate", fallback_share: float = 0.25) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        self.rate = float(rate)
        self.interval_ms = 1000.0 / self.rate
        # burst = how many sends may go back to back after an idle spell
        burst = burst or max(1.0, rate * 0.04)
        self.tolerance_ms = self.interval_ms * max(0.0, burst - 1)
        self.prefix = prefix
        self._reserve = redis.register_script(_GCRA_RESERVE)
        self._pause = redis.register_script(_PAUSE)
        self._local = PerNumberRateLimiter(max(1.0, rate * fallback_share), 1)
        self._local_lock = threading.Lock()
        self._down_until = 0.0  # after a failure, Redis is not asked again for a second
        self._warned_at = 0.0

    def _keys(self, number: str) -> list[str]:
        return [f"{self.prefix}:{number}", f"{self.prefix}:pause:{number}"]

    def reserve(self, number: str) -> float:
        return self.reserve_many(number, 1)[0]

    def reserve_many(self, number: str, n: int) -> list[float]:
        """Book the number's next `n` send slots at once; the seconds to wait for each."""
        if time.monotonic() >= self._down_until:
            try:
                return [float(w) / 1000 for w in self._reserve(
                    keys=self._keys(number), args=[self.interval_ms, self.tolerance_ms, n])]
            except Exception:  # noqa: BLE001 - Redis away: keep sending at the local rate
                self._warn()
        with self._local_lock:
            bucket = self._local.bucket(number)
            return [bucket.reserve() for _ in range(n)]

    def pause(self, number: str, seconds: float) -> None:
        if time.monotonic() < self._down_until:
            return
        try:
            self._pause(keys=self._keys(number)[1:], args=[max(0.0, seconds)])
        except Exception:  # noqa: BLE001
            self._warn()

    def _warn(self) -> None:
        self._down_until = time.monotonic() + 1.0
        if time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            log.warning("shared send rate limiter unreachable; using this process's own",
                        exc_info=True)
