"""The pipeline benchmark (`make bench`): signed webhooks in, replies out, on loopback.

Starts the HTTP API (uvicorn) and `ylada worker` processes against the PostgreSQL and Redis
that scripts/bench.sh started, a fake Graph API in this process, and N simulated contacts.
Each contact alternates "oi" (→ the menu with buttons) and a tap on "Ver catálogo" (→ a
text), sending its next message once the previous one was answered. Prints ONE line:

bench: replied_per_s=… ack_p50_ms=… ack_p99_ms=… reply_p50_ms=… reply_p99_ms=… lost=…
duplicated=… out_of_order=… api_cpu_ms_per_msg=… worker_cpu_ms_per_reply=…

The first BENCH_WARMUP_S seconds (default 5) create the contacts and warm caches and
connections, ramping the offered rate up from a quarter; latencies and the reply rate are
measured after them (the warm-up's ack p99 is printed on the comment line),
lost/duplicated/out-of-order over the whole run.

BENCH_RATE=N offers N messages/s, open loop, as Meta delivers webhooks (default 350, above
the 300/s target); each contact still waits for its previous reply. BENCH_RATE=0 lets every
contact send as fast as it is answered: the saturation point, where acknowledgements queue
too. CPU milliseconds per message show where the time goes independently of what else the
machine is doing.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "EAAG" + "b" * 60
SECRET = "0123456789abcdef0123456789abcdef"
PNID = "109876543210"


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(graph_url: str) -> tuple[str, str]:
    """A fresh database with one tenant, a connected number and the menu flow."""
    import psycopg

    admin = os.environ["TEST_PG_ADMIN_URL"]
    name = f"ylada_bench_{os.getpid()}"
    with psycopg.connect(admin.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name
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


class RawHttp:
    """A minimal keep-alive HTTP/1.1 client for the load driver: httpx costs the driver more
    CPU per request than the server under test spends, on a 2-core machine that matters."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def reset(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            return await self._post(path, body, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            # The server closed an idle keep-alive connection: reconnect once.
            await self.reset()
            return await self._post(path, body, headers)

    async def _post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if length:
            await self.reader.readexactly(length)
        return int(status_line.split()[1])


@dataclass
class Contact:
    wa_id: str
    sent: list[float] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    replies: list[tuple[float, str]] = field(default_factory=list)
    event: asyncio.Event = field(default_factory=asyncio.Event)


async def run(seconds: float, n_contacts: int, api: str, key: str, graph,
              warmup: float = 0.0) -> dict:
    """Traffic for `warmup` + `seconds`; latencies and the reply rate count only what was
    sent after the warm-up (contacts created, caches and connections warm). Lost, duplicated
    and out-of-order replies count over the whole run."""
    from ylada_app.channels.whatsapp_cloud import samples

    contacts = {f"55119{7000000 + i:08d}": Contact(f"55119{7000000 + i:08d}")
                for i in range(n_contacts)}
    acks: list[tuple[float, float]] = []
    t_measure = time.time() + warmup
    stop_at = t_measure + seconds
    rate = float(os.environ.get("BENCH_RATE", "350"))
    next_slot = [time.time()]

    async def paced() -> None:
        """Open-loop pacing: one send slot every 1/rate seconds across all contacts; the
        rate ramps up from a quarter during the warm-up (a load test's ramp-up)."""
        if rate <= 0:
            return
        ramp = 1.0 if warmup <= 0 else min(1.0, max(0.25, 1 - (t_measure - time.time()) / warmup))
        slot = next_slot[0] = max(next_slot[0] + 1.0 / (rate * ramp), time.time())
        delay = slot - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
    path = f"/webhooks/whatsapp/{key}"

    async def collect():
        seen = 0
        while True:
            sent = graph.sent
            while seen < len(sent):
                m = sent[seen]
                seen += 1
                c = contacts.get(m.get("to"))
                if c is not None:
                    c.replies.append((time.time(), m.get("type", "")))
                    c.event.set()
            await asyncio.sleep(0.002)

    async def contact_loop(c: Contact, client: RawHttp):
        k = 0
        while time.time() < stop_at:
            if k % 2 == 0:
                msg, kind = samples.text_message(c.wa_id, "oi"), "interactive"
            else:
                msg, kind = samples.button_reply(c.wa_id, "catalogo", "Ver catálogo"), "text"
            raw, headers = samples.signed(samples.inbound_webhook(PNID, [msg]), SECRET)
            await paced()
            c.event.clear()
            t0 = time.time()
            c.sent.append(t0)
            c.expected.append(kind)
            try:
                ok = await client.post(path, raw, headers) == 200
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                ok = False
                await client.reset()
            acks.append((t0, (time.time() - t0) * 1000))
            if not ok:
                c.sent.pop()
                c.expected.pop()
                continue
            k += 1
            deadline = time.time() + 10
            while len(c.replies) < len(c.sent) and time.time() < deadline:
                c.event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(c.event.wait(), timeout=0.5)

    collector = asyncio.create_task(collect())
    host, port = api.removeprefix("http://").split(":")
    clients = [RawHttp(host, int(port)) for _ in contacts]
    await asyncio.gather(*(contact_loop(c, cl) for c, cl in zip(contacts.values(), clients,
                                                                strict=True)))
    t_end = time.time()
    for cl in clients:
        await cl.reset()
    drain_until = time.time() + 15
    while time.time() < drain_until and any(len(c.replies) < len(c.sent)
                                            for c in contacts.values()):
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # late duplicates would show up here
    collector.cancel()

    sent = sum(len(c.sent) for c in contacts.values())
    got = sum(len(c.replies) for c in contacts.values())
    lost = sum(max(0, len(c.sent) - len(c.replies)) for c in contacts.values())
    dup = sum(max(0, len(c.replies) - len(c.sent)) for c in contacts.values())
    ooo = sum(1 for c in contacts.values()
              for exp, (_, kind) in zip(c.expected, c.replies, strict=False) if exp != kind)
    latencies = [(r[0] - s) * 1000 for c in contacts.values()
                 for s, r in zip(c.sent, c.replies, strict=False) if s >= t_measure]
    in_window = sum(1 for c in contacts.values() for t, _ in c.replies
                    if t_measure <= t <= t_end)
    if os.environ.get("BENCH_TIMELINE"):
        _print_timeline(acks, [(s, (r[0] - s) * 1000) for c in contacts.values()
                               for s, r in zip(c.sent, c.replies, strict=False)], t_measure)
    measured_acks = [ms for t0, ms in acks if t0 >= t_measure]
    warm_acks = [ms for t0, ms in acks if t0 < t_measure]
    return {
        "sent": sent, "replied": got, "elapsed": t_end - t_measure,
        "replied_per_s": in_window / max(t_end - t_measure, 1e-9),
        "ack_p50_ms": _pct(measured_acks, 50), "ack_p99_ms": _pct(measured_acks, 99),
        "warmup_ack_p99_ms": _pct(warm_acks, 99),
        "reply_p50_ms": _pct(latencies, 50), "reply_p99_ms": _pct(latencies, 99),
        "lost": lost, "duplicated": dup, "out_of_order": ooo,
        "reply_mean_ms": statistics.fmean(latencies) if latencies else 0.0,
    }


