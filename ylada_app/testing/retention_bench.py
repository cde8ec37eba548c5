"""The retention benchmark (`make bench-retention`): does the nightly LGPD retention job
disturb the webhook pipeline?

Against the PostgreSQL and Redis that scripts/with_services.sh started: one business with a
connected number and the menu flow (as `make bench`), RETENTION_BENCH_MESSAGES old messages
(default 1,000,000, 400 days old, loaded with COPY over RETENTION_BENCH_MESSAGES/20
conversations, already counted by the analytics rollup), the HTTP API and
RETENTION_BENCH_WORKERS `ylada worker` processes (default 2). Meta is played open-loop
(Poisson arrivals at RETENTION_BENCH_RATE inbound messages per second, default 40, from 200
customers): first RETENTION_BENCH_IDLE_S seconds (default 20, after a 5 s warm-up) with
nothing else running, then while the retention job — queued on RQ like the nightly one and
run by a worker — deletes the old messages in batches. Prints ONE line:

retention-bench: deleted=… s=… ack_p99_during_ms=… ack_p99_idle_ms=… batch_max=…

`s` is the job's wall time (from its `retention_run` row), `batch_max` its largest batch
(≤ 10,000), the ack percentiles those of the inbound webhook POSTs sent in each window.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from ylada_app.testing.bench import PNID, SECRET, TOKEN, prepare_database, start_processes
from ylada_app.testing.bench import stop_processes as stop_all
from ylada_app.testing.loadgen import MetaSimulator, pct

PER_CONV = 20


def _raw(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def seed_old_messages(url: str, key: str, n: int) -> int:
    """COPY `n` messages 400 days old into the bench business; returns its tenant id."""
    import psycopg

    with psycopg.connect(_raw(url)) as conn:
        tenant_id, inst_id = conn.execute(
            "SELECT tenant_id, id FROM instance WHERE webhook_key = %s", (key,)).fetchone()
        base = {t: conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0]
                for t in ("contact", "conversation", "message")}
        n_convs = max(1, n // PER_CONV)
        old = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(days=400)
        with conn.cursor().copy(
                "COPY contact (id, tenant_id, instance_id, wa_id, name, tags, fields, opted_out,"
                " opt_in_source, created_at, updated_at) FROM STDIN") as cp:
            for i in range(n_convs):
                cid = base["contact"] + i + 1
                cp.write_row((cid, tenant_id, inst_id, f"55118{cid:08d}", f"Antigo {i}", "[]",
                              "{}", False, "", old, old))
        with conn.cursor().copy(
                "COPY conversation (id, tenant_id, instance_id, contact_id, status, session,"
                " created_at, updated_at) FROM STDIN") as cp:
            for i in range(n_convs):
                cp.write_row((base["conversation"] + i + 1, tenant_id, inst_id,
                              base["contact"] + i + 1, "bot", "{}", old, old))
        mid = base["message"]
        with conn.cursor().copy(
                "COPY message (id, tenant_id, instance_id, conversation_id, direction, type,"
                " text, payload, status, attempts, created_at) FROM STDIN") as cp:
            for k in range(n):
                mid += 1
                conv = base["conversation"] + (k % n_convs) + 1
                inbound = k % 2 == 0
                cp.write_row((mid, tenant_id, inst_id, conv, "in" if inbound else "out",
                              "text", "oi, quero ver o catálogo" if inbound else "Olá! Veja:",
                              "{}", "processed" if inbound else "read", 0 if inbound else 1,
                              old + timedelta(seconds=k % 86400)))
        conn.execute("SELECT setval(pg_get_serial_sequence('message', 'id'), %s)", (mid,))
        conn.execute("SELECT setval(pg_get_serial_sequence('contact', 'id'), %s)",
                     (base["contact"] + n_convs,))
        conn.execute("SELECT setval(pg_get_serial_sequence('conversation', 'id'), %s)",
                     (base["conversation"] + n_convs,))
        # The rollup has counted them (as it would have, 400 days ago): no catch-up work
        # competes with the run, and retention may delete them (services/retention.py).
        for name, top in (("message", mid), ("contact", base["contact"] + n_convs)):
            conn.execute("INSERT INTO analytics_cursor (name, last_id, updated_at) "
                         "VALUES (%s, %s, now()) ON CONFLICT (name) DO UPDATE "
                         "SET last_id = EXCLUDED.last_id", (name, top))
        # tonight's run counts as queued: only the bench queues it, at the moment it chooses
        conn.execute("UPDATE tenant SET retention_queued_on = "
                     "to_char(now() AT TIME ZONE timezone, 'YYYY-MM-DD') WHERE id = %s",
                     (tenant_id,))
        conn.commit()
        conn.execute("ANALYZE message")
        conn.commit()
    return tenant_id


def queue_run(url: str, tenant_id: int) -> None:
    from ylada_app.core.settings import reset_settings_cache

    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    reset_settings_cache()
    from ylada_app.core.queue import enqueue
    from ylada_app.jobs.retention import RUN_JOB

    enqueue(RUN_JOB, tenant_id)


def run_row(url: str, tenant_id: int):
    import psycopg

    with psycopg.connect(_raw(url)) as conn:
        return conn.execute(
            "SELECT started_at, finished_at, messages_deleted, batch_max FROM retention_run "
            "WHERE tenant_id = %s ORDER BY id DESC LIMIT 1", (tenant_id,)).fetchone()


async def offer(sim: MetaSimulator, rate: float, until) -> None:
    """Open loop: Poisson arrivals at `rate`/s whatever the answers do, until `until()`."""
    rng = random.Random(11)
    at = time.time()
    while not until():
        at += rng.expovariate(rate)
        delay = at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        sim._offer(sim._pick())


async def drive(sim: MetaSimulator, url: str, tenant_id: int, *, rate: float, idle_s: float,
                warmup_s: float) -> dict:
    await sim.pool.open()
    start = time.time()
    await offer(sim, rate, lambda: time.time() >= start + warmup_s + idle_s)
    idle_from, idle_to = start + warmup_s, time.time()
    await asyncio.to_thread(queue_run, url, tenant_id)
    job_from = time.time()
    state = {"row": None}

    async def watch() -> None:
        while True:
            row = await asyncio.to_thread(run_row, url, tenant_id)
            if row is not None and row[1] is not None:
                state["row"] = row
                return
            await asyncio.sleep(0.5)

    watcher = asyncio.ensure_future(watch())
    await offer(sim, rate, watcher.done)
    job_to = time.time()
    await asyncio.sleep(2.0)  # the last POSTs' answers
    acks = sim.totals.acks
    started, finished, deleted, batch_max = state["row"]
    # "during": the POSTs sent while the job was deleting (a worker may pick it up a while
    # after it was queued, when the hot path's jobs leave one free)
    run_from = max(job_from, started.replace(tzinfo=UTC).timestamp())
    run_to = min(job_to, finished.replace(tzinfo=UTC).timestamp())
    idle = [ms for t0, ms in acks if idle_from <= t0 <= idle_to]
    during = [ms for t0, ms in acks if run_from <= t0 <= run_to]
    sim.close()
    return {"deleted": deleted, "s": (finished - started).total_seconds(),
            "ack_p99_during_ms": pct(during, 99), "ack_p99_idle_ms": pct(idle, 99),
            "batch_max": batch_max, "n_idle": len(idle), "n_during": len(during),
            "ack_p50_idle_ms": pct(idle, 50), "ack_p50_during_ms": pct(during, 50),
            "server_errors": sim.totals.server_errors, "refused": sim.totals.refused,
            "picked_up_s": max(0.0, run_from - job_from)}


def main() -> int:
    n = int(os.environ.get("RETENTION_BENCH_MESSAGES", "1000000"))
    rate = float(os.environ.get("RETENTION_BENCH_RATE", "40"))
    idle_s = float(os.environ.get("RETENTION_BENCH_IDLE_S", "20"))
    warmup_s = float(os.environ.get("RETENTION_BENCH_WARMUP_S", "5"))
    workers = int(os.environ.get("RETENTION_BENCH_WORKERS", "2"))
    from ylada_app.testing.fake_graph import FakeGraph

    graph = FakeGraph()
    graph.record_requests = False
    graph_url = graph.start()
    graph.add_number(PNID, TOKEN)
    url, key = prepare_database(graph_url)
    t0 = time.perf_counter()
    tenant_id = seed_old_messages(url, key, n)
    seed_s = time.perf_counter() - t0
    api, procs = start_processes(url, graph_url, workers, 1)
    gc.collect()
    gc.freeze()  # the driver's own pauses would count as latency
    try:
        sim = MetaSimulator(api, f"/webhooks/whatsapp/{key}", SECRET, PNID, graph,
                            contacts=200, rate=rate, statuses=False, connections=32)
        result = asyncio.run(drive(sim, url, tenant_id, rate=rate, idle_s=idle_s,
                                   warmup_s=warmup_s))
    finally:
        stop_all(procs)
        graph.stop()
    print(f"# {n} old messages seeded in {seed_s:.1f} s; {rate:.0f} msg/s offered; acks "
          f"idle {result['n_idle']} (p50 {result['ack_p50_idle_ms']:.0f} ms), during "
          f"{result['n_during']} (p50 {result['ack_p50_during_ms']:.0f} ms); HTTP 500 "
          f"{result['server_errors']}, refused {result['refused']}; {workers} workers; the job "
          f"started {result['picked_up_s']:.1f} s after it was queued",
          file=sys.stderr)
    print(f"retention-bench: deleted={result['deleted']} s={result['s']:.1f} "
          f"ack_p99_during_ms={result['ack_p99_during_ms']:.0f} "
          f"ack_p99_idle_ms={result['ack_p99_idle_ms']:.0f} batch_max={result['batch_max']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
