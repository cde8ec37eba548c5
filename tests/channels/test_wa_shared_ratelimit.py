"""One send rate per number across processes (GCRA in Redis), a throttled number paused for
every sender, and sends that may have reached Graph never repeated blindly."""

from __future__ import annotations

import threading
import time

import pytest
from redis import Redis

from ylada_app.channels.whatsapp_cloud.ratelimit import SharedRateLimiter
from ylada_app.channels.whatsapp_cloud.sender import ThreadedGraphSender

from .conftest import PHONE_ID, TOKEN


@pytest.fixture
def redis(redis_url):
    conn = Redis.from_url(redis_url)
    for key in conn.scan_iter("ylada:test:rate*"):
        conn.delete(key)
    return conn


def test_three_workers_share_one_numbers_rate(redis):
    """Three limiters (three worker processes) sending as fast as they may for 2.5 s: no
    one-second window holds much more than the number's rate."""
    rate = 80
    sends: list[float] = []
    lock = threading.Lock()

    def worker():
        limiter = SharedRateLimiter(redis, rate, prefix="ylada:test:rate")
        until = time.monotonic() + 2.5
        while time.monotonic() < until:
            wait = limiter.reserve(PHONE_ID)
            time.sleep(wait)
            with lock:
                sends.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sends.sort()
    busiest = max(sum(1 for s in sends if start <= s < start + 1.0) for start in sends)
    assert busiest <= rate * 1.05 + 1, busiest
    assert busiest >= rate * 0.9  # and the rate is used, not starved
    # another number has its own rate
    other = SharedRateLimiter(redis, rate, prefix="ylada:test:rate")
    assert other.reserve("999999999") == 0.0


def test_slots_booked_for_a_round_keep_the_shared_rate(redis):
    """A worker books a whole delivery round's slots in one call while another sends one by
    one: together they still keep the number's rate, spaced one interval apart."""
    rate = 50
    a = SharedRateLimiter(redis, rate, prefix="ylada:test:rate")
    b = SharedRateLimiter(redis, rate, prefix="ylada:test:rate")
    booked = a.reserve_many(PHONE_ID, 10)
    single = b.reserve(PHONE_ID)
    gaps = [y - x for x, y in zip(booked, booked[1:], strict=False)]
    # (the limiter's small burst tolerance: the second slot is free at once too)
    assert booked[:2] == [0.0, 0.0] and all(abs(g - 1 / rate) < 0.002 for g in gaps[1:]), gaps
    assert single >= booked[-1] + 1 / rate - 0.01  # the next slot after the booked ones
    assert a.reserve_many("777000111", 3)[0] == 0.0  # other numbers have their own


def test_a_round_of_sends_uses_its_booked_slots(graph, redis):
    shared = SharedRateLimiter(redis, 20, prefix="ylada:test:rate")
    calls = []
    original = shared.reserve_many

    def counting(number, n):
        calls.append(n)
        return original(number, n)

    shared.reserve_many = counting
    sender = ThreadedGraphSender(graph_url=graph.base_url, version=graph.version,
                                 timeout_s=2.0, shared_limiter=shared)
    sender.book({PHONE_ID: 6})
    started = time.monotonic()
    try:
        results = [sender.send(PHONE_ID, TOKEN, f"551199999{i:04d}",
                               {"type": "text", "text": "oi"}) for i in range(6)]
    finally:
        sender.close()
    assert all(r.ok for r in results)
    assert calls == [6]  # one booking, no call per send
    assert 0.2 <= time.monotonic() - started < 1.0  # 6 sends at 20/s: ~0.25 s


def test_a_pause_holds_every_sender_of_that_number_only(redis):
    a = SharedRateLimiter(redis, 80, prefix="ylada:test:rate")
    b = SharedRateLimiter(redis, 80, prefix="ylada:test:rate")
    a.pause(PHONE_ID, 1.5)
    assert 1.3 < b.reserve(PHONE_ID) <= 1.5
    assert b.reserve("123123123") == 0.0


def test_redis_away_falls_back_to_the_local_rate():
    from ylada_app.jobs.delivery import _limiter_redis

    limiter = SharedRateLimiter(_limiter_redis("redis://127.0.0.1:1/0"), 10)
    started = time.monotonic()
    waits = [limiter.reserve(PHONE_ID) for _ in range(12)]
    assert waits[0] == 0.0 and waits[-1] > 2  # still limited (a share of the rate, alone)
    assert time.monotonic() - started < 5  # and Redis is not waited for on every send


def test_throttling_pauses_the_number_for_all_workers(graph, redis):
    graph.fail_next(429, 1)
    shared = SharedRateLimiter(redis, 1000, prefix="ylada:test:rate")
    sender = ThreadedGraphSender(graph_url=graph.base_url, version=graph.version,
                                 timeout_s=2.0, base_delay_s=0.8, shared_limiter=shared,
                                 rng=lambda: 1.0)
    out = []
    worker = threading.Thread(target=lambda: out.append(sender.send(
        PHONE_ID, TOKEN, "5511999990000", {"type": "text", "text": "oi"})))
    worker.start()
    time.sleep(0.2)  # the 429 came back; this worker backs off 0.8 s
    other_worker = SharedRateLimiter(redis, 1000, prefix="ylada:test:rate")
    assert other_worker.reserve(PHONE_ID) > 0.3  # ... and so does every other one
    assert other_worker.reserve("555000111") == 0.0  # other numbers are not paused
    worker.join(5)
    sender.close()
    assert out[0].ok and out[0].attempts == 2


def test_a_read_timeout_is_in_doubt_and_not_repeated(graph):
    """Graph got the request and answered too late: maybe accepted. Sent again it could be a
    duplicate, so the outbox is told `in_doubt` and waits for the status webhook instead."""
    graph.delay_s = 0.6
    sender = ThreadedGraphSender(graph_url=graph.base_url, version=graph.version,
                                 timeout_s=0.2)
    try:
        result = sender.send(PHONE_ID, TOKEN, "5511999990001", {"type": "text", "text": "oi"})
    finally:
        sender.close()
        graph.delay_s = 0
    assert not result.ok and result.in_doubt and result.attempts == 1
    assert len([r for r in graph.requests if r["method"] == "POST"]) == 1


def test_a_refused_connection_is_known_unsent_and_retried():
    sender = ThreadedGraphSender(graph_url="http://127.0.0.1:9", version="v21.0",
                                 timeout_s=0.5, max_attempts=2, base_delay_s=0.01)
    try:
        result = sender.send(PHONE_ID, TOKEN, "5511999990002", {"type": "text", "text": "oi"})
    finally:
        sender.close()
    assert not result.ok and not result.in_doubt and result.retryable
    assert result.attempts == 2
