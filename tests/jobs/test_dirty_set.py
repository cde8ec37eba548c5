"""The dirty-conversation set: a drain pops the oldest conversations once the oldest has
waited for company, and otherwise learns how long to sleep instead of asking again."""

from __future__ import annotations

import time

import pytest

from ylada_app.core.queue import DIRTY_KEY, DRAIN_FLAG, pop_dirty_or_wait, redis_connection


@pytest.fixture
def dirty(redis_url):
    conn = redis_connection(redis_url)
    conn.delete(DIRTY_KEY, DRAIN_FLAG)
    yield conn
    conn.delete(DIRTY_KEY, DRAIN_FLAG)


def test_pop_waits_for_company_then_takes_the_oldest_first(dirty, redis_url):
    assert pop_dirty_or_wait(10, redis_url, 300) == ([], None)  # nothing dirty
    now_ms = int(time.time() * 1000)
    dirty.zadd(DIRTY_KEY, {"7": now_ms, "3": now_ms + 5, "9": now_ms + 10})
    ids, ready_in = pop_dirty_or_wait(10, redis_url, 300)
    assert ids == [] and 0.2 < ready_in <= 0.3  # the oldest is ready in ~0.3 s
    time.sleep(ready_in + 0.02)
    assert pop_dirty_or_wait(2, redis_url, 300) == ([7, 3], 0.0)  # oldest first, 2 asked
    assert pop_dirty_or_wait(2, redis_url, 0) == ([9], 0.0)
    assert pop_dirty_or_wait(2, redis_url, 0) == ([], None)
