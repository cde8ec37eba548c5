"""`ylada worker`: an RQ worker that stays warm.

SimpleWorker runs jobs in its own process (no fork per job): a forked child re-imports
SQLAlchemy/psycopg/httpx for every job, which ENVIRONMENT.md measured at ~5 jobs/s.
Run several of these processes (on several hosts) to scale out. By default a worker serves
"default" first and "low" (analytics rollups) only when "default" is empty.
"""

from __future__ import annotations

import logging
import sys
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker

from ylada_app.core.gc_tuning import freeze_startup_heap
from ylada_app.core.logs import configure as configure_logging
from ylada_app.core.queue import WORKER_QUEUES, redis_connection
from ylada_app.core.settings import get_settings
from ylada_app.jobs import sweeper

BURST_REDIS_TRIES = 30  # a burst worker gives up after ~30 s without Redis


def main(queues: list[str] | None = None, *, burst: bool = False) -> int:
    settings = get_settings()
    if not settings.redis_url:
        print("REDIS_URL is not set: jobs run inside the app process, no worker needed.",
              file=sys.stderr)
        return 2
    configure_logging()
    import ylada_app.jobs.drain  # noqa: F401 - the hot job's imports, before freezing

    freeze_startup_heap()
    stop = None
    if not burst:
        # Delays, stuck inbound and stuck outbox are swept by whichever worker holds the
        # sweeper lock at the moment (see ylada_app.jobs.sweeper).
        stop = sweeper.start_in_thread(interval_s=1.0)
    try:
        failures = 0
        while True:
            try:
                # Built inside the loop: registering the worker talks to Redis too, and a
                # worker started while Redis restarts must wait for it, not exit.
                worker = SimpleWorker(queues or list(WORKER_QUEUES),
                                      connection=redis_connection(settings.redis_url))
                # RQ waits up to a minute between tries while Redis is away (doubling from
                # 1 s); messages would wait that long after a Redis restart.
                worker.max_connection_wait_time = 1.0
                worker.work(burst=burst, with_scheduler=not burst)
                return 0
            except RedisConnectionError:
                # Redis restarted or is unreachable: wait and start working again, as a
                # process supervisor would; pending work is recovered by the sweeper.
                failures += 1
                if burst and failures >= BURST_REDIS_TRIES:
                    return 1
                logging.getLogger(__name__).warning("Redis unavailable; retrying in 1 s")
                time.sleep(1)
    finally:
        if stop is not None:
            stop.set()
