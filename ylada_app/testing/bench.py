"""The pipeline benchmark (`make bench`): signed webhooks in, replies out, on loopback.

Starts the HTTP API (uvicorn) and `ylada worker` processes against the PostgreSQL (fsync on)
and Redis that scripts/with_services.sh started, a fake Graph API in this process, and Meta played
by ylada_app.testing.loadgen: open loop — inbound messages at BENCH_RATE per second
(Poisson arrivals, default 350) from BENCH_CONTACTS customers whatever the replies do, and
the sent/delivered/read status webhooks for every reply (3 more POSTs per reply). Prints ONE
line:

bench: offered_per_s=… replied_per_s=… statuses_per_s=… ack_p50_ms=… ack_p99_ms=…
reply_p50_ms=… reply_p99_ms=… lost=… duplicated=… out_of_order=… busiest_second=…
cpu_ms_per_msg=…

The first BENCH_WARMUP_S seconds (default 5) ramp the rate up from a quarter and are not
measured (latencies, rates); lost/duplicated/out-of-order count the whole run.
`cpu_ms_per_msg` is the CPU time of the API, the workers, PostgreSQL and Redis together per
inbound message (status POSTs included in the cost): a figure that does not depend on what
else the machine is doing. `busiest_second` is the most replies Graph took within one second
(BENCH_RATE_PER_S sets the number's send rate, default 1000; Meta's default is 80).
BENCH_WORKER_LOG=<file> keeps the workers' logs (one line per batch and per delivery round).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ylada_app.testing.loadgen import MetaSimulator, pct

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "EAAG" + "b" * 60
SECRET = "0123456789abcdef0123456789abcdef"
PNID = "109876543210"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(graph_url: str) -> tuple[str, str]:
    """A fresh database with one tenant, a connected number and the menu flow."""
    from ylada_app.testing.pg_database import fresh_database

    url = fresh_database("ylada_bench")
    os.environ["DATABASE_URL"] = url
    os.environ["WHATSAPP_GRAPH_URL"] = graph_url
    from ylada_app.cli import migrate
    from ylada_app.core.db import session_scope
    from ylada_app.core.settings import reset_settings_cache

    reset_settings_cache()
    migrate(url)
    from sqlmodel import select

    from ylada_app.channels.whatsapp_cloud.graph import check_phone_number
    from ylada_app.models import Plan, Subscription
    from ylada_app.services import auth, flows, instances, seed

    with session_scope() as s:
        seed.seed_plans(s)
        user, tenant = auth.signup(s, name="Bench", email="bench@exemplo.com.br",
                                   password="bench-12345", tenant_name="Loja Bench",
                                   email_verified=True)
        # A paying tenant whose monthly quota the benchmark cannot exhaust.
        business = s.exec(select(Plan).where(Plan.code == "business")).one()
        business.max_messages_month = 100_000_000
        s.add(Subscription(tenant_id=tenant.id, plan_id=business.id, status="active"))
        s.flush()
        inst = instances.create_instance(s, tenant_id=tenant.id, name="Bench",
                                         channel="whatsapp_cloud")
        instances.connect_whatsapp(s, tenant_id=tenant.id, user_id=user.id,
                                   instance_id=inst.id, phone_number_id=PNID, waba_id=None,
                                   access_token=TOKEN,
                                   app_secret=SECRET, check=check_phone_number)
        menu = json.loads((ROOT / "ylada_app/engine/examples/menu.json").read_text())
        flow = flows.create_flow(s, tenant_id=tenant.id, instance_id=inst.id, name="Menu",
                                 definition=menu)
        flows.publish(s, tenant_id=tenant.id, flow_id=flow.id)
        return url, inst.webhook_key


def start_worker(env: dict) -> subprocess.Popen:
    """One `ylada worker` process. Workers run at a lower CPU priority than the webhook
    receiver: on a shared host the acknowledgement Meta waits for must not queue behind
    batch work."""
    return subprocess.Popen(
        ["nice", "-n", os.environ.get("BENCH_WORKER_NICE", "10"), sys.executable, "-m",
         "ylada_app.cli", "worker"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, start_new_session=True,
        stderr=open(os.environ["BENCH_WORKER_LOG"], "a") if os.environ.get("BENCH_WORKER_LOG")  # noqa: SIM115
        else subprocess.DEVNULL)


def process_env(db_url: str, graph_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": os.environ["TEST_REDIS_URL"],
           "WHATSAPP_GRAPH_URL": graph_url, "YLADA_ENV": "development",
           # A top-tier number (Meta allows up to 1,000 msg/s); the default is 80.
           "WHATSAPP_RATE_PER_S": os.environ.get("BENCH_RATE_PER_S", "1000"),
           "PYTHONUNBUFFERED": "1"}


def start_processes(db_url: str, graph_url: str, workers: int, api_workers: int):
    port = _free_port()
    env = process_env(db_url, graph_url)
    procs = [subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ylada_app.api:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(api_workers), "--no-access-log",
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)]
    for _ in range(workers):
        procs.append(start_worker(env))
    api = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{api}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    time.sleep(1.5)  # workers warm up (imports, first connections)
    return api, procs


def cpu_seconds(procs) -> dict[str, float]:
    """CPU seconds used so far by the API, the workers, PostgreSQL and Redis (children
    included)."""
    import psutil

    roots: dict[str, list[int]] = {"api": [procs[0].pid], "workers": [p.pid for p in procs[1:]],
                                   "postgres": [], "redis": []}
    with contextlib.suppress(OSError, ValueError, KeyError):
        pg_pid = Path(os.environ["TEST_PG_DATA"], "postmaster.pid").read_text().split()[0]
        roots["postgres"].append(int(pg_pid))
    with contextlib.suppress(OSError, ValueError, KeyError):
        roots["redis"].append(int(Path(os.environ["TEST_REDIS_DIR"], "redis.pid").read_text()))
    totals = dict.fromkeys(roots, 0.0)
    for name, pids in roots.items():
        for pid in pids:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(pid)
                for proc in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        t = proc.cpu_times()
                        totals[name] += t.user + t.system
    return totals


def _own_cpu_seconds() -> float:
    """This process's CPU (the load generator and the fake Graph): it shares the cores with
    what is measured, so it bounds the rate the box can show."""
    t = os.times()
    return t.user + t.system


def stop_processes(procs) -> None:
    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


async def run(sim: MetaSimulator, seconds: float, warmup: float) -> dict:
    watch = asyncio.ensure_future(sim.watch_graph())
    statuses = asyncio.ensure_future(sim.post_statuses())
    t_measure = await sim.send_for(seconds, warmup)
    t_end = time.time()
    await sim.settle(timeout=30)
    measured = [ms for t0, ms in sim.totals.acks if t0 >= t_measure]
    latencies = sim.reply_latencies(t_measure)
    replied = sum(1 for c in sim.customers for t in c.reply_at if t_measure <= t <= t_end)
    offered = sum(1 for c in sim.customers for t in c.sent_at.values()
                  if t_measure <= t <= t_end)
    window = max(t_end - t_measure, 1e-9)
    # statuses are posted up to 3 s after their reply: count them over the whole run
    result = {
        "offered_per_s": offered / window, "replied_per_s": replied / window,
        "statuses_per_s": sim.totals.statuses_posted / max(time.time() - t_measure, 1e-9),
        "ack_p50_ms": pct(measured, 50), "ack_p99_ms": pct(measured, 99),
        "reply_p50_ms": pct(latencies, 50), "reply_p99_ms": pct(latencies, 99),
        **sim.count(), "busiest_second": sim.busiest_second(),
        "elapsed": window, "refused": sim.totals.refused,
        "server_errors": sim.totals.server_errors,
        "status_ack_p99_ms": pct(sim.totals.status_acks, 99),
        "connections": sim.pool.opened,
    }
    watch.cancel()
    statuses.cancel()
    sim.close()
    return result


def stored_order(db_url: str) -> dict[int, list[int]]:
    """Each customer's inbound messages as the database stored them (id order), by the
    customer index and sequence the generator put in their wamids."""
    import psycopg

    order: dict[int, list[int]] = {}
    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        for (wamid,) in conn.execute(
                "SELECT wamid FROM message WHERE direction = 'in' "
                "AND wamid LIKE 'wamid.bench.%' ORDER BY id"):
            _, _, customer, seq = wamid.split(".")
            order.setdefault(int(customer), []).append(int(seq))
    return order


def main() -> int:
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    warmup = float(os.environ.get("BENCH_WARMUP_S", "5"))
    n_contacts = int(os.environ.get("BENCH_CONTACTS", "200"))
    rate = float(os.environ.get("BENCH_RATE", "350"))
    workers = int(os.environ.get("BENCH_WORKERS", "3"))
    api_workers = int(os.environ.get("BENCH_API_WORKERS", "1"))
    from ylada_app.testing.fake_graph import FakeGraph

    graph = FakeGraph()
    graph.record_requests = False
    graph_url = graph.start()
    graph.add_number(PNID, TOKEN)
    db_url, key = prepare_database(graph_url)
    api, procs = start_processes(db_url, graph_url, workers, api_workers)
    gc.collect()
    gc.freeze()  # the driver's own pauses would count as latency
    try:
        sim = MetaSimulator(api, f"/webhooks/whatsapp/{key}", SECRET, PNID, graph,
                            contacts=n_contacts, rate=rate,
                            statuses=os.environ.get("BENCH_STATUSES", "1") != "0",
                            connections=int(os.environ.get("BENCH_CONNECTIONS", "256")))
        cpu0, own0 = cpu_seconds(procs), _own_cpu_seconds()
        result = asyncio.run(run(sim, seconds, warmup))
        cpu1, own1 = cpu_seconds(procs), _own_cpu_seconds()
    finally:
        stop_processes(procs)
        graph.stop()
    result["stored_out_of_order"] = len(sim.stored_inversions(stored_order(db_url)))
    total_sent = sum(len(c.expected) for c in sim.customers)
    per_part = {k: (cpu1[k] - cpu0[k]) * 1000 / max(total_sent, 1) for k in cpu0}
    result["cpu_ms_per_msg"] = sum(per_part.values())
    print(f"# {total_sent} messages from {n_contacts} contacts in {warmup:.0f} s warm-up + "
          f"{result['elapsed']:.1f} s measured, {workers} workers, {api_workers} API "
          f"process(es), {result['connections']} connections; refused {result['refused']}, "
          f"HTTP 500 {result['server_errors']}; stored out of order "
          f"{result['stored_out_of_order']}; status ack p99 "
          f"{result['status_ack_p99_ms']:.0f} ms; CPU ms/msg: "
          + ", ".join(f"{k} {v:.2f}" for k, v in per_part.items())
          + f" (not counted: this load generator and the fake Graph, on the same cores, "
          f"{(own1 - own0) * 1000 / max(total_sent, 1):.2f})", file=sys.stderr)
    print("bench: " + " ".join(
        f"{k}={result[k]:.2f}" if k == "cpu_ms_per_msg"
        else f"{k}={result[k]:.0f}" if isinstance(result[k], float) else f"{k}={result[k]}"
        for k in ("offered_per_s", "replied_per_s", "statuses_per_s", "ack_p50_ms",
                  "ack_p99_ms", "reply_p50_ms", "reply_p99_ms", "lost", "duplicated",
                  "out_of_order", "busiest_second", "cpu_ms_per_msg")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
