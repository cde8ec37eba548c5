"""Conversation locks: a live holder keeps them however long its batch takes (heartbeat);
a killed one frees them within a few seconds (short TTL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from ylada_app.core import locks


def test_a_live_holder_keeps_its_locks_past_the_ttl(redis_mode):
    got, release = locks.acquire_many([910001, 910002])
    try:
        assert got == [910001, 910002]
        time.sleep(locks.LOCK_TTL_MS / 1000 + 1.5)  # longer than the TTL
        assert locks.acquire_many([910001])[0] == []  # still ours (renewed)
    finally:
        release()
    other, release_other = locks.acquire_many([910001])
    assert other == [910001]
    release_other()


def test_a_killed_holders_locks_free_within_seconds(redis_mode):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time; from ylada_app.core import locks; "
         "got, _ = locks.acquire_many([910003]); print(got, flush=True); time.sleep(60)"],
        env={**os.environ, "REDIS_URL": redis_mode}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "[910003]"
        time.sleep(1.5)  # the holder's heartbeat has renewed at least once
        assert locks.acquire_many([910003])[0] == []
        os.kill(holder.pid, signal.SIGKILL)
        killed = time.monotonic()
        while not locks.acquire_many([910003])[0]:
            assert time.monotonic() - killed < locks.LOCK_TTL_MS / 1000 + 1, "still locked"
            time.sleep(0.05)
        assert time.monotonic() - killed <= 3.5
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_redis_forgot_is_taken_back_by_its_holder(redis_mode):
    """Redis restarted (the keys are gone): the holder's next heartbeat takes them back, so
    another worker cannot start on the same conversation meanwhile for long."""
    from ylada_app.core.queue import redis_connection

    got, release = locks.acquire_many([910004])
    try:
        redis_connection(redis_mode).delete("ylada:lock:conv:910004")
        locks.renew_held()
        assert locks.acquire_many([910004])[0] == []
    finally:
        release()


def test_a_named_run_is_exclusive_and_renewed(redis_mode):
    with locks.exclusive("webhook-endpoint:42") as first:
        assert first
        time.sleep(locks.LOCK_TTL_MS / 1000 + 1.5)  # outlives the TTL: renewed
        with locks.exclusive("webhook-endpoint:42") as second:
            assert not second
        with locks.exclusive("webhook-endpoint:43") as other:
            assert other
    with locks.exclusive("webhook-endpoint:42") as again:
        assert again