def _print_timeline(acks: list[tuple[float, float]], replies: list[tuple[float, float]],
                    t_measure: float) -> None:
    """BENCH_TIMELINE=1: per second of sending, ack and reply p50/max (stderr)."""
    seconds: dict[int, tuple[list[float], list[float]]] = {}
    for i, series in enumerate((acks, replies)):
        for t0, ms in series:
            seconds.setdefault(int(t0 - t_measure + 1000) - 1000, ([], []))[i].append(ms)
    for second in sorted(seconds):
        a, r = seconds[second]
        print(f"# t={second:+3d}s n={len(a):4d} ack p50 {_pct(a, 50):5.0f} "
              f"max {max(a, default=0):5.0f} | reply p50 {_pct(r, 50):5.0f} "
              f"max {max(r, default=0):5.0f} ms", file=sys.stderr)


def start_processes(db_url: str, graph_url: str, workers: int, api_workers: int):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": os.environ["TEST_REDIS_URL"],
           "WHATSAPP_GRAPH_URL": graph_url, "YLADA_ENV": "development",
           # A top-tier number (Meta allows up to 1,000 msg/s); the default is 80.
           "WHATSAPP_RATE_PER_S": os.environ.get("BENCH_RATE_PER_S", "1000"),
           "PYTHONUNBUFFERED": "1"}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ylada_app.api:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(api_workers), "--no-access-log",
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)]
    for _ in range(workers):
        # Workers run at a lower CPU priority than the webhook receiver: on a shared host the
        # acknowledgement Meta waits for must not queue behind batch work.
        procs.append(subprocess.Popen(
            ["nice", "-n", os.environ.get("BENCH_WORKER_NICE", "10"), sys.executable, "-m",
             "ylada_app.cli", "worker"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
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


def cpu_seconds(procs) -> tuple[float, float]:
    """(API, workers) CPU seconds used so far, children included."""
    import psutil

    totals = [0.0, 0.0]
    for i, p in enumerate(procs):
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(p.pid)
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    t = proc.cpu_times()
                    totals[0 if i == 0 else 1] += t.user + t.system
    return totals[0], totals[1]


def stop_processes(procs) -> None:
    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def main() -> int:
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    warmup = float(os.environ.get("BENCH_WARMUP_S", "5"))
    n_contacts = int(os.environ.get("BENCH_CONTACTS", "200"))
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
        cpu0 = cpu_seconds(procs)
        result = asyncio.run(run(seconds, n_contacts, api, key, graph, warmup))
        cpu1 = cpu_seconds(procs)
        result["api_cpu_ms_per_msg"] = (cpu1[0] - cpu0[0]) * 1000 / max(result["sent"], 1)
        result["worker_cpu_ms_per_reply"] = (cpu1[1] - cpu0[1]) * 1000 / max(result["replied"], 1)
    finally:
        stop_processes(procs)
        graph.stop()
    print(f"# {result['sent']} messages from {n_contacts} contacts in {warmup:.0f} s warm-up + "
          f"{result['elapsed']:.1f} s measured, {workers} workers, {api_workers} API "
          f"process(es); warm-up ack p99 {result['warmup_ack_p99_ms']:.0f} ms; reply mean "
          f"{result['reply_mean_ms']:.0f} ms", file=sys.stderr)
    print("bench: " + " ".join(
        f"{k}={result[k]:.1f}" if k.endswith("cpu_ms_per_msg") or k.endswith("per_reply")
        else f"{k}={result[k]:.0f}" if isinstance(result[k], float) else f"{k}={result[k]}"
        for k in ("replied_per_s", "ack_p50_ms", "ack_p99_ms", "reply_p50_ms", "reply_p99_ms",
                  "lost", "duplicated", "out_of_order", "api_cpu_ms_per_msg",
                  "worker_cpu_ms_per_reply")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
