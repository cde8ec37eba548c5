"""The hot path's contact-id cache is per process; a deletion or LGPD erasure done in another
process (a worker) must reach it, or a person who writes again after an erasure would land
in the anonymised conversation."""

from __future__ import annotations

import time

from ylada_app.core.queue import redis_connection
from ylada_app.services import inbox


def test_another_processs_forget_clears_this_processs_cache(redis_mode):
    redis_url = redis_mode
    inbox.known_conversation(1, "warm-up")  # reads the counter as it is now
    time.sleep(inbox.FORGET_CHECK_S + 0.1)
    inbox.remember_conversation(987, "5511900000001", 11, 22)
    assert inbox.known_conversation(987, "5511900000001") == 22
    # the erasure job, in a worker: its own cache is not ours; only Redis is shared
    redis_connection(redis_url).incr(inbox.FORGET_KEY)
    time.sleep(inbox.FORGET_CHECK_S + 0.1)
    assert inbox.known_conversation(987, "5511900000001") is None
    # and forgetting here tells the others the same way
    before = int(redis_connection(redis_url).get(inbox.FORGET_KEY))
    inbox.forget_contact(987, "5511900000002")
    assert int(redis_connection(redis_url).get(inbox.FORGET_KEY)) == before + 1
