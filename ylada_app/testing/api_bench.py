"""The public API and outgoing webhooks under load (`make bench-api`), on loopback.

Starts the HTTP API (uvicorn) and `ylada worker` processes on the PostgreSQL and Redis that
scripts/with_services.sh started, a fake Graph API and a webhook receiver in this process, and
a business with CONTACTS contacts whose 24-hour window is open.

1. **API, open loop**: requests arrive on a Poisson schedule at RATE/s for SECONDS,
   whatever the answers: half `POST /messages` (a text to a random contact, each with its
   own Idempotency-Key), half `GET /contacts` (a page of 50 from a random cursor). Latency
   is measured from the *scheduled* time, so a server falling behind shows as latency
   instead of a quietly lower rate. Every accepted send must then reach the fake Graph API.
2. **Webhook fan-out**: EVENTS events written at once for ENDPOINTS endpoints on the
   receiver; the workers deliver them (signed, WEBHOOK_CONCURRENCY per receiver).

Prints ONE line:
`api-bench: send_p50_ms=… send_p99_ms=… list_contacts_p99_ms=… at N req/s errors=…
sends_delivered=…/… webhook_events_per_s=… webhooks_delivered=…/…`
Environment: API_BENCH_RATE (200), API_BENCH_SECONDS (20), API_BENCH_CONTACTS (2000),
API_BENCH_EVENTS (20000), API_BENCH_ENDPOINTS (2), BENCH_WORKERS (3).
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
import uuid
from typing import Any

import httpx

from ylada_app.testing.bench import (
    PNID,
    TOKEN,
    prepare_database,
    start_processes,
    stop_processes,
)
from ylada_app.testing.loadgen import pct


def _seed_contacts(n: int) -> tuple[str, int, int, list[int]]:
    """(write key, tenant id, instance id, contact ids): contacts who wrote a minute ago."""
    from datetime import timedelta

    from sqlalchemy import insert
    from sqlmodel import select

    from ylada_app.core.db import session_scope
    from ylada_app.models import Contact, Conversation, Instance, utcnow
    from ylada_app.services import api_keys

    now = utcnow()
    with session_scope() as s:
        inst = s.exec(select(Instance)).one()
        _, key = api_keys.create_key(s, tenant_id=inst.tenant_id, name="bench",
                                     scopes="read,write")
        conn = s.connection()
        ids = list(conn.execute(insert(Contact.__table__).returning(
            Contact.__table__.c.id, sort_by_parameter_order=True), [
            {"tenant_id": inst.tenant_id, "instance_id": inst.id,
             "wa_id": f"55119{i:08d}", "name": f"Cliente {i}", "tags": [], "fields": {},
             "opted_out": False, "created_at": now, "updated_at": now}
            for i in range(n)]).scalars())
        conn.execute(insert(Conversation.__table__), [
            {"tenant_id": inst.tenant_id, "instance_id": inst.id, "contact_id": cid,
             "status": "bot", "session": {}, "last_inbound_at": now - timedelta(minutes=1),
             "last_message_at": now - timedelta(minutes=1), "unread": 0,
             "created_at": now, "updated_at": now} for cid in ids])
        return key, inst.tenant_id, inst.id, ids


async def _load(api: str, key: str, contacts: list[int], rate: float, seconds: float
                ) -> dict[str, Any]:
    out: dict[str, Any] = {"send": [], "list": [], "errors": 0, "accepted": 0, "why": {}}
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(base_url=api + "/api/v1", headers=headers, limits=limits,
                                 timeout=30) as client:
        async def one(at: float, send: bool) -> None:
            try:
                if send:
                    res = await client.post("/messages", json={
                        "contact_id": random.choice(contacts), "type": "text",
                        "text": "Seu pedido saiu para entrega"},
                        headers={"Idempotency-Key": uuid.uuid4().hex})
                else:
                    res = await client.get("/contacts", params={
                        "limit": 50, "cursor": str(random.choice(contacts))})
                why = "" if res.status_code < 300 else f"{res.status_code}:" + str(
                    res.json().get("code") if res.headers.get("content-type", "").endswith(
                        "json") else "")
            except httpx.HTTPError as exc:
                why = type(exc).__name__
            took = (time.perf_counter() - at) * 1000
            if why:
                out["errors"] += 1
                out["why"][why] = out["why"].get(why, 0) + 1
                return
            out["send" if send else "list"].append(took)
            if send:
                out["accepted"] += 1

        tasks = []
        start = time.perf_counter()
        at = start
        rng = random.Random(7)
        while at - start < seconds:
            at += rng.expovariate(rate)
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(at, rng.random() < 0.5)))
        await asyncio.gather(*tasks)
    return out


def _fan_out(tenant_id: int, receiver_url: str, events: int, endpoints: int) -> int:
    """Endpoints on the receiver and `events` events for them, written at once."""
    from ylada_app.core.db import session_scope
    from ylada_app.services import webhooks_out

    with session_scope() as s:
        for _ in range(endpoints):
            webhooks_out.create_endpoint(s, tenant_id=tenant_id, url=receiver_url,
                                         events=["contact.updated"])
    webhooks_out.forget()
    written = 0
    while written < events:
        batch = min(1000, events - written)
        with session_scope() as s:
            webhooks_out.emit(s, [webhooks_out.Event(
                tenant_id, "contact.updated",
                {"contact": {"id": i, "name": f"Cliente {i}", "tags": ["vip"]}},
                f"c{i % 500}") for i in range(written, written + batch)])
        written += batch
    return events * endpoints


def main() -> int:
    rate = float(os.environ.get("API_BENCH_RATE", "200"))
    seconds = float(os.environ.get("API_BENCH_SECONDS", "20"))
    n_contacts = int(os.environ.get("API_BENCH_CONTACTS", "2000"))
    n_events = int(os.environ.get("API_BENCH_EVENTS", "20000"))
    n_endpoints = int(os.environ.get("API_BENCH_ENDPOINTS", "2"))
    workers = int(os.environ.get("BENCH_WORKERS", "3"))
    os.environ["API_RATE_LIMIT"] = "1000000/minute"  # one key drives the whole load
    from ylada_app.testing.fake_graph import FakeGraph
    from ylada_app.testing.webhook_receiver import WebhookReceiver

    graph = FakeGraph()
    graph.record_requests = False
    graph_url = graph.start()
    graph.add_number(PNID, TOKEN)
    receiver = WebhookReceiver()
    receiver.record = False
    receiver.start()
    db_url, _ = prepare_database(graph_url)
    key, tenant_id, _, contacts = _seed_contacts(n_contacts)
    api, procs = start_processes(db_url, graph_url, workers, 1)
    try:
        warm = asyncio.run(_load(api, key, contacts, rate / 4, 3))  # connections, caches
        deadline = time.time() + 30
        while len(graph.sent) < warm["accepted"] and time.time() < deadline:
            time.sleep(0.1)  # the warm-up's sends are out before counting the run's
        sent_before = len(graph.sent)
        result = asyncio.run(_load(api, key, contacts, rate, seconds))
        deadline = time.time() + 60
        while len(graph.sent) - sent_before < result["accepted"] and time.time() < deadline:
            time.sleep(0.2)
        delivered = len(graph.sent) - sent_before
        started = time.monotonic()
        expected = _fan_out(tenant_id, receiver.url, n_events, n_endpoints)
        deadline = time.time() + 600
        while receiver.received < expected and time.time() < deadline:
            time.sleep(0.05)
        fan_s = time.monotonic() - started
    finally:
        stop_processes(procs)
        graph.stop()
        receiver.stop()
    send, lst = result["send"], result["list"]
    print(f"# {len(send) + len(lst) + result['errors']} requests offered at {rate:.0f}/s for "
          f"{seconds:.0f} s (Poisson, open loop), {workers} workers, 1 API process; "
          f"send p50/p99 {pct(send, 50):.0f}/{pct(send, 99):.0f} ms, list p50/p99 "
          f"{pct(lst, 50):.0f}/{pct(lst, 99):.0f} ms; fan-out: {receiver.received} of "
          f"{expected} deliveries ({n_events} events x {n_endpoints} endpoints) in "
          f"{fan_s:.1f} s; errors {result['why'] or 'none'}", file=sys.stderr)
    print(f"api-bench: send_p50_ms={pct(send, 50):.0f} send_p99_ms={pct(send, 99):.0f} "
          f"list_contacts_p99_ms={pct(lst, 99):.0f} at {rate:.0f} req/s "
          f"errors={result['errors']} sends_delivered={delivered}/{result['accepted']} "
          f"webhook_events_per_s={receiver.received / fan_s:.0f} "
          f"webhooks_delivered={receiver.received}/{expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
