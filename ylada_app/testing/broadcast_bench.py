"""The broadcast benchmark (`make bench-broadcast`): one broadcast to BROADCAST_RECIPIENTS
(default 50,000) consenting contacts of one number, sent by `ylada worker` processes through
the outbox to the fake Graph API — which refuses 5 % of the sends with Meta's throughput
error (130429) — while one worker is killed with SIGKILL mid-run and a new one started, as
a supervisor would. Prints ONE line:

broadcast-bench: recipients=… enqueue_s=… sent_per_s=… peak_rss_mb=… duplicates=… lost=…

`enqueue_s`: from the broadcast's creation until every recipient was in the outbox (queuing
is paced to what the number can send, so it ends shortly before the sending does);
`sent_per_s`: recipients reached per second between the first and the last send;
`peak_rss_mb`: the largest resident memory of any worker during the run (a comment line
shows its first and last samples: flat means the audience is streamed, never held in RAM);
`duplicates`/`lost`: counted from what the fake Graph received, one message per recipient
expected. BENCH_RATE_PER_S sets the number's send rate (default 1000, Meta's top tier).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import io
import os
import signal
import sys
import threading
import time

from ylada_app.testing.bench import (
    PNID,
    SECRET,
    TOKEN,
    prepare_database,
    start_processes,
    start_worker,
    stop_processes,
)

TEMPLATE = "oferta_bench"


def _audience(db_url: str, n: int) -> tuple[int, int]:
    """`n` consenting contacts on the bench's number (COPY: seconds, not minutes), and an
    approved marketing template. Returns (tenant id, instance id)."""
    import psycopg
    from sqlmodel import select

    from ylada_app.core.db import session_scope
    from ylada_app.models import Instance, MessageTemplate

    with session_scope() as s:
        inst = s.exec(select(Instance).where(Instance.phone_number_id == PNID)).one()
        tenant_id, instance_id = inst.tenant_id, inst.id
        # a tier that takes the whole audience in one day (broadcasts never go past the
        # number's messaging tier)
        tier = "TIER_100K" if n <= 100_000 else "TIER_UNLIMITED"
        inst.health = {**(inst.health or {}), "messaging_tier": tier}
        s.add(inst)
        s.add(MessageTemplate(tenant_id=tenant_id, instance_id=instance_id, name=TEMPLATE,
                              language="pt_BR", category="MARKETING", status="APPROVED",
                              body_variables=1, components=[
                                  {"type": "BODY", "text": "Olá {{1}}! Oferta da semana."}]))
    rows = io.StringIO()
    for i in range(n):
        # the phone numbers of loadgen's customers: its Meta plays the status webhooks
        rows.write(f"{tenant_id}\t{instance_id}\t55119{7_000_000 + i:08d}\tCliente {i}\t[]\t"
                   "{}\tf\tnow()\timport\tnow()\tnow()\n")
    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as conn, \
            conn.cursor() as cur, cur.copy(
                "COPY contact (tenant_id, instance_id, wa_id, name, tags, fields, opted_out, "
                "opted_in_at, opt_in_source, created_at, updated_at) FROM STDIN") as copy:
        copy.write(rows.getvalue().replace("now()", time.strftime("%Y-%m-%d %H:%M:%S",
                                                                  time.gmtime())))
    return tenant_id, instance_id


class _StatusWebhooks:
    """Meta's side: the sent/delivered/read webhooks for every message Graph accepted (an
    outcome a killed worker never recorded is settled by them, as in production)."""

    def __init__(self, api: str, key: str, graph, n: int) -> None:
        from ylada_app.testing.loadgen import MetaSimulator

        self.sim = MetaSimulator(api, f"/webhooks/whatsapp/{key}", SECRET, PNID, graph,
                                 contacts=n, rate=1.0, connections=16)
        self.loop = asyncio.new_event_loop()

        async def run() -> None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(self.sim.watch_graph(), self.sim.post_statuses())

        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(run(),),
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        def cancel() -> None:
            for task in asyncio.all_tasks(self.loop):
                task.cancel()
        self.loop.call_soon_threadsafe(cancel)
        self.thread.join(timeout=5)


def _rss_mb(procs) -> float:
    import psutil

    best = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            best = max(best, psutil.Process(p.pid).memory_info().rss / 2**20)
    return best


def main() -> None:
    from ylada_app.core.db import session_scope
    from ylada_app.models import Broadcast
    from ylada_app.services import broadcasts
    from ylada_app.testing.fake_graph import FakeGraph

    n = int(os.environ.get("BROADCAST_RECIPIENTS", "50000"))
    workers = int(os.environ.get("BENCH_WORKERS", "3"))
    timeout = float(os.environ.get("BROADCAST_TIMEOUT_S", "1800"))
    graph = FakeGraph()
    graph.record_requests = False
    graph.throttle_share = float(os.environ.get("BROADCAST_THROTTLE_SHARE", "0.05"))
    graph_url = graph.start()
    graph.add_number(PNID, TOKEN)
    db_url, key = prepare_database(graph_url)
    tenant_id, instance_id = _audience(db_url, n)
    api, procs = start_processes(db_url, graph_url, workers=workers, api_workers=1)
    meta = _StatusWebhooks(api, key, graph, n)
    env = {**os.environ, "DATABASE_URL": db_url}
    rss: list[float] = []
    killed = False
    try:
        with session_scope() as s:
            b = broadcasts.create(s, tenant_id=tenant_id, user_id=None, draft=broadcasts.Draft(
                instance_id=instance_id, name="Bench", template=f"{TEMPLATE}|pt_BR",
                variables=[{"source": "name", "value": ""}], audience=broadcasts.Audience()))
            s.flush()
            broadcast_id = b.id
        t0 = time.time()
        enqueued_at = None
        deadline = t0 + timeout
        while time.time() < deadline:
            time.sleep(1.0)
            rss.append(_rss_mb(procs[1:]))
            reached = len({m.get("to") for m in list(graph.sent)})
            if not killed and reached >= n * 0.4:
                os.killpg(procs[1].pid, signal.SIGKILL)  # a worker dies mid-run
                time.sleep(2.0)
                procs[1] = start_worker({**env, "REDIS_URL": os.environ["TEST_REDIS_URL"],
                                         "WHATSAPP_GRAPH_URL": graph_url})
                killed = True
                print(f"# worker killed at {reached} reached, {time.time() - t0:.0f} s",
                      file=sys.stderr)
            if enqueued_at is None:
                with session_scope() as s:
                    queued = s.get(Broadcast, broadcast_id).queued
                if queued >= n:
                    enqueued_at = time.time()
            if reached >= n:
                break
        time.sleep(3.0)  # late duplicates, if any, would arrive now
    finally:
        meta.stop()
        stop_processes(procs)
        graph.stop()
    counts = collections.Counter(m.get("to") for m in graph.sent)
    times = sorted(graph.sent_at)
    span = (times[-1] - times[0]) if len(times) > 1 else 1.0
    line = {"recipients": n,
            "enqueue_s": round((enqueued_at or time.time()) - t0, 1),
            "sent_per_s": round(len(counts) / max(span, 1e-9), 1),
            "peak_rss_mb": round(max(rss or [0.0]), 1),
            "duplicates": sum(c - 1 for c in counts.values() if c > 1),
            "lost": n - len(counts)}
    print(f"# {len(graph.sent)} Graph sends accepted, throttled share "
          f"{graph.throttle_share:.0%}, worker RSS first/last {rss[0] if rss else 0:.0f}/"
          f"{rss[-1] if rss else 0:.0f} MB, {workers} workers", file=sys.stderr)
    print("broadcast-bench: " + " ".join(f"{k}={v}" for k, v in line.items()))


if __name__ == "__main__":
    main()
