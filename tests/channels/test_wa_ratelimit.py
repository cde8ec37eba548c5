"""Per-number token buckets: exact accounting (fake clock) and real timing with the sender."""

from __future__ import annotations

import asyncio
import time

import pytest

from ylada_app.channels.whatsapp_cloud.ratelimit import PerNumberRateLimiter, TokenBucket
from ylada_app.channels.whatsapp_cloud.sender import GraphSender

from .conftest import PHONE_ID, TOKEN, run

OTHER_ID, OTHER_TOKEN = "209876543210987", "EAAG" + "o" * 60


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def test_burst_then_one_token_per_interval():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=3, clock=clock, sleep=clock.sleep)

    async def go():
        return [await bucket.acquire() for _ in range(6)]

    waits = run(go())
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == pytest.approx([0.1, 0.2, 0.3])  # reservations queue up FIFO


def test_refill_is_capped_at_burst():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=2, clock=clock, sleep=clock.sleep)
    assert bucket.try_acquire() and bucket.try_acquire() and not bucket.try_acquire()
    clock.now = 100.0  # a long idle period does not bank more than `burst`
    assert bucket.try_acquire() and bucket.try_acquire() and not bucket.try_acquire()
    clock.now += 0.1
    assert bucket.try_acquire()


def test_default_burst_equals_rate():
    assert TokenBucket(80).burst == 80
    with pytest.raises(ValueError):
        TokenBucket(0)


def test_cancelled_waiter_returns_its_token():
    bucket = TokenBucket(rate=10, burst=1)

    async def go():
        await bucket.acquire()
        waiter = asyncio.create_task(bucket.acquire())
        await asyncio.sleep(0.01)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        started = time.monotonic()
        await bucket.acquire()  # only waits for its own slot, not the cancelled one's too
        return time.monotonic() - started

    assert run(go()) < 0.12


def test_limiter_keeps_numbers_independent_and_allows_overrides():
    limiter = PerNumberRateLimiter(rate=5, burst=1)
    limiter.set_rate("vip", 1000)
    assert limiter.bucket("a") is limiter.bucket("a") and limiter.bucket("a") is not limiter.bucket(
        "b"
    )
    assert limiter.bucket("vip").rate == 1000 and limiter.bucket("a").rate == 5


def _timed_sends(graph, per_number: dict[str, tuple[str, int]], rate: float) -> float:
    async def go():
        async with GraphSender(
            graph_url=graph.base_url, version=graph.version, timeout_s=5, rate_per_s=rate, burst=1
        ) as sender:
            started = time.monotonic()
            results = await asyncio.gather(
                *[
                    sender.send(phone, token, "5511", {"type": "text", "text": f"m{i}"})
                    for phone, (token, count) in per_number.items()
                    for i in range(count)
                ]
            )
            assert all(r.ok for r in results)
            return time.monotonic() - started

    return run(go())


def test_n_sends_on_one_number_take_n_over_rate(graph):
    # burst 1: the first send goes at once, the other 20 are spaced 1/40 s apart -> 0.5 s.
    elapsed = _timed_sends(graph, {PHONE_ID: (TOKEN, 21)}, rate=40)
    # The lower bound is the limiter's promise; the upper one only catches a gross slowdown
    # (a busy CI box stretches wall time, it never shortens it).
    assert 0.45 <= elapsed < 2.5
    # Arrivals at the server show the spacing too — less sharply: on a loaded box the first
    # request's new connection can arrive late, after the next ones were already spaced.
    times = sorted(r["time"] for r in graph.requests)
    assert times[-1] - times[0] >= 0.3


def test_two_numbers_run_in_parallel(graph):
    graph.add_number(OTHER_ID, OTHER_TOKEN)
    elapsed = _timed_sends(graph, {PHONE_ID: (TOKEN, 21), OTHER_ID: (OTHER_TOKEN, 21)}, rate=40)
    assert elapsed >= 0.45
    assert len(graph.sent) == 42
    # Not sharing a bucket shows as overlap, which load cannot fake: with one shared bucket
    # one number's sends would mostly come after the other's; here each number's 21 sends
    # span the same ~0.5 s window.
    by_number: dict[str, list[float]] = {}
    for r in graph.requests:
        by_number.setdefault(r["phone_number_id"], []).append(r["time"])
    a, b = sorted(by_number[PHONE_ID]), sorted(by_number[OTHER_ID])
    overlap = min(a[-1], b[-1]) - max(a[0], b[0])
    assert overlap >= 0.3, (a[0], a[-1], b[0], b[-1])
