"""`make fault`: exactly once, in order, under faults — counted from the outside.

The production shape (uvicorn API, 3 `ylada worker`, PostgreSQL with fsync on, Redis) takes
open-loop traffic from ylada_app.testing.loadgen playing Meta — statuses for every reply,
5 % of inbound webhooks delivered three times, refused webhooks retried with backoff — while
this script breaks things on a schedule:

  worker SIGKILL (a new one started 2 s later, as a supervisor would) · Redis restart (the
  queue, the dirty set and the locks are lost) · PostgreSQL crash-restart (immediate stop) ·
  Graph 429s, 500s and answers that come after the sender's timeout (accepted, outcome in
  doubt)

and then counts from the fake Graph's log and the database: lost, duplicated and out-of-order
replies, HTTP 500s, and per fault how long replies took to flow again. One line:

fault: messages=… lost=… duplicated=… out_of_order=… http_500=… recovery_s=…

FAULT_RATE (default 60 msg/s) × FAULT_SECONDS (default 170) messages; FAULT_CONTACTS (300).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ylada_app.testing.bench import (
    PNID,
    SECRET,
    TOKEN,
    prepare_database,
    process_env,
    start_processes,
    start_worker,
    stop_processes,
    stored_order,
)
from ylada_app.testing.loadgen import MetaSimulator, pct

GRAPH_TIMEOUT_S = 2.0  # the workers' Graph timeout here (10 s in production)


def restart_redis() -> None:
    """Stop the test Redis (losing everything in it) and start it again; returns once it
    answers."""
    port, folder = os.environ["TEST_REDIS_PORT"], os.environ["TEST_REDIS_DIR"]
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    time.sleep(0.5)
    subprocess.run(["redis-server", "--bind", "127.0.0.1", "--port", port, "--save", "",
                    "--appendonly", "no", "--daemonize", "yes", "--pidfile",
                    f"{folder}/redis.pid", "--dir", folder, "--logfile", f"{folder}/redis.log"],
                   check=True)
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", port, "ping"],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.1)


def restart_postgres() -> None:
    data, pg_bin = os.environ["TEST_PG_DATA"], os.environ["TEST_PG_BIN"]
    subprocess.run(["runuser", "-u", "postgres", "--", f"{pg_bin}/pg_ctl", "-D", data, "-w",
                    "-m", "immediate", "-o", os.environ["TEST_PG_OPTS"], "-l",
                    f"{Path(data).parent}/pg.log", "restart"], check=True, capture_output=True)


async def inject(procs: list, env: dict, graph, t0: float, log: list) -> None:
    """The fault schedule, in seconds from the start of the traffic."""
    loop = asyncio.get_running_loop()

    async def at(second: float) -> None:
        await asyncio.sleep(max(0.0, t0 + second - time.time()))

    await at(10)
    victim = procs[1]
    os.killpg(victim.pid, signal.SIGKILL)
    log.append(("worker SIGKILL", time.time()))
    await asyncio.sleep(2)
    procs[1] = start_worker(env)
    await at(25)
    log.append(("Redis restart", time.time()))
    await loop.run_in_executor(None, restart_redis)
    await at(40)
    log.append(("PostgreSQL crash-restart", time.time()))
    await loop.run_in_executor(None, restart_postgres)
    await at(60)
    log.append(("Graph 429 ×40", time.time()))
    graph.fail_next(429, 40)
    await at(66)
    log.append(("Graph 500 ×40", time.time()))
    graph.fail_next(500, 40)
    await at(72)
    log.append(("Graph accepts, answers late ×20", time.time()))
    graph.stall_after_accepting(20, GRAPH_TIMEOUT_S + 1)
    await at(78)
    os.killpg(procs[2].pid, signal.SIGKILL)  # and a worker dies mid-send
    log.append(("worker SIGKILL (2)", time.time()))
    await asyncio.sleep(2)
    procs[2] = start_worker(env)


def recovery(sim: MetaSimulator, when: float) -> float:
    """Seconds after `when` until a message sent after it is answered within 2 s again."""
    sent_after = sorted((sent, sent + ms / 1000) for sent, ms in (
        (c.sent_at[i], (r - c.sent_at[i]) * 1000) for c in sim.customers
        for i, r in enumerate(c.reply_at) if i in c.sent_at) if sent >= when)
    for sent, replied in sent_after:
        if replied - sent <= 2.0:
            return max(0.0, replied - when)
    return float("inf")


async def run(sim: MetaSimulator, procs: list, env: dict, graph, seconds: float) -> list:
    watch = asyncio.ensure_future(sim.watch_graph())
    statuses = asyncio.ensure_future(sim.post_statuses())
    faults: list[tuple[str, float]] = []
    injector = asyncio.ensure_future(inject(procs, env, graph, time.time(), faults))
    await sim.send_for(seconds)
    with contextlib.suppress(asyncio.CancelledError):
        await injector
    await sim.settle(timeout=120)
    await asyncio.sleep(3)  # late duplicates (a sweeper re-send) would show up here
    watch.cancel()
    statuses.cancel()
    sim.close()
    return faults


def _attribute(sim: MetaSimulator, faults: list[tuple[str, float]],
               inversions: list[tuple[int, int]]) -> None:
    """Where the disorder came from: each stored inversion and each first wrong reply,
    counted against the last fault before it (stderr)."""
    def window(t: float) -> str:
        before = [name for name, when in faults if when <= t]
        return before[-1] if before else "before any fault"

    stored: dict[str, int] = {}
    for customer, seq in inversions:
        key = window(sim.customers[customer].sent_at.get(seq, 0))
        stored[key] = stored.get(key, 0) + 1
    replies: dict[str, int] = {}
    for c in sim.customers:
        for i, (exp, got) in enumerate(zip(c.expected, c.replies, strict=False)):
            if exp != got:
                key = window(c.reply_at[i])
                replies[key] = replies.get(key, 0) + 1
                break
    for name in dict.fromkeys([*stored, *replies]):
        print(f"# disorder after {name}: {stored.get(name, 0)} stored, "
              f"{replies.get(name, 0)} customers' replies", file=sys.stderr)


def main() -> int:
    rate = float(os.environ.get("FAULT_RATE", "60"))
    seconds = float(os.environ.get("FAULT_SECONDS", "170"))
    contacts = int(os.environ.get("FAULT_CONTACTS", "300"))
    if seconds < 85:
        print("FAULT_SECONDS must be ≥ 85 (the fault schedule runs to 80 s)", file=sys.stderr)
        return 2
    from ylada_app.testing.fake_graph import FakeGraph

    graph = FakeGraph()
    graph.record_requests = False
    graph_url = graph.start()
    graph.add_number(PNID, TOKEN)
    os.environ["WHATSAPP_GRAPH_TIMEOUT_S"] = str(GRAPH_TIMEOUT_S)
    db_url, key = prepare_database(graph_url)
    api, procs = start_processes(db_url, graph_url, 3, 1)
    env = process_env(db_url, graph_url)
    sim = MetaSimulator(api, f"/webhooks/whatsapp/{key}", SECRET, PNID, graph,
                        contacts=contacts, rate=rate, meta_retries=True, triplicate=0.05)
    try:
        faults = asyncio.run(run(sim, procs, env, graph, seconds))
        stored = stored_order(db_url)
        inversions = sim.stored_inversions(stored)
        if os.environ.get("BENCH_DEBUG"):
            for customer, seq in inversions[:5]:
                print(f"# c{customer} seq {seq}: stored {stored[customer]} refused "
                      f"{sorted(sim.customers[customer].refused)}", file=sys.stderr)
    finally:
        stop_processes(procs)
        graph.stop()
    counted = sim.count()
    messages = sum(len(c.expected) for c in sim.customers)
    recoveries = [(name, recovery(sim, when)) for name, when in faults]
    latencies = sim.reply_latencies(0)
    for name, took in recoveries:
        print(f"# {name}: replies flowing again after {took:.1f} s", file=sys.stderr)
    _attribute(sim, faults, inversions)
    print(f"# {messages} messages at {rate:.0f}/s from {contacts} contacts; refused (retried) "
          f"{sim.totals.refused}, statuses {sim.totals.statuses_posted}; reply p50/p99 "
          f"{pct(latencies, 50):.0f}/{pct(latencies, 99):.0f} ms; stored out of order "
          f"{len(inversions)}", file=sys.stderr)
    print(f"fault: messages={messages} lost={counted['lost']} "
          f"duplicated={counted['duplicated']} "
          f"out_of_order={counted['out_of_order'] + len(inversions)} "
          f"http_500={sim.totals.server_errors} "
          f"recovery_s={max((t for _, t in recoveries), default=0):.1f}")
    bad = counted["lost"] or counted["duplicated"] or counted["out_of_order"] or inversions \
        or sim.totals.server_errors
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
