"""Async token buckets, one per business phone number (Meta throughput: 80 msg/s default).

Reservation style: `acquire()` takes its token immediately (the balance may go negative)
and then sleeps until that token would have been refilled. There is no lock and no await
between reading and updating the bucket, so within one event loop callers are served in
FIFO order without a thundering herd. A cancelled waiter gives its token back.

Scope: one process / one event loop. Several worker processes each get the full rate, so
give each a share (rate / workers) or move to a shared limiter (e.g. Redis) when scaling.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

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
